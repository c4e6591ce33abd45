"""One decoder of a token's parts: `explorer.signing` (decode_payload, decode_segment, b64url_decode).

Above it, a module that split a token and base64-decoded its payload itself read tokens its own way:
the history's reader took what the strict decoder refuses, the probe caught other exceptions.
"""

from __future__ import annotations

import ast
from pathlib import Path

EXPLORER = Path(__file__).resolve().parent.parent / "explorer"
# Places that split on "." or decode base64 and are not reading a token, each with what it reads.
NOT_A_TOKEN = {
    "explorer/client.py": "an httpcore trace event's name",
    "explorer/crypto.py": "userData, base64 of RSA ciphertext",
    "explorer/doctor/catalogue.py": "a secret key written in base64",
    "explorer/tui/render.py": "the signature part, shown as text",
    "explorer/workspace/request_file.py": "a request file's body_base64",
}
BASE64_DECODERS = {"b64decode", "urlsafe_b64decode", "standard_b64decode", "a2b_base64"}


def _is_token_part(node: ast.AST) -> bool:
    """`<x>.split(".")[1]` (or [0], [2]): a JWT cut into its parts by hand."""
    return (
        isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Call)
        and isinstance(node.value.func, ast.Attribute)
        and node.value.func.attr in ("split", "rsplit")
        and len(node.value.args) >= 1
        and isinstance(node.value.args[0], ast.Constant)
        and node.value.args[0].value == "."
    )


def test_no_module_above_signing_decodes_a_token_itself() -> None:
    found: list[str] = []
    for path in sorted(EXPLORER.rglob("*.py")):
        name = path.relative_to(EXPLORER.parent).as_posix()
        if name.startswith("explorer/signing/") or name in NOT_A_TOKEN:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), name)):
            if _is_token_part(node):
                found.append(f"{name}:{node.lineno}: a token split into parts by hand")
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
                if called in BASE64_DECODERS:
                    found.append(f"{name}:{node.lineno}: {called}() outside signing")
    assert found == []
    for name in NOT_A_TOKEN:  # a stale exception would hide a new decoder in that file
        assert (EXPLORER.parent / name).exists(), name


def test_the_check_sees_a_hand_made_decoder() -> None:
    sample = 'import base64, json\nclaims = json.loads(base64.urlsafe_b64decode(token.split(".")[1]))\n'
    nodes = list(ast.walk(ast.parse(sample)))
    assert any(_is_token_part(node) for node in nodes)
    calls = [node.func.attr for node in nodes if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)]
    assert "urlsafe_b64decode" in calls
