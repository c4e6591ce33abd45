"""The subcommands of `mp-explorer`, by name: the module under explorer.commands that registers each.

One list for the dispatcher (explorer.cli) and for the launcher's help, which names them all.
"""

from __future__ import annotations

SUBCOMMANDS: dict[str, str] = {
    "sign": "sign",
    "verify": "verify",
    "doctor": "doctor",
    "decrypt": "decrypt",
    "keygen": "decrypt",
    "sandbox": "sandbox",
    "history": "history",
}
