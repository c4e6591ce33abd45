"""Requests per second of the sandbox: a signed GetUserOpenId next to the bare health route.

    .venv/bin/python bench/bench_sandbox.py [--requests 2000] [--clients 4]

Starts the sandbox with start_background (demo app in a temporary data directory, loopback only),
then sends the same number of requests to each route from a few threads, each with its own
keep-alive httpx.Client. Every GetUserOpenId request is signed fresh (explorer.signing.sign) and
its answer checked for code 000000. Client and server share one process (and its GIL), so the
figures are a floor for the server, and the ratio is what to compare between runs.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
import time
from pathlib import Path

import httpx

from explorer.request import RequestSpec, wire_request
from explorer.sandbox.runner import SandboxHandle, start_background


def run_threads(count: int, clients: int, work) -> float:
    """Split `count` calls of work(http) over `clients` threads; return elapsed seconds."""
    shares = [count // clients + (1 if i < count % clients else 0) for i in range(clients)]
    errors: list[str] = []
    barrier = threading.Barrier(clients + 1)

    def worker(share: int) -> None:
        with httpx.Client(timeout=10) as http:
            work(http)  # warm the connection
            barrier.wait()
            for _ in range(share):
                problem = work(http)
                if problem:
                    errors.append(problem)

    threads = [threading.Thread(target=worker, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise SystemExit(f"{len(errors)} bad answers, first: {errors[0]}")
    return elapsed


def bench(handle: SandboxHandle, requests: int, clients: int) -> tuple[float, float]:
    health_url = f"{handle.base_url}/sandbox/v1/health"

    def health(http: httpx.Client) -> str | None:
        response = http.get(health_url)
        return None if response.status_code == 200 else response.text

    data_token = handle.mint_data_token()["dataToken"]  # valid 120 s, reusable within that
    path = f"/mp-api/v1/apps/{handle.app_id}/user-open-data"

    def open_data(http: httpx.Client) -> str | None:
        spec = RequestSpec(
            "GET", path, (("openData", data_token),), access_key_id=handle.access_key_id, secret_key=handle.secret_key
        )
        wire = wire_request(spec, spec.sign(), handle.base_url)  # a fresh ts and token every time
        response = http.get(wire.url, headers=list(wire.headers))
        code = response.json().get("code")
        return None if code == "000000" else response.text

    health_rps = requests / run_threads(requests, clients, health)
    signed_rps = requests / run_threads(requests, clients, open_data)
    return health_rps, signed_rps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home, start_background(data_dir=Path(home)) as handle:
        health_rps, signed_rps = bench(handle, args.requests, args.clients)
    print(f"requests per route: {args.requests}, client threads: {args.clients}, loopback, one process")
    print(f"GET /sandbox/v1/health                : {health_rps:8.0f} req/s")
    print(f"signed GetUserOpenId (RSA + verify)   : {signed_rps:8.0f} req/s")
    print(f"ratio signed / health                 : {signed_rps / health_rps:8.2f}")


if __name__ == "__main__":
    main()
