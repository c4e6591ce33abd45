"""Per edit: the explorer's whole stage pipeline against the seed's token function, same process.

    .venv/bin/python bench/bench_pipeline.py [--quick]

What the explorer runs on every edit is explorer.tui.model.compute(FormState): placeholders, the
canonical request, digest, JWT and header (through signing.sign, the same code the CLI uses), the
secret-key note, the base URL check and the token's payload decoded as a server reads it. The
form state is the one a fresh ExplorerApp (tests/tui_support.app_for) builds, with the spec's
get-open-data vector put in (app id, data token, keys, ts), so both sides sign the same request.
The seed's side is tests/seed_oracle.get_open_api_binance_token (the sample's f-string, hashlib
and PyJWT). signing.sign alone is listed too, without a target.

Each sample is the mean of a batch of 1000 calls (timeit, garbage collection on); batches of the
sides alternate and the median of the batches is reported, in microseconds per call.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import timeit
import warnings
from collections.abc import Callable

import jwt
from common import Row, interleave, report

from explorer import signing
from explorer.tui.model import FormState, compute
from tests.conftest import load_vectors
from tests.seed_oracle import get_open_api_binance_token
from tests.tui_support import app_for


def explorer_form_state() -> FormState:
    """The FormState a freshly started explorer hands to compute()."""

    async def read() -> FormState:
        app = app_for()
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause()
            return app.form.state()

    return asyncio.run(read())


def per_call(func: Callable[[], object], number: int) -> Callable[[], float]:
    def sample() -> float:
        return timeit.timeit(func, number=number, globals=None) / number * 1e6

    return sample


def measure(quick: bool = False) -> list[Row]:
    # The vector's 13-byte key makes PyJWT warn on every call; the warning is not what is timed.
    warnings.simplefilter("ignore", jwt.warnings.InsecureKeyLengthWarning)
    vector = next(v for v in load_vectors()["signing"] if v["name"] == "get-open-data")
    app_id = vector["path"].split("/")[4]
    ak, sk, ts = vector["access_key_id"], vector["secret_key"], vector["ts"]
    data_token = vector["query"][0][1]
    expected = vector["expected"]["token"]

    state = dataclasses.replace(
        explorer_form_state(), app_id=app_id, data_token=data_token, access_key_id=ak, secret_key=sk, ts=str(ts)
    )
    query = [tuple(pair) for pair in vector["query"]]

    def ours() -> object:
        return compute(state, ts=None, now=ts + 60)

    def seed() -> str:
        return get_open_api_binance_token(app_id, ak, sk, data_token, ts)

    def sign_alone() -> str:
        return signing.sign(
            method="GET", path=vector["path"], query=query, body=b"", access_key_id=ak, secret_key=sk, ts=ts
        ).token

    stages = ours()
    assert stages.signature is not None and stages.signature.token == expected, "the explorer signs another request"  # type: ignore[attr-defined]
    assert stages.decoded_payload is not None, "no decoded payload"  # type: ignore[attr-defined]
    assert seed() == expected and sign_alone() == expected

    number, runs = (1_000, 30) if quick else (1_000, 120)  # small batches, often alternated: drift hits both
    gc.collect()
    samples = interleave(
        {"ours": per_call(ours, number), "seed": per_call(seed, number), "sign": per_call(sign_alone, number)}, runs
    )
    pipeline = Row(
        "pipeline per edit",
        "model.compute",
        "seed token fn",
        "µs",
        samples["ours"],
        samples["seed"],
        limit=1.2,
    )
    sign_row = Row("sign() alone (info)", "signing.sign", "seed token fn", "µs", samples["sign"], samples["seed"])
    return [pipeline, sign_row]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    report(measure(parser.parse_args().quick))


if __name__ == "__main__":
    main()
