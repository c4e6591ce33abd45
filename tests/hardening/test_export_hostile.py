"""Hostile requests through the code export: a named refusal or code that is ASCII, free of raw
control characters, and (checked in-process on the Python program) canonicalises exactly like the core.

The other languages' programs are checked against the core by tests/test_export_toolchains.py,
with a request made of the text most likely to break out of a literal in one of them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer import signing
from explorer.cli import main
from explorer.export import PROGRAM_LANGUAGES, ExportError, export_request, program
from explorer.request import RequestSpec, wire_path, wire_query
from tests.hardening import fuzz_strategies as fs
from tests.hardening import tally

RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# A Java unicode escape: a backslash preceded by an even number of backslashes, then u+ and 4 hex digits.
JAVA_UNICODE_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u+([0-9a-fA-F]{4})")
BASE = "http://127.0.0.1:9"
# Text made of what the canonicalisation treats specially (separators, dots, escapes, case, UTF-8),
# so most examples get past the checks and reach the comparison with the core.
tricky_text = st.lists(st.sampled_from([*"aZ/.%2FfEe é-_~+=&[`", "%2e", "%2F", "%FF", "..", "😀"]), max_size=12).map(
    "".join
)


def _load_python_program(source: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__name__": "generated_program"}  # not __main__: nothing is sent
    exec(compile(source, "mp_request.py", "exec"), namespace)
    return namespace


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    method=st.one_of(fs.methods, st.sampled_from(["GET", "POST", "put"])),
    path=st.one_of(fs.paths, tricky_text),
    query=st.one_of(fs.pairs, st.lists(st.tuples(tricky_text, tricky_text), max_size=6)),
    body=st.one_of(st.binary(max_size=200), fs.any_text.map(lambda t: t.encode("utf-8", "surrogatepass"))),
    rules=st.builds(
        lambda rules, decode, sort_decoded, drop: dataclasses.replace(
            rules, decode_path_before_split=decode, sort_query_decoded=sort_decoded, drop_empty_names=drop
        ),
        fs.rules,
        st.booleans(),
        st.booleans(),
        st.booleans(),
    ),
)
def test_export_refuses_by_name_or_writes_code_that_signs_like_the_core(
    method: str, path: str, query: list[tuple[str, str]], body: bytes, rules: signing.Rules
) -> None:
    tally.count("property fuzzing", "export requests")
    spec = RequestSpec(method=method, path=path, query=tuple(query), body=body)
    try:
        request = export_request(spec, BASE, rules)
    except (ExportError, signing.SigningInputError) as exc:
        assert str(exc).strip()
        return
    tally.count("property fuzzing", "export programs checked against the core")
    for language in PROGRAM_LANGUAGES:
        text = program(language, request)
        assert text.isascii(), language
        assert not RAW_CONTROL.search(text), language
        if language == "java":
            # Java turns these into characters before it parses: only non-ASCII ones are harmless.
            for match in JAVA_UNICODE_ESCAPE.finditer(text):
                assert int(match.group(1), 16) >= 0x80, match.group(0)
    generated = _load_python_program(program("python", request))
    _, c_uri, c_query, p_hash, _ = signing.compute_canonical_request(
        method=method, path=path, query=query, body=body, rules=rules
    )
    assert generated["canonical_uri"](generated["PATH"]) == c_uri
    assert generated["canonical_query"](generated["QUERY"]) == c_query
    assert hashlib.sha256(generated["BODY"]).hexdigest() == p_hash
    wire = BASE + wire_path(path) + ("?" + wire_query(query) if query else "")
    assert generated["wire_url"]() == wire


# What a user may hand `sign --code` from a shell: each gets code (exit 0) or a message (exit 2).
CLI_CORPUS = {
    "escape sequence in the path": ["--path", "/p/\x1b[2J\x1b]52;c;QUFB\x07"],
    "right-to-left override in a query value": ["--path", "/p", "--query", "a=\u202egnp.exe"],
    "line breaks in a query value": ["--path", "/p", "--query", "a=x\r\ny: z"],
    "query value that is not UTF-8": ["--url", "https://h/p?a=%FF%FE"],
    "a path of 100 000 characters": ["--path", "/" + "é" * 100_000],
    "base URL with a control character": ["--path", "/p", "--base-url", "https://h\x07"],
    "a question mark in the path": ["--path", "/p?x=1"],
    "method with a space": ["--method", "GE T", "--path", "/p"],
}


@pytest.mark.parametrize("language", ["python", "node", "go", "java", "php"])
@pytest.mark.parametrize("case", list(CLI_CORPUS))
def test_sign_code_answers_hostile_input_with_code_or_a_message(
    case: str, language: str, capsys: pytest.CaptureFixture[str]
) -> None:
    tally.count("bad-input corpus", "sign --code")
    code = main(["sign", *CLI_CORPUS[case], "--code", language])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    if code == 0:
        assert out.isascii() and not RAW_CONTROL.search(out), case
    else:
        assert code == 2 and err.startswith("mp-explorer: error:") and out == "", (case, err)
        assert not RAW_CONTROL.search(err), (case, err)
