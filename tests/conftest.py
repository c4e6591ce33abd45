"""Shared fixtures: the spec's vectors, and a terminal environment that keeps colours on."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings

from explorer import environment
from tests.hardening import tally

if TYPE_CHECKING:
    from explorer.sandbox.runner import SandboxHandle

DATA = Path(__file__).parent / "data"

# Hypothesis profiles for tests that set no max_examples of their own (the fuzzing suite):
# "ci" is the default; `pytest --hypothesis-profile=long` runs at least 10,000 examples each.
settings.register_profile("ci", max_examples=300, deadline=None)
settings.register_profile("long", max_examples=10_000, deadline=None)
settings.load_profile("ci")

# NO_COLOR (even empty) turns Textual's colours off and breaks snapshots.
os.environ.pop("NO_COLOR", None)


def load_vectors() -> dict[str, Any]:
    return json.loads((DATA / "vectors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def vectors() -> dict[str, Any]:
    return load_vectors()


@pytest.fixture
def explorer_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory of this test's own in MP_EXPLORER_HOME (the explorer makes its demo app there)."""
    home = tmp_path / "home"
    monkeypatch.setenv(environment.HOME, str(home))
    return home


@pytest.fixture(scope="session")
def sandbox() -> SandboxHandle:
    """The session's embedded sandbox (tests.sandbox_support.shared_sandbox); a module may override it."""
    from tests.sandbox_support import shared_sandbox

    return shared_sandbox()


HARDENING_DIR = Path(__file__).parent / "hardening"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/hardening/ carries the `hardening` marker (so `-m "not hardening"` skips it)."""
    for item in items:
        if item.path.is_relative_to(HARDENING_DIR):
            item.add_marker(pytest.mark.hardening)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the hardening suite's case counts (cases actually driven in this run)."""
    summary = tally.lines()
    if summary:
        terminalreporter.section("hardening suite: cases driven")
        for line in summary:
            terminalreporter.write_line(line)
