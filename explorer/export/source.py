"""What a generated program embeds: the request exactly as it is sent, and the rules it signs with.

Pure: no UI, no network. Credentials are deliberately absent: programs read them from the
environment (MP_ACCESS_KEY_ID, MP_SECRET_KEY, MP_PRIVATE_KEY_PATH) at run time.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from explorer import signing
from explorer.request import RequestSpec, check_base_url

# The Rules options every program template implements (each becomes a named constant).
SUPPORTED_RULES: dict[str, str] = {
    "remove_dots": "REMOVE_DOT_SEGMENTS",
    "encode_segments": "ENCODE_PATH_SEGMENTS",
    "trailing_slash": "APPEND_SLASH",
    "encode_query": "ENCODE_QUERY",
    "sort_query": "SORT_QUERY",
    "keep_empty_equals": "KEEP_EMPTY_EQUALS",
    "upper_hex": "UPPER_HEX",
    # Readings of the open points (spec §6.1); off by default.
    "decode_path_before_split": "DECODE_PATH_BEFORE_SPLIT",
    "sort_query_decoded": "SORT_QUERY_DECODED",
    "drop_empty_names": "DROP_EMPTY_NAMES",
}


class ExportError(ValueError):
    """The request cannot be turned into code; the message says why and what to change."""


@dataclass(frozen=True)
class ExportRequest:
    """One request as a program sends it: no credentials, the body as exact bytes."""

    method: str
    base_url: str
    path: str
    query: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    content_type: str | None = None
    rules: signing.Rules = signing.SPEC_RULES

    @property
    def user_data(self) -> bool:
        """True for GetUserOpenId (and phone / e-mail): the answer carries encrypted userData."""
        last = self.path.rstrip("/").rsplit("/", 1)[-1]
        return self.method == "GET" and last == "user-open-data"

    @property
    def header_content_type(self) -> str | None:
        """The Content-Type sent, as explorer.request.wire_request sends it."""
        if self.body or self.content_type:
            return self.content_type or "application/json"
        return None

    def rule_constants(self) -> list[tuple[str, bool, bool]]:
        """(constant name, value in use, spec default) for every supported rule."""
        return [
            (const, bool(getattr(self.rules, name)), bool(getattr(signing.SPEC_RULES, name)))
            for name, const in SUPPORTED_RULES.items()
        ]


def _check_text(value: str, what: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ExportError(
            f"{what} holds bytes that are not UTF-8 text; generated programs carry text only: "
            "re-type it as text (or percent-encode it) to export"
        ) from None


def check_rules(rules: signing.Rules) -> None:
    """Refuse a reading the program templates do not implement, naming it."""
    for item in dataclasses.fields(rules):
        if item.name in SUPPORTED_RULES:
            continue
        # The spec's reading of every option is its default.
        if getattr(rules, item.name) != item.default:
            raise ExportError(
                f"the signing reading {item.name}={getattr(rules, item.name)!r} is not implemented by the "
                "generated programs; export with the spec's rule for it, or use the curl export"
            )


def export_request(spec: RequestSpec, base_url: str, rules: signing.Rules = signing.SPEC_RULES) -> ExportRequest:
    """The ExportRequest for a RequestSpec; ExportError (or SigningInputError) when it cannot be exported."""
    check_rules(rules)
    base = check_base_url(base_url)
    method = signing.canonical_method(spec.method)
    signing.check_path(spec.path)
    _check_text(spec.path, "the path")
    for name, value in spec.query:
        _check_text(name, "a query name")
        _check_text(value, f"the value of query parameter {name!r}")
    if spec.content_type is not None and not all(" " <= ch <= "~" for ch in spec.content_type):
        raise ExportError("the Content-Type holds characters a header cannot carry (visible ASCII only)")
    # Everything the programs compute must be computable: let the core say what is wrong first.
    signing.compute_canonical_request(method=method, path=spec.path, query=spec.query, body=spec.body, rules=rules)
    return ExportRequest(
        method=method,
        base_url=base,
        path=spec.path,
        query=tuple(spec.query),
        body=bytes(spec.body),
        content_type=spec.content_type,
        rules=rules,
    )
