"""`mp-explorer sign`: every stage of the signature, from the shell.

Imports only the standard library and the headless core (signing, request, export), so the
command starts fast and never loads Textual or httpx. The secret key is never printed.
"""

from __future__ import annotations

import argparse
import sys

from explorer import environment, signing
from explorer.commands import _inputs, request_flags
from explorer.commands.errors import EXIT_OK, UsageError
from explorer.commands.stage_text import compact_json, render_canonical_request, utc_text
from explorer.endpoints import DEFAULT_BASE_URL
from explorer.request import wire_request

__all__ = ["CODE_LANGUAGES", "SIGN_EPILOG", "register", "render_canonical_request", "render_signature", "run_sign"]

# The languages of --code (explorer.export.LANGUAGES; spelled here so --help needs no import).
CODE_LANGUAGES = ("curl", "httpie", "python", "python-httpx", "node", "go", "java", "php")
COMMAND_LANGUAGES = ("curl", "httpie")

SIGN_EPILOG = f"""\
examples:
  mp-explorer sign --path /mp-api/v1/apps/APPID/user-open-data --query openData=abc123 \\
      --access-key-id testAccessKey --secret-key-file sk.txt --ts 1700000000
  mp-explorer sign --url '{DEFAULT_BASE_URL}/mp-api/v1/apps/APPID/skus?page=1&limit=20' --json
  mp-explorer sign --method POST --path /mp-api/v1/apps/APPID/message/send --body-file body.json --curl
  mp-explorer sign --path /mp-api/v1/apps/APPID/user-open-data --query openData=TOKEN --code node > mp_request.js

--code LANG prints the request as a curl or HTTPie command (signed now, so it needs the keys) or as
a program (python, python-httpx, node, go, java, php) that signs at run time: programs carry no
credential and read MP_ACCESS_KEY_ID, MP_SECRET_KEY and MP_PRIVATE_KEY_PATH when they run.

credentials come from the flags or from ${environment.ACCESS_KEY_ID} and ${environment.SECRET_KEY}; prefer
--secret-key-file or the environment to --secret-key, which other users can see in the process list.

exit status: 0 signed, 2 usage error (bad flag, unreadable file, input that cannot be signed)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `sign` parser."""
    sign = subparsers.add_parser(
        "sign",
        help="sign a request and show every stage",
        description="Sign one Open API request and show every stage of the signature.",
        epilog=SIGN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    request_flags.add_request_flags(sign)
    sign.add_argument("--access-key-id", metavar="AK", help=f"access key id (default: ${environment.ACCESS_KEY_ID})")
    request_flags.add_secret_flags(sign)
    sign.add_argument("--ts", metavar="SECONDS", help="Unix seconds to sign with (default: now)")
    sign.add_argument("--content-type", metavar="TYPE", help="Content-Type for --curl (default for a body: JSON)")
    output = sign.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="one JSON object with every stage")
    output.add_argument("--token", action="store_true", help="only the token")
    output.add_argument("--header", action="store_true", help="only the header line")
    output.add_argument("--curl", action="store_true", help="a curl command that sends exactly the signed bytes")
    output.add_argument(
        "--code",
        metavar="LANG",
        choices=list(CODE_LANGUAGES),
        help=f"the request as code: {', '.join(CODE_LANGUAGES)} (programs need no keys here)",
    )
    sign.set_defaults(handler=run_sign)


def run_code_program(args: argparse.Namespace) -> int:
    """--code for a program language: no keys needed, the program reads them when it runs."""
    from explorer.export import ExportError, export_request, program

    if args.ts is not None:
        raise UsageError("--ts does not apply to a program: it signs when it runs (set MP_TS to pin it)")
    with _inputs.signing_errors_as_usage():
        spec, base_url = request_flags.request_from_flags(args, access_key_id="", secret_key="", ts=None)
        try:
            text = program(args.code, export_request(spec, base_url))
        except ExportError as exc:
            raise UsageError(f"--code {args.code}: {exc}") from None
    print(text, end="")
    return EXIT_OK


def run_sign(args: argparse.Namespace) -> int:
    if args.code is not None and args.code not in COMMAND_LANGUAGES:
        return run_code_program(args)
    ts = None if args.ts is None else request_flags.int_flag("--ts", args.ts, low=0, high=signing.MAX_TS)
    access_key_id = request_flags.access_key_id(args, required=True)
    assert access_key_id is not None
    secret_key = request_flags.secret_key(args)
    with _inputs.signing_errors_as_usage():
        spec, base_url = request_flags.request_from_flags(
            args, access_key_id=access_key_id, secret_key=secret_key, ts=ts
        )
        signature = spec.sign()
        wire = wire_request(spec, signature, base_url) if args.curl or args.code else None
    if args.json:
        from explorer.commands import json_output  # its patterns load for --json only: `--token` is timed cold

        print(json_output.dumps(signature.as_dict()))
    elif args.token:
        print(signature.token)
    elif args.header:
        print(signature.header_line)
    elif wire is not None and args.code == "httpie":
        from explorer.export import httpie_command

        command = httpie_command(wire)
        if not _inputs.can_encode(sys.stdout, command):
            command = httpie_command(wire, ascii_only=True)  # exact still: the body as base64
        print(command)
    elif wire is not None:
        from explorer.export import curl_command

        command = curl_command(wire)
        if not _inputs.can_encode(sys.stdout, command):
            command = curl_command(wire, ascii_only=True)  # exact still: the body as base64
        print(command)
    else:
        print(render_signature(signature, color=_inputs.use_color(sys.stdout)))
    note = signing.secret_key_note(secret_key)
    if note:
        print(f"mp-explorer: note: {note}", file=sys.stderr)
    return EXIT_OK


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
        f"{'JWT header':<18} {compact_json(sig.jwt_header)}",
        f"{'JWT payload':<18} {compact_json(sig.jwt_payload)}",
        f"{'  ts':<18} {ts} = {utc_text(ts)}",
        f"{'token':<18} {sig.token}",
        f"{'header':<18} {sig.header_line}",
    ]
    return "\n".join(out)
