"""`mp-explorer doctor --probe`: ask the server which reading of the open points it follows.

Only when asked: the request is signed once per reading of spec §6.1 that gives it a different
canonical request (at most 8), each sent in turn, and the answers are compared. When every
reading gives the same canonical request, nothing is sent and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from explorer import doctor, signing
from explorer.commands.errors import UsageError
from explorer.request import WireRequest

MAX_PROBES = 8
_TOKEN_HEADERS = {signing.HEADER_NAME.lower(), "authorization", "content-length", "host"}


@dataclass(frozen=True)
class ProbeResult:
    """One reading as sent: its names, its canonical request, and the server's answer."""

    readings: tuple[str, ...]
    canonical_request: str
    status: int | None
    code: str | None
    message: str | None
    error: str | None

    @property
    def accepted(self) -> bool:
        # 900002 is the signature's refusal; any other answer got past the signature check.
        return self.error is None and self.code is not None and self.code != "900002"


@dataclass
class ProbeReport:
    """What was sent and what the server said, or why nothing was sent."""

    url: str
    results: list[ProbeResult] = field(default_factory=list)
    nothing_sent: str | None = None

    def render(self) -> str:
        if self.nothing_sent:
            return f"probe: {self.nothing_sent}"
        out = [f"probe: {len(self.results)} readings sent to {doctor.visible(self.url)}, one at a time"]
        for result in self.results:
            answer = result.error or f"HTTP {result.status}, code {result.code}: {result.message}"
            mark = "ACCEPTED" if result.accepted else "refused "
            out.append(f"  {mark} {' = '.join(result.readings)}")
            out.append(f"           {doctor.visible(answer)}")
        accepted = [r for r in self.results if r.accepted]
        answers = {(r.status, r.code) for r in self.results}
        if len(accepted) == len(self.results) and len(answers) == 1:
            out.append("every reading got the same answer, not a signature refusal: the server answered before")
            out.append("checking the signature (e.g. no such endpoint), so the probe cannot tell the readings apart")
        elif len(accepted) == 1:
            out.append(f"the server follows: {accepted[0].readings[0]}")
        elif not accepted:
            out.append("the server accepted no reading: the difference is elsewhere (see the checks above)")
        else:
            out.append("the server accepted more than one reading: it does not canonicalise these characters")
        return "\n".join(out)

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "nothing_sent": self.nothing_sent,
            "results": [
                {
                    "readings": list(r.readings),
                    "canonical_request": r.canonical_request,
                    "status": r.status,
                    "code": r.code,
                    "message": r.message,
                    "error": r.error,
                    "accepted": r.accepted,
                }
                for r in self.results
            ],
        }


def distinct_readings(request: doctor.ImportedRequest) -> list[tuple[tuple[str, ...], signing.Rules, str]]:
    """(reading names, rules, canonical request) for each distinct canonical request, the spec's first."""
    groups: dict[str, tuple[list[str], signing.Rules]] = {}
    for name, rules in signing.READINGS.items():
        *_, canonical = signing.compute_canonical_request(
            method=request.method, path=request.path, query=request.raw_query, body=request.body, rules=rules
        )
        groups.setdefault(canonical, ([], rules))[0].append(name)
    return [(tuple(names), rules, canonical) for canonical, (names, rules) in groups.items()][:MAX_PROBES]


def probe(
    request: doctor.ImportedRequest,
    found: doctor.FoundToken,
    secret_key: str | None,
    access_key_id: str | None,
    *,
    timeout: float,
) -> ProbeReport:
    """Send the request once per distinct reading (sequentially) and report which the server accepts."""
    url = request.url()
    report = ProbeReport(request.shown_url())  # what the report shows: no password
    readings = distinct_readings(request)
    if len(readings) == 1:
        report.nothing_sent = (
            "all readings of the open points give this request the same canonical request; nothing sent"
        )
        return report
    if secret_key is None:
        raise UsageError("--probe signs the request once per reading: give the secret key (--secret-key-file)")
    if access_key_id is None:
        access_key_id = _iss(found.token)
        if access_key_id is None:
            raise UsageError("--probe signs the request once per reading: give --access-key-id")
    from explorer import client

    kept = tuple((k, v) for k, v in request.headers if k.lower() not in _TOKEN_HEADERS)
    for names, rules, canonical in readings:
        with_key = signing.sign_with_rules(
            method=request.method, path=request.path, query=request.raw_query, body=request.body,
            access_key_id=access_key_id, secret_key=secret_key, rules=rules,
        )  # fmt: skip
        wire = WireRequest(
            signing.canonical_method(request.method),
            url,
            ((signing.HEADER_NAME, with_key.token), *kept),
            request.body,
        )
        exchange = client.send(wire, timeout=timeout)
        report.results.append(
            ProbeResult(names, canonical, exchange.status, exchange.code, exchange.message, exchange.error)
        )
    return report


def _iss(token: str) -> str | None:
    claims = signing.decode_payload(token) or {}
    iss = claims.get("iss")
    return iss if isinstance(iss, str) and iss else None
