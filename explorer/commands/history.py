"""`mp-explorer history`: list the explorer's sends, show one, or clear them all.

Everything printed that came from outside (URLs, server messages, response bodies) has its control
characters made visible. Never loads Textual or httpx.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING

from explorer.commands import json_output
from explorer.commands.errors import EXIT_FAILURE, EXIT_OK, UsageError
from explorer.doctor.diff import visible

if TYPE_CHECKING:
    from explorer.workspace.history import History, HistoryEntry

EPILOG = """\
examples:
  mp-explorer history                 the newest sends, one line each
  mp-explorer history --show 12       one send: request as sent, token, answer
  mp-explorer history --clear         delete them all (the explorer's palette has the same)

The history lives in history.sqlite3 in the data directory ($MP_EXPLORER_HOME, else the user data
dir). It keeps the request as sent (with its token) and the answer up to 64 KiB; never the secret
key, the private key, its passphrase or decrypted data. `mp-explorer --no-history` records nothing.

exit status: 0 done, 1 no such send or the history cannot be read, 2 usage error."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "history",
        help="list, show or clear the explorer's send history",
        description="The explorer records every send. List them (newest first), show one, or clear them.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--clear", action="store_true", help="delete every recorded send")
    action.add_argument("--show", metavar="ID", help="show one send in full")
    parser.add_argument("--limit", metavar="N", default="50", help="how many sends to list (default 50)")
    parser.add_argument("--json", action="store_true", help="JSON instead of text")
    parser.set_defaults(handler=run)


def _when(seconds: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(seconds))


def run(args: argparse.Namespace) -> int:
    from explorer.workspace.history import History, HistoryError

    history = History()
    try:
        if args.clear:
            cleared = history.clear()
            print(f"history cleared: {cleared} send{'' if cleared == 1 else 's'} deleted ({history.path})")
            return EXIT_OK
        if args.show is not None:
            return _show(history, args)
        try:
            limit = int(args.limit)
        except ValueError:
            raise UsageError(f"--limit: expected a whole number, got {args.limit!r}") from None
        if not 1 <= limit <= 100_000:
            raise UsageError("--limit: 1 to 100000")
        entries = history.entries(limit)
    except HistoryError as exc:
        print(f"mp-explorer history: {visible(str(exc))}", file=sys.stderr)
        return EXIT_FAILURE
    if args.json:
        print(json_output.dumps([_summary(entry) for entry in entries]))
        return EXIT_OK
    if not entries:
        print(f"no sends recorded ({history.path})")
        return EXIT_OK
    for entry in entries:
        elapsed = f"{entry.elapsed * 1000:.0f} ms" if entry.elapsed is not None else ""
        print(
            f"{entry.id:>5}  {_when(entry.sent_at)}  {visible(entry.method):<6} {visible(entry.url)[:90]}"
            f"  {visible(entry.outcome)[:60]}  {elapsed}"
        )
    return EXIT_OK


def _block(data: bytes) -> str:
    """Bytes from outside as text: line breaks kept, every other control character made visible."""
    return "\n".join(visible(line) for line in data.decode("utf-8", "backslashreplace").split("\n"))


def _summary(entry: HistoryEntry) -> dict[str, object]:
    return {
        "id": entry.id,
        "sent_at": entry.sent_at,
        "endpoint": entry.endpoint,
        "method": entry.method,
        "url": entry.url,
        "status": entry.status,
        "code": entry.code,
        "message": entry.message,
        "error": entry.error,
        "elapsed": entry.elapsed,
    }


def _show(history: History, args: argparse.Namespace) -> int:
    text = str(args.show)
    if not (text.isascii() and text.isdigit() and len(text) < 19):
        raise UsageError(f"--show: expected a send's id (a number), got {visible(text)[:40]!r}")
    entry = history.get(int(text))
    if entry is None:
        print(f"mp-explorer history: no send {int(text)} (see `mp-explorer history`)", file=sys.stderr)
        return EXIT_FAILURE
    if args.json:
        full = _summary(entry)
        full.update(
            headers=[list(pair) for pair in entry.headers],
            body=entry.body.decode("utf-8", "backslashreplace"),
            token=entry.token,
            response=entry.response.decode("utf-8", "backslashreplace"),
            response_truncated=entry.response_truncated,
            form=entry.form,
        )
        print(json_output.dumps(full, ensure_ascii=False))
        return EXIT_OK
    lines = [
        f"send {entry.id}  {_when(entry.sent_at)}  {visible(entry.endpoint or '(custom)')}",
        f"{visible(entry.method)} {visible(entry.url)}",
        *(f"{visible(name)}: {visible(value)}" for name, value in entry.headers),
        "",
        _block(entry.body) + (" …(truncated)" if entry.body_truncated else ""),
        "",
        f"answer: {visible(entry.outcome)}"
        + (f"  {entry.elapsed * 1000:.0f} ms" if entry.elapsed is not None else "")
        + (f"  {visible(entry.message)}" if entry.message else ""),
        _block(entry.response) + (" …(truncated)" if entry.response_truncated else ""),
    ]
    print("\n".join(lines))
    return EXIT_OK
