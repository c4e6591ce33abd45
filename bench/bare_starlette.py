"""The comparison server for bench/bench_sandbox.py: one Starlette route returning a small JSON.

Served by uvicorn with the sandbox's settings (explorer/sandbox/runner.py: h11, asyncio, no
lifespan, no access log, no server header) on a socket bound here; prints {"base_url": ...} on
stdout, then serves until killed.
"""

from __future__ import annotations

import json
import socket
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def hello(request: Request) -> JSONResponse:
    return JSONResponse({"code": "000000", "message": None, "data": {"openId": "bare"}, "success": True})


def main() -> None:
    app = Starlette(routes=[Route("/hello", hello, methods=["GET"])])
    # As the sandbox's bind_socket does (getaddrinfo gives proto 6): asyncio sets TCP_NODELAY on
    # accepted connections only when the listening socket's proto is IPPROTO_TCP; with proto 0,
    # Nagle holds the body behind the headers and every keep-alive answer waits ~40 ms.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        app,
        lifespan="off",
        log_level="warning",
        log_config=None,
        access_log=False,
        http="h11",
        loop="asyncio",
        ws="none",
        server_header=False,
    )
    sys.stdout.write(json.dumps({"base_url": f"http://127.0.0.1:{sock.getsockname()[1]}"}) + "\n")
    sys.stdout.flush()
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
