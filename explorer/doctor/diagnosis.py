"""Every check the verifier makes, in its order, each with a verdict and a one-line fix; then the
mistake search over the catalogue for whatever did not match.

Unlike the verifier, the doctor goes on after a failed check, so one run names every problem it
can see. Its verdict on a token agrees with `signing.verify` (tests hold it to that).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from explorer import environment, signing
from explorer.doctor.catalogue import Context, Mistake, mistakes
from explorer.doctor.diff import DiffLine, line_diff
from explorer.doctor.importing import FoundToken, ImportedRequest
from explorer.doctor.search import DigestSearch, search_digest, search_key

Verdict = Literal["ok", "fail", "unchecked"]

CHECK_NAMES = ("header", "shape", "alg", "signature", "claims", "iss", "ts", "dig")

WHAT_TO_LOG = (
    "log, on the signer's side, the exact string it hashes for dig (with its line ends visible, e.g. "
    "repr() or JSON.stringify()), the body bytes it hashes (their length and SHA-256), and the URL and "
    "body it sends; then compare that string with the canonical request above, line by line"
)


@dataclass(frozen=True)
class Check:
    """One check: its name, a verdict, what was seen, and the fix when it failed."""

    name: str
    verdict: Verdict
    detail: str
    fix: str = ""


@dataclass(frozen=True)
class Finding:
    """A catalogue match: the mistakes (one, or a pair), the check they explain, and what the signer did."""

    stage: str
    mistakes: tuple[Mistake, ...]
    detail: str = ""
    signer_canonical_request: str | None = None
    signer_dig: str | None = None
    diff: tuple[DiffLine, ...] = ()

    @property
    def name(self) -> str:
        return " + ".join(m.name for m in self.mistakes)

    @property
    def title(self) -> str:
        return " + ".join(m.title for m in self.mistakes)

    @property
    def fix(self) -> str:
        return "; ".join(dict.fromkeys(m.fix for m in self.mistakes))


@dataclass(frozen=True)
class Diagnosis:
    """The doctor's answer for one token and one request."""

    checks: tuple[Check, ...]
    findings: tuple[Finding, ...]
    canonical_request: str | None = None
    digest: str | None = None
    received_dig: Any = None
    claims: dict[str, Any] | None = None
    jwt_header: dict[str, Any] | None = None
    search: DigestSearch | None = None
    unexplained: tuple[str, ...] = ()  # checks that failed with no catalogue match
    ruled_out: tuple[str, ...] = ()
    advice: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """True when no check failed (a check that could not run, e.g. the signature without the key, is no failure)."""
        return all(check.verdict != "fail" for check in self.checks)

    def check(self, name: str) -> Check | None:
        return next((c for c in self.checks if c.name == name), None)

    @property
    def likely_mistakes(self) -> tuple[Mistake, ...]:
        """Every mistake named by a finding, most likely first, each once."""
        seen: dict[str, Mistake] = {}
        for finding in self.findings:
            for mistake in finding.mistakes:
                seen.setdefault(mistake.name, mistake)
        return tuple(seen.values())


def _claim_findings(claims: dict[str, Any], context: Context, names: tuple[str, ...]) -> list[Finding]:
    found = []
    for mistake in mistakes("claims"):
        if mistake.name not in names:
            continue
        assert mistake.claims is not None
        detail = mistake.claims(claims, context)
        if detail:
            found.append(Finding("claims", (mistake,), detail))
    return found


def diagnose(
    found: FoundToken | str,
    request: ImportedRequest,
    *,
    secret_key: str | None = None,
    access_key_id: str | None = None,
    now: int | None = None,
    max_skew: int = signing.DEFAULT_MAX_SKEW,
    pairs: bool = True,
    budget_s: float = 1.0,
) -> Diagnosis:
    """Check `found` (a token, bare or with where it was found) against `request`, as the verifier would.

    Without `secret_key` the signature check says it could not run; every other check still does.
    Raises signing.SigningInputError when the request itself cannot be canonicalised.
    """
    if isinstance(found, str):
        from explorer.doctor.importing import parse_token

        found = parse_token(found)
    current = signing.now_ts() if now is None else now
    context = Context(request, access_key_id, current, max_skew)
    checks: list[Check] = []
    findings: list[Finding] = []
    unexplained: list[str] = []
    # Our side first: a request that cannot be canonicalised is the caller's input, not the token.
    *_, canonical_request = signing.compute_canonical_request(
        method=request.method, path=request.path, query=tuple(request.query_pairs), body=request.body
    )
    our_digest = signing.digest(canonical_request)

    # 1. header
    header_findings = [
        Finding("header", (m,), f"found in {found.header_name or 'the token field'}")
        for m in mistakes("header")
        if m.header is not None and m.header(found)
    ]
    if found.header_name is None:
        checks.append(Check("header", "unchecked", "the token was given on its own, not in a header"))
    elif header_findings:
        first = header_findings[0].mistakes[0]
        shown = f"{found.header_name}: {'Bearer ' if found.bearer else ''}<token>"
        checks.append(Check("header", "fail", f"sent as {shown}", first.fix))
        findings.extend(header_findings)
    else:
        checks.append(Check("header", "ok", f"sent in {found.header_name}"))

    def finish(**extra: Any) -> Diagnosis:
        return Diagnosis(
            tuple(checks), tuple(findings), canonical_request, our_digest,
            unexplained=tuple(unexplained), **extra,
        )  # fmt: skip

    # 2. shape
    token = found.token.strip()
    parts = token.split(".")
    if not token:
        checks.append(Check("shape", "fail", "the token is empty", "send the JWT the signer made"))
        return finish()
    if len(token) > signing.MAX_TOKEN_LENGTH:
        checks.append(Check("shape", "fail", f"{len(token)} characters; the limit is {signing.MAX_TOKEN_LENGTH}",
                            "send the JWT alone"))  # fmt: skip
        return finish()
    if len(parts) != 3:
        checks.append(Check("shape", "fail", f"a JWT has 3 dot-separated parts; this one has {len(parts)}",
                            "send the whole compact JWT: header.payload.signature"))  # fmt: skip
        return finish()
    try:
        jwt_header = signing.decode_segment(parts[0])
        claims = signing.decode_segment(parts[1])
        signature_bytes = signing.b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        checks.append(Check("shape", "fail", f"a part is not base64url JSON ({exc})",
                            "base64url-encode (no padding) the JSON header and payload"))  # fmt: skip
        return finish()
    if not isinstance(jwt_header, dict) or not isinstance(claims, dict):
        checks.append(Check("shape", "fail", "the header or the payload is not a JSON object",
                            'encode {"alg":"HS256","typ":"JWT"} and {"iss":..,"dig":..,"ts":..}'))  # fmt: skip
        return finish()
    checks.append(Check("shape", "ok", "three base64url parts, header and payload JSON objects"))

    # 3. alg
    alg = jwt_header.get("alg")
    alg_ok = alg == "HS256"
    if alg_ok:
        checks.append(Check("alg", "ok", "HS256"))
    else:
        checks.append(Check("alg", "fail", f"alg is {json.dumps(alg)}; only HS256 is accepted",
                            "sign with HMAC-SHA256 and header {\"alg\":\"HS256\",\"typ\":\"JWT\"}"))  # fmt: skip

    # 4. signature
    signing_input = f"{parts[0]}.{parts[1]}".encode("ascii")
    if secret_key is None:
        fix = f"give the secret key (--secret-key-file or {environment.SECRET_KEY}) to check it"
        checks.append(Check("signature", "unchecked", "cannot be checked without the secret key", fix))
    elif not alg_ok:
        checks.append(Check("signature", "unchecked", "not checked: the algorithm is not HS256"))
    else:
        key_bytes = secret_key.encode("utf-8", "surrogateescape")
        if signing.hs256(signing_input, key_bytes) == signature_bytes:
            checks.append(Check("signature", "ok", "HMAC-SHA256 with the secret key matches"))
        else:
            key_matches = search_key(signing_input, signature_bytes, secret_key)
            if key_matches:
                checks.append(Check("signature", "fail", f"signed with the {key_matches[0].title}",
                                    key_matches[0].fix))  # fmt: skip
                findings.extend(Finding("signature", (m,), m.why) for m in key_matches)
            else:
                checks.append(Check("signature", "fail", "HMAC-SHA256 with this secret key does not match",
                                    "sign with this app's secret key, its UTF-8 text as the HMAC key"))  # fmt: skip
                unexplained.append("signature")

    # 5. claims and their types
    problems = []
    for claim, kind, kind_name in (("iss", str, "a string"), ("dig", str, "a string"), ("ts", int, "an integer")):
        if claim not in claims:
            problems.append(f"{claim} is missing")
        elif isinstance(claims[claim], bool) or not isinstance(claims[claim], kind):
            problems.append(f"{claim} must be {kind_name}, got {json.dumps(claims[claim])}")
    type_findings = _claim_findings(claims, context, ("ts-string", "ts-fraction"))
    if problems:
        fix = type_findings[0].mistakes[0].fix if type_findings else 'payload {"iss": AK, "dig": hex, "ts": seconds}'
        checks.append(Check("claims", "fail", "; ".join(problems), fix))
        findings.extend(type_findings)
        if not type_findings:
            unexplained.append("claims")
    else:
        checks.append(Check("claims", "ok", "iss and dig strings, ts an integer"))

    # 6. iss
    iss = claims.get("iss")
    iss_findings = _claim_findings(claims, context, ("iss-app-id", "iss-whitespace"))
    if not isinstance(iss, str):
        checks.append(Check("iss", "unchecked", "iss is not a string"))
    elif access_key_id is None:
        if iss_findings:
            checks.append(Check("iss", "fail", iss_findings[0].detail, iss_findings[0].mistakes[0].fix))
            findings.extend(iss_findings)
        else:
            checks.append(Check("iss", "unchecked", f"iss is {iss!r}; give the access key id to check it"))
    elif iss == access_key_id:
        checks.append(Check("iss", "ok", f"iss is the access key id {iss!r}"))
    else:
        fix = iss_findings[0].mistakes[0].fix if iss_findings else "put the access key id (AK) in iss"
        checks.append(Check("iss", "fail", f"iss is {iss!r}; expected {access_key_id!r}", fix))
        findings.extend(iss_findings)
        if not iss_findings:
            unexplained.append("iss")

    # 7. ts against now
    ts = claims.get("ts")
    ts_findings = _claim_findings(claims, context, ("ts-milliseconds", "ts-stale"))
    if isinstance(ts, bool) or not isinstance(ts, int):
        checks.append(Check("ts", "unchecked", "ts is not an integer"))
    elif abs(current - ts) <= max_skew:
        checks.append(Check("ts", "ok", f"{current - ts} s before now (window ±{max_skew} s)"))
    else:
        skew = current - ts
        where = f"{skew} s old" if skew > 0 else f"{-skew} s in the future"
        if ts_findings:
            detail = ts_findings[0].detail
            checks.append(Check("ts", "fail", f"{where}: {detail}", ts_findings[0].mistakes[0].fix))
            findings.extend(ts_findings[:1])
        else:
            checks.append(Check("ts", "fail", f"{where} (window ±{max_skew} s)", "ts = current Unix seconds"))

    # 8. dig
    dig = claims.get("dig")
    search = None
    extra: dict[str, Any] = {}
    if not isinstance(dig, str):
        checks.append(Check("dig", "unchecked", "dig is not a string"))
    elif dig == our_digest:
        checks.append(Check("dig", "ok", "the SHA-256 of the canonical request"))
    else:
        search = search_digest(dig, context, pairs=pairs, budget_s=budget_s)
        for match in search.matches:
            findings.append(
                Finding(
                    "dig",
                    match.mistakes,
                    signer_canonical_request=match.built.canonical_request,
                    signer_dig=match.built.dig,
                    diff=line_diff(canonical_request, match.built.canonical_request),
                )
            )
        if search.matches:
            top = search.matches[0]
            names = " + ".join(m.title for m in top.mistakes)
            checks.append(Check("dig", "fail", f"does not match ours; reproduced by: {names}",
                                "; ".join(dict.fromkeys(m.fix for m in top.mistakes))))  # fmt: skip
        elif "\n" in dig:
            # The dig holds text: the signer's canonical request itself, with some other mistake.
            findings.append(
                Finding(
                    "dig",
                    (),
                    "dig holds text, not a digest: shown as the signer's canonical request",
                    signer_canonical_request=dig,
                    diff=line_diff(canonical_request, dig),
                )
            )
            checks.append(Check("dig", "fail", "dig holds the canonical request text, not its SHA-256",
                                "put sha256(canonical request) as lower-case hex in dig"))  # fmt: skip
        else:
            checks.append(Check("dig", "fail", "does not match ours, and no known mistake reproduces it",
                                "compare the signer's canonical request with ours, line by line"))  # fmt: skip
            unexplained.append("dig")
            pairs_tried = (f"{search.pairs_tried} pairs of them",) if search.pairs_tried else ()
            extra["ruled_out"] = tuple(m.title for m in search.tried_singles) + pairs_tried
            extra["advice"] = WHAT_TO_LOG
    return finish(received_dig=dig, claims=claims, jwt_header=jwt_header, search=search, **extra)
