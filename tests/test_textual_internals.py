"""The private parts of Textual the explorer overrides still exist, in the version pyproject pins.

Each name comes from explorer/tui/framework_fences.py, beside the upstream issue it works around.
When Textual renames or removes one, this fails before a user meets the broken override.
"""

from __future__ import annotations

import importlib
import re
from importlib.metadata import version
from pathlib import Path

import pytest

from explorer.tui.framework_fences import PRIVATE_INSTANCE_NAMES, PRIVATE_NAMES

ROOT = Path(__file__).resolve().parent.parent


def _resolve(start: object, path: str) -> object:
    value = start
    for part in path.split("."):
        value = getattr(value, part)  # AttributeError names the part that disappeared
    return value


@pytest.mark.parametrize(("module", "path", "why"), PRIVATE_NAMES, ids=[f"{m}:{p}" for m, p, _ in PRIVATE_NAMES])
def test_private_name_still_exists(module: str, path: str, why: str) -> None:
    assert _resolve(importlib.import_module(module), path) is not None, why


@pytest.mark.parametrize(
    ("module", "cls", "path", "why"),
    PRIVATE_INSTANCE_NAMES,
    ids=[f"{c}().{p}" for _, c, p, _ in PRIVATE_INSTANCE_NAMES],
)
def test_private_instance_attribute_still_exists(module: str, cls: str, path: str, why: str) -> None:
    instance = getattr(importlib.import_module(module), cls)()
    assert _resolve(instance, path) is not None, why


def test_the_overrides_are_the_ones_listed() -> None:
    # Each override of a Textual internal in the explorer names its private name in the fence list.
    listed = {path.rsplit(".", 1)[-1] for _, path, _ in PRIVATE_NAMES}
    for source in (ROOT / "explorer" / "tui").glob("*.py"):
        for name in re.findall(
            r"^\s+(?:async )?def (_on_key|_on_paste|_fatal_error|_set_document|_value)\(", source.read_text(), re.M
        ):
            assert name in listed, f"{source.name} overrides {name}, not listed in framework_fences.PRIVATE_NAMES"
    assert "textual._context" not in "".join(p.read_text() for p in (ROOT / "explorer").rglob("*.py"))


def test_installed_textual_is_the_pinned_minor_version() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    pin = re.search(r'"textual>=(\d+)\.(\d+)\.\d+,<(\d+)\.(\d+)"', pyproject)
    assert pin is not None, "pyproject.toml pins textual to one minor version"
    major, minor = pin.group(1), pin.group(2)
    assert version("textual").startswith(f"{major}.{minor}."), (version("textual"), pin.group(0))
