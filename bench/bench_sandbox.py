"""Sandbox throughput: signed GetUserOpenId requests/s against a bare Starlette route, same uvicorn.

    .venv/bin/python bench/bench_sandbox.py [--quick]

Two servers, each in its own process: `mp-explorer sandbox --port 0 --quiet` (the demo app in a
temporary MP_EXPLORER_HOME, --data-token-ttl 3600 so one data token lasts the whole run) and
bench/bare_starlette.py (one route returning a small JSON, on the same uvicorn with the
sandbox's settings). The load comes from a third process, bench/loadgen.py: a fixed number of
keep-alive connections, a fixed number of requests, one request in flight per connection.
The GetUserOpenId request is signed here before any timing (explorer.request: the token of a
fixed ts; the sandbox accepts |now - ts| up to 300 s and has no replay rule), so client-side
signing is not measured; every answer is checked (HTTP 200 and code 000000: the sandbox verified
the token, looked up the data token and RSA-encrypted the user's data). Batches of the two
servers alternate; the median requests/s of the batches is reported.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from common import BENCH, VENV_PYTHON, Row, interleave, report

from explorer.request import RequestSpec, wire_request

CONNECTIONS = 8


@contextmanager
def server(argv: list[str], env: dict[str, str]) -> Iterator[dict]:
    """Start a server that prints one JSON line when it listens; yield that line; kill it."""
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = process.stdout.readline() if process.stdout else ""
        if not line:
            raise RuntimeError(f"{argv[1]} did not start: {process.stderr.read() if process.stderr else ''}")
        yield json.loads(line)
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def http_request(method: str, url: str, headers: list[tuple[str, str]]) -> str:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}", *(f"{k}: {v}" for k, v in headers)]
    return "\r\n".join(lines) + "\r\n\r\n"


def load(url: str, request: str, expect: str, requests: int) -> float:
    parts = urlsplit(url)
    job = {"host": parts.hostname, "port": parts.port, "request": request, "expect": expect,
           "requests": requests, "connections": CONNECTIONS}  # fmt: skip
    result = subprocess.run(
        [str(VENV_PYTHON), str(BENCH / "loadgen.py")], input=json.dumps(job), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"load generator failed: {result.stderr[-800:]}")
    answer = json.loads(result.stdout)
    if answer["bad"]:
        raise RuntimeError(f"{answer['bad']} bad answers from {url}; first: {answer['first_bad']}")
    return requests / answer["seconds"]


def signed_open_data(sandbox: dict) -> str:
    mint = f"{sandbox['base_url']}/sandbox/v1/apps/{sandbox['app_id']}/data-tokens"
    with urllib.request.urlopen(urllib.request.Request(mint, data=b"{}", method="POST"), timeout=10) as answer:
        token = json.loads(answer.read())["dataToken"]
    spec = RequestSpec(
        "GET",
        f"/mp-api/v1/apps/{sandbox['app_id']}/user-open-data",
        (("openData", token),),
        access_key_id=sandbox["access_key_id"],
        secret_key=sandbox["secret_key"],
        ts=int(time.time()),
    )
    wire = wire_request(spec, spec.sign(), sandbox["base_url"])
    return http_request("GET", wire.url, list(wire.headers))


def measure(quick: bool = False) -> list[Row]:
    requests, runs = (1_000, 3) if quick else (3_000, 7)
    with tempfile.TemporaryDirectory(prefix="mpx-bench-") as home:
        env = {**os.environ, "MP_EXPLORER_HOME": home}
        sandbox_argv = [str(VENV_PYTHON.with_name("mp-explorer")), "sandbox", "--port", "0", "--quiet",
                        "--data-token-ttl", "3600"]  # fmt: skip
        bare_argv = [str(VENV_PYTHON), str(BENCH / "bare_starlette.py")]
        with server(sandbox_argv, env) as sandbox, server(bare_argv, env) as bare:
            signed = signed_open_data(sandbox)
            bare_url = f"{bare['base_url']}/hello"
            bare_request = http_request("GET", bare_url, [])
            samples = interleave(
                {
                    "ours": lambda: load(sandbox["base_url"], signed, '"code":"000000"', requests),
                    "bare": lambda: load(bare_url, bare_request, '"code":"000000"', requests),
                },
                runs,
            )
    return [Row(f"sandbox req/s ({CONNECTIONS} conns)", "signed GetUserOpenId", "bare Starlette", "req/s",
                samples["ours"], samples["bare"], limit=0.6, higher_is_better=True)]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    report(measure(parser.parse_args().quick))


if __name__ == "__main__":
    sys.exit(main())
