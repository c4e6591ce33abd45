"""SendPushMessage and BroadcastMessage: validated, then accepted (nothing is delivered)."""

from __future__ import annotations

from typing import Any

from explorer.sandbox.openapi import Context, route
from explorer.sandbox.validation import Fields, invalid, json_object, template_parameters

MAX_EXPERIENCE_UIDS = 5


def _template(fields: Fields) -> None:
    fields.string("templateId", max_len=128)
    fields.string("language", max_len=16)
    fields.string("path", required=False, max_len=1024)
    template_parameters(fields)


@route("POST", "/message/send")
async def send_push_message(ctx: Context) -> dict[str, Any]:
    """One user, one single-use pushToken (900230 when unknown, used or expired)."""
    fields = Fields(json_object(ctx.body, ctx.request.headers.get("content-type")))
    push_token = fields.string("pushToken", max_len=512)
    _template(fields)
    ctx.state.use_push_token(ctx.app, push_token)
    return {}


@route("POST", "/message/broadcast")
async def broadcast_message(ctx: Context) -> dict[str, Any]:
    """Everyone, or with preview true only the (at most 5) experienceUids."""
    fields = Fields(json_object(ctx.body, ctx.request.headers.get("content-type")))
    _template(fields)
    preview = fields.boolean("preview")
    uids = fields.listing("experienceUids", max_items=MAX_EXPERIENCE_UIDS)
    if uids is not None and not preview:
        raise invalid("experienceUids", "is allowed only with preview true")
    if preview and not uids:
        raise invalid("experienceUids", f"is required with preview true (1 to {MAX_EXPERIENCE_UIDS} uids)")
    for index, uid in enumerate(uids or ()):
        if isinstance(uid, bool) or not isinstance(uid, str | int) or (isinstance(uid, str) and not uid.strip()):
            raise invalid(f"experienceUids[{index}]", "must be a uid (a string or an integer)")
    return {}
