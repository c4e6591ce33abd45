"""The diagnosis as text (for the terminal and the explorer) and as plain JSON values (for scripts)."""

from __future__ import annotations

from typing import Any

from explorer.doctor.catalogue import CATALOGUE, Mistake
from explorer.doctor.diagnosis import Diagnosis
from explorer.doctor.diff import render_diff, visible

MARKS = {"ok": "ok  ", "fail": "FAIL", "unchecked": "--  "}
MAX_FINDINGS_SHOWN = 5


def render_text(diagnosis: Diagnosis) -> str:
    """Checks in the verifier's order, then the named mistakes and the two canonical requests side by side."""
    out = ["checks (in the verifier's order)"]
    for check in diagnosis.checks:
        out.append(f"  {MARKS[check.verdict]} {check.name:<10} {visible(check.detail)}")
        if check.verdict == "fail" and check.fix:
            out.append(f"       {'':<10} fix: {check.fix}")
    if diagnosis.ok:
        unchecked = [c.name for c in diagnosis.checks if c.verdict == "unchecked"]
        verdict = "the token is valid for this request"
        if unchecked:
            verdict += f" (not checked: {', '.join(unchecked)})"
        out.append(verdict)
        return "\n".join(out)
    if diagnosis.findings:
        out.append("")
        out.append("likely mistakes (most likely first)")
        for index, finding in enumerate(diagnosis.findings[:MAX_FINDINGS_SHOWN], 1):
            out.append(f"  {index}. {finding.title}  [{finding.name}]  ({finding.stage})")
            for mistake in finding.mistakes:
                out.append(f"     why: {mistake.why}")
            if finding.mistakes:
                out.append(f"     fix: {finding.fix}")
            elif finding.detail:
                out.append(f"     {finding.detail}")
        hidden = len(diagnosis.findings) - MAX_FINDINGS_SHOWN
        if hidden > 0:
            out.append(f"  ... and {hidden} more (--json lists them all)")
        top = next((f for f in diagnosis.findings if f.signer_canonical_request is not None), None)
        if top is not None:
            out.append("")
            out.append(f"canonical request: ours (spec) against the signer's ({top.title or 'from dig'})")
            out += render_diff(top.diff)
            if all(row.same for row in top.diff):
                out.append(f"  the canonical requests agree; the signer wrote dig as {visible(str(top.signer_dig))}")
    if "dig" in diagnosis.unexplained or (diagnosis.canonical_request and not diagnosis.findings):
        out.append("")
        out.append("our canonical request (lines joined by \\n):")
        out += [f"  {visible(line)}" for line in (diagnosis.canonical_request or "").split("\n")]
        out.append(f"  digest {diagnosis.digest}")
        received = "(not read from the token)" if diagnosis.received_dig is None else None
        out.append(f"  dig    {received or visible(str(diagnosis.received_dig))}")
    if diagnosis.ruled_out:
        out.append("")
        out.append(f"ruled out: {', '.join(diagnosis.ruled_out)}")
    if diagnosis.advice:
        out.append(f"what to log: {diagnosis.advice}")
    for note in diagnosis.notes:
        out.append(f"note: {visible(note)}")
    return "\n".join(out)


def mistake_dict(mistake: Mistake) -> dict[str, Any]:
    return {"name": mistake.name, "title": mistake.title, "why": mistake.why, "fix": mistake.fix,
            "stage": mistake.stage}  # fmt: skip


def as_dict(diagnosis: Diagnosis) -> dict[str, Any]:
    """Plain JSON values: checks, findings (with both canonical requests), likely mistakes, what was ruled out."""
    return {
        "valid": diagnosis.ok,
        "checks": [
            {"name": c.name, "verdict": c.verdict, "detail": c.detail, "fix": c.fix or None} for c in diagnosis.checks
        ],
        "likely_mistakes": [mistake_dict(m) for m in diagnosis.likely_mistakes],
        "findings": [
            {
                "stage": f.stage,
                "mistakes": [m.name for m in f.mistakes],
                "title": f.title,
                "fix": f.fix or None,
                "detail": f.detail or None,
                "signer_canonical_request": f.signer_canonical_request,
                "signer_dig": f.signer_dig,
                "first_difference": next(
                    ({"line": row.name, "column": row.column} for row in f.diff if not row.same), None
                ),
            }
            for f in diagnosis.findings
        ],
        "canonical_request": diagnosis.canonical_request,
        "digest": diagnosis.digest,
        "received_dig": diagnosis.received_dig,
        "jwt_header": diagnosis.jwt_header,
        "jwt_payload": diagnosis.claims,
        "ruled_out": list(diagnosis.ruled_out),
        "what_to_log": diagnosis.advice or None,
        "search": None
        if diagnosis.search is None
        else {
            "singles_tried": len(diagnosis.search.tried_singles),
            "pairs_tried": diagnosis.search.pairs_tried,
            "not_applicable": [m.name for m in diagnosis.search.inert],
            "complete": diagnosis.search.complete,
        },
        "notes": list(diagnosis.notes),
    }


def catalogue_markdown() -> str:
    """The catalogue as a Markdown help topic: one entry per mistake, grouped by the check it breaks."""
    titles = {"header": "Header", "signature": "Signature (the secret key)", "claims": "Claims",
              "dig": "dig (the canonical request)"}  # fmt: skip
    out = [
        "# Doctor: the mistake catalogue",
        "",
        "When a token fails, the doctor tries each of these mistakes, alone and in pairs, and names those "
        "that reproduce the token exactly (its `dig`, and its signature when the secret key is given).",
        "",
    ]
    for stage, title in titles.items():
        out.append(f"## {title}")
        out.append("")
        for mistake in CATALOGUE:
            if mistake.stage == stage:
                out.append(f"- **{mistake.title}** (`{mistake.name}`): {mistake.why}. *Fix:* {mistake.fix}.")
        out.append("")
    return "\n".join(out)
