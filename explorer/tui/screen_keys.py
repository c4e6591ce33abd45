"""Where the explorer's keys and palette rows act: the form's actions on the main screen only.

The explorer's bindings belong to the app, and the priority ones fire whatever screen is on top:
on the doctor, history or code screen, ctrl+s sent the form's request from behind it, ctrl+y copied
the form's token, and the footer listed both as that screen's keys. A mixin of ExplorerApp.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import SystemCommand

from explorer.tui import keymap, palette

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

    _AppBase = App[None]
else:
    _AppBase = object

# Keys that mean the same on every screen: help, and moving focus between fields.
EVERYWHERE = frozenset({"help", "focus_next", "focus_previous"})
# The action names of the explorer's bindings ("copy('token')" -> "copy", "app.focus_next" -> "focus_next").
MAIN_SCREEN_ONLY = (
    frozenset(binding.action.split("(")[0].rpartition(".")[2] for binding in keymap.EXPLORER) - EVERYWHERE
)


class MainScreenKeys(_AppBase):
    """The form's actions (send, copy, mint, pin, jump...) and palette rows on the main screen only."""

    def on_main_screen(self) -> bool:
        return bool(self.screen_stack) and self.screen is self.screen_stack[0]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MAIN_SCREEN_ONLY and not self.on_main_screen():
            return False  # neither runs nor shows in that screen's footer
        return super().check_action(action, parameters)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.screen_stack and screen is self.screen_stack[0]:
            for title, help_text, action in palette.COMMANDS:
                yield SystemCommand(title, help_text, partial(self.run_action, action))
