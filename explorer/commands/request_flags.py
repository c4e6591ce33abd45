"""The flags `sign` and `verify` share, and the RequestSpec they describe.

Every bad value becomes a UsageError naming the flag (or the environment variable) it came from.
"""

from __future__ import annotations

import argparse

from explorer import environment, signing
from explorer.commands import _inputs
from explorer.commands.env_flags import add_env_flag, environment_of
from explorer.commands.errors import UsageError
from explorer.endpoints import DEFAULT_BASE_URL
from explorer.request import RequestSpec, check_base_url, split_url


def add_request_flags(parser: argparse.ArgumentParser) -> None:
    """--method, --path or --url, --query, --body or --body-file, --base-url."""
    parser.add_argument("--method", default="GET", help="HTTP method (default: GET)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--path", help="request path, e.g. /mp-api/v1/apps/APPID/user-open-data")
    where.add_argument("--url", help="full URL: gives base URL, path and query")
    parser.add_argument(
        "--query",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a query pair, value taken literally (split at the first '='); repeatable",
    )
    body = parser.add_mutually_exclusive_group()
    body.add_argument("--body", metavar="TEXT", help="request body as text (UTF-8)")
    body.add_argument("--body-file", metavar="PATH", help="request body bytes from a file, - for stdin")
    parser.add_argument(
        "--base-url", metavar="URL", help=f"base URL for --curl (default: {DEFAULT_BASE_URL}; --url gives its own)"
    )


def add_secret_flags(parser: argparse.ArgumentParser) -> None:
    """--secret-key or --secret-key-file (the environment variable as the fallback), and --env FILE."""
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--secret-key", metavar="SK", help=f"secret key (default: ${environment.SECRET_KEY})")
    secret.add_argument("--secret-key-file", metavar="PATH", help="read the secret key from a file (one newline cut)")
    add_env_flag(parser)


def add_check_flags(parser: argparse.ArgumentParser) -> None:
    """What a token is checked against (verify and doctor): the expected iss, the secret key, now and the window."""
    parser.add_argument(
        "--access-key-id",
        metavar="AK",
        help=f"expected iss; checked when given (default: ${environment.ACCESS_KEY_ID})",
    )
    add_secret_flags(parser)
    parser.add_argument("--now", metavar="SECONDS", help="Unix seconds to check ts against (default: now)")
    parser.add_argument(
        "--max-skew",
        metavar="SECONDS",
        default=str(signing.DEFAULT_MAX_SKEW),
        help=f"accepted |now - ts| in seconds (default: {signing.DEFAULT_MAX_SKEW})",
    )


def check_window(args: argparse.Namespace) -> tuple[int | None, int]:
    """--now (None: the clock) and --max-skew from add_check_flags, as seconds."""
    now = None if args.now is None else int_flag("--now", args.now, low=0, high=signing.MAX_TS)
    return now, int_flag("--max-skew", args.max_skew, low=0, high=signing.MAX_TS)


def int_flag(flag: str, text: str, *, low: int, high: int) -> int:
    """`text` as an integer in [low, high]; a UsageError naming `flag` otherwise."""
    try:
        value = int(text.strip(), 10)
    except ValueError:
        digits = text.strip().lstrip("-")
        if digits.isascii() and digits.isdigit():  # past Python's 4300-digit conversion limit
            raise UsageError(f"{flag}: a number of {len(digits)} digits is out of range ({low} to {high})") from None
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise UsageError(f"{flag}: {shown!r} is not an integer") from None
    if not low <= value <= high:
        length = len(str(abs(value)))
        # A 4,000-digit number echoed whole filled the terminal: past 40 digits, its length is enough.
        shown = str(value) if length <= 40 else f"a number of {length} digits"
        raise UsageError(f"{flag}: {shown} is out of range ({low} to {high})")
    return value


def _query_pairs(items: list[str]) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"--query: {item!r} has no '='; write NAME=VALUE (NAME= for an empty value)")
        pairs.append((name, value))
    return pairs


def _text(value: str, what: str) -> str:
    # Command-line and environment bytes that are not UTF-8 arrive as surrogate escapes; the
    # scheme's keys are UTF-8 text, so say so instead of signing with something else.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(f"{what} is not UTF-8 text") from None
    return value


def access_key_id(args: argparse.Namespace, *, required: bool) -> str | None:
    """--access-key-id, else the environment; None when neither gives one and it is optional."""
    value = (
        args.access_key_id if args.access_key_id is not None else environment_of(args).get(environment.ACCESS_KEY_ID)
    )
    if not value:
        if required:
            raise UsageError(
                f"missing access key id: give --access-key-id or set {environment.ACCESS_KEY_ID} "
                "(in the environment or an env file)"
            )
        return None
    return _text(value, "the access key id")


def secret_key(args: argparse.Namespace) -> str:
    """--secret-key-file, --secret-key, else the environment."""
    if args.secret_key_file is not None:
        return _inputs.read_secret_file(args.secret_key_file, "--secret-key-file")
    value = args.secret_key if args.secret_key is not None else environment_of(args).get(environment.SECRET_KEY)
    if not value:
        raise UsageError(
            f"missing secret key: give --secret-key or --secret-key-file, or set {environment.SECRET_KEY} "
            "(in the environment or an env file)"
        )
    return _text(value, "the secret key")


def _content_type(value: str | None) -> str | None:
    # A header value: visible ASCII and spaces, so the curl command cannot carry a second header.
    if value is not None and not all(" " <= ch <= "~" or ch == "\t" for ch in value):
        raise UsageError(f"--content-type: {value!r} is not a header value (visible ASCII only)")
    return value


def request_from_flags(
    args: argparse.Namespace, *, access_key_id: str, secret_key: str, ts: int | None
) -> tuple[RequestSpec, str]:
    """The RequestSpec the flags describe, and the base URL."""
    if args.url is not None:
        if args.base_url is not None:
            raise UsageError("--url already gives the base URL; drop --base-url")
        base_url, path, pairs = split_url(args.url)
    elif args.path is not None:
        base_url = args.base_url or environment_of(args).get(environment.BASE_URL) or DEFAULT_BASE_URL
        path, pairs = args.path, []
    else:
        raise UsageError("give the request path with --path PATH or --url URL")
    pairs += _query_pairs(args.query)
    if args.body_file is not None:
        body = _inputs.read_bytes(args.body_file, "--body-file")
    elif args.body is not None:
        body = signing.body_bytes(args.body)
    else:
        body = b""
    spec = RequestSpec(
        method=args.method,
        path=path,
        query=tuple(pairs),
        body=body,
        access_key_id=access_key_id,
        secret_key=secret_key,
        ts=ts,
        content_type=_content_type(getattr(args, "content_type", None)),
    )
    return spec, check_base_url(base_url)
