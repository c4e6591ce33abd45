"""Time one full signature: explorer.signing.sign against the sample's algorithm (PyJWT), and verify.

Run from the repository root:  .venv/bin/python bench/bench_sign.py [--number N] [--repeat R]
Inputs are the spec's get-open-data vector. Prints microseconds per call (best of R runs of N).
"""

from __future__ import annotations

import argparse
import sys
import timeit
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jwt  # noqa: E402

from explorer import signing  # noqa: E402
from tests.conftest import load_vectors  # noqa: E402
from tests.seed_oracle import get_open_api_binance_token  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--number", type=int, default=20_000, help="calls per run (default 20000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs; the best is reported (default 5)")
    args = parser.parse_args()
    # The vector's 13-byte key makes PyJWT warn on every call; the warning is not what we time.
    warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)

    vector = next(v for v in load_vectors()["signing"] if v["name"] == "get-open-data")
    app_id = vector["path"].split("/")[4]
    ak, sk, ts = vector["access_key_id"], vector["secret_key"], vector["ts"]
    data_token = vector["query"][0][1]
    query = [tuple(pair) for pair in vector["query"]]
    token = vector["expected"]["token"]

    def ours() -> str:
        return signing.sign(
            method="GET", path=vector["path"], query=query, body=b"", access_key_id=ak, secret_key=sk, ts=ts
        ).token

    def seed() -> str:
        return get_open_api_binance_token(app_id, ak, sk, data_token, ts)

    def verify() -> bool:
        return signing.verify(
            token, secret_key=sk, method="GET", path=vector["path"], query=query, access_key_id=ak, now=ts
        ).ok

    assert ours() == seed() == token and verify()

    rows = []
    for name, func in [
        ("signing.sign (all stages)", ours),
        ("seed algorithm (PyJWT)", seed),
        ("signing.verify", verify),
    ]:
        best = min(timeit.repeat(func, number=args.number, repeat=args.repeat))
        rows.append((name, best / args.number * 1e6))

    print(f"Python {sys.version.split()[0]}, PyJWT {jwt.__version__}; best of {args.repeat} x {args.number} calls")
    print(f"{'':<28} {'us/call':>9}")
    for name, micros in rows:
        print(f"{name:<28} {micros:>9.2f}")
    print(f"{'ratio sign / seed':<28} {rows[0][1] / rows[1][1]:>9.2f}")
    print(f"{'ratio verify / sign':<28} {rows[2][1] / rows[0][1]:>9.2f}")


if __name__ == "__main__":
    main()
