"""Posting, the comparison TUI, in a throwaway virtualenv (never a dependency of this project).

Posting 2.11.1 pins Textual 6.1 and segfaults at start with tree-sitter 0.26, so the venv gets
`tree-sitter<0.26`. /tmp/posting-venv is used when its Posting starts; otherwise
bench/.cache/posting-venv is made (python -m venv, pip install). `posting_command()` returns
None, with the reason printed, when neither works; the rows that need Posting say "not measured".
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from common import CACHE

CANDIDATES = (Path("/tmp/posting-venv"), CACHE / "posting-venv")
REQUIREMENTS = ("posting", "tree-sitter<0.26")
# Drawn on Posting's first screen: its title bar, the URL bar's placeholder and the response pane.
FIRST_FRAME = ("Posting", "Enter a URL", "Response")


def _tree_sitter_ok(venv: Path) -> bool:
    probe = "import importlib.metadata as m; v = m.version('tree-sitter'); print(v)"
    result = subprocess.run([str(venv / "bin" / "python"), "-c", probe], capture_output=True, text=True)
    if result.returncode != 0:
        return False
    major, minor, *_ = (int(part) for part in result.stdout.strip().split(".")[:2])
    return (major, minor) < (0, 26)


def _usable(venv: Path) -> bool:
    return (venv / "bin" / "posting").exists() and _tree_sitter_ok(venv)


def posting_command() -> list[str] | None:
    """The posting executable, installing it into bench/.cache if needed; None when that fails."""
    for venv in CANDIDATES:
        if _usable(venv):
            return [str(venv / "bin" / "posting")]
    venv = CANDIDATES[-1]
    print(f"Posting: installing {' '.join(REQUIREMENTS)} into {venv} (once) ...", file=sys.stderr, flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, text=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", *REQUIREMENTS], check=True, capture_output=True, text=True
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        print(f"Posting could not be installed; its rows are not measured. {detail.strip()[-400:]}", file=sys.stderr)
        return None
    if not _usable(venv):
        print("Posting was installed but is not usable; its rows are not measured.", file=sys.stderr)
        return None
    return [str(venv / "bin" / "posting")]


def posting_env(home: Path) -> list[str]:
    """`env` arguments giving Posting a throwaway HOME and XDG dirs (no real config, collections or history)."""
    dirs = {name: home / name.lower() for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME")}
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    return ["env", f"HOME={home}", *(f"{name}={path}" for name, path in dirs.items())]
