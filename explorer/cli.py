"""The `mp-explorer` command: no subcommand launches the explorer; subcommands work headless.

Only argparse and the chosen subcommand's module are imported here, so `mp-explorer sign`
never loads Textual. The exit codes and `UsageError` live in `explorer.commands.errors`:
this module imports the commands, never the reverse.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from collections.abc import Sequence

from explorer.commands.errors import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, UsageError
from explorer.commands.names import SUBCOMMANDS  # name -> module under explorer.commands with register()

__all__ = ["SUBCOMMANDS", "UsageError", "main"]


def _subcommand_parser(name: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mp-explorer",
        description="Sign, verify and decrypt Binance Mini Program Open API requests.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    module = importlib.import_module(f"explorer.commands.{SUBCOMMANDS[name]}")
    module.register(subparsers)
    return parser


def _escape_what_cannot_be_encoded() -> None:
    """A stream whose encoding cannot hold a character (PYTHONIOENCODING=latin-1, LANG=C) writes its
    escape (`\\u4e2d`) instead of ending in a traceback."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    _escape_what_cannot_be_encoded()
    try:
        if args_list and args_list[0] in SUBCOMMANDS:
            parser = _subcommand_parser(args_list[0])
        else:
            from explorer.commands import launch

            parser = launch.parser()
        args = parser.parse_args(args_list)
        handler = getattr(args, "handler", None)
        if handler is None:
            parser.print_help()
            return EXIT_USAGE
        return int(handler(args) or 0)
    except UsageError as exc:
        # Messages quote flags, paths and file contents: control characters are shown, never obeyed.
        # (Imported here: its patterns cost `sign --token` some 2 ms of its start when loaded up front.)
        from explorer.safe_text import visible

        print(f"mp-explorer: error: {visible(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `mp-explorer sign | head -1`: the reader went away; that is not an error of ours.
        return EXIT_OK
