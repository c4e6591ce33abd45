"""Hostile input for what outlives a launch: env files, request files, fault specs and the history.

Whatever the bytes, the answer is the module's own error with a message, never another exception;
the sandbox's fault route never answers 500 and its table stays bounded; and none of the error
messages carries a raw control character or the text of the line it could not read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from explorer.sandbox import faults
from explorer.sandbox.runner import SandboxHandle, start_background
from explorer.workspace import request_file
from explorer.workspace.env_files import EnvFileError, parse_env_text
from explorer.workspace.history import History
from tests.sandbox_support import shared_home

RAW_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)
FAULT_KEYS = st.sampled_from(sorted(faults.SPEC_KEYS))
FAULT_SPECS = st.dictionaries(FAULT_KEYS, JSON_VALUES, max_size=6) | st.dictionaries(
    FAULT_KEYS, st.sampled_from([0, 1, -1, 0.5, 1e308, "900231", "*", "GetUserOpenId", "close", "rate_limit"])
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=400))
def test_env_files_parse_or_name_the_line(text: str) -> None:
    try:
        parse_env_text(text, "x.env", {})
    except EnvFileError as exc:
        assert str(exc).startswith("x.env, line ")
        assert not RAW_CONTROL.search(str(exc))


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_request_files_load_or_name_the_problem(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("rf") / "x.request.toml"
    path.write_bytes(b"format = 1\n" + data)
    try:
        request_file.load(path)
    except request_file.RequestFileError as exc:
        assert str(exc).startswith(str(path))


@settings(max_examples=300)
@given(spec=FAULT_SPECS)
def test_fault_specs_are_a_fault_or_a_named_900001(spec: dict) -> None:
    try:
        fault = faults.parse_spec(spec, 1)
    except faults.FaultSpecError as exc:
        assert exc.code == "900001" and exc.message.startswith("invalid parameter: ")
        assert not RAW_CONTROL.search(exc.message.replace("\\", ""))
    else:
        assert fault.kind in faults.KINDS
        json.dumps(fault.as_dict())  # whatever was accepted lists as JSON


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxHandle]:
    handle = start_background(data_dir=shared_home())
    yield handle
    handle.stop()


HOSTILE_BODIES = [
    b"",
    b"\x00" * 100,
    b"\xff\xfe\xfd",
    b'{"kind": "code", "code": "\\u0000\\u001b[2J"}',
    b'{"kind": "delay", "seconds": 1e400}',
    b'{"kind": "delay", "seconds": NaN}',
    b'{"kind": "rate_limit", "perSecond": Infinity}',
    b'{"kind": "code", "code": "900231", "count": 99999999999999999999999}',
    b'{"kind": "code", "code": "900231", "endpoint": "\\ud800"}',
    b'{"kind": "close", "kind": "code"}',
    b"[" * 50_000,
    b'{"' + b"k" * 5000 + b'": 1}',
    json.dumps({"kind": "code", "code": "900231", "message": "\x1b]52;c;AAAA\x07"}).encode(),
]


@pytest.mark.parametrize("body", HOSTILE_BODIES, ids=range(len(HOSTILE_BODIES)))
def test_the_fault_route_never_answers_500(sandbox: SandboxHandle, body: bytes) -> None:
    sandbox.faults.clear()
    answer = httpx.post(f"{sandbox.base_url}/sandbox/v1/faults", content=body)
    assert answer.status_code in (201, 400, 413), answer.text
    if answer.status_code == 400:
        assert answer.json()["code"] == "900001"
    sandbox.faults.clear()
    assert httpx.get(f"{sandbox.base_url}/sandbox/v1/health").status_code == 200


def test_a_flood_of_faults_stays_bounded(sandbox: SandboxHandle) -> None:
    sandbox.faults.clear()
    codes = [
        httpx.post(
            f"{sandbox.base_url}/sandbox/v1/faults", json={"kind": "delay", "seconds": 0, "count": 5}
        ).status_code
        for _ in range(faults.MAX_FAULTS + 20)
    ]
    assert codes.count(201) == faults.MAX_FAULTS and codes.count(400) == 20
    assert len(sandbox.faults.list()) == faults.MAX_FAULTS
    sandbox.faults.clear()


def test_history_rows_with_hostile_values_read_back_exactly(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    strange = "\x00\x1b[2J\u202e\ud800"
    entry_id = history.record(
        method="GET",
        url="http://h/" + strange.encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
        headers=[("X", "\x00\x07")],
        body=bytes(range(256)),
        status=None,
        code=None,
        message='a server\'s "\ud800" decoded: \ud800',
        error="reset",
        elapsed=None,
        response=b"\x00" * 10,
        form={"target": "sandbox", "odd": "\x1b", "typed": strange},
    )
    entry = history.get(entry_id)
    assert entry is not None and entry.message is not None and "\\ud800" in entry.message
    assert entry.form["typed"] == strange
    assert entry is not None and entry.body == bytes(range(256)) and entry.headers == (("X", "\x00\x07"),)
    assert entry.form["odd"] == "\x1b"
