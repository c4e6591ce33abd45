"""`mp-explorer doctor`: bring a failing token and the request it was made for, get the mistake named.

The request comes as a curl command line (--curl), a raw HTTP request (--raw FILE or -), or the
same flags as `sign`; the token bare, as a header line, or from the request's own headers.
Headless: the standard library and the core (`explorer.doctor`); --probe alone loads the client.
"""

from __future__ import annotations

import argparse

from explorer import doctor, environment, signing
from explorer.commands import _inputs, json_output, request_flags
from explorer.commands.env_flags import environment_of
from explorer.commands.errors import EXIT_FAILURE, EXIT_OK, UsageError

DOCTOR_EPILOG = f"""\
examples:
  mp-explorer doctor --curl "$(cat failing-request.sh)" --secret-key-file sk.txt
  mp-explorer doctor --raw request.txt --token "$TOKEN" --access-key-id "$AK" --now 1700000000
  proxy-log | mp-explorer doctor --raw - --json
  mp-explorer doctor --path /mp-api/v1/apps/APPID/user-open-data --query openData=abc --token "$TOKEN"

The token may be bare, 'Bearer <token>', or a whole header line; without --token it is taken from
the request's headers. Without the secret key (--secret-key-file or ${environment.SECRET_KEY}) the
signature cannot be checked; every other check still runs. When dig does not match, a catalogue
of named mistakes is tried alone and in pairs; those that reproduce the token are shown, with the
signer's canonical request beside ours. --probe sends the request to the server once per reading
of the open points that gives it a different canonical request (at most 8), never by default.

exit status: 0 the token is valid for the request, 1 a problem was found (named on stdout),
2 usage error."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `doctor` parser."""
    parser = subparsers.add_parser(
        "doctor",
        help="name the mistake behind a token the Open API refuses",
        description="Diagnose a failing X-Mp-Open-Api-Token: every check, and the mistake that reproduces it.",
        epilog=DOCTOR_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--curl", metavar="COMMAND", help="the request as a curl command line (- for stdin)")
    source.add_argument("--raw", metavar="FILE", help="the request as raw HTTP/1.1 text from a file (- for stdin)")
    request_flags.add_request_flags(parser)
    parser.add_argument(
        "--token", metavar="TOKEN", help="the token, 'Bearer <token>' or a header line (default: the request's header)"
    )
    request_flags.add_check_flags(parser)
    parser.add_argument("--json", action="store_true", help="the diagnosis as one JSON object")
    parser.add_argument(
        "--probe",
        action="store_true",
        help="send the request once per distinct reading of the open points and say which the server accepts",
    )
    parser.add_argument("--timeout", metavar="SECONDS", default="10", help="--probe: seconds per request (default: 10)")
    parser.set_defaults(handler=run_doctor)


def _read_file(path: str) -> bytes:
    with open(path, "rb") as handle:
        data = handle.read(_inputs.MAX_INPUT_BYTES + 1)
    if len(data) > _inputs.MAX_INPUT_BYTES:
        raise ValueError("more than 64 MiB")
    return data


def _text_of(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def imported_request(args: argparse.Namespace) -> doctor.ImportedRequest:
    """The request from --curl, --raw or the sign-style flags; a UsageError naming the flag otherwise."""
    flags_given = args.path is not None or args.url is not None
    if (args.curl is not None or args.raw is not None) and (
        flags_given or args.query or args.body is not None or args.body_file is not None
    ):
        raise UsageError("give the request once: --curl, --raw, or the --method/--url/--path/--query/--body flags")
    try:
        if args.curl is not None:
            text = _text_of(_inputs.read_bytes("-", "--curl")) if args.curl == "-" else args.curl
            return doctor.parse_curl(text, read_file=_read_file)
        if args.raw is not None:
            return doctor.parse_raw_http(_inputs.read_bytes(args.raw, "--raw"))
    except doctor.RequestImportError as exc:
        flag = "--curl" if args.curl is not None else "--raw"
        raise UsageError(f"{flag}: {exc}") from None
    if not flags_given:
        raise UsageError("give the request: --curl COMMAND, --raw FILE (or -), or --path/--url with --query/--body")
    with _inputs.signing_errors_as_usage():
        spec, base_url = request_flags.request_from_flags(args, access_key_id="", secret_key="", ts=None)
    from explorer.request import wire_path, wire_query

    return doctor.ImportedRequest(
        method=spec.method,
        path=wire_path(spec.path),
        raw_query=wire_query(spec.query),
        body=spec.body,
        base_url=base_url,
    )


def found_token(args: argparse.Namespace, request: doctor.ImportedRequest) -> doctor.FoundToken:
    """--token (bare, Bearer, or a header line; - for stdin), else the token in the request's headers."""
    if args.token is not None:
        if args.token == "-":
            if args.curl == "-" or args.raw == "-" or args.body_file == "-":
                raise UsageError("the token and the request cannot both come from stdin")
            return doctor.parse_token(_text_of(_inputs.read_bytes("-", "--token")))
        return doctor.parse_token(args.token)
    found = doctor.token_from_headers(request.headers)
    if found is None:
        raise UsageError(f"no token: the request has no {signing.HEADER_NAME} header; give it with --token")
    return found


def optional_secret_key(args: argparse.Namespace) -> str | None:
    """The secret key when one is given (flag, file or environment), else None: it is optional here."""
    given = environment_of(args).get(environment.SECRET_KEY)  # env files too, as request_flags reads it
    if args.secret_key_file is None and args.secret_key is None and not given:
        return None
    return request_flags.secret_key(args)


def run_doctor(args: argparse.Namespace) -> int:
    now, max_skew = request_flags.check_window(args)
    request = imported_request(args)
    found = found_token(args, request)
    access_key_id = request_flags.access_key_id(args, required=False)
    secret_key = optional_secret_key(args)
    with _inputs.signing_errors_as_usage():
        diagnosis = doctor.diagnose(
            found, request, secret_key=secret_key, access_key_id=access_key_id, now=now, max_skew=max_skew
        )
    probe_report = None
    if args.probe:
        from explorer.commands import doctor_probe

        timeout = request_flags.int_flag("--timeout", args.timeout, low=1, high=600)
        probe_report = doctor_probe.probe(request, found, secret_key, access_key_id, timeout=timeout)
    if args.json:
        result = doctor.as_dict(diagnosis)
        result["request"] = {
            "method": request.method,
            "url": request.shown_url(),
            "body_bytes": len(request.body),
            "notes": list(request.notes),
        }
        if probe_report is not None:
            result["probe"] = probe_report.as_dict()
        print(json_output.dumps(result))
    else:
        shown = f"{doctor.visible(request.method)} {doctor.visible(request.shown_url())}"
        print(f"request: {shown} ({len(request.body)} body bytes)")
        for note in request.notes:
            print(f"note: {doctor.visible(note)}")
        print(doctor.render_text(diagnosis))
        if probe_report is not None:
            print()
            print(probe_report.render())
    return EXIT_OK if diagnosis.ok else EXIT_FAILURE
