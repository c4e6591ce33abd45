"""The command palette's entries: one row per command, each naming the action it runs.

A new screen or pane adds one row here and one Binding in the app. No Textual here.
"""

from __future__ import annotations

from explorer.tui.copying import COPY_TARGETS

# (title, help, action): the action string is what a Binding would name, run with App.run_action.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("Send request", "Sign now and send (ctrl+s)", "send"),
    ("Cancel send", "Cancel the request in flight (escape)", "cancel_send"),
    *((f"Copy {name}", f"Copy the {name} to the clipboard", f"copy('{what}')") for what, name in COPY_TARGETS.items()),
    (
        "Show value whole",
        "The focused stage's value (or the last copy) on one line, to select or save to a file (f6)",
        "show_value",
    ),
    (
        "Show code",
        "The request as curl, HTTPie or a program in Python, Node.js, Go, Java or PHP, to copy (f7)",
        "show_code",
    ),
    ("Mint data token", "Ask the sandbox for a new 2-minute data token", "mint_token"),
    (
        "Mint push token",
        "Ask the sandbox for a new single-use push token for SendPushMessage (ctrl+o)",
        "mint_push_token",
    ),
    *(
        (
            f"Mint data token ({scope})",
            f"A data token whose userData is the user's {scope} (GetUserOpenId decrypts it)",
            f"mint_token('{scope}')",
        )
        for scope in ("phone", "email")
    ),
    ("Pin or follow ts", "Pin the timestamp, or let it follow the clock", "toggle_pin"),
    ("Save request to a file", "The form as a request file, secrets as references (f8)", "workspace('save')"),
    ("Open request file", "Pick a saved request from a folder (f9)", "workspace('open')"),
    ("History", "Every send, newest first; load one back into the form (f10)", "workspace('history')"),
    ("Clear history", "Delete every recorded send", "workspace('clear_history')"),
    ("Doctor", "Diagnose a failing token: paste it with its curl command or raw request (ctrl+n)", "doctor"),
    (
        "Import from curl",
        "Paste a curl command or raw request in the doctor, then ctrl+l fills the form from it",
        "doctor",
    ),
    ("Reveal or mask secrets", "Show or hide the secret and private keys", "toggle_reveal"),
    ("Help for the focused stage", "What this stage does, with an example (F1)", "help"),
    *(
        (f"Go to {name}", f"Focus the {name} (alt+{key})", f"jump('{widget_id}')")
        for key, widget_id, name in (
            (1, "stage-canonical", "stage 1, canonical request"),
            (2, "stage-digest", "stage 2, digest"),
            (3, "stage-jwt", "stage 3, JWT"),
            (4, "stage-header", "stage 4, header"),
            (5, "response-raw", "raw response"),
            (6, "response-decrypted", "decrypted response"),
            (0, "endpoint", "form"),
        )
    ),
    ("Maximise or restore", "The focused stage, pane or form fills the screen (alt+m)", "toggle_maximize"),
)
