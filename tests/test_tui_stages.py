"""The explorer's four stages: live on every keystroke, byte-exact for the spec's vectors,
errors in the stage they break (naming the field), nothing typed lost."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tui_support import SIZE, TS, app_for, fill, stage

# A data directory of its own for each test (the demo app and its keys are made there).
pytestmark = pytest.mark.usefixtures("explorer_home")


def vector_inputs(vector: dict[str, Any]) -> dict[str, str]:
    return {
        "method": vector["method"],
        "path": vector["path"],
        "query": "\n".join(f"{name}={value}" for name, value in vector["query"]),
        "body": vector["body"],
        "access_key_id": vector["access_key_id"],
        "secret_key": vector["secret_key"],
    }


async def test_first_frame_shows_every_stage_for_the_prefilled_endpoint() -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.form.value("path") == "/mp-api/v1/apps/{appId}/user-open-data"
        assert app.form.value("query") == "openData={dataToken}"
        canonical = stage(app, "canonical").value
        assert canonical.splitlines() == [
            "GET",
            "/mp-api/v1/apps/ozSQnakAm7apa6ew7crPYd/user-open-data/",
            "openData=abc123",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ]
        for name in ("digest", "jwt", "header"):
            assert stage(app, name).value
        assert stage(app, "header").value.startswith("X-Mp-Open-Api-Token: eyJ")


@pytest.mark.parametrize("index", range(8))
async def test_vector_inputs_show_exactly_the_vector(vectors: dict[str, Any], index: int) -> None:
    vector = vectors["signing"][index]
    expected = vector["expected"]
    app = app_for(endpoint=None, ts=vector["ts"], clock=lambda: 1795000000)
    async with app.run_test(size=SIZE) as pilot:
        fill(app, **vector_inputs(vector))
        await pilot.pause()
        await pilot.pause()
        assert stage(app, "canonical").value == expected["canonical_request"]
        assert stage(app, "digest").value == expected["digest"]
        assert stage(app, "jwt").value == expected["token"]
        assert stage(app, "header").value == expected["header"]
        canonical_text = stage(app, "canonical").plain_text(width=200)
        for line in expected["canonical_request"].split("\n")[:3]:
            assert f"{line}↵" in canonical_text
        assert expected["payload_hash"] in canonical_text
        assert expected["digest"] in stage(app, "digest").plain_text(width=200)
        jwt_text = stage(app, "jwt").plain_text(width=200)
        assert expected["token"].rsplit(".", 1)[1] in jwt_text
        # The payload rows are decoded from the token the stage built.
        assert "payload decoded from the token" in jwt_text
        assert expected["digest"] in jwt_text
        if vector["name"] == "get-open-data":
            assert "1700000000 (2023-11-14 22:13:20 UTC, 3 y ago)" in jwt_text
        assert expected["token"].split(".")[0] in stage(app, "header").plain_text(width=400)


async def test_typing_updates_every_stage_and_flashes_what_changed() -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = {name: stage(app, name).value for name in ("canonical", "digest", "jwt", "header")}
        app.query_one("#method").focus()
        await pilot.press("ctrl+a", "ctrl+k", "P", "O", "S", "T")
        await pilot.pause()
        await pilot.pause()
        assert app.form.value("method") == "POST"
        after = {name: stage(app, name).value for name in before}
        assert after["canonical"].startswith("POST\n")
        for name in before:
            assert after[name] != before[name], name
            assert stage(app, name).has_class("-changed"), name
        # The body is hashed as typed.
        app.query_one("#body").focus()
        await pilot.press("{", "}")
        await pilot.pause()
        await pilot.pause()
        assert app.form.value("body") == "{}"
        assert app.stages.signed.payload_hash == "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        assert stage(app, "canonical").value.endswith(app.stages.signed.payload_hash)


@pytest.mark.parametrize(
    ("field", "text", "stage_name", "message"),
    [
        ("method", "G E T", "canonical", "method: 'G E T' is not an HTTP method"),
        ("path", "/mp-api/v1/apps/x/skus?page=1", "canonical", "path: contains '?'"),
        ("access_key_id", "", "jwt", "access key id: is empty"),
        ("secret_key", "", "jwt", "secret key: is empty"),
        ("ts", "soon", "jwt", "ts: 'soon' is not integer Unix seconds"),
    ],
)
async def test_bad_input_names_the_field_in_its_stage_and_keeps_the_text(
    field: str, text: str, stage_name: str, message: str
) -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        fill(app, **{field: text})
        await pilot.pause()
        await pilot.pause()
        assert message in stage(app, stage_name).plain_text(width=200)
        assert stage(app, stage_name).has_class("-broken")
        assert app.form.value(field.replace("_", "-")) == text
        if stage_name == "canonical":
            # The other parts still show; later stages say what they wait for.
            assert "payload hash" in stage(app, "canonical").plain_text(width=200)
            assert f"fix: {field}" in stage(app, "digest").plain_text(width=200)
        assert stage(app, "header").value == ""


async def test_typed_bad_method_keeps_every_keystroke() -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#method").focus()
        await pilot.press("ctrl+a", "ctrl+k", "G", "space", "E", "space", "T")
        await pilot.pause()
        await pilot.pause()
        assert app.form.value("method") == "G E T"
        assert "✗ method: 'G E T' is not an HTTP method" in stage(app, "canonical").plain_text(width=200)


async def test_short_secret_key_is_a_note_not_a_warning(recwarn: pytest.WarningsRecorder) -> None:
    app = app_for(secret_key="short")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "note: secret key is 5 bytes; HS256 recommends at least 32" in stage(app, "jwt").plain_text(width=200)
        assert stage(app, "jwt").value
    assert not [w for w in recwarn if "HMAC" in str(w.message) or "key" in str(w.message).lower()]


async def test_raw_query_text_and_placeholders() -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        fill(app, query="page=1&limit=20&auditStatus=", path="/mp-api/v1/apps/{appId}/skus")
        await pilot.pause()
        await pilot.pause()
        assert app.stages.signed.canonical_query == "auditStatus=&limit=20&page=1"
        assert "raw query string" in stage(app, "canonical").plain_text(width=200)
        fill(app, path="/mp-api/v1/apps/{appId}/files/{fileId}")
        await pilot.pause()
        await pilot.pause()
        assert "{fileId} not filled in" in stage(app, "canonical").plain_text(width=200)


async def test_endpoint_picker_fills_method_path_query_and_body() -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#endpoint").value = "ActivateSKU"
        await pilot.pause()
        await pilot.pause()
        assert app.form.value("method") == "PUT"
        assert app.form.value("path") == "/mp-api/v1/apps/{appId}/skus/{skuId}/activate"
        assert app.form.value("body") == '{"status":true}'
        # No SKU created yet: the placeholder is named, with what fills it.
        assert "{skuId} not filled in (in the URL; send CreateSKUInAudit first" in stage(app, "canonical").plain_text(
            width=200
        )
        app.known.sku_id = "pubg_point_100"
        app.recompute()
        assert app.stages.signed.canonical_uri == "/mp-api/v1/apps/ozSQnakAm7apa6ew7crPYd/skus/pubg_point_100/activate/"


async def test_ts_follows_the_clock_until_pinned() -> None:
    now = [1800000000]
    app = app_for(ts=None, clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.ts_pinned
        assert app.stages.ts == 1800000000
        now[0] += 5
        app._tick()
        await pilot.pause()
        assert app.stages.ts == 1800000005
        assert app.form.value("ts") == "1800000005"
        await pilot.press("ctrl+g")
        await pilot.pause()
        assert app.ts_pinned
        now[0] += 5
        app._tick()
        assert app.stages.ts == 1800000005
        fill(app, ts="1700000000")
        await pilot.pause()
        await pilot.pause()
        assert app.stages.ts == 1700000000


async def test_secrets_are_masked_until_revealed() -> None:
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for field in ("secret-key", "private-key", "passphrase"):
            assert app.query_one(f"#{field}").password
        await pilot.press("ctrl+r")
        assert not app.query_one("#secret-key").password
        await pilot.press("ctrl+r")
        assert app.query_one("#secret-key").password


def test_changed_characters_are_marked_in_the_canonical_request() -> None:
    from explorer.tui import render
    from explorer.tui.model import FormState, compute

    state = FormState(method="GET", path="/a/skus", query="page=1", access_key_id="ak", secret_key="s" * 32)
    before = compute(state, ts=1, now=1)
    after = compute(FormState(**{**state.__dict__, "query": "page=12"}), ts=1, now=1)
    table = render.canonical_view(after, before).renderables[0]
    cells = [value for _, value in table.rows]
    query_cell = cells[2]
    marked = [(span.start, span.end) for span in query_cell.spans if span.style == render.CHANGED]
    assert marked == [(6, 7)]  # the typed '2' of page=12
    assert not [span for span in cells[0].spans if span.style == render.CHANGED]
    assert render.changed_span("GET", "POST") == (0, 3)
    assert render.changed_span("abc", "ac") == (1, 2)
    assert render.changed_span("abc", "abc") is None


async def test_the_target_hint_says_where_requests_go_or_why_they_cannot() -> None:
    app = app_for("http://127.0.0.1:9")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()

        def hint() -> str:
            return str(app.query_one("#target-hint").render())

        assert hint() == "a loopback target"
        fill(app, target="ftp://example.test")
        await pilot.pause()
        await pilot.pause()
        assert hint().startswith("✗ base URL: 'ftp://example.test' is not http(s)://host")
        assert app.query_one("#target-hint").has_class("-error")
        fill(app, target="https://dip-cb.binanceapi.com")
        await pilot.pause()
        await pilot.pause()
        assert hint() == "a real target: requests leave this machine"


async def test_fast_typing_loses_nothing_and_the_hash_follows_the_last_keystroke() -> None:
    import hashlib

    text = '{"pushToken":"pt_1","templateId":"tpl_1","language":"en"}'
    app = app_for(endpoint="SendPushMessage")
    async with app.run_test(size=SIZE) as pilot:
        body = app.query_one("#body")
        body.focus()
        body.clear()
        await pilot.press(*text)
        await pilot.pause()
        await pilot.pause()
        assert app.form.value("body") == text
        assert app.stages.signed.payload_hash == hashlib.sha256(text.encode()).hexdigest()
        assert stage(app, "canonical").value.endswith(app.stages.signed.payload_hash)


def test_jwt_stage_shows_the_payload_decoded_from_the_token(vectors: dict[str, Any]) -> None:
    """The payload rows are read back out of the token's bytes, not from what was meant to go in."""
    from dataclasses import replace

    from rich.console import Console

    from explorer.signing import decode_payload
    from explorer.tui.model import FormState, compute
    from explorer.tui.render import jwt_view

    vector = next(v for v in vectors["signing"] if v["name"] == "get-open-data")
    expected = vector["expected"]
    state = FormState(
        method=vector["method"],
        path=vector["path"],
        query="\n".join(f"{k}={v}" for k, v in vector["query"]),
        body=vector["body"],
        access_key_id=vector["access_key_id"],
        secret_key=vector["secret_key"],
    )
    stages = compute(state, ts=vector["ts"], now=vector["ts"])
    assert stages.decoded_payload == expected["jwt_payload"]
    assert decode_payload(expected["token"]) == expected["jwt_payload"]
    assert decode_payload("not-a-token") is None

    def text(s: Any) -> str:
        console = Console(width=200, record=True, color_system=None)
        console.print(jwt_view(s))
        return console.export_text()

    # A token whose payload says something else shows what the token says.
    odd = replace(stages, decoded_payload={"iss": "someone-else", "dig": "0" * 64, "ts": 5})
    shown = text(odd)
    assert "someone-else" in shown and "0" * 64 in shown
    assert vector["access_key_id"] not in shown
    assert expected["digest"] in text(stages)


async def test_a_keystroke_and_its_stages_reach_the_screen_in_the_same_frame() -> None:
    """No frame shows the typed character in the field while the stages still show the old request."""
    app = app_for()
    frames: list[tuple[str, str]] = []  # (field value, canonical stage) of every frame drawn
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is not None:
            frames.append((app.query_one("#data-token").value, stage(app, "canonical").value))

    app._display = display  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        app.query_one("#data-token").focus()
        await pilot.pause()
        for char in "xyz":
            frames.clear()
            await pilot.press(char)
            await pilot.pause()
            typed = [(value, canonical) for value, canonical in frames if value.endswith(char)]
            assert typed, f"no frame drawn after {char!r}"
            value, canonical = typed[0]
            assert f"openData={value}" in canonical or value in canonical, (
                f"the first frame showing {value!r} in the field still had the old stages:\n{canonical}"
            )


async def test_a_pinned_ts_shows_its_age_ticking_and_warns_before_it_leaves_the_window() -> None:
    from explorer.tui.ts_age import pinned_hint

    now = [TS + 60]
    app = app_for(clock=lambda: now[0])
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        hint = app.query_one("#ts-mode")
        assert str(hint.content).startswith("pinned, 60 seconds old (window ±300 s)")
        now[0] = TS + 61
        app._tick()
        await pilot.pause()
        assert str(hint.content).startswith("pinned, 61 seconds old")
        now[0] = TS + 280
        app._tick()
        await pilot.pause()
        assert "leaves the ±300 s window in 20 seconds" in str(hint.content) and hint.has_class("-warning")
        now[0] = TS + 301
        app._tick()
        await pilot.pause()
        assert "outside the ±300 s window" in str(hint.content) and hint.has_class("-error")
    assert pinned_hint(TS, TS - 1, 300)[0].startswith("pinned, 1 second ahead")
