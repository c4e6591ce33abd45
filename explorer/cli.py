"""The `mp-explorer` command: no subcommand launches the explorer; subcommands work headless.

Only argparse and the chosen subcommand's module are imported here, so `mp-explorer sign`
never loads Textual.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# subcommand name -> module under explorer.commands that defines register(subparsers)
SUBCOMMANDS: dict[str, str] = {
    "sign": "sign",
    "verify": "sign",
    "decrypt": "decrypt",
    "keygen": "decrypt",
    "sandbox": "sandbox",
}

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """A bad flag value found after parsing; reported as a usage error (exit 2)."""


def _subcommand_parser(name: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mp-explorer",
        description="Sign, verify and decrypt Binance Mini Program Open API requests.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    module = importlib.import_module(f"explorer.commands.{SUBCOMMANDS[name]}")
    module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
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
        print(f"mp-explorer: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `mp-explorer sign | head -1`: the reader went away; that is not an error of ours.
        return EXIT_OK
