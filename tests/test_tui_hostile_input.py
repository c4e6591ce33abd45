"""Whatever a user types or pastes, the explorer computes what it can and never crashes.

The pure part (form text -> every stage) is checked with generated text in every field; the app
itself gets a set of hostile strings pasted into each field, one after another.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.endpoints import BY_NAME
from explorer.tui.app import ExplorerApp
from explorer.tui.form_fields import INPUT_FIELDS
from explorer.tui.model import FormState, compute
from explorer.tui.settings import Settings

HOSTILE = [
    "",
    " ",
    "G E T",
    "\x00\x01\x1b[2J\x7f",
    "%",
    "%zz%C3%28%ff",
    "{appId}{dataToken}{",
    "/a/../../..//./%2e%2E/",
    "?a=1#frag",
    "https://user:pw@[::1:bad]/x",
    "a=1&&=&b==2&%&+",
    "line\nbreak\r\nand\ttab",
    "é中文🙂\u200b\ufeff",
    "\ud800 lone surrogate",
    "?a=1&b=\ud800",
    "-----BEGIN PRIVATE KEY-----\nnot really\n-----END PRIVATE KEY-----",
    "9" * 400,
    "-1",
    "1e10",
    "x" * 20_000,
]
TEXT_FIELDS = [field.name for field in dataclasses.fields(FormState) if field.name != "endpoint"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.fixed_dictionaries(
        # Every code point, lone surrogates included (a paste can carry them).
        {
            name: st.text(st.characters(exclude_categories=()), max_size=60) | st.sampled_from(HOSTILE)
            for name in TEXT_FIELDS
        }
    ),
    endpoint=st.none() | st.sampled_from(sorted(BY_NAME)),
    ts=st.none() | st.integers(min_value=-(2**40), max_value=2**40),
)
def test_compute_never_raises_on_any_form_text(values: dict, endpoint: str | None, ts: int | None) -> None:
    stages = compute(FormState(endpoint=endpoint, **values), ts=ts, now=1_700_000_000)
    # Either every stage is there, or the fields at fault are named.
    assert stages.signature is not None or stages.errors or stages.signed.digest is None
    if stages.signature is not None:
        # What the JWT stage shows, decoded from the token, is exactly what was signed.
        assert stages.decoded_payload == stages.signature.jwt_payload


# Every one-line input of the form, and the two text areas.
FIELD_IDS = [*INPUT_FIELDS, "query", "body"]


@pytest.mark.slow
async def test_hostile_text_in_every_field_never_crashes_the_app() -> None:
    app = ExplorerApp(
        Settings(
            base_url="http://127.0.0.1:9",
            app_id="ozSQnakAm7apa6ew7crPYd",
            access_key_id="testAccessKey",
            secret_key="testSecretKey",
            data_token="abc123",
            ts=1_700_000_000,
            clock=lambda: 1_700_000_060,
            preload_client=False,
        )
    )
    async with app.run_test(size=(160, 50)) as pilot:
        # Each hostile string goes into every field at once: one recompute and redraw per string.
        for text in HOSTILE:
            for field_id in FIELD_IDS:
                app.form.set_value(field_id, text)
            await pilot.pause()
            assert app.is_running, f"the app stopped after {text[:40]!r} in every field"
        # The last value typed is still in every field: nothing the user typed is lost.
        for field_id in FIELD_IDS:
            assert app.form.value(field_id) == HOSTILE[-1], field_id
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running


def test_the_private_key_field_refuses_devices_big_files_and_bad_paths(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from explorer.tui.private_key import MAX_KEY_FILE_BYTES, load_key

    big = tmp_path / "big.pem"
    big.write_bytes(b"x" * (MAX_KEY_FILE_BYTES + 10))
    cases = {
        "/dev/zero": "no such file",  # a device would be read forever
        str(tmp_path): "no such file",  # a directory
        str(tmp_path / "missing.pem"): "no such file",
        "key\x00.pem": "no such file",
        str(big): "larger than 64 KiB",
    }
    for text, words in cases.items():
        status = load_key(text)
        assert status.key is None and status.level == "error" and words in status.status, (text, status)


def test_a_secret_key_sign_refuses_is_named_while_the_canonical_stages_still_show() -> None:
    stages = compute(
        FormState(method="GET", path="/a", access_key_id="ak", secret_key="\ud800x"), ts=1_700_000_000, now=0
    )
    assert stages.signature is None and stages.signed.digest is not None
    assert set(stages.errors) == {"secret key"} and "not valid Unicode" in stages.errors["secret key"].message


@pytest.mark.parametrize("query", ["?a=\ud800", "a=1&b=\ud800", "\ud800=1&b=%20", "a=%41&b=x\udfff"])
def test_a_lone_surrogate_in_a_raw_query_is_named_in_the_query_stage(query: str) -> None:
    # One line with '?', '&' or a %XY escape is read as a raw query string; a lone surrogate pasted
    # into it used to raise out of compute (the percent-decoding refused it) and crash the explorer.
    stages = compute(FormState(method="GET", path="/a", query=query, access_key_id="ak", secret_key="s"), ts=1, now=0)
    assert stages.query_mode == "raw"
    assert stages.signature is None and stages.signed.canonical_request is None
    assert "not valid Unicode" in stages.errors["query"].message
