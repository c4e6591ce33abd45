"""The explorer's keys: one Binding per action, each with an id so users can remap it.

A new screen or pane adds its Binding here and its row in palette.COMMANDS. No widgets here.
"""

from __future__ import annotations

from textual.binding import Binding

# A terminal sends alt+digit as ESC and the digit, which Textual 8 reads as the character macOS types
# for option+digit ("\x1b6" is the key section_sign, never alt+6: textual/_ansi_sequences.py), so
# each jump is bound to both names; a real alt+digit (the kitty keyboard protocol) still arrives as alt+N.
ESC_DIGIT_KEYS: dict[str, str] = {
    "1": "inverted_exclamation_mark",
    "2": "trade_mark_sign",
    "3": "pound_sign",
    "4": "cent_sign",
    "5": "infinity",
    "6": "section_sign",
    "0": "º",
}


def _alt(digit: str) -> str:
    return f"alt+{digit},{ESC_DIGIT_KEYS[digit]}"


EXPLORER: tuple[Binding, ...] = (
    Binding("f1", "help", "help", id="explorer.help"),
    Binding("ctrl+s", "send", "send", priority=True, id="explorer.send"),
    Binding("escape", "cancel_send", "cancel", id="explorer.cancel"),
    Binding("ctrl+y", "copy('token')", "copy token", priority=True, id="explorer.copy_token"),
    Binding("f2", "copy('header')", "copy header", show=False, id="explorer.copy_header"),
    Binding("f3", "copy('canonical')", "copy canonical", show=False, id="explorer.copy_canonical"),
    Binding("f4", "copy('digest')", "copy digest", show=False, id="explorer.copy_digest"),
    Binding("f5", "copy('curl')", "copy curl", id="explorer.copy_curl"),
    Binding("f6", "show_value", "whole value", show=False, id="explorer.show_value"),
    Binding("f7", "show_code", "code", show=False, id="explorer.show_code"),
    Binding("ctrl+t", "mint_token", "new data token", priority=True, id="explorer.mint_token"),
    Binding("ctrl+o", "mint_push_token", "new push token", show=False, priority=True, id="explorer.mint_push_token"),
    Binding("ctrl+g", "toggle_pin", "pin ts", priority=True, id="explorer.pin_ts"),
    Binding("ctrl+r", "toggle_reveal", "reveal", priority=True, id="explorer.reveal"),
    Binding("f8", "workspace('save')", "save", show=False, id="explorer.save_request"),
    Binding("f9", "workspace('open')", "open", show=False, id="explorer.open_request"),
    Binding("f10", "workspace('history')", "history", show=False, id="explorer.history"),
    Binding("ctrl+n", "doctor", "doctor", show=False, priority=True, id="explorer.doctor"),
    # Jump to each stage, each response pane and the form; maximise what has focus.
    Binding(_alt("1"), "jump('stage-canonical')", "canonical", show=False, id="explorer.jump_canonical"),
    Binding(_alt("2"), "jump('stage-digest')", "digest", show=False, id="explorer.jump_digest"),
    Binding(_alt("3"), "jump('stage-jwt')", "JWT", show=False, id="explorer.jump_jwt"),
    Binding(_alt("4"), "jump('stage-header')", "header", show=False, id="explorer.jump_header"),
    Binding(_alt("5"), "jump('response-raw')", "raw", show=False, id="explorer.jump_raw"),
    Binding(_alt("6"), "jump('response-decrypted')", "decrypted", show=False, id="explorer.jump_decrypted"),
    Binding(_alt("0"), "jump('endpoint')", "form", show=False, id="explorer.jump_form"),
    Binding("alt+m", "toggle_maximize", "maximise", show=False, id="explorer.maximize"),
    # Priority, so focus moves when the key arrives: Textual routes each key to the widget focused
    # at that moment, and a non-priority tab moved focus only after the keys queued behind it
    # had gone to the old field ("tab" then "POST" in one terminal read typed into the old one).
    Binding("tab", "app.focus_next", show=False, priority=True, id="explorer.focus_next"),
    Binding("shift+tab", "app.focus_previous", show=False, priority=True, id="explorer.focus_previous"),
)
