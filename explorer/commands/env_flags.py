"""`--env FILE` for every command, and the Environment each command reads its MP_* values from.

Precedence, highest first: the command's own flag, then environment files (`mp-explorer.env` in
the working directory when present, then each `--env FILE` in order, later wins), then the process
environment.
"""

from __future__ import annotations

import argparse

from explorer.commands.errors import UsageError
from explorer.environment import ENV_FILE
from explorer.workspace.env_files import EnvFileError, Environment, load_environment

_CACHE = "_mp_environment"


def add_env_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="FILE",
        help=f"read NAME=VALUE lines from FILE (repeatable, later wins; ./{ENV_FILE} is read first when present). "
        "Flags win over env files, env files over the environment",
    )


def environment_of(args: argparse.Namespace) -> Environment:
    """The Environment for these parsed flags (loaded once per run); UsageError for a bad env file."""
    cached = getattr(args, _CACHE, None)
    if isinstance(cached, Environment):
        return cached
    try:
        loaded = load_environment(getattr(args, "env", None) or ())
    except EnvFileError as exc:
        raise UsageError(str(exc)) from None
    setattr(args, _CACHE, loaded)
    return loaded
