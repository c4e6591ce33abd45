"""`mp-explorer sandbox` under load: 10,000 signed requests, 50 in flight, every answer checked, memory flat.

The real command runs as a child process; the requests are signed here with `explorer.signing.sign`
and sent over loopback by 50 threads, each with its own keep-alive httpx connection, sharing one
queue (so exactly 50 requests are in flight until the queue runs dry). Threads rather than one
httpx.AsyncClient: its pool scans every connection per request, which at 50 connections made the
client, not the server, the bottleneck (3 ms of client CPU per request).

Three in four requests are GetUserOpenId for a data token minted for one of eight users: the
answer must be 000000 and its userData must decrypt, with the app's private key, to that token's
openid. The fourth is GetUserPayId for one of those users: the payId must be the one
the sandbox lists for that user. Every answer is checked, every ciphertext decrypted.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from explorer import crypto, signing
from tests.hardening import tally
from tests.hardening.sandbox_process import SandboxProcess, base_env, running_sandbox

CONCURRENCY = 50
WARM_UP = 1_000
LOAD = 10_000
AFTER = 5_000
USERS = 8
# The bound on the server's RSS growth from after the warm-up to the end (15,000 requests later).
# Reads keep no per-request state in the sandbox (tokens are minted before the run, users exist),
# so what may legitimately grow is allocator and interpreter caches settling: a few MiB at most,
# measured at about 0.3 MiB here. A leak of 1 KiB per request would add ~15 MiB, so 8 MiB
# separates the two with room on either side.
RSS_GROWTH_BOUND_KIB = 8 * 1024


@dataclass(frozen=True)
class Call:
    """One request to make and what its answer must hold."""

    path: str
    query: tuple[tuple[str, str], ...]
    open_id: str  # the user the answer is about
    kind: str  # "openid" (userData to decrypt) or "payid"


@dataclass
class Answers:
    """What the workers saw: ciphertexts to decrypt, and every failure in words."""

    ciphertexts: list[tuple[str, str]] = field(default_factory=list)  # (userData, expected openid)
    failures: list[str] = field(default_factory=list)
    sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, *, failure: str | None = None, ciphertext: tuple[str, str] | None = None) -> None:
        """One answer received: a failure, a ciphertext to decrypt later, or neither (checked already)."""
        with self.lock:
            self.sent += 1
            if failure is not None:
                self.failures.append(failure)
            if ciphertext is not None:
                self.ciphertexts.append(ciphertext)


def plan(sandbox: SandboxProcess, count: int, tokens: list[dict[str, str]], pay_ids: dict[str, int]) -> list[Call]:
    prefix = f"/mp-api/v1/apps/{sandbox.app_id}"
    calls = []
    for index in range(count):
        minted = tokens[index % len(tokens)]
        if index % 4 == 3:
            calls.append(Call(f"{prefix}/users", (("openId", minted["openId"]),), minted["openId"], "payid"))
        else:
            calls.append(
                Call(f"{prefix}/user-open-data", (("openData", minted["dataToken"]),), minted["openId"], "openid")
            )
    return calls


def drive(sandbox: SandboxProcess, calls: list[Call], pay_ids: dict[str, int], answers: Answers) -> None:
    """Send every call from CONCURRENCY threads, one keep-alive connection each, sharing one queue."""
    line = sandbox.line
    queue = iter(calls)
    lock = threading.Lock()

    def take() -> Call | None:
        with lock:
            return next(queue, None)

    def worker() -> None:
        with httpx.Client(base_url=sandbox.base_url, timeout=30) as client:
            while (call := take()) is not None:
                signature = signing.sign(
                    method="GET",
                    path=call.path,
                    query=call.query,
                    access_key_id=line["access_key_id"],
                    secret_key=line["secret_key"],
                )
                try:
                    response = client.get(
                        call.path, params=call.query, headers={signature.header_name: signature.header_value}
                    )
                    envelope = response.json()
                except (httpx.HTTPError, ValueError) as exc:
                    answers.record(failure=f"{call.kind} {call.open_id}: {type(exc).__name__}: {exc}")
                    continue
                if envelope.get("code") != "000000":
                    answers.record(failure=f"{call.kind} {call.open_id}: {response.status_code} {envelope}")
                elif call.kind == "payid":
                    if envelope["data"].get("payId") != pay_ids[call.open_id]:
                        answers.record(failure=f"payid {call.open_id}: {envelope['data']} != {pay_ids[call.open_id]}")
                    else:
                        answers.record()
                else:
                    answers.record(ciphertext=(envelope["data"]["userData"], call.open_id))

    threads = [threading.Thread(target=worker) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def run_batch(
    sandbox: SandboxProcess, calls: list[Call], pay_ids: dict[str, int], key: rsa.RSAPrivateKey
) -> tuple[int, float]:
    """Send `calls`, check every answer (decrypting every userData); return (requests, requests/s)."""
    answers = Answers()
    started = time.perf_counter()
    drive(sandbox, calls, pay_ids, answers)
    elapsed = time.perf_counter() - started
    assert not answers.failures, f"{len(answers.failures)} failures, first: {answers.failures[:3]}"
    assert answers.sent == len(calls)
    wrong = [
        (expected, plain)
        for user_data, expected in answers.ciphertexts
        if (plain := crypto.decrypt_user_data(key, user_data)) != expected
    ]
    assert not wrong, f"{len(wrong)} wrong openids, first: {wrong[:3]}"
    assert len(answers.ciphertexts) == sum(call.kind == "openid" for call in calls)
    return len(calls), len(calls) / elapsed


def test_ten_thousand_signed_requests_fifty_in_flight_all_right_and_memory_flat(tmp_path: Path) -> None:
    env = base_env(MP_EXPLORER_HOME=str(tmp_path / "home"))
    with running_sandbox(["--port", "0", "--quiet", "--data-token-ttl", "3600"], env=env) as sandbox:
        key = crypto.load_private_key(Path(sandbox.line["private_key_path"]).read_bytes())
        tokens = [sandbox.mint("openid", f"load-user-{n}") for n in range(USERS)]
        assert len({t["openId"] for t in tokens}) == USERS
        pay_ids = {user["openId"]: user["payId"] for user in sandbox.users()}
        assert all(t["openId"] in pay_ids for t in tokens)

        warm, _ = run_batch(sandbox, plan(sandbox, WARM_UP, tokens, pay_ids), pay_ids, key)
        rss_warm = sandbox.rss_kib()
        sent, rate = run_batch(sandbox, plan(sandbox, LOAD, tokens, pay_ids), pay_ids, key)
        rss_load = sandbox.rss_kib()
        more, rate_after = run_batch(sandbox, plan(sandbox, AFTER, tokens, pay_ids), pay_ids, key)
        rss_after = sandbox.rss_kib()
        assert sandbox.process.poll() is None, "the sandbox died under load"

    print(
        f"\nsandbox load: {sent:,} requests at {CONCURRENCY} in flight, {rate:,.0f} requests/s "
        f"(then {more:,} at {rate_after:,.0f}/s); server VmRSS after warm-up {rss_warm:,} KiB, "
        f"after {sent:,} {rss_load:,} KiB, after {more:,} more {rss_after:,} KiB"
    )
    growth = max(rss_load, rss_after) - rss_warm
    assert growth < RSS_GROWTH_BOUND_KIB, (
        f"server RSS grew {growth:,} KiB after warm-up (bound {RSS_GROWTH_BOUND_KIB:,})"
    )
    assert "Traceback" not in sandbox.stderr, sandbox.stderr[-2000:]
    assert sandbox.process.returncode == 0, sandbox.stderr[-2000:]
    tally.count("sandbox load", "requests", warm + sent + more)
    tally.count("sandbox load", "wrong answers", 0)
