"""Environment files: `mp-explorer.env` in the working directory and `--env FILE`, parsed by python-dotenv.

Precedence, highest first: a command-line flag, then the environment files (later `--env` files
over earlier ones, every `--env` file over `mp-explorer.env`), then the process environment. The
values are kept in an Environment object and never copied into os.environ, so nothing started
from the explorer inherits them.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from explorer.environment import ENV_FILE
from explorer.workspace.capped_read import read_capped

# An environment file is a handful of lines; past this it is not one.
MAX_ENV_FILE_BYTES = 256 * 1024
PROCESS = "the environment"


class EnvFileError(ValueError):
    """An environment file that cannot be read or parsed; the message names the file (and line)."""


@dataclass(frozen=True)
class Environment:
    """Values from environment files over the process environment; `source(name)` says where one came from."""

    file_values: Mapping[str, str] = field(default_factory=dict)
    file_sources: Mapping[str, str] = field(default_factory=dict)
    process: Mapping[str, str] = field(default_factory=lambda: os.environ)
    files: tuple[str, ...] = ()

    def get(self, name: str) -> str | None:
        """The value of `name`: an environment file's, else the process environment's; None when unset."""
        if name in self.file_values:
            return self.file_values[name]
        return self.process.get(name)

    def source(self, name: str) -> str | None:
        """The file a value came from, PROCESS for the environment, None when unset."""
        if name in self.file_sources:
            return self.file_sources[name]
        return PROCESS if name in self.process else None


def _read(path: Path, shown: str) -> str:
    data = read_capped(path, MAX_ENV_FILE_BYTES, shown=shown, kind="an environment file", error=EnvFileError)
    if len(data) > MAX_ENV_FILE_BYTES:
        raise EnvFileError(f"{shown}: more than {MAX_ENV_FILE_BYTES // 1024} KiB; not an environment file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise EnvFileError(f"{shown}: not UTF-8 text (byte {exc.start})") from None


def parse_env_text(text: str, shown: str, base: Mapping[str, str]) -> dict[str, str]:
    """NAME=VALUE pairs of one file (dotenv syntax: quotes, `export`, comments, ${VAR} from `base`).

    A line dotenv cannot parse is an EnvFileError naming the line; `NAME` alone (no '=') is skipped.
    """
    from dotenv.parser import parse_stream
    from dotenv.variables import parse_variables

    values: dict[str, str] = {}
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            # The line itself is not shown: it may hold a secret with a typo in its quoting.
            raise EnvFileError(f"{shown}, line {binding.original.line}: cannot parse this line (expected NAME=VALUE)")
        if binding.key is None or binding.value is None:
            continue
        # ${NAME} and ${NAME:-default}: this file's earlier values, then earlier files and the environment.
        scope = {**base, **values}
        values[binding.key] = "".join(atom.resolve(scope) for atom in parse_variables(binding.value))
    return values


def load_environment(
    env_files: Sequence[str] = (),
    *,
    cwd: Path | None = None,
    process: Mapping[str, str] | None = None,
) -> Environment:
    """`mp-explorer.env` from `cwd` when present, then each of `env_files` in order (later wins).

    A missing `--env` file is an error; a missing default file is not. Raises EnvFileError.
    """
    process = os.environ if process is None else process
    folder = cwd if cwd is not None else Path.cwd()
    paths: list[tuple[Path, str]] = []
    default = folder / ENV_FILE
    if default.is_file():
        paths.append((default, ENV_FILE))
    for name in env_files:
        path = Path(name).expanduser()
        if not path.exists():
            raise EnvFileError(f"--env {name}: no such file")
        paths.append((path if path.is_absolute() else folder / path, name))
    values: dict[str, str] = {}
    sources: dict[str, str] = {}
    for path, shown in paths:
        parsed = parse_env_text(_read(path, shown), shown, {**process, **values})
        values.update(parsed)
        sources.update(dict.fromkeys(parsed, shown))
    return Environment(values, sources, process, tuple(shown for _, shown in paths))
