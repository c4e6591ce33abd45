"""Every catalogue mistake, made by a hand-written signer, is named by the doctor and ranked first."""

from __future__ import annotations

import base64
import hashlib

import jwt
import pytest

from explorer import doctor, signing
from tests.conftest import load_vectors
from tests.doctor_signer import AK, APP, EMPTY, HOST, NOW, SK, make_token, sha_hex

URL = f"{HOST}{APP}/user-open-data?openData=abc123"
GET_OK = f"GET\n{APP}/user-open-data/\nopenData=abc123\n{EMPTY}"
SKUS = f"{HOST}{APP}/skus?page=1&limit=20&auditStatus="
BODY = '{"templateId":"tpl_1","language":"en"}'
BODY_HASH = sha_hex(BODY)
POST_URL = f"{HOST}{APP}/message/send"
SPACED_HASH = sha_hex('{"templateId": "tpl_1", "language": "en"}')


def curl(url: str, token: str, *extra: str) -> str:
    return f"curl -X {'POST' if extra else 'GET'} '{url}' -H 'X-Mp-Open-Api-Token: {token}' " + " ".join(extra)


def post(token: str, body: str = BODY) -> str:
    return curl(POST_URL, token, "-H 'Content-Type: application/json'", f"--data-raw '{body}'")


def raw(path: str, token: str) -> str:
    return f"GET {path} HTTP/1.1\r\nHost: dip-cb.binanceapi.com\r\nX-Mp-Open-Api-Token: {token}\r\n\r\n"


def post_cr(body_hash: str) -> str:
    return f"POST\n{APP}/message/send/\n\n{body_hash}"


# name -> (request text, token made the wrong way)
CASES: dict[str, tuple[str, str]] = {
    "trailing-slash-missing": (
        curl(URL, make_token(f"GET\n{APP}/user-open-data\nopenData=abc123\n{EMPTY}")),
        "",
    ),
    "host-in-uri": (
        curl(URL, make_token(f"GET\ndip-cb.binanceapi.com{APP}/user-open-data/\nopenData=abc123\n{EMPTY}")),
        "",
    ),
    "whole-url-signed": (curl(URL, make_token(f"GET\n{URL}\nopenData=abc123\n{EMPTY}")), ""),
    "query-in-uri": (
        curl(URL, make_token(f"GET\n{APP}/user-open-data/?openData=abc123\nopenData=abc123\n{EMPTY}")),
        "",
    ),
    "path-not-encoded": (
        curl(f"{HOST}{APP}/skus/sku:1", make_token(f"GET\n{APP}/skus/sku:1/\n\n{EMPTY}")),
        "",
    ),
    "query-unsorted": (curl(SKUS, make_token(f"GET\n{APP}/skus/\npage=1&limit=20&auditStatus=\n{EMPTY}")), ""),
    "plus-for-space": (
        curl(
            f"{HOST}{APP}/user-open-data?openData=a%20b",
            make_token(f"GET\n{APP}/user-open-data/\nopenData=a+b\n{EMPTY}"),
        ),
        "",
    ),
    "plus-sent-for-space": (
        curl(
            f"{HOST}{APP}/user-open-data?openData=a+b",
            make_token(f"GET\n{APP}/user-open-data/\nopenData=a%20b\n{EMPTY}"),
        ),
        "",
    ),
    "encode-uri-component": (
        curl(
            f"{HOST}{APP}/user-open-data?openData=a%20b%21%28c%29",
            make_token(f"GET\n{APP}/user-open-data/\nopenData=a%20b!(c)\n{EMPTY}"),
        ),
        "",
    ),
    "query-not-encoded": (
        curl(
            f"{HOST}{APP}/user-open-data?openData=a%2Fb",
            make_token(f"GET\n{APP}/user-open-data/\nopenData=a/b\n{EMPTY}"),
        ),
        "",
    ),
    "lowercase-hex": (
        curl(
            f"{HOST}{APP}/user-open-data?openData=a%2Fb",
            make_token(f"GET\n{APP}/user-open-data/\nopenData=a%2fb\n{EMPTY}"),
        ),
        "",
    ),
    "question-mark-kept": (curl(URL, make_token(f"GET\n{APP}/user-open-data/\n?openData=abc123\n{EMPTY}")), ""),
    "empty-value-without-equals": (
        curl(SKUS, make_token(f"GET\n{APP}/skus/\nauditStatus&limit=20&page=1\n{EMPTY}")),
        "",
    ),
    "empty-values-dropped": (curl(SKUS, make_token(f"GET\n{APP}/skus/\nlimit=20&page=1\n{EMPTY}")), ""),
    "query-signed-empty": (curl(URL, make_token(f"GET\n{APP}/user-open-data/\n\n{EMPTY}")), ""),
    "body-hashed-empty": (post(make_token(post_cr(EMPTY))), ""),
    "body-json-spaces": (post(make_token(post_cr(sha_hex('{"templateId": "tpl_1", "language": "en"}')))), ""),
    "body-json-compact": (
        post(make_token(post_cr(BODY_HASH)), body='{"templateId": "tpl_1", "language": "en"}'),
        "",
    ),
    "body-json-sorted-keys": (post(make_token(post_cr(sha_hex('{"language":"en","templateId":"tpl_1"}')))), ""),
    "body-json-unicode-escapes": (
        post(
            make_token(post_cr(sha_hex('{"templateId":"tpl_1","language":"\\u00e9"}'))),
            body='{"templateId":"tpl_1","language":"é"}',
        ),
        "",
    ),
    "body-json-indented": (
        post(make_token(post_cr(sha_hex('{\n  "templateId": "tpl_1",\n  "language": "en"\n}')))),
        "",
    ),
    "body-trailing-newline": (post(make_token(post_cr(sha_hex(BODY + "\n")))), ""),
    "payload-hash-uppercase": (post(make_token(post_cr(BODY_HASH.upper()))), ""),
    "method-lowercase": (curl(URL, make_token(f"get\n{APP}/user-open-data/\nopenData=abc123\n{EMPTY}")), ""),
    "crlf-line-ends": (curl(URL, make_token(f"GET\r\n{APP}/user-open-data/\r\nopenData=abc123\r\n{EMPTY}")), ""),
    "trailing-newline": (curl(URL, make_token(f"GET\n{APP}/user-open-data/\nopenData=abc123\n{EMPTY}\n")), ""),
    "digest-uppercase": (curl(URL, make_token(dig=sha_hex(GET_OK).upper())), ""),
    "digest-base64": (
        curl(URL, make_token(dig=base64.b64encode(hashlib.sha256(GET_OK.encode()).digest()).decode())),
        "",
    ),
    "canonical-request-as-dig": (curl(URL, make_token(dig=GET_OK)), ""),
    "dot-segments-kept": (raw(f"{APP}/skus/a/./b", make_token(f"GET\n{APP}/skus/a/./b/\n\n{EMPTY}")), ""),
    "slash-decoded-before-split": (curl(f"{HOST}{APP}/skus/a%2Fb", make_token(f"GET\n{APP}/skus/a/b/\n\n{EMPTY}")), ""),
    "query-sorted-decoded": (
        curl(f"{HOST}{APP}/skus?%5B=2&Z=1", make_token(f"GET\n{APP}/skus/\nZ=1&%5B=2\n{EMPTY}")),
        "",
    ),
    "invalid-utf8-replaced": (
        curl(f"{HOST}{APP}/skus?openData=%FF", make_token(f"GET\n{APP}/skus/\nopenData=%EF%BF%BD\n{EMPTY}")),
        "",
    ),
    "empty-name-dropped": (
        curl(f"{HOST}{APP}/skus?=v&openData=abc", make_token(f"GET\n{APP}/skus/\nopenData=abc\n{EMPTY}")),
        "",
    ),
    # claims: made with PyJWT, as a Python backend would
    "ts-milliseconds": (curl(URL, jwt.encode({"iss": AK, "dig": sha_hex(GET_OK), "ts": NOW * 1000}, SK)), ""),
    "ts-string": (curl(URL, jwt.encode({"iss": AK, "dig": sha_hex(GET_OK), "ts": str(NOW)}, SK)), ""),
    "ts-fraction": (curl(URL, jwt.encode({"iss": AK, "dig": sha_hex(GET_OK), "ts": NOW + 0.25}, SK)), ""),
    "ts-stale": (curl(URL, make_token(GET_OK, ts=NOW - 3600)), ""),
    "iss-app-id": (curl(URL, make_token(GET_OK, iss="APP")), ""),
    "iss-whitespace": (curl(URL, make_token(GET_OK, iss=AK + "\n")), ""),
    # the secret key
    "secret-key-newline": (curl(URL, make_token(GET_OK, key=(SK + "\n").encode())), ""),
    "secret-key-crlf": (curl(URL, make_token(GET_OK, key=(SK + "\r\n").encode())), ""),
    "secret-key-whitespace": (curl(URL, make_token(GET_OK, key=f" {SK} ".encode())), ""),
    "secret-key-trailing-space": (curl(URL, make_token(GET_OK, key=f"{SK} ".encode())), ""),
    "secret-key-base64-decoded": (
        curl(URL, make_token(GET_OK, key=base64.b64decode("c2VjcmV0LWtleS1iYXNlNjQtZm9ybQ=="))),
        "c2VjcmV0LWtleS1iYXNlNjQtZm9ybQ==",
    ),
    "secret-key-hex-decoded": (
        curl(URL, make_token(GET_OK, key=bytes.fromhex("00112233445566778899aabbccddeeff"))),
        "00112233445566778899aabbccddeeff",
    ),
    # the header
    "authorization-bearer": (f"curl '{URL}' -H 'Authorization: Bearer {make_token(GET_OK)}'", ""),
    "bearer-prefix": (f"curl '{URL}' -H 'X-Mp-Open-Api-Token: Bearer {make_token(GET_OK)}'", ""),
    "wrong-header-name": (f"curl '{URL}' -H 'X-Mp-Token: {make_token(GET_OK)}'", ""),
}


def run(text: str, secret_key: str = SK, **kwargs: object) -> doctor.Diagnosis:
    request = doctor.parse_request(text)
    found = doctor.token_from_headers(request.headers)
    assert found is not None
    return doctor.diagnose(found, request, secret_key=secret_key, access_key_id=AK, now=NOW, **kwargs)  # type: ignore[arg-type]


def test_every_catalogue_entry_has_a_case_and_the_catalogue_is_big_enough() -> None:
    assert set(CASES) == set(doctor.BY_NAME)
    assert len(doctor.CATALOGUE) >= 25


@pytest.mark.parametrize("name", sorted(CASES))
def test_mistake_is_named_and_ranked_first(name: str) -> None:
    text, secret_key = CASES[name]
    diagnosis = run(text, secret_key or SK)
    assert not diagnosis.ok
    assert diagnosis.findings, doctor.render_text(diagnosis)
    assert diagnosis.findings[0].name == name, doctor.render_text(diagnosis)
    assert not diagnosis.unexplained, diagnosis.unexplained
    # And the verifier agrees the token is bad.
    request = doctor.parse_request(text)
    token = doctor.token_from_headers(request.headers)
    assert token is not None
    verdict = signing.verify(
        token.token, secret_key=secret_key or SK, method=request.method, path=request.path,
        query=request.raw_query, body=request.body, access_key_id=AK, now=NOW,
    )  # fmt: skip
    assert not verdict.ok or token.header_name != signing.HEADER_NAME or token.bearer


def test_dig_match_reproduces_the_signers_canonical_request_and_marks_the_first_difference() -> None:
    diagnosis = run(CASES["plus-for-space"][0])
    finding = diagnosis.findings[0]
    assert finding.signer_canonical_request == f"GET\n{APP}/user-open-data/\nopenData=a+b\n{EMPTY}"
    changed = [row for row in finding.diff if not row.same]
    assert [(row.name, row.column) for row in changed] == [("canonical query", len("openData=a"))]
    text = doctor.render_text(diagnosis)
    assert "signer openData=a+b" in text and "ours   openData=a%20b" in text


PAIRS = {
    ("trailing-slash-missing", "plus-for-space"): curl(
        f"{HOST}{APP}/user-open-data?openData=a%20b", make_token(f"GET\n{APP}/user-open-data\nopenData=a+b\n{EMPTY}")
    ),
    ("query-unsorted", "lowercase-hex"): curl(
        f"{HOST}{APP}/skus?page=1&limit=a%2Fb", make_token(f"GET\n{APP}/skus/\npage=1&limit=a%2fb\n{EMPTY}")
    ),
    ("body-json-spaces", "trailing-slash-missing"): post(make_token(f"POST\n{APP}/message/send\n\n{SPACED_HASH}")),
    ("method-lowercase", "crlf-line-ends"): curl(
        URL, make_token(f"get\r\n{APP}/user-open-data/\r\nopenData=abc123\r\n{EMPTY}")
    ),
    ("query-in-uri", "query-signed-empty"): curl(
        URL, make_token(f"GET\n{APP}/user-open-data/?openData=abc123\n\n{EMPTY}")
    ),
}


@pytest.mark.parametrize("pair", sorted(PAIRS))
def test_pairs_of_mistakes_are_named_together(pair: tuple[str, str]) -> None:
    diagnosis = run(PAIRS[pair])
    assert diagnosis.findings, doctor.render_text(diagnosis)
    assert set(diagnosis.findings[0].name.split(" + ")) == set(pair), doctor.render_text(diagnosis)


def test_mistakes_at_different_checks_are_all_named() -> None:
    token = make_token(f"GET\n{APP}/user-open-data\nopenData=abc123\n{EMPTY}", key=(SK + "\n").encode(), ts=NOW * 1000)
    diagnosis = run(f"curl '{URL}' -H 'Authorization: Bearer {token}'")
    names = [m.name for m in diagnosis.likely_mistakes]
    assert names == ["authorization-bearer", "secret-key-newline", "ts-milliseconds", "trailing-slash-missing"]


@pytest.mark.parametrize("v", load_vectors()["signing"], ids=lambda v: v["name"])
def test_a_correct_token_is_diagnosed_correct(v: dict) -> None:
    query = "&".join(
        f"{signing.percent_encode(n.encode())}={signing.percent_encode(val.encode())}" for n, val in v["query"]
    )
    url = f"{HOST}{v['path']}" + (f"?{query}" if query else "")
    data = f" --data-raw '{v['body']}'" if v["body"] else ""
    text = f"curl -X {v['method']} '{url}' -H '{v['expected']['header']}'{data}"
    request = doctor.parse_request(text)
    diagnosis = doctor.diagnose(
        doctor.token_from_headers(request.headers) or "", request, secret_key=v["secret_key"],
        access_key_id=v["access_key_id"], now=v["ts"],
    )  # fmt: skip
    assert diagnosis.ok, doctor.render_text(diagnosis)
    assert [c.verdict for c in diagnosis.checks] == ["ok"] * 8
    assert not diagnosis.findings
    assert "the token is valid" in doctor.render_text(diagnosis)


def test_without_the_secret_key_the_signature_is_said_to_be_unchecked() -> None:
    text = curl(URL, make_token(GET_OK))
    request = doctor.parse_request(text)
    diagnosis = doctor.diagnose(doctor.token_from_headers(request.headers) or "", request, now=NOW)
    assert diagnosis.ok
    signature = diagnosis.check("signature")
    assert signature is not None and signature.verdict == "unchecked"
    assert "cannot be checked without the secret key" in signature.detail
    assert "not checked: signature, iss" in doctor.render_text(diagnosis)


def test_a_token_no_mistake_explains_is_reported_as_such() -> None:
    token = make_token(f"GET\n{APP}/user-open-data/\nopenData=somethingelse\n{EMPTY}")
    diagnosis = run(curl(URL, token))
    assert not diagnosis.ok and diagnosis.unexplained == ("dig",)
    assert not diagnosis.findings
    assert "trailing '/' missing" in diagnosis.ruled_out
    assert diagnosis.ruled_out[-1].endswith("pairs of them")
    text = doctor.render_text(diagnosis)
    assert "no known mistake reproduces it" in text and "what to log:" in text
    assert GET_OK.split("\n")[1] in text  # our canonical request is shown


def test_a_wrong_secret_key_is_unexplained_at_the_signature() -> None:
    diagnosis = run(curl(URL, make_token(GET_OK, key=b"another-key")))
    assert diagnosis.unexplained == ("signature",)
    assert diagnosis.check("dig").verdict == "ok"  # type: ignore[union-attr]


def test_doctor_and_verifier_agree_on_the_verdict() -> None:
    for text, secret_key in CASES.values():
        request = doctor.parse_request(text)
        found = doctor.token_from_headers(request.headers)
        assert found is not None
        diagnosis = doctor.diagnose(found, request, secret_key=secret_key or SK, access_key_id=AK, now=NOW)
        verdict = signing.verify(
            found.token, secret_key=secret_key or SK, method=request.method, path=request.path,
            query=request.raw_query, body=request.body, access_key_id=AK, now=NOW,
        )  # fmt: skip
        header_ok = diagnosis.check("header").verdict == "ok"  # type: ignore[union-attr]
        assert verdict.ok == (diagnosis.ok or (not header_ok and all(
            c.verdict != "fail" for c in diagnosis.checks if c.name != "header"
        )))  # fmt: skip


def test_catalogue_help_topic_lists_every_entry() -> None:
    text = doctor.catalogue_markdown()
    for mistake in doctor.CATALOGUE:
        assert f"`{mistake.name}`" in text and mistake.fix in text
