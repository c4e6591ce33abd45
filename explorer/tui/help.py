"""F1: what the focused stage does, what the spec documents versus what is chosen, and an example."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown, Static

from explorer import signing
from explorer.tui.form_fields import HELP_TOPICS


def _example() -> signing.Signature:
    # The spec's get-open-data vector (tests/data/vectors.json), computed here so the example never drifts.
    return signing.sign(
        access_key_id="testAccessKey",
        secret_key="testSecretKey",
        ts=1700000000,
        method="GET",
        path="/mp-api/v1/apps/ozSQnakAm7apa6ew7crPYd/user-open-data",
        query=[("openData", "abc123")],
    )


DOCTOR_HELP = """# Doctor

`ctrl+n` opens the doctor: paste the token the Open API refused (bare, `Bearer …` or the header line;
empty takes it from the request) and the request it was made for, as a curl command line or a raw
HTTP request. Every check runs in the verifier's order; when `dig` (or, with the secret key, the
signature) does not match, the catalogue below is tried alone and in pairs, and the signer's
canonical request is shown beside ours with the first difference marked. `ctrl+l` fills the
explorer's form from the pasted request. From the shell: `mp-explorer doctor --curl '...'`.

"""


def topic_for(focused: DOMNode | None) -> str:
    """The help topic of the focused widget: its own `help_topic`, its field's, or its container's."""
    node = focused
    while node is not None and not isinstance(node, Screen):
        topic = getattr(node, "help_topic", None) or HELP_TOPICS.get(node.id or "")
        if topic:
            return str(topic)
        node = node.parent
    return "canonical"


def topic_text(topic: str) -> str:
    """Markdown help for one stage: canonical, digest, jwt, header, send or decrypt; or the doctor's catalogue."""
    if topic == "doctor":
        from explorer.doctor import catalogue_markdown

        return DOCTOR_HELP + catalogue_markdown()
    sig = _example()
    inputs = (
        "Example (the spec's *get-open-data* vector): `GET /mp-api/v1/apps/ozSQnakAm7apa6ew7crPYd/user-open-data`"
        ", query `openData=abc123`, empty body, AK `testAccessKey`, SK `testSecretKey`, ts `1700000000`.\n\n"
    )
    texts = {
        "canonical": f"""# 1 · Canonical request

**Rule:** `Method "\\n" CanonicalURI "\\n" CanonicalQueryString "\\n" PayloadHash`, no trailing newline.
No headers, host or date take part.

| part | rule | status |
|---|---|---|
| method | the verb in upper case | documented |
| canonical URI | the path only; dot segments removed; each segment percent-encoded; a `/` appended | documented |
| segment encoding | decode `%XY` first, then encode bytes outside `A-Za-z0-9-_.~` with upper-case hex | **chosen** |
| canonical query | names and values percent-encoded (space is `%20`), `name=value` | documented |
| query order | sorted by encoded name, then value, in byte order; `=` kept for empty values | **chosen** |
| payload hash | lowercase hex SHA-256 of the exact body bytes sent | documented |

The path that is *sent* keeps its documented form; the `/` exists only in the signed string.
The query field takes one `name=value` per line (literal), or one raw query string `a=1&b=2`
(percent-decoded first). `{{appId}}` and `{{dataToken}}` are filled from their fields.

{inputs}```text
{sig.canonical_request}
```
""",
        "digest": f"""# 2 · Digest

**Rule:** lowercase hex SHA-256 of the UTF-8 canonical request (named by the public sample;
the hash and hex case are not on the readable part of the signature page).

{inputs}`{sig.digest}`
""",
        "jwt": f"""# 3 · JWT

**Rule:** a JWT signed with HS256, keyed with the secret key's UTF-8 bytes.
Header `{{"alg":"HS256","typ":"JWT"}}`; payload `{{"iss": access key id, "dig": digest, "ts": seconds}}`.
No `exp`, no nonce (as the sample). The `ts` window is **not published**: the sandbox uses ±300 s.

The timestamp follows the clock unless pinned (`ctrl+g`, or type a value, or `--ts`).
The payload rows are decoded back out of the token's second part, as a server reads them.
A secret key under 32 bytes still signs; HS256 recommends 32, so a note says so.

{inputs}```text
header     {{"alg": "HS256", "typ": "JWT"}}
payload    {{"iss": "testAccessKey", "dig": "{sig.digest[:16]}…", "ts": 1700000000}}
```

token: `{sig.token}`
""",
        "header": f"""# 4 · Header

**Rule:** the token travels in the `X-Mp-Open-Api-Token` header (documented).

`ctrl+y` copies the token, `f2` the header line, `f5` a curl command that sends exactly
these bytes (it carries the token, never the secret key).

{inputs}`{sig.header_line}`
""",
        "send": """# Send

`ctrl+s` signs with the current inputs (at the current time unless ts is pinned) and sends;
`escape` cancels. A new send cancels a stale one. The raw pane shows the request as it went
out (httpx's own headers included), then the status, headers and body. Read the envelope's
`code`, never the HTTP status alone: `000000` is success.

"timeout s" bounds the whole exchange, from connecting to the last byte of the body, so a
server that trickles bytes cannot hold a send open. Connection refused, DNS failures, timeouts
(named by the phase they stopped in), resets, TLS errors, 5xx, non-JSON and bodies over 4 MiB each
get their own message in the raw pane; the app stays usable and `ctrl+s` sends again.
""",
        "decrypt": """# Decrypt

GetUserOpenId answers `data.userData`: base64 of one RSA block encrypted with your public
key (PKCS#1 v1.5). The private key field takes a path or a pasted PEM (PKCS#1 or PKCS#8,
with its passphrase if it is encrypted). Standard and URL-safe base64 are both accepted.

When the sandbox rejects a token it says why; if it sends back the canonical request it
computed, the decrypted pane shows it against ours with the first difference marked.
""",
    }
    return texts.get(topic, texts["canonical"])


def toggle_help(app: App[Any]) -> None:
    """F1: help on what has focus; F1 again (or escape) closes it."""
    if isinstance(app.screen, HelpScreen):
        app.screen.dismiss(None)
        return
    app.push_screen(HelpScreen(topic_for(app.focused)))


class HelpScreen(ModalScreen[None]):
    """Help for one topic; escape or F1 closes it."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 90%;
        max-width: 110;
        height: 85%;
        border: round $accent;
        border-title-color: $text-accent;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen #help-footer {
        color: $text-muted;
        dock: bottom;
        height: 1;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "close", id="help.close"),
    ]

    def __init__(self, topic: str) -> None:
        super().__init__(id="help")
        self.topic = topic

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-scroll") as scroll:
            scroll.border_title = "help"
            yield Markdown(topic_text(self.topic), id="help-text")
            yield Static("escape closes", id="help-footer")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
