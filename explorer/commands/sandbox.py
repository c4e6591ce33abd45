"""`mp-explorer sandbox`: run the local Open API until Ctrl+C.

stdout carries exactly one JSON line once the server listens (base_url, app_id, access_key_id,
secret_key, private_key_path, public_key_path); everything for people goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from explorer import environment
from explorer.commands.env_flags import add_env_flag, environment_of

if TYPE_CHECKING:  # the sandbox (Starlette, uvicorn) loads only when the command runs
    from explorer.sandbox.config import SandboxAppConfig
    from explorer.sandbox.runner import SandboxHandle

DEFAULT_PORT = 8787
EPILOG = """\
examples:
  mp-explorer sandbox                       the demo app on http://127.0.0.1:8787
  mp-explorer sandbox --port 0 > sandbox.json
      any free port; sandbox.json holds the one JSON line (read base_url, app_id and the keys with jq)
  mp-explorer sandbox --env backend.env     your own app: MP_APP_ID, MP_ACCESS_KEY_ID, MP_SECRET_KEY
                                            and MP_PUBLIC_KEY_PATH from the file

exit status: 0 stopped by Ctrl+C or SIGTERM, 1 it could not start (the port in use, a damaged demo
app: one line on stderr says what to do), 2 usage error."""
APP_FLAGS = ("app_id", "access_key_id", "secret_key", "public_key")
# Where each app value comes from when its flag is not given (flag > env file > environment).
APP_ENV = {
    "app_id": environment.APP_ID,
    "access_key_id": environment.ACCESS_KEY_ID,
    "secret_key": environment.SECRET_KEY,
    "public_key": environment.PUBLIC_KEY_PATH,
}


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected whole seconds, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _port(text: str) -> int:
    value = _non_negative_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError("a port is 0 to 65535")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("must be a finite number of seconds, 0 or more")
    return value


def _positive_seconds(text: str) -> float:
    value = _seconds(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def _keep_alive(text: str) -> int:
    value = _non_negative_int(text)
    if value == 0:
        raise argparse.ArgumentTypeError("must be 1 second or more")
    return value


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sandbox",
        help="run a local Open API that verifies signatures and says why it rejects",
        description=(
            "Serve the eleven Open API endpoints locally. With no app flags a demo app is used; its keys "
            "are made once and kept in the data directory ($MP_EXPLORER_HOME, else the user data dir). "
            "Prints one JSON line with the base URL and credentials on stdout, then serves until Ctrl+C."
        ),
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1, loopback only)")
    parser.add_argument("--port", type=_port, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)")
    app = parser.add_argument_group(
        "your own app (all four, from flags, env files or the environment; default: the demo app)"
    )
    app.add_argument("--app-id", help=f"appId served under /mp-api/v1/apps/{{appId}} (env {environment.APP_ID})")
    app.add_argument("--access-key-id", help=f"access key id, the JWT's iss (env {environment.ACCESS_KEY_ID})")
    secret = app.add_mutually_exclusive_group()
    secret.add_argument("--secret-key", help=f"secret key, the HS256 key (env {environment.SECRET_KEY})")
    secret.add_argument("--secret-key-file", metavar="PATH", help="read the secret key from a file (one newline cut)")
    app.add_argument(
        "--public-key",
        type=Path,
        metavar="PEMFILE",
        help=f"RSA public key PEM that userData is made with (env {environment.PUBLIC_KEY_PATH})",
    )
    add_env_flag(parser)
    limits = parser.add_argument_group("windows and lifetimes")
    limits.add_argument("--ts-window", type=_non_negative_int, default=300, help="accepted |now - ts| (default 300 s)")
    limits.add_argument("--data-token-ttl", type=_seconds, default=120.0, help="data token lifetime (default 120 s)")
    limits.add_argument(
        "--file-check-delay", type=_seconds, default=5.0, help="seconds a file stays CHECKING (default 5)"
    )
    limits.add_argument(
        "--header-timeout",
        type=_positive_seconds,
        default=10.0,
        help="seconds a connection has to send a whole request head, then it is closed (default 10)",
    )
    limits.add_argument(
        "--body-timeout",
        type=_positive_seconds,
        default=30.0,
        help="seconds from a request's head to the end of its body, then 408 and closed (default 30)",
    )
    limits.add_argument(
        "--keep-alive",
        type=_keep_alive,
        default=5,
        help="whole seconds an idle keep-alive connection is kept after an answer (default 5)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not log each Open API request on stderr")
    parser.set_defaults(handler=run)


def _app_values(args: argparse.Namespace) -> dict[str, Any] | None:
    """The four app values from flags over env files over the environment; None for the demo app.

    Without any app flag the environment serves your own app only when it names all four, so MP_*
    variables set for `sign` alone still get the demo app.
    """
    from explorer.commands._inputs import read_secret_file
    from explorer.commands.errors import UsageError

    env = environment_of(args)
    flags = {name: getattr(args, name) for name in APP_FLAGS}
    if args.secret_key_file is not None:
        flags["secret_key"] = read_secret_file(args.secret_key_file, "--secret-key-file")
    from_env: dict[str, Any] = {name: env.get(variable) or None for name, variable in APP_ENV.items()}
    if from_env["public_key"] is not None:
        from_env["public_key"] = Path(from_env["public_key"])
    if all(value is None for value in flags.values()) and not all(from_env.values()):
        return None
    values = {name: flags[name] if flags[name] is not None else from_env[name] for name in APP_FLAGS}
    missing = [name for name, value in values.items() if value is None]
    if missing:
        named = ", ".join(f"--{name.replace('_', '-')} (or {APP_ENV[name]})" for name in missing)
        raise UsageError(f"your own app needs all four values: also give {named}, or none of them for the demo app")
    for name in ("app_id", "access_key_id", "secret_key"):
        if not values[name].strip():
            raise UsageError(f"--{name.replace('_', '-')} is empty")
    return values


def _user_app(args: argparse.Namespace) -> SandboxAppConfig | None:
    from explorer.commands.errors import UsageError

    values = _app_values(args)
    if values is None:
        return None
    from explorer import crypto
    from explorer.sandbox.config import SandboxAppConfig

    try:
        pem = values["public_key"].expanduser().read_bytes()
        crypto.load_public_key(pem)
    except OSError as exc:
        raise UsageError(f"--public-key: cannot read {values['public_key']}: {exc.strerror or exc}") from None
    except crypto.CryptoError as exc:
        raise UsageError(f"--public-key: {exc.message}") from None
    return SandboxAppConfig(
        app_id=values["app_id"],
        access_key_id=values["access_key_id"],
        secret_key=values["secret_key"],
        public_key_pem=pem,
    )


def _banner(handle: SandboxHandle, args: argparse.Namespace) -> str:
    base = handle.base_url
    prefix = f"{base}/mp-api/v1/apps/{handle.app_id}"
    key_line = (
        f"  private key  {handle.private_key_path}  (decrypts userData)"
        if handle.private_key_path
        else "  keys         yours (--public-key); decrypt userData with your private key"
    )
    return "\n".join(
        [
            f"mp-explorer sandbox listening on {base}",
            f"  app id       {handle.app_id}",
            f"  access key   {handle.access_key_id}  "
            + (
                "(secret key: yours)" if handle.private_key_path is None else "(secret key: in the JSON line on stdout)"
            ),
            key_line,
            "",
            f"Open API (signed)   {prefix}/...  user-open-data, users, message/send, message/broadcast,",
            "                    files/upload, files/{fileId}, skus, skus/{skuId}, skus/{skuId}/activate",
            f'Sandbox-only        POST {base}/sandbox/v1/apps/{handle.app_id}/data-tokens  {{"scope": "openid"}}',
            f"                    POST {base}/sandbox/v1/apps/{handle.app_id}/push-tokens",
            f"                    GET  {base}/sandbox/v1/apps/{handle.app_id}/users",
            f"                    GET  {base}/sandbox/v1/health",
            f'Faults on demand    POST {base}/sandbox/v1/faults  {{"kind": "code", "code": "900231", "count": 2}}',
            "                    (kinds: code, http, delay, close, rate_limit; GET lists them, DELETE clears them)",
            "",
            "Every Open API call is checked in this order: route, appId, body size, then the "
            f"X-Mp-Open-Api-Token: JWT shape, alg HS256, signature, claims iss/dig/ts, iss = access key id, "
            f"|now - ts| <= {args.ts_window} s, dig = SHA-256 of the canonical request. Rejections answer "
            "900002 with a 'sandbox' object saying why and what was computed.",
            f"Data tokens live {args.data_token_ttl:g} s; uploaded files stay CHECKING {args.file_check_delay:g} s.",
            f"A connection has {args.header_timeout:g} s to send a request head; idle ones close after "
            f"{args.keep_alive} s.",
            "Stop with Ctrl+C.",
        ]
    )


def run(args: argparse.Namespace) -> int:
    # Handlers go in first, before the server's imports and start-up: a Ctrl+C while it starts still stops it.
    stop = threading.Event()

    def _on_signal(signum: int, frame: Any) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        return _serve(args, stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _serve(args: argparse.Namespace, stop: threading.Event) -> int:
    from explorer.sandbox.runner import SandboxError, is_loopback, start_background

    app = _user_app(args)
    _log_to_stderr(requests=not args.quiet)
    try:
        handle = start_background(
            app=app,
            host=args.host,
            port=args.port,
            ts_window=args.ts_window,
            data_token_ttl=args.data_token_ttl,
            file_check_delay=args.file_check_delay,
            head_timeout=args.header_timeout,
            keep_alive=args.keep_alive,
            body_timeout=args.body_timeout,
        )
    except SandboxError as exc:
        print(f"mp-explorer sandbox: error: {exc}", file=sys.stderr)
        return 1
    # Only once the address is bound: a host that does not resolve gets its error alone.
    if not is_loopback(args.host):
        print(
            f"warning: binding {args.host}: the sandbox is reachable from other machines; it is a test "
            "server with a demo secret key. Use --host 127.0.0.1 unless you mean it.",
            file=sys.stderr,
        )

    try:
        line = {
            "base_url": handle.base_url,
            "app_id": handle.app_id,
            "access_key_id": handle.access_key_id,
            # The demo app's secret key is news to the caller; a key given with --secret-key is not,
            # and stdout is often logged: it is never echoed.
            "secret_key": handle.secret_key if app is None else None,
            "private_key_path": str(handle.private_key_path) if handle.private_key_path else None,
            "public_key_path": str(handle.public_key_path) if handle.public_key_path else None,
        }
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()
        print(_banner(handle, args), file=sys.stderr, flush=True)
        while not stop.is_set() and handle.running:
            stop.wait(0.5)
    finally:
        handle.stop()
    print("sandbox stopped", file=sys.stderr, flush=True)
    return 0


def _log_to_stderr(requests: bool) -> None:
    # uvicorn's warnings always; one line per Open API call (method, path, code, reason; no query,
    # no headers, no secrets) unless --quiet.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    for name, level in (
        ("uvicorn", logging.WARNING),
        ("explorer.sandbox", logging.INFO if requests else logging.WARNING),
    ):
        log = logging.getLogger(name)
        log.addHandler(handler)
        log.setLevel(level)
        log.propagate = False
