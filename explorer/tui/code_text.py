"""The code view's text for the form's current request, in one language. No Textual here.

Commands (curl, HTTPie) carry the token signed for the current stages; programs carry no
credential and sign at run time with the rules the explorer signs with.
"""

from __future__ import annotations

from dataclasses import dataclass

from explorer import signing
from explorer.export import (
    LANGUAGES,
    PROGRAM_LANGUAGES,
    ExportError,
    curl_command,
    export_request,
    file_name,
    httpie_command,
    program,
)
from explorer.request import RequestSpec, wire_request
from explorer.tui.model import Stages


@dataclass(frozen=True)
class CodeText:
    """The code for one language, or why there is none yet (then `text` is empty)."""

    language: str
    text: str
    problem: str | None = None
    file_name: str | None = None


def code_text(language: str, stages: Stages, rules: signing.Rules = signing.SPEC_RULES) -> CodeText:
    """The code for the current form in `language` (one of explorer.export.LANGUAGES)."""
    if language not in LANGUAGES:
        return CodeText(language, "", f"unknown language {language!r}")
    unfilled = stages.unfilled + stages.body_unfilled
    if unfilled:
        names = ", ".join("{" + name + "}" for name in dict.fromkeys(unfilled))
        return CodeText(language, "", f"fill {names} first (the code would carry the placeholder as text)")
    spec = stages.spec or _unsigned_spec(stages)
    if spec is None or stages.base_url is None:
        fields = sorted({error.field for error in stages.canonical_errors})
        if stages.target_error is not None:
            fields.append(stages.target_error.field)
        why = f"fix {', '.join(fields)}" if fields else "fill the form"
        return CodeText(language, "", f"the request cannot be made yet: {why}")
    if language in PROGRAM_LANGUAGES:
        try:
            text = program(language, export_request(spec, stages.base_url, rules))
        except (ExportError, signing.SigningInputError) as exc:
            return CodeText(language, "", str(exc))
        return CodeText(language, text, None, file_name(language))
    if stages.signature is None or stages.spec is None:
        return CodeText(
            language,
            "",
            f"a {LANGUAGES[language]} command carries a signed token: give the access key id and secret key",
        )
    wire = wire_request(stages.spec, stages.signature, stages.base_url)
    text = curl_command(wire) if language == "curl" else httpie_command(wire)
    return CodeText(language, text + "\n")


def _unsigned_spec(stages: Stages) -> RequestSpec | None:
    """The request without keys (a program needs none): when every canonical stage could be made."""
    if stages.canonical_errors or stages.method is None or stages.body is None:
        return None
    content_type = stages.multipart.content_type if stages.multipart is not None else None
    return RequestSpec(
        method=stages.method,
        path=stages.path,
        query=tuple(stages.query_pairs),
        body=stages.body,
        content_type=content_type,
    )
