"""Every input of the explorer's form, defined once.

The form's rows, FormState's attributes, the prefill from Settings, masking and F1's topic are all
derived from FIELDS: adding a field is one entry here (and its FormState attribute). No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from explorer.endpoints import DEFAULT_BASE_URL

BODY_LABEL = "body  (exact UTF-8 bytes: hashed and sent)"
MULTIPART_BODY_LABEL = "body  (multipart, built from the file; binary summarised)"


@dataclass(frozen=True)
class FormField:
    """One input: its widget id, the label shown, the FormState attribute it fills, and more."""

    id: str
    label: str
    attr: str  # FormState attribute; Settings has the same name unless `setting` says otherwise
    help_topic: str  # the F1 topic: the stage this input feeds
    kind: Literal["line", "lines", "pem"] = "line"  # one line, several lines, or a pasted PEM
    secret: bool = False  # masked until ctrl+r reveals it
    placeholder: str = ""
    initial: str = ""  # what the widget holds before the prefill
    hint: str | None = None  # id of the hint line under it
    setting: str | None = None  # the Settings attribute that prefills it, when not named `attr`


FIELDS: tuple[FormField, ...] = (
    FormField(
        "target", "base URL", "target", "send", placeholder=DEFAULT_BASE_URL, hint="target-hint",
        setting="base_url",
    ),
    FormField("timeout", "timeout s", "timeout", "send", initial="10"),
    FormField("method", "method", "method", "canonical", initial="GET"),
    FormField("path", "path", "path", "canonical", placeholder="/mp-api/v1/apps/{appId}/...", hint="path-hint"),
    FormField("query", "query  (name=value per line, or a=1&b=2)", "query", "canonical", kind="lines"),
    FormField("body", BODY_LABEL, "body", "canonical", kind="lines"),
    FormField("file", "file", "file", "canonical", placeholder="jpg/png path; empty: built-in sample.png"),
    FormField("app-id", "app id", "app_id", "canonical"),
    FormField("access-key-id", "access key", "access_key_id", "jwt", placeholder="access key id (iss)"),
    FormField("secret-key", "secret key", "secret_key", "jwt", secret=True, hint="secret-hint"),
    FormField(
        "data-token", "data token", "data_token", "canonical", placeholder="openData of GetUserOpenId",
        hint="data-token-ttl",
    ),
    FormField("ts", "ts", "ts", "jwt", placeholder="Unix seconds", hint="ts-mode"),
    FormField(
        # "private key" would fill the 11-column label and touch its field.
        "private-key", "RSA key", "private_key", "decrypt", kind="pem", secret=True,
        placeholder="private key: path or pasted PEM", hint="private-key-status",
    ),
    FormField("passphrase", "passphrase", "passphrase", "decrypt", secret=True, placeholder="if any"),
)  # fmt: skip

BY_ID: dict[str, FormField] = {field.id: field for field in FIELDS}

# The form's sections, in order, and the inputs under each ("endpoint" is the endpoint picker).
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("target", ("target", "timeout")),
    ("request", ("endpoint", "method", "path", "query", "body", "file")),
    ("credentials", ("app-id", "access-key-id", "secret-key", "data-token", "ts")),
    ("decryption", ("private-key", "passphrase")),
)

# The one-line inputs (the query and the body are multi-line boxes).
INPUT_FIELDS: tuple[str, ...] = tuple(field.id for field in FIELDS if field.kind != "lines")
SECRET_FIELDS: tuple[str, ...] = tuple(field.id for field in FIELDS if field.secret)
# F1's topic for each input's id: the stage the input feeds.
HELP_TOPICS: dict[str, str] = {"endpoint": "canonical", **{field.id: field.help_topic for field in FIELDS}}
