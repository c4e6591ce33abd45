"""Each signing stage on its own: the spec's rules, each chosen rule's alternative, bad inputs."""

from __future__ import annotations

import hashlib

import pytest

from explorer import request, signing
from explorer.signing import SigningInputError

# --- method -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"), [("get", "GET"), ("Post", "POST"), (" put ", "PUT"), ("PATCH", "PATCH")]
)
def test_method_upper_case(given: str, expected: str) -> None:
    assert signing.canonical_method(given) == expected


@pytest.mark.parametrize("bad", ["", "   ", "GE T", "GET\nX", "GÉT", "G(ET)", "/"])
def test_bad_method_names_the_field(bad: str) -> None:
    with pytest.raises(SigningInputError) as info:
        signing.canonical_method(bad)
    assert info.value.field == "method"
    assert str(info.value).startswith("method: ")


# --- canonical URI ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("", "/"),
        ("/", "/"),
        ("/a", "/a/"),
        ("/a/", "/a/"),
        ("a/b", "/a/b/"),
        ("/a/./b", "/a/b/"),
        ("/a/b/../c", "/a/c/"),
        ("/a/b/..", "/a/"),
        ("/a/b/.", "/a/b/"),
        ("/../../a", "/a/"),
        ("/..", "/"),
        ("/a//b", "/a//b/"),
        ("/a/%2E%2E/b", "/b/"),
        ("/a/%2e/b", "/a/b/"),
        ("/a/.%2E/b", "/b/"),
        ("/a b", "/a%20b/"),
        ("/a%20b", "/a%20b/"),
        ("/a%2fb", "/a%2Fb/"),
        ("/é", "/%C3%A9/"),
        ("/%c3%a9", "/%C3%A9/"),
        ("/%zz", "/%25zz/"),
        ("/100%", "/100%25/"),
        ("/%4", "/%254/"),
        ("/%FF", "/%FF/"),
        ("/a~b-c_d.e", "/a~b-c_d.e/"),
        ("/a+b", "/a%2Bb/"),
        ("/sku:1;x=2", "/sku%3A1%3Bx%3D2/"),
        ("/%41", "/A/"),
    ],
)
def test_canonical_uri(path: str, expected: str) -> None:
    assert signing.canonical_uri(path) == expected


def test_dot_segments_rfc3986_examples() -> None:
    # RFC 3986 §5.2.4 worked examples.
    assert signing.remove_dot_segments("/a/b/c/./../../g") == "/a/g"
    assert signing.remove_dot_segments("/mid/content=5/../6") == "/mid/6"


def test_canonical_uri_chosen_rule_alternatives() -> None:
    assert signing.canonical_uri("/a/./b/../c") == "/a/c/"
    assert signing.canonical_uri("/a/./b/../c", remove_dots=False) == "/a/./b/../c/"
    assert signing.canonical_uri("/a b/é") == "/a%20b/%C3%A9/"
    assert signing.canonical_uri("/a b/é", encode_segments=False) == "/a b/é/"
    assert signing.canonical_uri("/é", upper_hex=False) == "/%c3%a9/"
    assert signing.canonical_uri("/a") == "/a/"
    assert signing.canonical_uri("/a", trailing_slash=False) == "/a"
    # Encoded dots stay a plain segment when segments are not decoded.
    assert signing.canonical_uri("/a/%2E%2E/b", encode_segments=False) == "/a/%2E%2E/b/"


@pytest.mark.parametrize(
    ("path", "fragment"),
    [
        ("/a?b=1", "'?'"),
        ("/a#top", "'#'"),
        ("https://dip-cb.binanceapi.com/mp-api", "full URL"),
        ("/a\nb", "line break"),
        ("/a\rb", "line break"),
        ("/\ud800", "not valid Unicode"),
    ],
)
def test_bad_path_names_the_field(path: str, fragment: str) -> None:
    with pytest.raises(SigningInputError) as info:
        signing.canonical_uri(path)
    assert info.value.field == "path"
    assert fragment in info.value.message


def test_path_bytes_from_the_command_line_survive() -> None:
    # argv bytes that are not UTF-8 arrive as surrogate escapes; they are signed as those bytes.
    assert signing.canonical_uri("/\udcff") == "/%FF/"
    assert request.wire_path("/\udcff") == "/%FF"


# --- canonical query ----------------------------------------------------------------------


def test_query_empty() -> None:
    assert signing.canonical_query([]) == ""
    assert signing.canonical_query("") == ""
    assert signing.canonical_query("?") == ""


def test_query_sorted_by_encoded_name_then_value() -> None:
    assert signing.canonical_query([("b", "2"), ("a", "1")]) == "a=1&b=2"
    assert signing.canonical_query([("tag", "b"), ("tag", "a"), ("page", "2")]) == "page=2&tag=a&tag=b"
    # Byte order: upper case before lower case, '%' (0x25) before letters and digits.
    assert signing.canonical_query([("a", "1"), ("B", "1"), (" ", "1")]) == "%20=1&B=1&a=1"


def test_query_sorting_uses_encoded_names() -> None:
    # '~' (0x7E) stays literal; 'é' becomes '%C3%A9' and so sorts before letters.
    assert signing.canonical_query([("~", "1"), ("é", "1"), ("z", "1")]) == "%C3%A9=1&z=1&~=1"


def test_query_empty_value_keeps_equals() -> None:
    assert signing.canonical_query([("auditStatus", "")]) == "auditStatus="
    assert signing.canonical_query([("auditStatus", "")], keep_empty_equals=False) == "auditStatus"
    assert signing.canonical_query("flag") == "flag="


def test_query_repeated_names_all_kept() -> None:
    assert signing.canonical_query("a=2&a=1&a=2") == "a=1&a=2&a=2"


def test_query_encoding() -> None:
    assert signing.canonical_query([("openData", "a+b/c= d~é")]) == "openData=a%2Bb%2Fc%3D%20d~%C3%A9"
    assert signing.canonical_query([("k", "é")], upper_hex=False) == "k=%c3%a9"


def test_raw_query_plus_is_literal_and_percent_decoded() -> None:
    assert signing.parse_query("a=1+2&b=%20x&c=%zz") == [("a", "1+2"), ("b", " x"), ("c", "%zz")]
    assert signing.canonical_query("a=1+2") == "a=1%2B2"
    assert signing.canonical_query("c=%zz") == "c=%25zz"
    assert signing.canonical_query("x=a=b") == "x=a%3Db"


def test_raw_query_non_utf8_bytes_round_trip() -> None:
    assert signing.canonical_query("a=%FF") == "a=%FF"
    assert signing.canonical_query("a=\udcff") == "a=%FF"


def test_query_chosen_rule_alternatives() -> None:
    pairs = [("b", "x y"), ("a", "1")]
    assert signing.canonical_query(pairs) == "a=1&b=x%20y"
    assert signing.canonical_query(pairs, sort=False) == "b=x%20y&a=1"
    assert signing.canonical_query(pairs, encode=False) == "a=1&b=x y"


@pytest.mark.parametrize("bad", [["ab"], [("a",)], [("a", "b", "c")], [("a", 1)], [(None, "b")], [b"ab"]])
def test_bad_query_pairs_name_the_field(bad: list) -> None:
    with pytest.raises(SigningInputError) as info:
        signing.canonical_query(bad)
    assert info.value.field == "query"


def test_query_with_invalid_unicode_names_the_field() -> None:
    with pytest.raises(SigningInputError) as info:
        signing.canonical_query([("a", "\ud800")])
    assert info.value.field == "query"
    with pytest.raises(SigningInputError) as info:
        signing.canonical_query("a=\ud800")
    assert info.value.field == "query"


# --- payload hash -------------------------------------------------------------------------


def test_payload_hash() -> None:
    assert signing.payload_hash(b"") == signing.EMPTY_PAYLOAD_HASH
    assert signing.payload_hash("") == signing.EMPTY_PAYLOAD_HASH
    assert signing.payload_hash("é") == hashlib.sha256("é".encode()).hexdigest()
    assert signing.payload_hash(b"\x00\xff") == hashlib.sha256(b"\x00\xff").hexdigest()
    # The exact bytes: a trailing newline changes the hash.
    assert signing.payload_hash(b"{}\n") != signing.payload_hash(b"{}")


def test_bad_body_names_the_field() -> None:
    with pytest.raises(SigningInputError) as info:
        signing.payload_hash(123)  # type: ignore[arg-type]
    assert info.value.field == "body"
    with pytest.raises(SigningInputError) as info:
        signing.payload_hash("\ud800")
    assert info.value.field == "body"


# --- canonical request, digest, token -----------------------------------------------------


def test_canonical_request_has_no_trailing_newline_and_empty_query_line() -> None:
    text = signing.canonical_request("POST", "/a/", "", signing.EMPTY_PAYLOAD_HASH)
    assert text == f"POST\n/a/\n\n{signing.EMPTY_PAYLOAD_HASH}"
    assert not text.endswith("\n")


def test_digest_is_lowercase_hex_sha256() -> None:
    assert signing.digest("x") == hashlib.sha256(b"x").hexdigest()
    assert signing.digest("x") == signing.digest("x").lower()


def test_token_shape_and_header() -> None:
    tok = signing.token(signing.jwt_payload("ak", "d" * 64, 1700000000), "sk")
    head, payload, mac = tok.split(".")
    assert signing.b64url_decode(head) == b'{"alg":"HS256","typ":"JWT"}'
    assert signing.b64url_decode(payload) == b'{"iss":"ak","dig":"' + b"d" * 64 + b'","ts":1700000000}'
    assert len(signing.b64url_decode(mac)) == 32
    assert signing.header(tok) == ("X-Mp-Open-Api-Token", tok)


def test_b64url_decode_rejects_other_alphabets() -> None:
    with pytest.raises(ValueError):
        signing.b64url_decode("ab+/")
    with pytest.raises(ValueError):
        signing.b64url_decode("a")


def test_secret_key_note() -> None:
    assert signing.secret_key_note("x" * 32) is None
    note = signing.secret_key_note("short")
    assert note is not None and "5 bytes" in note and "short" not in note.replace("5 bytes", "")


# --- sign ---------------------------------------------------------------------------------


def _sign(**overrides: object) -> signing.Signature:
    args: dict = {"method": "GET", "path": "/p", "access_key_id": "ak", "secret_key": "sk", "ts": 1700000000}
    args.update(overrides)
    return signing.sign(**args)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ts": "1700000000"}, "ts"),
        ({"ts": 1.5}, "ts"),
        ({"ts": True}, "ts"),
        ({"access_key_id": ""}, "access key id"),
        ({"secret_key": ""}, "secret key"),
        ({"secret_key": "\ud800"}, "secret key"),
        ({"method": "G T"}, "method"),
        ({"path": "/a?b"}, "path"),
        ({"query": [("a",)]}, "query"),
    ],
)
def test_sign_bad_inputs_name_the_field(overrides: dict, field: str) -> None:
    with pytest.raises(SigningInputError) as info:
        _sign(**overrides)
    assert info.value.field == field


def test_sign_ts_defaults_to_now() -> None:
    before = signing.now_ts()
    ts = _sign(ts=None).jwt_payload["ts"]
    assert before <= ts <= signing.now_ts()


def test_rules_reach_every_stage() -> None:
    rules = signing.Rules(encode_query=False, trailing_slash=False)
    sig = signing.sign_with_rules(
        method="get",
        path="/a",
        query=[("d", "x/y")],
        access_key_id="ak",
        secret_key="sk",
        ts=1,
        rules=rules,
    )
    assert sig.canonical_request == f"GET\n/a\nd=x/y\n{signing.EMPTY_PAYLOAD_HASH}"
    assert sig.digest == signing.digest(sig.canonical_request)


def test_signature_as_dict_keys() -> None:
    assert list(_sign().as_dict()) == [
        "method",
        "canonical_uri",
        "canonical_query",
        "payload_hash",
        "canonical_request",
        "digest",
        "jwt_header",
        "jwt_payload",
        "token",
        "header_name",
        "header_value",
    ]


# --- request helpers found to raise raw errors --------------------------------------------


@pytest.mark.parametrize("url", ["http://[::1/x", "https://[zz"])
def test_split_url_bad_ipv6_is_a_signing_input_error(url: str) -> None:
    with pytest.raises(SigningInputError) as info:
        request.split_url(url)
    assert info.value.field == "url"


def test_check_base_url_bad_ipv6_is_a_signing_input_error() -> None:
    with pytest.raises(SigningInputError) as info:
        request.check_base_url("http://[::1")
    assert info.value.field == "base URL"


def test_split_url() -> None:
    base, path, pairs = request.split_url("https://h.example:8443/a/b?x=1+2&y=%20&z")
    assert (base, path, pairs) == ("https://h.example:8443", "/a/b", [("x", "1+2"), ("y", " "), ("z", "")])
    assert request.split_url("http://h")[1] == "/"
    for bad in ("/just/a/path", "ftp://h/x"):
        with pytest.raises(SigningInputError):
            request.split_url(bad)


def test_the_spec_rules_are_the_stage_functions_defaults() -> None:
    # A stage function called without options (doctor, export, tests) must give the spec's reading.
    import inspect

    for function, options in (
        (signing.canonical_uri, signing.SPEC_RULES.uri_options()),
        (signing.canonical_query, signing.SPEC_RULES.query_options()),
    ):
        defaults = {
            name: parameter.default
            for name, parameter in inspect.signature(function).parameters.items()
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY
        }
        assert defaults == dict(options), function.__name__
