"""Sandbox-only fault routes under /sandbox/v1/faults (never under /mp-api/): unsigned, for local tests.

GET    /sandbox/v1/faults          {"faults": [...]}   newest last, with remaining / seen / fired
POST   /sandbox/v1/faults          a fault spec (explorer/sandbox/faults.py) -> the fault as listed
DELETE /sandbox/v1/faults          {"cleared": N}
DELETE /sandbox/v1/faults/{id}     {"removed": id}, or 900001 with 404 when there is no such fault
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from explorer.sandbox.envelope import INVALID_PARAMETER, ApiError, error
from explorer.sandbox.faults import Faults, FaultSpecError

MAX_SPEC_BYTES = 4096


def _faults(request: Request) -> Faults:
    faults: Faults = request.app.state.faults
    return faults


async def list_faults(request: Request) -> Response:
    return JSONResponse({"faults": _faults(request).list()})


async def add_fault(request: Request) -> Response:
    try:
        body = await request.body()
        if len(body) > MAX_SPEC_BYTES:
            raise FaultSpecError("body", f"is {len(body)} bytes; a fault spec takes at most {MAX_SPEC_BYTES}")
        try:
            spec = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise FaultSpecError("body", f"not JSON ({type(exc).__name__})") from None
        return JSONResponse(_faults(request).add(spec), status_code=201)
    except ApiError as exc:
        return error(exc)


async def clear_faults(request: Request) -> Response:
    return JSONResponse({"cleared": _faults(request).clear()})


async def remove_fault(request: Request) -> Response:
    text = request.path_params["faultId"]
    if not (text.isascii() and text.isdigit() and len(text) < 19):
        return error(FaultSpecError("faultId", f"expected a fault id (a number), got {text[:40]!r}"))
    if not _faults(request).remove(int(text)):
        problem = f"invalid parameter: faultId: no fault {int(text)} (see GET /sandbox/v1/faults)"
        return error(ApiError(INVALID_PARAMETER, problem, 404))
    return JSONResponse({"removed": int(text)})


ROUTES = [
    Route("/sandbox/v1/faults", list_faults, methods=["GET"]),
    Route("/sandbox/v1/faults", add_fault, methods=["POST"]),
    Route("/sandbox/v1/faults", clear_faults, methods=["DELETE"]),
    Route("/sandbox/v1/faults/{faultId}", remove_fault, methods=["DELETE"]),
]
