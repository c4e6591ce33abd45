"""The doctor on a digest mismatch: every check, the whole catalogue alone and in all pairs.

    .venv/bin/python bench/bench_doctor.py [--quick]

The worst case is a token no mistake explains: every single and every pair is built and hashed
before the doctor can say so. The request is a POST with a query (spaces, '!', an empty value,
pairs out of order) and a JSON body with non-ASCII text, so nearly every catalogue entry changes
its canonical request and takes part in the pairs. The goal is 50 ms per diagnosis (the explorer's
doctor screen re-diagnoses as the user types); the comparison column is that goal, so the ratio
must stay at or under 1. A diagnosis the catalogue explains (trailing '/' missing) is listed too.
Samples are single diagnoses, the median reported in milliseconds.
"""

from __future__ import annotations

import argparse
import hashlib
import time

from common import Row, report

from explorer import doctor
from tests.doctor_signer import APP, HOST, NOW, SK, make_token

GOAL_MS = 50.0
BODY = '{"templateId":"tpl_1","language":"en","parameters":[{"name":"amount","value":"12,50 €"}]}'
QUERY = "z=1&a=x%20y%21&auditStatus=&limit=20"


def cases() -> dict[str, tuple[doctor.ImportedRequest, doctor.FoundToken]]:
    body_hash = hashlib.sha256(BODY.encode()).hexdigest()
    unexplained = make_token(f"POST\n{APP}/message/send/\nsomething=else\n{body_hash}")
    no_slash = make_token(f"POST\n{APP}/message/send\na=x%20y%21&auditStatus=&limit=20&z=1\n{body_hash}")
    out = {}
    for name, token in (("unexplained", unexplained), ("trailing slash", no_slash)):
        command = (
            f"curl -X POST '{HOST}{APP}/message/send?{QUERY}' -H 'Content-Type: application/json' "
            f"-H 'X-Mp-Open-Api-Token: {token}' --data-raw '{BODY}'"
        )
        request = doctor.parse_curl(command)
        found = doctor.token_from_headers(request.headers)
        assert found is not None
        out[name] = (request, found)
    return out


def measure(quick: bool = False) -> list[Row]:
    runs = 15 if quick else 60
    rows = []
    for name, (request, found) in cases().items():
        diagnosis = doctor.diagnose(found, request, secret_key=SK, now=NOW)
        search = diagnosis.search
        assert search is not None and search.complete
        if name == "unexplained":
            assert diagnosis.unexplained == ("dig",) and not diagnosis.findings
        else:
            assert diagnosis.findings[0].name == "trailing-slash-missing"
        samples = []
        for _ in range(runs):
            started = time.perf_counter()
            doctor.diagnose(found, request, secret_key=SK, now=NOW)
            samples.append((time.perf_counter() - started) * 1000)
        rows.append(
            Row(
                f"doctor, dig mismatch ({name})",
                "diagnose",
                "goal",
                "ms",
                samples,
                [GOAL_MS],
                limit=1.0,
                note=f"{len(doctor.CATALOGUE)} entries, {len(search.tried_singles)} singles and "
                f"{search.pairs_tried} pairs built for this request",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    report(measure(parser.parse_args().quick))


if __name__ == "__main__":
    main()
