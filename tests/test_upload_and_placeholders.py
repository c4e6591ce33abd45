"""UploadFile's multipart body, the values that fill placeholders, and the placeholders nothing fills."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from explorer import multipart
from explorer.known_values import KnownValues
from explorer.plurals import plural
from explorer.tui.model import FormState, compute
from explorer.tui.render import unfilled_notes

KEYS = {"access_key_id": "ak", "secret_key": "a-test-secret-key-of-32-bytes-ok", "app_id": "app1"}


def state(endpoint: str, **values: str) -> FormState:
    from explorer.endpoints import BY_NAME

    template = BY_NAME[endpoint]
    fields = {
        "endpoint": endpoint,
        "method": template.method,
        "path": template.path_template,
        "query": "\n".join(f"{n}={v}" for n, v in template.query),
        "body": template.body,
        **KEYS,
    }
    fields.update(values)
    return FormState(**fields)


def test_the_sample_image_is_a_png_the_sandbox_accepts() -> None:
    data = multipart.sample_png()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data.endswith(b"IEND\xaeB`\x82")
    assert len(data) < 200


def test_the_multipart_body_is_hashed_as_sent_and_stable_across_keystrokes() -> None:
    first = compute(state("UploadFile"), ts=1700000000, now=1700000000)
    again = compute(state("UploadFile", query="x=1"), ts=1700000000, now=1700000000)
    assert first.multipart is not None and first.spec is not None
    assert first.spec.body == first.multipart.body == first.body
    assert first.payload_hash == hashlib.sha256(first.spec.body).hexdigest()
    assert again.multipart is not None and again.multipart.body == first.multipart.body
    assert first.spec.content_type == first.multipart.content_type
    assert first.spec.content_type.startswith("multipart/form-data; boundary=mpx-")
    body = first.spec.body
    assert body.startswith(f"--{first.multipart.boundary}\r\n".encode())
    assert b'name="file"; filename="sample.png"' in body and body.endswith(
        f"--{first.multipart.boundary}--\r\n".encode()
    )


def test_the_body_box_summarises_the_binary_part(tmp_path: Path) -> None:
    picture = tmp_path / "cover.jpg"
    picture.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 4)
    stages = compute(state("UploadFile", file=str(picture)), ts=1700000000, now=1700000000)
    assert stages.multipart is not None
    text = multipart.summary(stages.multipart)
    assert 'filename="cover.jpg"' in text and "Content-Type: image/jpeg" in text
    assert "<file: 1,027 bytes, sha256 " in text
    assert f"{len(stages.multipart.body):,} bytes sent" in text
    assert all(char.isprintable() or char == "\n" for char in text)


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda d: d / "missing.png", "does not exist"),
        (lambda d: d, "is not a regular file"),
        (lambda d: Path("/dev/zero"), "is not a regular file"),
    ],
)
def test_a_file_that_cannot_be_sent_is_named_in_the_payload_hash_row(make, words: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    stages = compute(state("UploadFile", file=str(make(tmp_path))), ts=1700000000, now=1700000000)
    assert stages.signature is None and stages.signed.payload_hash is None
    error = stages.errors["body"]
    assert error.field == "file" and words in error.message


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    stages = compute(state("UploadFile", file=str(fifo)), ts=1700000000, now=1700000000)
    assert "is not a regular file" in stages.errors["body"].message


def test_a_file_over_the_read_limit_is_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    with open(big, "wb") as handle:
        handle.truncate(multipart.READ_LIMIT + 1)
    stages = compute(state("UploadFile", file=str(big)), ts=1700000000, now=1700000000)
    assert "at most 1 MB" in stages.errors["body"].message


def test_a_file_name_cannot_break_the_part_header(tmp_path: Path) -> None:
    name = 'a"b\rc.png'
    (tmp_path / name).write_bytes(multipart.sample_png())
    built = multipart.build(multipart.load_part(str(tmp_path / name)))
    head = built.body.split(b"\r\n\r\n", 1)[0]
    assert b'filename="a%22b%0Dc.png"' in head
    assert head.count(b"\r\n") == 2


def test_known_values_fill_the_path_the_query_and_the_body() -> None:
    known = KnownValues(open_id="oid-1", push_token='pt_"x', file_id="f-1", sku_id="sku-1", new_sku_id="sku-2")
    values = known.as_dict()
    push = compute(state("SendPushMessage"), ts=1700000000, now=1700000000, known=values)
    assert push.body is not None and json.loads(push.body)["pushToken"] == 'pt_"x'  # escaped inside the JSON
    create = compute(state("CreateSKUInAudit"), ts=1700000000, now=1700000000, known=values)
    assert create.body is not None
    assert json.loads(create.body)["coverImageFileId"] == "f-1" and json.loads(create.body)["skuId"] == "sku-2"
    get = compute(state("GetSKU"), ts=1700000000, now=1700000000, known=values)
    assert get.path == "/mp-api/v1/apps/app1/skus/sku-1"
    pay = compute(state("GetUserPayId"), ts=1700000000, now=1700000000, known=values)
    assert pay.query_pairs == [("openId", "oid-1")]
    assert not (push.unfilled or push.body_unfilled or create.body_unfilled or get.unfilled or pay.unfilled)


def test_a_placeholder_nothing_fills_is_named_in_the_body_as_in_the_path() -> None:
    from rich.text import Text

    push = compute(state("SendPushMessage"), ts=1700000000, now=1700000000)
    assert push.body_unfilled == ["pushToken"]
    notes = [note.plain for note in unfilled_notes(push)]
    assert any("{pushToken} not filled in (in the body; ctrl+o mints a push token" in note for note in notes)
    sku = compute(state("UpdateSKU"), ts=1700000000, now=1700000000)
    assert any("{skuId} not filled in (in the URL; send CreateSKUInAudit first" in n.plain for n in unfilled_notes(sku))
    assert isinstance(unfilled_notes(sku)[0], Text)


def test_learning_from_answers() -> None:
    known = KnownValues(push_token="pt_1")
    first_new = known.new_sku_id
    assert known.learn_exchange("SendPushMessage", b'{"pushToken":"pt_1"}', None, None) == []  # nothing came back
    assert known.push_token == "pt_1"
    assert known.learn_exchange("SendPushMessage", b'{"pushToken":"pt_1"}', "900230", None) == ["pushToken"]
    assert known.push_token is None  # single use: spent once a server answered
    assert known.learn_exchange("UploadFile", b"...", "000000", {"fileIds": ["f-9"]}) == ["fileId"]
    assert known.learn_exchange("CreateSKUInAudit", b'{"skuId":"s-1"}', "000000", {}) == ["skuId", "newSkuId"]
    assert known.sku_id == "s-1" and known.file_id == "f-9" and known.new_sku_id != first_new
    assert known.learn_exchange("CreateSKUInAudit", b'{"skuId":"s-2"}', "900001", {}) == []
    assert known.sku_id == "s-1"


def test_plural() -> None:
    assert [plural(n, "byte") for n in (0, 1, 2, 1024)] == ["0 bytes", "1 byte", "2 bytes", "1,024 bytes"]
    assert plural(1, "entry", "entries") == "1 entry" and plural(3, "entry", "entries") == "3 entries"
    from explorer import crypto, signing

    assert (signing.secret_key_note("k") or "").startswith("secret key is 1 byte;")
    with pytest.raises(crypto.CryptoError, match=r"1 character cannot be a whole number of bytes"):
        crypto.decode_base64("a")
