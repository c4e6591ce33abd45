"""Every MP_* environment variable named anywhere in explorer/ is declared once, in explorer/environment.py.

Help texts, error messages and the generated programs' templates write the names as text; this keeps
them from naming a variable nothing reads (a typo, or a name changed in one place only).
"""

from __future__ import annotations

import re
from pathlib import Path

from explorer import environment

PACKAGE_DIR = Path(__file__).resolve().parent.parent / "explorer"
NAME = re.compile(r"\bMP_[A-Z0-9_]+\b")


def declared() -> set[str]:
    return {value for name, value in vars(environment).items() if name.isupper() and isinstance(value, str)}


def test_every_mp_name_in_the_package_is_declared_in_environment() -> None:
    known = declared()
    unknown = sorted(
        f"{path.relative_to(PACKAGE_DIR.parent)}:{number}: {found}"
        for path in PACKAGE_DIR.rglob("*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        for found in NAME.findall(line)
        if found not in known
    )
    assert not unknown, "MP_* names not declared in explorer/environment.py:\n" + "\n".join(unknown)


def test_each_name_is_declared_once() -> None:
    values = [value for name, value in vars(environment).items() if name.isupper() and isinstance(value, str)]
    assert len(values) == len(set(values)), values


def test_the_scan_finds_names() -> None:
    # The check above passes vacuously if the pattern finds nothing.
    assert NAME.findall('os.environ.get("MP_SECRET_KEY") or MP_TS=1') == ["MP_SECRET_KEY", "MP_TS"]
    assert {"MP_SECRET_KEY", "MP_TS", "MP_EXPLORER_HOME"} <= declared()
