"""`mp-explorer sign` and `mp-explorer verify`: every stage of the signature, from the shell.

Imports only the standard library and the headless core (signing, request, export), so these
commands start fast and never load Textual or httpx. The secret key is never printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from typing import Any

from explorer import signing
from explorer.cli import EXIT_FAILURE, EXIT_OK, UsageError
from explorer.commands import _inputs
from explorer.endpoints import DEFAULT_BASE_URL
from explorer.request import RequestSpec, check_base_url, split_url, wire_request

ENV_ACCESS_KEY_ID = "MP_ACCESS_KEY_ID"
ENV_SECRET_KEY = "MP_SECRET_KEY"
# Integers a JSON reader that uses doubles (most JWT libraries) reads back exactly,
# and that also have a calendar date to show.
MAX_TS = 253402300799  # 9999-12-31 23:59:59 UTC

SIGN_EPILOG = f"""\
examples:
  mp-explorer sign --path /mp-api/v1/apps/APPID/user-open-data --query openData=abc123 \\
      --access-key-id testAccessKey --secret-key-file sk.txt --ts 1700000000
  mp-explorer sign --url 'https://dip-cb.binanceapi.com/mp-api/v1/apps/APPID/skus?page=1&limit=20' --json
  mp-explorer sign --method POST --path /mp-api/v1/apps/APPID/message/send --body-file body.json --curl

credentials come from the flags or from ${ENV_ACCESS_KEY_ID} and ${ENV_SECRET_KEY}; prefer
--secret-key-file or the environment to --secret-key, which other users can see in the process list.

exit status: 0 signed, 2 usage error (bad flag, unreadable file, input that cannot be signed)."""

VERIFY_EPILOG = f"""\
examples:
  mp-explorer verify "$TOKEN" --path /mp-api/v1/apps/APPID/user-open-data --query openData=abc123 \\
      --access-key-id testAccessKey --secret-key-file sk.txt
  mp-explorer sign ... --token | mp-explorer verify - --path ... --now 1700000000 --json

The token is checked in this order: shape, alg (HS256 only), HMAC signature, claims iss/dig/ts,
iss (when --access-key-id or ${ENV_ACCESS_KEY_ID} is given), ts window (|now - ts| <= --max-skew),
digest of the canonical request computed from the flags.

exit status: 0 valid, 1 invalid (the outcome is named on stdout), 2 usage error."""


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the `sign` and `verify` parsers."""
    sign = subparsers.add_parser(
        "sign",
        help="sign a request and show every stage",
        description="Sign one Open API request and show every stage of the signature.",
        epilog=SIGN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_request_flags(sign)
    sign.add_argument("--access-key-id", metavar="AK", help=f"access key id (default: ${ENV_ACCESS_KEY_ID})")
    _add_secret_flags(sign)
    sign.add_argument("--ts", metavar="SECONDS", help="Unix seconds to sign with (default: now)")
    sign.add_argument("--content-type", metavar="TYPE", help="Content-Type for --curl (default for a body: JSON)")
    output = sign.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="one JSON object with every stage")
    output.add_argument("--token", action="store_true", help="only the token")
    output.add_argument("--header", action="store_true", help="only the header line")
    output.add_argument("--curl", action="store_true", help="a curl command that sends exactly the signed bytes")
    sign.set_defaults(handler=run_sign)

    verify = subparsers.add_parser(
        "verify",
        help="check a token against a request and name the outcome",
        description="Verify an X-Mp-Open-Api-Token against a request, as the Open API would.",
        epilog=VERIFY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verify.add_argument("token", metavar="TOKEN", help="the token (a 'Bearer ' prefix is ignored), or - for stdin")
    _add_request_flags(verify)
    verify.add_argument(
        "--access-key-id", metavar="AK", help=f"expected iss; checked when given (default: ${ENV_ACCESS_KEY_ID})"
    )
    _add_secret_flags(verify)
    verify.add_argument("--now", metavar="SECONDS", help="Unix seconds to check ts against (default: now)")
    verify.add_argument(
        "--max-skew",
        metavar="SECONDS",
        default=str(signing.DEFAULT_MAX_SKEW),
        help=f"accepted |now - ts| in seconds (default: {signing.DEFAULT_MAX_SKEW})",
    )
    verify.add_argument("--json", action="store_true", help="the outcome and what was compared, as JSON")
    verify.set_defaults(handler=run_verify)


def _add_request_flags(parser: argparse.ArgumentParser) -> None:
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


def _add_secret_flags(parser: argparse.ArgumentParser) -> None:
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument("--secret-key", metavar="SK", help=f"secret key (default: ${ENV_SECRET_KEY})")
    secret.add_argument("--secret-key-file", metavar="PATH", help="read the secret key from a file (one newline cut)")


# --- turning flags into a request ---------------------------------------------------------


def _int_flag(flag: str, text: str, *, low: int, high: int) -> int:
    try:
        value = int(text.strip(), 10)
    except ValueError:
        digits = text.strip().lstrip("-")
        if digits.isascii() and digits.isdigit():  # past Python's 4300-digit conversion limit
            raise UsageError(f"{flag}: a number of {len(digits)} digits is out of range ({low} to {high})") from None
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise UsageError(f"{flag}: {shown!r} is not an integer") from None
    if not low <= value <= high:
        raise UsageError(f"{flag}: {value} is out of range ({low} to {high})")
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


def _access_key_id(args: argparse.Namespace, *, required: bool) -> str | None:
    value = args.access_key_id if args.access_key_id is not None else os.environ.get(ENV_ACCESS_KEY_ID)
    if not value:
        if required:
            raise UsageError(f"missing access key id: give --access-key-id or set {ENV_ACCESS_KEY_ID}")
        return None
    return _text(value, "the access key id")


def _secret_key(args: argparse.Namespace) -> str:
    if args.secret_key_file is not None:
        return _inputs.read_secret_file(args.secret_key_file, "--secret-key-file")
    value = args.secret_key if args.secret_key is not None else os.environ.get(ENV_SECRET_KEY)
    if not value:
        raise UsageError(f"missing secret key: give --secret-key or --secret-key-file, or set {ENV_SECRET_KEY}")
    return _text(value, "the secret key")


def _content_type(value: str | None) -> str | None:
    # A header value: visible ASCII and spaces, so the curl command cannot carry a second header.
    if value is not None and not all(" " <= ch <= "~" or ch == "\t" for ch in value):
        raise UsageError(f"--content-type: {value!r} is not a header value (visible ASCII only)")
    return value


def _request(
    args: argparse.Namespace, *, access_key_id: str, secret_key: str, ts: int | None
) -> tuple[RequestSpec, str]:
    """The RequestSpec the flags describe, and the base URL."""
    if args.url is not None:
        if args.base_url is not None:
            raise UsageError("--url already gives the base URL; drop --base-url")
        base_url, path, pairs = split_url(args.url)
    elif args.path is not None:
        base_url, path, pairs = args.base_url or DEFAULT_BASE_URL, args.path, []
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


# --- sign ---------------------------------------------------------------------------------


def run_sign(args: argparse.Namespace) -> int:
    ts = None if args.ts is None else _int_flag("--ts", args.ts, low=0, high=MAX_TS)
    access_key_id = _access_key_id(args, required=True)
    assert access_key_id is not None
    secret_key = _secret_key(args)
    with _inputs.signing_errors_as_usage():
        spec, base_url = _request(args, access_key_id=access_key_id, secret_key=secret_key, ts=ts)
        signature = spec.sign()
        wire = wire_request(spec, signature, base_url) if args.curl else None
    if args.json:
        print(json.dumps(signature.as_dict(), indent=2))
    elif args.token:
        print(signature.token)
    elif args.header:
        print(signature.header_line)
    elif wire is not None:
        from explorer.export import curl_command

        print(curl_command(wire))
    else:
        print(render_signature(signature, color=_inputs.use_color(sys.stdout)))
    note = signing.secret_key_note(secret_key)
    if note:
        print(f"mp-explorer: note: {note}", file=sys.stderr)
    return EXIT_OK


def _utc(ts: int) -> str:
    try:
        return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (OverflowError, ValueError, OSError):
        return "no calendar date"


def render_canonical_request(text: str, *, color: bool = False, indent: str = "  ") -> str:
    """The canonical request one line per line, each line end shown as a (dim) \\n marker."""
    marker = "\x1b[2m\\n\x1b[0m" if color else "\\n"
    lines = text.split("\n")
    shown = [f"{indent}{line}{marker}" for line in lines[:-1]]
    shown.append(f"{indent}{lines[-1]}")
    return "\n".join(shown)


def _json(value: Any) -> str:
    # ASCII, as in the token itself, so no terminal encoding can fail on it.
    return json.dumps(value, separators=(",", ":"))


def render_signature(sig: signing.Signature, *, color: bool = False) -> str:
    """Every stage, labelled, byte-exact."""
    ts = sig.jwt_payload["ts"]
    rows = [
        ("method", sig.method),
        ("canonical URI", sig.canonical_uri),
        ("canonical query", sig.canonical_query or "(empty)"),
        ("payload hash", sig.payload_hash),
        ("canonical request", "(lines joined by \\n, no newline at the end)"),
    ]
    out = [f"{label:<18} {value}" for label, value in rows]
    out.append(render_canonical_request(sig.canonical_request, color=color, indent=" " * 19))
    out += [
        f"{'digest':<18} {sig.digest}",
        f"{'JWT header':<18} {_json(sig.jwt_header)}",
        f"{'JWT payload':<18} {_json(sig.jwt_payload)}",
        f"{'  ts':<18} {ts} = {_utc(ts)}",
        f"{'token':<18} {sig.token}",
        f"{'header':<18} {sig.header_line}",
    ]
    return "\n".join(out)


# --- verify -------------------------------------------------------------------------------


def run_verify(args: argparse.Namespace) -> int:
    now = None if args.now is None else _int_flag("--now", args.now, low=0, high=MAX_TS)
    max_skew = _int_flag("--max-skew", args.max_skew, low=0, high=MAX_TS)
    if args.token == "-":
        if args.body_file == "-":
            raise UsageError("the token and --body-file cannot both come from stdin")
        token = _inputs.read_bytes("-", "TOKEN").decode("utf-8", "replace").strip()
    else:
        token = args.token
    access_key_id = _access_key_id(args, required=False)
    secret_key = _secret_key(args)
    with _inputs.signing_errors_as_usage():
        spec, _ = _request(args, access_key_id=access_key_id or "", secret_key=secret_key, ts=None)
        # A request that cannot be signed is a usage error whatever the token holds.
        signing.compute_canonical_request(method=spec.method, path=spec.path, query=spec.query, body=spec.body)
        result = signing.verify(
            token,
            secret_key=secret_key,
            method=spec.method,
            path=spec.path,
            query=spec.query,
            body=spec.body,
            access_key_id=access_key_id,
            now=now,
            max_skew=max_skew,
        )
    if args.json:
        print(json.dumps(verification_dict(result), indent=2))
    else:
        print(render_verification(result, color=_inputs.use_color(sys.stdout)))
    return EXIT_OK if result.ok else EXIT_FAILURE


def verification_dict(result: signing.Verification) -> dict[str, Any]:
    """The verification as plain JSON values."""
    return {
        "valid": result.ok,
        "outcome": str(result.outcome),
        "code": result.outcome.code,
        "detail": result.detail,
        "claim": result.claim,
        "jwt_header": result.jwt_header,
        "jwt_payload": result.jwt_payload,
        "received_digest": result.received_digest,
        "expected_digest": result.expected_digest,
        "expected_canonical_request": result.expected_canonical_request,
        "skew": result.skew,
        "max_skew": result.max_skew,
    }


def render_verification(result: signing.Verification, *, color: bool = False) -> str:
    """'valid', or the named outcome with what the verifier saw and computed."""
    if result.ok:
        return "valid"
    out = [f"{result.outcome}: {result.detail}"]
    if result.jwt_header is not None:
        out.append(f"{'JWT header':<18} {_json(result.jwt_header)}")
    if result.jwt_payload is not None:
        out.append(f"{'JWT payload':<18} {_json(result.jwt_payload)}")
        ts = result.jwt_payload.get("ts")
        if isinstance(ts, int) and not isinstance(ts, bool):
            out.append(f"{'  ts':<18} {ts} = {_utc(ts)}")
    if result.outcome is signing.Outcome.DIGEST_MISMATCH and result.expected_canonical_request is not None:
        out += [
            f"{'received dig':<18} {_json(result.received_digest)}",
            f"{'computed digest':<18} {result.expected_digest}",
            "the token carries only the digest of the signer's canonical request; the verifier computed:",
            render_canonical_request(result.expected_canonical_request, color=color),
        ]
    return "\n".join(out)
