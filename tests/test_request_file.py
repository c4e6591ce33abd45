"""Request files: byte-exact round trips, diff-friendly text, no secret ever written, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.workspace import request_file as rf
from explorer.workspace.request_file import RequestFileError, SavedRequest

PUSH = SavedRequest(
    endpoint="SendPushMessage",
    method="POST",
    path="/mp-api/v1/apps/{appId}/message/send",
    query="",
    body=b'{\n  "pushToken": "{pushToken}",\n  "templateId": "tpl_1"\n}',
    target="sandbox",
    timeout="10",
    ts=None,
    app_id="mpdemo1",
    access_key_id="ak_1",
    secret_key_ref="${MP_SECRET_KEY}",
    private_key="~/keys/mp.pem",
    passphrase_ref="${MP_PRIVATE_KEY_PASSPHRASE}",
)


def test_round_trip_and_the_text_is_plain(tmp_path: Path) -> None:
    path = rf.save(PUSH, tmp_path / "push.request.toml")
    text = path.read_text()
    assert rf.load(path) == PUSH
    # A JSON body stays readable line by line, as it was typed.
    assert '  "templateId": "tpl_1"\n' in text
    assert 'secret_key = "${MP_SECRET_KEY}"' in text
    assert 'ts = "clock"' in text


def test_a_pinned_ts_and_query_lines(tmp_path: Path) -> None:
    request = SavedRequest(endpoint="GetUserOpenId", query="openData={dataToken}\nx=a b", ts=1700000000)
    text = rf.render(request)
    assert 'query = [\n  "openData={dataToken}",\n  "x=a b",\n]' in text
    assert rf.parse(text) == request


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"plain",
        b"line\r\nwith CRLF\r\n",
        b"ends with a quote'",
        b"has ''' inside\n",
        b"\x00\x01\x1b[31mcontrol\x7f",
        b"\xff\xfe not utf-8 \x80",
        b"\n\nleading newlines",
        "émoji 🙂 and \u202e right-to-left".encode(),
    ],
)
def test_bodies_are_byte_exact(body: bytes) -> None:
    request = SavedRequest(body=body)
    text = rf.render(request)
    assert rf.parse(text).body == body
    # Whatever the body, the file itself has no raw control character but newlines and tabs.
    assert all(ch in "\n\t" or (ord(ch) >= 0x20 and ord(ch) != 0x7F) for ch in text)


@settings(max_examples=200)
@given(
    body=st.binary(max_size=300),
    query=st.text(max_size=60).filter(lambda t: not any(0xD800 <= ord(c) <= 0xDFFF for c in t)),
)
def test_any_body_and_query_round_trip(body: bytes, query: str) -> None:
    request = SavedRequest(body=body, query=query, path=query, app_id=query)
    assert rf.parse(rf.render(request)) == request


def test_secrets_are_never_written() -> None:
    with pytest.raises(RequestFileError, match="only a"):
        rf.render(SavedRequest(secret_key_ref="the-actual-secret"))
    with pytest.raises(RequestFileError, match="pasted key is never written"):
        rf.render(SavedRequest(private_key="-----BEGIN PRIVATE KEY-----\nMIIE..."))
    filled = rf.with_refs(SavedRequest(), has_secret=True, has_passphrase=True)
    assert (filled.secret_key_ref, filled.passphrase_ref) == ("${MP_SECRET_KEY}", "${MP_PRIVATE_KEY_PASSPHRASE}")
    assert rf.with_refs(SavedRequest(), has_secret=False, has_passphrase=False).secret_key_ref == ""


def test_a_file_holding_a_secret_value_is_refused_without_echoing_it() -> None:
    text = rf.render(PUSH).replace('"${MP_SECRET_KEY}"', '"hunter2-secret"')
    with pytest.raises(RequestFileError) as raised:
        rf.parse(text, "x.request.toml")
    assert "secret_key: must be a ${VARIABLE} reference" in str(raised.value)
    assert "hunter2" not in str(raised.value)


def test_references_resolve() -> None:
    env = {"MP_SECRET_KEY": "sk"}
    assert rf.resolve("${MP_SECRET_KEY}", env.get) == ("sk", None)
    assert rf.resolve("${OTHER}", env.get) == ("", "OTHER is not set (in an env file or the environment)")
    assert rf.resolve("", env.get) == ("", None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("format = 1\nmethod = [", "not a request file"),
        ("method = 'GET'", "format: expected 1"),
        ("format = 1\nmethd = 'GET'", "methd: not a key"),
        ("format = 1\nmethod = 3", "method: expected a string"),
        ("format = 1\nquery = 'a=1'", "query: expected a list"),
        ("format = 1\nts = 'soon'", "ts: expected"),
        ("format = 1\nts = -5", "ts: expected"),
        ("format = 1\nbody = 'a'\nbody_base64 = 'YQ=='", "give one of them"),
        ("format = 1\nbody_base64 = 'not base64!'", "body_base64: not base64"),
        ("format = 1\nprivate_key = '-----BEGIN RSA PRIVATE KEY-----'", "must be a path"),
    ],
)
def test_bad_files_name_the_key(text: str, message: str) -> None:
    with pytest.raises(RequestFileError, match=message):
        rf.parse(text, "bad.request.toml")


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(RequestFileError, match="cannot read it"):
        rf.load(tmp_path / "missing.request.toml")
    with pytest.raises(RequestFileError, match="is a directory"):
        rf.load(tmp_path)
    (tmp_path / "latin1.request.toml").write_bytes(b"format = 1\nmethod = '\xe9'\n")
    with pytest.raises(RequestFileError, match="not UTF-8"):
        rf.load(tmp_path / "latin1.request.toml")
    with pytest.raises(RequestFileError, match="is a directory"):
        rf.save(PUSH, tmp_path)


def test_the_folder_listing_and_default_names(tmp_path: Path) -> None:
    rf.save(PUSH, tmp_path / "b.request.toml")
    rf.save(PUSH, tmp_path / "a.request.toml")
    (tmp_path / "notes.txt").write_text("x")
    assert [p.name for p in rf.request_files(tmp_path)] == ["a.request.toml", "b.request.toml"]
    assert rf.request_files(tmp_path / "nope") == []
    assert rf.default_name(PUSH) == "sendpushmessage.request.toml"
    assert rf.default_name(SavedRequest(endpoint=None, method="")) == "request.request.toml"


def test_the_readme_example_is_what_the_writer_writes() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    start = readme.index("```toml\n# mp-explorer request") + len("```toml\n")
    shown = readme[start : readme.index("```", start)]
    parsed = rf.parse(shown)
    assert rf.render(parsed) == shown
    assert parsed.secret_key_ref == "${MP_SECRET_KEY}" and parsed.target == "sandbox"
