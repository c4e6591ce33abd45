"""`mp-explorer verify`: check a token against a request, as the Open API would, and name the outcome.

The verdict is `explorer.signing.verify`'s, the same function the sandbox's verifier calls.
Standard library and the headless core only; the secret key is never printed.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from explorer import environment, signing
from explorer.commands import _inputs, json_output, request_flags
from explorer.commands.errors import EXIT_FAILURE, EXIT_OK, UsageError
from explorer.commands.stage_text import compact_json, render_canonical_request, utc_text
from explorer.safe_text import visible

VERIFY_EPILOG = f"""\
examples:
  mp-explorer verify "$TOKEN" --path /mp-api/v1/apps/APPID/user-open-data --query openData=abc123 \\
      --access-key-id testAccessKey --secret-key-file sk.txt
  mp-explorer sign ... --token | mp-explorer verify - --path ... --now 1700000000 --json

The token is checked in this order: shape, alg (HS256 only), HMAC signature, claims iss/dig/ts,
iss (when --access-key-id or ${environment.ACCESS_KEY_ID} is given), ts window (|now - ts| <= --max-skew),
digest of the canonical request computed from the flags.

exit status: 0 valid, 1 invalid (the outcome is named on stdout), 2 usage error."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `verify` parser."""
    verify = subparsers.add_parser(
        "verify",
        help="check a token against a request and name the outcome",
        description="Verify an X-Mp-Open-Api-Token against a request, as the Open API would.",
        epilog=VERIFY_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verify.add_argument("token", metavar="TOKEN", help="the token (a 'Bearer ' prefix is ignored), or - for stdin")
    request_flags.add_request_flags(verify)
    request_flags.add_check_flags(verify)
    verify.add_argument("--json", action="store_true", help="the outcome and what was compared, as JSON")
    verify.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    now, max_skew = request_flags.check_window(args)
    if args.token == "-":
        if args.body_file is not None and _inputs.is_stdin(args.body_file):
            raise UsageError("the token and --body-file cannot both come from stdin")
        token = _inputs.read_bytes("-", "TOKEN").decode("utf-8", "replace").strip()
    else:
        token = args.token
    access_key_id = request_flags.access_key_id(args, required=False)
    secret_key = request_flags.secret_key(args)
    with _inputs.signing_errors_as_usage():
        spec, _ = request_flags.request_from_flags(
            args, access_key_id=access_key_id or "", secret_key=secret_key, ts=None
        )
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
        print(json_output.dumps(verification_dict(result)))
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
    out = [f"{result.outcome}: {visible(result.detail)}"]
    if result.jwt_header is not None:
        out.append(f"{'JWT header':<18} {compact_json(result.jwt_header)}")
    if result.jwt_payload is not None:
        out.append(f"{'JWT payload':<18} {compact_json(result.jwt_payload)}")
        ts = result.jwt_payload.get("ts")
        if isinstance(ts, int) and not isinstance(ts, bool):
            out.append(f"{'  ts':<18} {ts} = {utc_text(ts)}")
    if result.outcome is signing.Outcome.DIGEST_MISMATCH and result.expected_canonical_request is not None:
        out += [
            f"{'received dig':<18} {compact_json(result.received_digest)}",
            f"{'computed digest':<18} {result.expected_digest}",
            "the token carries only the digest of the signer's canonical request; the verifier computed:",
            render_canonical_request(result.expected_canonical_request, color=color),
        ]
    return "\n".join(out)
