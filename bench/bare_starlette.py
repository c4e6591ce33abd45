"""The comparison server for bench/bench_sandbox.py: one Starlette route returning a small JSON.

Served by uvicorn with the sandbox's own settings and socket (runner.server_config and
runner.bind_socket), so the two servers differ only in what their routes do; prints
{"base_url": ...} on stdout, then serves until killed.
"""

from __future__ import annotations

import json
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from explorer.sandbox import runner


async def hello(request: Request) -> JSONResponse:
    return JSONResponse({"code": "000000", "message": None, "data": {"openId": "bare"}, "success": True})


def main() -> None:
    app = Starlette(routes=[Route("/hello", hello, methods=["GET"])])
    # The sandbox's own socket and uvicorn settings, so the two servers differ only in their routes.
    sock = runner.bind_socket("127.0.0.1", 0)
    config = runner.server_config(app)
    sys.stdout.write(json.dumps({"base_url": f"http://127.0.0.1:{sock.getsockname()[1]}"}) + "\n")
    sys.stdout.flush()
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
