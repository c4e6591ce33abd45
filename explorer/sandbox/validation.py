"""Request bodies and fields: JSON objects, typed fields, and 900001 messages that name the field."""

from __future__ import annotations

import json
from typing import Any

from explorer.sandbox import envelope as env
from explorer.sandbox.envelope import ApiError

_MISSING = object()


def invalid(field: str, problem: str, status: int = 400) -> ApiError:
    """900001 with the field named first: 'invalid parameter: templateId: is required'."""
    return ApiError(env.INVALID_PARAMETER, f"invalid parameter: {field}: {problem}", status)


def media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def json_object(body: bytes, content_type: str | None) -> dict[str, Any]:
    """The body as a JSON object; 415 for another declared media type, 900001 for anything unreadable."""
    kind = media_type(content_type)
    if kind and kind != "application/json" and not kind.endswith("+json"):
        raise invalid("Content-Type", f"expected application/json, got {kind!r}", 415)
    if not body.strip():
        raise invalid("body", "expected a JSON object, got an empty body")
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise invalid("body", f"not JSON ({type(exc).__name__}: {str(exc)[:120]})") from None
    if not isinstance(value, dict):
        raise invalid("body", f"expected a JSON object, got {type(value).__name__}")
    where = first_lone_surrogate(value)
    if where is not None:
        raise invalid(where, "contains a lone surrogate (a \\ud800-\\udfff escape without its pair); not Unicode text")
    return value


def is_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def first_lone_surrogate(value: Any, where: str = "body") -> str | None:
    """The field path of the first string (key or value) in `value` that UTF-8 cannot encode, or None.

    JSON's \\u escapes let a client write half a surrogate pair; such a string cannot be hashed,
    logged or written back as UTF-8, so it is refused where it enters. Iterative, so any depth
    json.loads accepted is walked without recursion.
    """
    stack: list[tuple[str, Any]] = [(where, value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if not is_text(item):
                return path
        elif isinstance(item, dict):
            for key, inner in item.items():
                if not is_text(key):
                    return f"{path} (a key)"
                label = key if len(key) <= 40 else key[:40] + "..."
                stack.append((label if path == "body" else f"{path}.{label}", inner))
        elif isinstance(item, list):
            stack.extend((f"{path}[{index}]", inner) for index, inner in enumerate(item))
    return None


def shown_number(value: int) -> str:
    """An integer for a message: whole when short, else its sign and digit count (never 4,000 digits)."""
    digits = len(str(abs(value)))
    if digits <= 20:
        return str(value)
    return f"a {digits:,}-digit {'negative ' if value < 0 else ''}number"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


class Fields:
    """Typed access to a JSON object; every accessor raises 900001 naming the field."""

    def __init__(self, data: dict[str, Any], prefix: str = "") -> None:
        self.data = data
        self.prefix = prefix

    def name(self, key: str) -> str:
        return f"{self.prefix}{key}"

    def has(self, key: str) -> bool:
        return key in self.data

    def _get(self, key: str, required: bool) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                raise invalid(self.name(key), "is required")
            return _MISSING
        return value

    def string(self, key: str, *, required: bool = True, max_len: int | None = None, non_empty: bool = True) -> Any:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, str):
            raise invalid(self.name(key), f"must be a string, got {_kind(value)}")
        if non_empty and not value.strip():
            raise invalid(self.name(key), "must not be empty")
        if max_len is not None and len(value) > max_len:
            raise invalid(self.name(key), f"is {len(value)} characters; at most {max_len}")
        return value

    def boolean(self, key: str, *, required: bool = False) -> Any:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, bool):
            raise invalid(self.name(key), f"must be true or false, got {_kind(value)}")
        return value

    def integer(self, key: str, *, required: bool = False, low: int | None = None, high: int | None = None) -> Any:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid(self.name(key), f"must be an integer, got {_kind(value)}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise invalid(self.name(key), f"must be from {low} to {high}, got {shown_number(value)}")
        return value

    def listing(self, key: str, *, required: bool = False, max_items: int | None = None) -> Any:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, list):
            raise invalid(self.name(key), f"must be a list, got {_kind(value)}")
        if max_items is not None and len(value) > max_items:
            raise invalid(self.name(key), f"has {len(value)} items; at most {max_items}")
        return value

    def mapping(self, key: str, *, required: bool = False) -> Any:
        value = self._get(key, required)
        if value is _MISSING:
            return None
        if not isinstance(value, dict):
            raise invalid(self.name(key), f"must be an object, got {_kind(value)}")
        return value


def template_parameters(fields: Fields, key: str = "parameters") -> list[dict[str, str]]:
    """A message's `parameters`: a list of {"name": text, "value": text or number}."""
    items = fields.listing(key, required=True, max_items=50)
    result: list[dict[str, str]] = []
    for index, item in enumerate(items):
        where = f"{fields.name(key)}[{index}]"
        if not isinstance(item, dict):
            raise invalid(where, f"must be an object with name and value, got {_kind(item)}")
        entry = Fields(item, prefix=f"{where}.")
        name = entry.string("name", max_len=64)
        value = item.get("value")
        if value is None:
            raise invalid(f"{where}.value", "is required")
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise invalid(f"{where}.value", f"must be a string or number, got {_kind(value)}")
        result.append({"name": name, "value": str(value)})
    return result
