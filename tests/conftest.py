"""Shared fixtures: the spec's vectors, and a terminal environment that keeps colours on."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).parent / "data"

# NO_COLOR (even empty) turns Textual's colours off and breaks snapshots.
os.environ.pop("NO_COLOR", None)


def load_vectors() -> dict[str, Any]:
    return json.loads((DATA / "vectors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def vectors() -> dict[str, Any]:
    return load_vectors()
