"""How a signer built its canonical request, as data: the inputs it held, the Rules it followed,
and the small edits it made to a stage's output. Building a recipe calls `explorer.signing` for
every stage, so the doctor never carries a second copy of the rules.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from explorer import signing

StageEdit = Callable[[str], str]


def _join_lines(parts: tuple[str, str, str, str]) -> str:
    return signing.canonical_request(*parts)


@dataclass(frozen=True)
class Recipe:
    """One way of signing a request. The spec's way is `Recipe.for_request(...)` unchanged."""

    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    body: bytes
    rules: signing.Rules = signing.SPEC_RULES
    # Body re-serialisation flags ('spaces', 'sort_keys', 'ascii', 'indent', 'compact'), applied to the JSON body.
    json_style: frozenset[str] = frozenset()
    body_suffix: bytes = b""
    body_empty: bool = False
    method_edits: tuple[StageEdit, ...] = ()
    uri_edits: tuple[StageEdit, ...] = ()
    query_edits: tuple[StageEdit, ...] = ()
    hash_edits: tuple[StageEdit, ...] = ()
    join: Callable[[tuple[str, str, str, str]], str] = _join_lines
    dig_form: Callable[[str], str] = signing.digest

    @classmethod
    def for_request(cls, method: str, path: str, query: tuple[tuple[str, str], ...], body: bytes) -> Recipe:
        return cls(method=method, path=path, query=query, body=body)

    def with_rules(self, **changes: bool) -> Recipe:
        return replace(self, rules=replace(self.rules, **changes))

    def edit(self, stage: str, edit: StageEdit) -> Recipe:
        """A recipe whose `stage` ('method', 'uri', 'query' or 'hash') output goes through `edit` too."""
        name = f"{stage}_edits"
        edits: tuple[StageEdit, ...] = getattr(self, name)
        # A field chosen by name: mypy cannot match a computed keyword to its field's type.
        changes: dict[str, Any] = {name: (*edits, edit)}
        return replace(self, **changes)


# Re-serialising is the search's one cost that grows with the body (indenting runs json's Python
# encoder); the Open API's JSON bodies are a few KiB, so a larger body is not tried in other forms.
MAX_REWRITTEN_BODY = 16 * 1024
_NOT_JSON = object()


def parse_json_body(body: bytes) -> Any:
    """The body's JSON value, or _NOT_JSON (not JSON, or too large to be worth re-serialising)."""
    if not body or body[:1] not in b"{[" or len(body) > MAX_REWRITTEN_BODY:
        return _NOT_JSON
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        return _NOT_JSON


def reserialise_json(value: Any, style: frozenset[str]) -> bytes:
    """A JSON value written in `style` ('spaces', 'sort_keys', 'ascii', 'indent'; else compact UTF-8)."""
    if "indent" in style:
        separators = (",", ": ")
    elif "spaces" in style:
        separators = (", ", ": ")
    else:
        separators = (",", ":")
    text = json.dumps(
        value,
        separators=separators,
        indent=2 if "indent" in style else None,
        sort_keys="sort_keys" in style,
        ensure_ascii="ascii" in style,
    )
    return text.encode("utf-8")


@dataclass(frozen=True)
class Built:
    """What a recipe produces: the four canonical parts, the canonical request, the dig claim."""

    parts: tuple[str, str, str, str]
    canonical_request: str
    dig: str


class Builder:
    """Builds recipes with memoised stages: a search builds hundreds that share most inputs."""

    def __init__(self) -> None:
        self._uri: dict[tuple[str, signing.Rules], str] = {}
        self._query: dict[tuple[tuple[tuple[str, str], ...], signing.Rules], str] = {}
        self._hash: dict[bytes, str] = {}
        # Per builder, not per process: a long-running sandbox must not keep request bodies around.
        self._parsed: dict[bytes, Any] = {}
        self._json: dict[tuple[bytes, frozenset[str]], bytes] = {}

    def body(self, recipe: Recipe) -> bytes | None:
        if recipe.body_empty:
            return b""
        body = recipe.body
        if recipe.json_style:
            if body not in self._parsed:
                self._parsed[body] = parse_json_body(body)
            value = self._parsed[body]
            if value is _NOT_JSON:
                return None
            key = (body, recipe.json_style)
            if key not in self._json:
                self._json[key] = reserialise_json(value, recipe.json_style)
            body = self._json[key]
        return body + recipe.body_suffix

    def build(self, recipe: Recipe) -> Built | None:
        """The recipe's canonical request and dig; None when it does not apply (e.g. a body that is not JSON)."""
        body = self.body(recipe)
        if body is None:
            return None
        try:
            method = signing.canonical_method(recipe.method)
            uri_key = (recipe.path, recipe.rules)
            uri = self._uri.get(uri_key)
            if uri is None:
                uri = self._uri[uri_key] = signing.canonical_uri(recipe.path, **recipe.rules.uri_options())
            query_key = (recipe.query, recipe.rules)
            query = self._query.get(query_key)
            if query is None:
                query = self._query[query_key] = signing.canonical_query(recipe.query, **recipe.rules.query_options())
        except signing.SigningInputError:
            return None
        payload = self._hash.get(body)
        if payload is None:
            payload = self._hash[body] = signing.payload_hash(body)
        for edit in recipe.method_edits:
            method = edit(method)
        for edit in recipe.uri_edits:
            uri = edit(uri)
        for edit in recipe.query_edits:
            query = edit(query)
        for edit in recipe.hash_edits:
            payload = edit(payload)
        parts = (method, uri, query, payload)
        request = recipe.join(parts)
        return Built(parts, request, recipe.dig_form(request))
