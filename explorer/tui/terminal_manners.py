"""How the explorer treats the terminal it runs in: every notification with its control characters
made visible, and SIGTERM / SIGHUP ending the app as ctrl+q does. A mixin of ExplorerApp.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App

    _AppBase = App[None]
else:
    _AppBase = object

import asyncio
import contextlib
import signal
from typing import Any

from explorer.safe_text import visible


class TerminalManners(_AppBase):
    """Escaped notifications and a terminal handed back on SIGTERM and SIGHUP."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: Any = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification, the panes' and the form's included, with its control characters made
        visible. Messages quote what came from outside (a server's answer, an exception, a file
        name), so they are never read as markup either."""
        super().notify(visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False)

    def _hand_back_on_signals(self) -> None:
        """SIGTERM and SIGHUP end the explorer as ctrl+q does, so the terminal is handed back (the main
        screen, the cursor, mouse reporting off) instead of left as the app had it."""
        if self.is_headless:
            return  # a test's app: the signals belong to the test runner
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, self.exit)
