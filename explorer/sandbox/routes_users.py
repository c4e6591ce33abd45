"""GetUserOpenId (also phone / e-mail) and GetUserPayId."""

from __future__ import annotations

from typing import Any

from explorer.sandbox.openapi import Context, route
from explorer.sandbox.validation import invalid


@route("GET", "/user-open-data")
async def get_user_open_data(ctx: Context) -> dict[str, Any]:
    """userData: the user's openid / phone / e-mail, RSA-encrypted with the app's public key."""
    token = ctx.query_value("openData")
    if not token:
        raise invalid("openData", "is required (the data token from bn.getUserOpenId)")
    return {"userData": ctx.state.open_data(ctx.app, token)}


@route("GET", "/users")
async def get_user_pay_id(ctx: Context) -> dict[str, Any]:
    """payId of a user of this app, from their openid."""
    open_id = ctx.query_value("openId")
    if not open_id:
        raise invalid("openId", "is required")
    user = ctx.app.users.get(open_id)
    if user is None:
        raise invalid("openId", f"no user {open_id!r} in this app", 404)
    return {"payId": user.pay_id}
