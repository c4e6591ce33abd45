"""A bounded HTTP/1.1 load generator: fixed connections, a fixed number of requests, no signing.

    python bench/loadgen.py < job.json   ->   {"seconds": ..., "ok": ..., "bad": ..., "first_bad": ...}

job.json: {"host", "port", "request" (the exact request bytes, latin-1 text), "expect" (a string
every good answer's body holds), "requests", "connections"}. Each connection is a keep-alive
asyncio stream sending one request at a time; the clock starts once every connection has
answered one warm-up request. Runs in its own process, so its work is not the server's.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time


async def exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length = next(int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length:"))
    body = await reader.readexactly(length)
    return status, body


async def run(job: dict) -> dict:
    request = job["request"].encode("latin-1")
    expect = job["expect"].encode()
    connections, requests = job["connections"], job["requests"]
    shares = [requests // connections + (1 if i < requests % connections else 0) for i in range(connections)]
    streams = [await asyncio.open_connection(job["host"], job["port"]) for _ in range(connections)]
    for reader, writer in streams:
        await exchange(reader, writer, request)
    counts = {"ok": 0, "bad": 0, "first_bad": None}

    async def worker(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, share: int) -> None:
        for _ in range(share):
            status, body = await exchange(reader, writer, request)
            if status == 200 and expect in body:
                counts["ok"] += 1
            else:
                counts["bad"] += 1
                counts["first_bad"] = counts["first_bad"] or f"{status} {body[:300]!r}"

    started = time.perf_counter()
    await asyncio.gather(*(worker(r, w, s) for (r, w), s in zip(streams, shares, strict=True)))
    seconds = time.perf_counter() - started
    for _, writer in streams:
        writer.close()
    return {"seconds": seconds, **counts}


def main() -> None:
    print(json.dumps(asyncio.run(run(json.load(sys.stdin)))))


if __name__ == "__main__":
    main()
