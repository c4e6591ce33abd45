"""`mp-explorer` with no subcommand: parse the launch flags and start the explorer.

Only argparse at module level: Textual (and the sandbox) load when the handler runs.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from explorer import environment
from explorer.commands.env_flags import add_env_flag
from explorer.commands.names import SUBCOMMANDS
from explorer.endpoints import DEFAULT_BASE_URL

if TYPE_CHECKING:  # Textual and the workspace load only when the explorer starts
    from explorer.tui.settings import Settings
    from explorer.workspace.request_file import SavedRequest

T = TypeVar("T")

EPILOG = f"""\
examples:
  mp-explorer
      start the embedded sandbox on a free loopback port, fill in its demo app,
      mint a data token and select GetUserOpenId: press ctrl+s to see the openid
  mp-explorer --ts 1700000000 --app-id ozSQnakAm7apa6ew7crPYd --data-token abc123 \\
      --access-key-id testAccessKey --secret-key-file sk.txt
      the stages show the spec's get-open-data vector byte for byte (sent to the
      sandbox, it is refused: unknown key, old ts; the response says which)
  mp-explorer --base-url {DEFAULT_BASE_URL} --endpoint ListSKUs \\
      --app-id APP --private-key ~/keys/mp.pem
      a real target (no sandbox); {environment.ACCESS_KEY_ID} and {environment.SECRET_KEY} fill the keys
  mp-explorer --endpoint SendPushMessage --body '{{"pushToken":"pt_1"}}'

keys: f1 help · ctrl+s send · escape cancel · ctrl+y copy token · f2 header · f3 canonical
      f4 digest · f5 curl · ctrl+t new data token · ctrl+g pin ts · ctrl+r reveal · ctrl+p palette

environment: {environment.APP_ID}, {environment.ACCESS_KEY_ID}, {environment.SECRET_KEY},
{environment.PRIVATE_KEY_PATH}, {environment.PRIVATE_KEY_PASSPHRASE} prefill the credentials;
{environment.BASE_URL} picks a real target; {environment.HOME} moves the data directory.
./{environment.ENV_FILE} and --env FILE set them too: a flag wins over an env file, an env file over the environment."""


def _query_pair(text: str) -> str:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME=VALUE")
    return text


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value <= 600:
        raise argparse.ArgumentTypeError("must be more than 0 and at most 600 seconds")
    return value


def version() -> str:
    """The installed distribution's version (the package's own when run from a source tree)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as dist_version

    try:
        return dist_version("mp-explorer")
    except PackageNotFoundError:
        from explorer import __version__

        return __version__


class _VersionAction(argparse.Action):
    """`--version`, reading the version only when asked: importlib.metadata (email, zipfile, csv...)
    took tens of milliseconds off every launch of the explorer when the parser read it up front."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS, **kwargs: Any) -> None:
        kwargs.setdefault("help", "show program's version number and exit")
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0, **kwargs)

    def __call__(
        self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any, option_string: Any = None
    ) -> None:
        print(f"mp-explorer {version()}")
        parser.exit()


def parser() -> argparse.ArgumentParser:
    """The launcher's parser; `args.handler(args)` starts the explorer."""
    p = argparse.ArgumentParser(
        prog="mp-explorer",
        description="See every stage of Binance Mini Program Open API signing, live; send the request and "
        f"read the response raw and decrypted. Subcommands: {', '.join(SUBCOMMANDS)} (mp-explorer COMMAND --help).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("-V", "--version", action=_VersionAction)
    target = p.add_argument_group("target")
    target.add_argument(
        "--base-url",
        metavar="URL",
        help=f"a real target such as {DEFAULT_BASE_URL} (default: start the embedded sandbox)",
    )
    target.add_argument(
        "--timeout",
        type=_positive_seconds,
        metavar="S",
        help="seconds a send may take in all, connect to last byte (default 10)",
    )
    request = p.add_argument_group("request")
    request.add_argument(
        "--request",
        metavar="FILE",
        help="open a saved request file (*.request.toml); the flags below win over what it holds",
    )
    request.add_argument("--endpoint", metavar="NAME", help="one of the eleven endpoints (default GetUserOpenId)")
    request.add_argument("--method", help="HTTP method, overriding the endpoint's")
    request.add_argument("--path", help="request path; {appId} is filled from the app id")
    request.add_argument(
        "--query",
        action="append",
        type=_query_pair,
        metavar="NAME=VALUE",
        help="a query pair (repeatable); replaces the endpoint's query",
    )
    request.add_argument("--body", help="request body; these exact UTF-8 bytes are hashed and sent")
    creds = p.add_argument_group("credentials")
    creds.add_argument("--app-id", help=f"app id (env {environment.APP_ID})")
    creds.add_argument("--access-key-id", help=f"access key id, the JWT's iss (env {environment.ACCESS_KEY_ID})")
    secret = creds.add_mutually_exclusive_group()
    secret.add_argument(
        "--secret-key",
        help=f"secret key (env {environment.SECRET_KEY}; prefer --secret-key-file: arguments show in the process list)",
    )
    secret.add_argument("--secret-key-file", metavar="PATH", help="read the secret key from a file")
    creds.add_argument(
        "--private-key",
        metavar="PATH",
        help=f"RSA private key (PEM) to decrypt userData (env {environment.PRIVATE_KEY_PATH}; its passphrase: "
        f"{environment.PRIVATE_KEY_PASSPHRASE})",
    )
    creds.add_argument("--data-token", metavar="TOKEN", help="GetUserOpenId's openData (the sandbox mints one)")
    creds.add_argument(
        "--ts", type=int, metavar="N", help="pin the timestamp (Unix seconds); default follows the clock"
    )
    add_env_flag(p)
    p.add_argument(
        "--no-history",
        action="store_true",
        help="do not record sends (default: every send goes to history.sqlite3 in the data directory)",
    )
    p.set_defaults(handler=run)
    return p


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Build explorer.tui.settings.Settings from parsed flags (raises UsageError on bad values)."""
    from explorer.commands.env_flags import environment_of
    from explorer.commands.errors import UsageError
    from explorer.endpoints import find
    from explorer.tui.settings import Settings

    # A flag wins over the env files, the env files over the process environment (env_flags.py).
    env = environment_of(args)

    def pick(flag_value: str | None, name: str) -> str | None:
        return flag_value if flag_value is not None else env.get(name)

    saved = _request_file(args)
    lookup = env.get

    def from_file(flag_value: T | None, saved_value: T | None) -> T | None:
        # A flag wins over the request file; the file over the env files and the environment.
        return flag_value if flag_value is not None else saved_value

    secret_key = pick(args.secret_key, environment.SECRET_KEY)
    passphrase = env.get(environment.PRIVATE_KEY_PASSPHRASE)
    if saved is not None:
        from explorer.workspace.request_file import resolve

        if args.secret_key is None and saved.secret_key_ref:
            secret_key = resolve(saved.secret_key_ref, lookup)[0] or secret_key
        if saved.passphrase_ref:
            passphrase = resolve(saved.passphrase_ref, lookup)[0] or passphrase
    if args.secret_key_file:
        # The same reader as `sign`: bounded (a device never hangs it), UTF-8 checked, one newline cut.
        from explorer.commands._inputs import read_secret_file

        secret_key = read_secret_file(str(Path(args.secret_key_file).expanduser()), "--secret-key-file")
    endpoint: str | None = "GetUserOpenId"
    if args.endpoint:
        try:
            endpoint = find(args.endpoint).name
        except KeyError as exc:
            raise UsageError(f"--endpoint: {exc.args[0]}") from None
    elif saved is not None:
        endpoint = saved.endpoint
    saved_target = saved.target if saved is not None and saved.target != "sandbox" else None
    if args.base_url is None and saved is not None:
        base_url = saved_target  # the file says where it goes: the embedded sandbox (None) or a URL
    else:
        base_url = pick(args.base_url, environment.BASE_URL) or None
    if base_url:
        from explorer import signing
        from explorer.request import check_base_url

        if args.base_url:
            where = "--base-url"
        elif saved_target:
            where = f"--request {args.request}: target"
        else:
            where = f"{environment.BASE_URL} ({env.source(environment.BASE_URL)})"
        try:
            check_base_url(base_url)
        except signing.SigningInputError as exc:
            raise UsageError(f"{where}: {exc.message}") from None
    private_key = from_file(args.private_key, saved.private_key if saved and saved.private_key else None)
    private_key = private_key if private_key is not None else env.get(environment.PRIVATE_KEY_PATH)
    timeout = args.timeout
    if timeout is None and saved is not None:
        try:
            timeout = _positive_seconds(saved.timeout)
        except argparse.ArgumentTypeError as exc:
            raise UsageError(f"--request {args.request}: timeout: {exc}") from None
    history = None
    if not args.no_history:
        from explorer.workspace.history import History

        history = History()
    return Settings(
        base_url=base_url,
        start_sandbox=not base_url,
        endpoint=endpoint,
        method=from_file(args.method, saved.method if saved else None),
        path=from_file(args.path, saved.path if saved else None),
        query="\n".join(args.query) if args.query else (saved.query if saved else None),
        body=from_file(args.body, _saved_body(saved, args.request)),
        app_id=pick(from_file(args.app_id, saved.app_id or None if saved else None), environment.APP_ID),
        access_key_id=pick(
            from_file(args.access_key_id, saved.access_key_id or None if saved else None), environment.ACCESS_KEY_ID
        ),
        secret_key=secret_key,
        private_key=str(Path(private_key).expanduser()) if private_key else None,
        passphrase=passphrase,
        data_token=args.data_token,
        ts=from_file(args.ts, saved.ts if saved else None),
        timeout=timeout if timeout is not None else 10.0,
        file=saved.file if saved and saved.file else None,
        history=history,
        opened_request=saved,
        opened_request_path=str(Path(args.request).expanduser()) if saved is not None else None,
        env_lookup=env.get,
    )


def _request_file(args: argparse.Namespace) -> SavedRequest | None:
    """The SavedRequest of --request FILE, or None; UsageError naming the file and key when unusable."""
    if not args.request:
        return None
    from explorer.commands.errors import UsageError
    from explorer.workspace.request_file import RequestFileError, load

    try:
        return load(Path(args.request))
    except RequestFileError as exc:
        raise UsageError(f"--request: {exc}") from None


def _saved_body(saved: SavedRequest | None, shown: str | None) -> str | None:
    if saved is None:
        return None
    text = saved.body_text
    if text is None:
        from explorer.commands.errors import UsageError

        raise UsageError(f"--request {shown}: the body is not UTF-8 text, and the explorer's body field holds text")
    return str(text)


def _isatty(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except (ValueError, OSError):  # a closed stream
        return False


def terminal_problem(
    stdin: Any, stdout: Any, stderr: Any, *, forced: bool = False, term: str | None = None
) -> str | None:
    """Why the explorer cannot run on these streams, or None.

    It reads keys from stdin (a pipe or /dev/null would leave it spinning on end of file, with no
    way to quit), and Textual draws on stderr (redirected, the screen stays blank and the log
    fills with escape sequences). A dumb TERM cannot show it at all. `forced` (MP_EXPLORER_FORCE_TUI)
    lets a test run it without a terminal on stdout only; `term` defaults to $TERM.
    """
    if not _isatty(stdin):
        return (
            "the explorer reads keys from a terminal, and stdin is not one (a pipe, a file or /dev/null); "
            "run it in a terminal without '<' or '|', or for scripts use `mp-explorer sign`"
        )
    if not _isatty(stdout) and not forced:
        return "the explorer needs a terminal; for scripts use `mp-explorer sign`"
    if not _isatty(stderr):
        return (
            "the explorer draws on stderr, which is redirected (2>FILE); run it without redirecting "
            "stderr (the explorer writes no log there), or for scripts use `mp-explorer sign`"
        )
    term = (term if term is not None else os.environ.get("TERM", "")).strip().lower()
    if term in ("dumb", "unknown"):
        # Such a terminal moves no cursor and shows no colour; the explorer drew truecolor on it anyway.
        return (
            f"TERM={term}: this terminal cannot move the cursor or show colours, which the explorer needs; "
            "run it in a terminal whose TERM names it (e.g. xterm-256color), or use the subcommands "
            "(`mp-explorer sign`, `verify`, `decrypt`)"
        )
    return None


def skip_httpx_command_line() -> None:
    """Keep httpx's command-line tool out of the explorer's memory.

    httpx's package imports its `httpx` command (click, pygments, rich.syntax: ~3 MiB resident)
    whenever those can be imported, and falls back to a stub when the import fails. The explorer
    never runs that command; a None in sys.modules makes the import fail. The explorer's process only
    (the library and the test plugin leave httpx as it is); tests/test_import_hygiene.py fails if
    httpx stops treating that import as optional.
    """
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def run(args: argparse.Namespace) -> int:
    """Start the explorer (Textual loads here).

    Garbage collection waits for the explorer's first frame: while Textual and the explorer load and
    build that frame the heap only grows, and each collection walked it to find next to nothing
    (about a tenth of the cold start). The app resumes collection once the frame is drawn
    (Settings.gc_paused); leaving here restores it, whatever happened.
    """
    collecting = gc.isenabled()
    gc.disable()
    skip_httpx_command_line()
    try:
        settings = settings_from_args(args)
        problem = terminal_problem(
            sys.stdin, sys.stdout, sys.stderr, forced=bool(os.environ.get(environment.FORCE_TUI))
        )
        if problem is not None:
            print(f"mp-explorer: {problem}", file=sys.stderr)
            return 2
        from explorer.tui.app import ExplorerApp

        settings.gc_paused = collecting
        ExplorerApp(settings).run()
        return 0
    finally:
        if collecting:
            gc.enable()
