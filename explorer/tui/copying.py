"""What each copy target stands for, made from the current Stages. No Textual here.

The curl command carries the token (it must, to be replayable) and never the secret key.
"""

from __future__ import annotations

from explorer.request import wire_request
from explorer.tui.model import Stages

COPY_TARGETS: dict[str, str] = {
    "token": "token",
    "header": "header line",
    "canonical": "canonical request",
    "digest": "digest",
    "curl": "curl command",
}


def copy_text(stages: Stages, what: str) -> str | None:
    """The text a copy target stands for, or None when the stages cannot make it yet."""
    signature = stages.signature
    if what == "canonical":
        return stages.signed.canonical_request
    if what == "digest":
        return stages.signed.digest
    if signature is None:
        return None
    if what == "token":
        return signature.token
    if what == "header":
        return signature.header_line
    if what == "curl" and stages.spec is not None and stages.base_url is not None:
        from explorer.export import curl_command

        return curl_command(wire_request(stages.spec, signature, stages.base_url))
    return None
