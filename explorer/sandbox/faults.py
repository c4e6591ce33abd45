"""Faults on demand: make Open API calls fail the way a real server does, so error handling gets tested.

A fault is one rule: which calls it applies to (one endpoint by name, or every /mp-api/ call), how
many (the next N, or a share of them), and what they get instead of the real answer:

    code        an error envelope with a chosen code (900231 rate limited, 900003, 900200 ...)
    http        an HTTP 5xx with an HTML body, as a gateway in front of the Open API answers
    delay       the real answer, late by a chosen number of seconds
    close       the connection closed without an answer
    rate_limit  900231 for every call past a rate (a token bucket: `perSecond`, `burst`)

With no fault set, /mp-api/ calls take exactly the path they take without this module (one list
check). Faults are checked in the order they were added; the first that fires decides. The table
is bounded (MAX_FAULTS); a spec that cannot be read is a 900001 naming the field.
"""

from __future__ import annotations

import logging
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from explorer.endpoints import API_PREFIX, ENDPOINTS
from explorer.sandbox import envelope as env
from explorer.sandbox.envelope import ApiError

KINDS = ("code", "http", "delay", "close", "rate_limit")
RATE_LIMITED = "900231"
MAX_FAULTS = 64
MAX_DELAY = 60.0
MAX_COUNT = 1_000_000
MAX_MESSAGE = 200
# The HTTP status an error code answers with unless the spec says `httpStatus`.
DEFAULT_STATUS = {RATE_LIMITED: 429, env.UNEXPECTED: 500}
SPEC_KEYS = {
    "kind",
    "endpoint",
    "count",
    "share",
    "seed",
    "code",
    "message",
    "httpStatus",
    "status",
    "seconds",
    "perSecond",
    "burst",
}

logger = logging.getLogger("explorer.sandbox.requests")
_ENDPOINT_NAMES = {endpoint.name.lower(): endpoint.name for endpoint in ENDPOINTS}
_PREFIX_SEGMENTS = len(API_PREFIX.strip("/").split("/"))


class FaultSpecError(ApiError):
    """A fault spec that cannot be used: 900001 naming the field."""

    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(env.INVALID_PARAMETER, f"invalid parameter: {field_name}: {problem}", 400)


def endpoint_of(method: str, path: str) -> str | None:
    """The endpoint name a call's method and (decoded) path address, or None."""
    segments = path.strip("/").split("/")[_PREFIX_SEGMENTS:]
    for endpoint in ENDPOINTS:
        pattern = endpoint.path.strip("/").split("/")
        if endpoint.method != method or len(pattern) != len(segments):
            continue
        if all(part.startswith("{") or part == seg for part, seg in zip(pattern, segments, strict=True)):
            return endpoint.name
    return None


@dataclass
class Fault:
    """One rule of the table, with its counters; `as_dict()` is what the route lists."""

    id: int
    kind: str
    endpoint: str | None = None
    count: int | None = None
    share: float = 1.0
    code: str | None = None
    message: str | None = None
    http_status: int = 0
    seconds: float = 0.0
    per_second: float = 0.0
    burst: int = 0
    seen: int = 0
    fired: int = 0
    tokens: float = 0.0
    refilled_at: float = 0.0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "endpoint": self.endpoint or "*"}
        if self.kind == "rate_limit":
            out.update(perSecond=self.per_second, burst=self.burst, httpStatus=self.http_status)
        else:
            out.update(remaining=self.count, share=self.share)
        if self.kind == "code":
            out.update(code=self.code, message=self.message, httpStatus=self.http_status)
        elif self.kind == "http":
            out["status"] = self.http_status
        elif self.kind == "delay":
            out["seconds"] = self.seconds
        out.update(seen=self.seen, fired=self.fired)
        return out

    def fires(self, now: float) -> bool:
        """Whether this call gets the fault (counts it and spends one of `count`)."""
        self.seen += 1
        if self.kind == "rate_limit":
            self.tokens = min(float(self.burst), self.tokens + (now - self.refilled_at) * self.per_second)
            self.refilled_at = now
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return False
        elif self.share < 1.0 and self.rng.random() >= self.share:
            return False
        self.fired += 1
        if self.count is not None:
            self.count -= 1
        return True


def _number(spec: dict[str, Any], key: str, low: float, high: float, *, whole: bool = False) -> float | None:
    value = spec.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or (whole and not isinstance(value, int)):
        raise FaultSpecError(key, f"expected {'a whole number' if whole else 'a number'}, got {value!r}"[:200])
    if not (low <= value <= high) or not math.isfinite(value):
        raise FaultSpecError(key, f"must be {low:g} to {high:g}, got {value!r}")
    return value


def _text(spec: dict[str, Any], key: str, limit: int) -> str | None:
    value = spec.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise FaultSpecError(key, f"expected a string, got {type(value).__name__}")
    if len(value) > limit:
        raise FaultSpecError(key, f"at most {limit} characters, got {len(value)}")
    return value


def parse_spec(spec: Any, fault_id: int) -> Fault:
    """A Fault from its JSON form (see the module docstring); FaultSpecError names what is wrong."""
    if not isinstance(spec, dict):
        raise FaultSpecError("body", f"expected a JSON object, got {type(spec).__name__}")
    unknown = sorted(str(key) for key in spec if key not in SPEC_KEYS)
    if unknown:
        raise FaultSpecError(unknown[0][:40], f"unknown field; a fault takes {', '.join(sorted(SPEC_KEYS))}")
    kind = spec.get("kind")
    if kind not in KINDS:
        raise FaultSpecError("kind", f"must be one of {', '.join(KINDS)}, got {kind!r}"[:200])
    endpoint_text = _text(spec, "endpoint", 64)
    endpoint = None
    if endpoint_text not in (None, "", "*"):
        endpoint = _ENDPOINT_NAMES.get(str(endpoint_text).lower())
        if endpoint is None:
            names = ", ".join(e.name for e in ENDPOINTS)
            raise FaultSpecError("endpoint", f"{endpoint_text!r} is not an endpoint; use '*' or one of {names}")
    count = _number(spec, "count", 1, MAX_COUNT, whole=True)
    share = _number(spec, "share", 0.0, 1.0)
    seed = _number(spec, "seed", -(2**63), 2**63, whole=True)
    fault = Fault(id=fault_id, kind=kind, endpoint=endpoint)
    fault.rng = random.Random(seed)
    if kind == "rate_limit":
        if count is not None or share is not None:
            raise FaultSpecError("count", "a rate_limit has no count or share; it holds until cleared")
        per_second = _number(spec, "perSecond", 0.001, 1_000_000)
        if per_second is None:
            raise FaultSpecError("perSecond", "is required for a rate_limit (calls per second allowed)")
        burst = _number(spec, "burst", 1, MAX_COUNT, whole=True)
        fault.per_second = float(per_second)
        fault.burst = int(burst) if burst is not None else max(1, math.ceil(per_second))
        fault.tokens = float(fault.burst)
        fault.refilled_at = time.monotonic()
        fault.code = RATE_LIMITED
        fault.message = _text(spec, "message", MAX_MESSAGE) or "rate limit exceeded (sandbox rate_limit fault)"
        status = _number(spec, "httpStatus", 200, 599, whole=True)
        fault.http_status = int(status) if status is not None else DEFAULT_STATUS[RATE_LIMITED]
        return fault
    # No count and no share: the next call only. A share alone: until cleared.
    fault.count = int(count) if count is not None else (None if share is not None else 1)
    fault.share = float(share) if share is not None else 1.0
    if kind == "code":
        code = spec.get("code")
        if not (isinstance(code, str) and len(code) == 6 and code.isdigit() and code != env.SUCCESS):
            raise FaultSpecError("code", f"expected a six-digit error code string such as '900231', got {code!r}"[:200])
        fault.code = code
        fault.message = _text(spec, "message", MAX_MESSAGE) or f"{env.describe(code)} (sandbox fault)"
        status = _number(spec, "httpStatus", 200, 599, whole=True)
        fault.http_status = int(status) if status is not None else DEFAULT_STATUS.get(code, 400)
    elif kind == "http":
        status = _number(spec, "status", 500, 599, whole=True)
        fault.http_status = int(status) if status is not None else 503
    elif kind == "delay":
        seconds = _number(spec, "seconds", 0, MAX_DELAY)
        if seconds is None:
            raise FaultSpecError("seconds", f"is required for a delay (0 to {MAX_DELAY:g})")
        fault.seconds = float(seconds)
    return fault


class Faults:
    """The sandbox's fault table, shared by the server's event loop and the caller's thread."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._next_id = 1
        self.clock = clock
        # Set by the runner: close the connection of a client address; False when it cannot.
        self.close_connection: Callable[[Any], bool] | None = None

    def add(self, spec: dict[str, Any]) -> dict[str, Any]:
        """Add a fault from its JSON form; returns it as listed. FaultSpecError when unusable or full."""
        with self._lock:
            fault = parse_spec(spec, self._next_id)
            if len(self._faults) >= MAX_FAULTS:
                raise FaultSpecError("faults", f"at most {MAX_FAULTS} faults at once; clear some first")
            self._next_id += 1
            self._faults.append(fault)
            return fault.as_dict()

    def list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [fault.as_dict() for fault in self._faults]

    def remove(self, fault_id: int) -> bool:
        with self._lock:
            before = len(self._faults)
            self._faults = [fault for fault in self._faults if fault.id != fault_id]
            return len(self._faults) != before

    def clear(self) -> int:
        with self._lock:
            cleared = len(self._faults)
            self._faults = []
            return cleared

    def __bool__(self) -> bool:
        return bool(self._faults)

    def draw(self, method: str, path: str) -> Fault | None:
        """The fault this call gets, if any (exhausted faults leave the table)."""
        if not self._faults:
            return None
        name = endpoint_of(method, path)
        now = self.clock()
        with self._lock:
            for fault in self._faults:
                if fault.endpoint is not None and fault.endpoint != name:
                    continue
                if fault.fires(now):
                    if fault.count == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    # --- the same as the route, for Python callers (the pytest plugin) ------------------------

    def fail_with_code(
        self,
        code: str,
        *,
        endpoint: str | None = None,
        count: int | None = None,
        share: float | None = None,
        http_status: int | None = None,
        message: str | None = None,
        seed: int | None = None,
    ) -> dict[str, Any]:
        """The next `count` calls (default 1), or a `share` of them, answer the error envelope `code`."""
        return self.add(_spec("code", endpoint, count, share, seed, code=code, httpStatus=http_status, message=message))

    def fail_with_status(
        self,
        status: int = 503,
        *,
        endpoint: str | None = None,
        count: int | None = None,
        share: float | None = None,
        seed: int | None = None,
    ) -> dict[str, Any]:
        """The next `count` calls (default 1), or a share, answer HTTP `status` (5xx) with an HTML body."""
        return self.add(_spec("http", endpoint, count, share, seed, status=status))

    def delay(
        self,
        seconds: float,
        *,
        endpoint: str | None = None,
        count: int | None = None,
        share: float | None = None,
        seed: int | None = None,
    ) -> dict[str, Any]:
        """The next `count` calls (default 1), or a share, get their real answer `seconds` late."""
        return self.add(_spec("delay", endpoint, count, share, seed, seconds=seconds))

    def close_connections(
        self,
        *,
        endpoint: str | None = None,
        count: int | None = None,
        share: float | None = None,
        seed: int | None = None,
    ) -> dict[str, Any]:
        """The next `count` calls (default 1), or a share, have their connection closed unanswered."""
        return self.add(_spec("close", endpoint, count, share, seed))

    def rate_limit(
        self,
        per_second: float,
        *,
        burst: int | None = None,
        endpoint: str | None = None,
        http_status: int | None = None,
    ) -> dict[str, Any]:
        """Calls past `per_second` (bursts up to `burst`) answer 900231 until cleared."""
        return self.add(
            _spec("rate_limit", endpoint, None, None, None, perSecond=per_second, burst=burst, httpStatus=http_status)
        )


def _spec(
    kind: str, endpoint: str | None, count: int | None, share: float | None, seed: int | None, **extra: Any
) -> dict[str, Any]:
    spec: dict[str, Any] = {"kind": kind, "endpoint": endpoint, "count": count, "share": share, "seed": seed}
    spec.update(extra)
    return {key: value for key, value in spec.items() if value is not None}
