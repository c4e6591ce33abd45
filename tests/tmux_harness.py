"""Drive the real `mp-explorer` console command in tmux: one private server per session, polled screens.

    with TmuxSession.start(["--ts", "1700000000"], home=tmp_path) as term:
        screen = term.wait_for("1 · canonical request")
        term.keys("C-s")
        term.wait_for(lambda s: "raw · 200" in s)

Each session gets its own `-L` socket, runs with `-f /dev/null` (no user config), `set-clipboard on`
(so OSC 52 copies land in tmux's buffer), 160x50, truecolor, an empty environment but PATH, HOME,
TERM, LANG (so no NO_COLOR, DISPLAY, COLUMNS or MP_* credentials) and MP_EXPLORER_HOME pointed at a
temporary directory. `close()` kills the server and removes its socket.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

WIDTH, HEIGHT = 160, 50
DEADLINE = 20.0
POLL = 0.05
HELP_MARK = "escape closes"  # the help screen's footer
PALETTE_MARK = "Search for commands"  # the command palette's prompt
# The app starts from an empty environment plus these: nothing leaks in from the test run (pytest's
# COLUMNS=80/LINES=24 would shrink the app, NO_COLOR would drop colours, DISPLAY would take the copy
# away from OSC 52, MP_* credentials would prefill the form). TERM is the one tmux gives the pane.
KEEP_FROM_SHELL = ("PATH", "HOME", "TERM")

Check = Callable[[str], bool]
STYLE = re.compile(r"\x1b\[[0-9;:]*[A-Za-z]")


def tmux_path() -> str:
    """The tmux binary, or a clear failure (these tests fail rather than skip without it)."""
    path = shutil.which("tmux")
    if path is None:
        raise RuntimeError(
            "tmux is not installed: the end-to-end tests run the real app in tmux. "
            "Install it (Debian/Ubuntu: apt-get install -y tmux); .ci/run does this itself."
        )
    return path


def console_command() -> Path:
    """The installed `mp-explorer` entry point next to this interpreter."""
    return Path(sys.executable).with_name("mp-explorer")


class TmuxTimeout(AssertionError):
    """The screen never showed what was expected; the message carries the last screen."""


class TmuxSession:
    """One tmux server running one command in a 160x50 window."""

    def __init__(self, socket_name: str, tmux: str) -> None:
        self.socket_name = socket_name
        self.tmux = tmux
        self.socket_path: str | None = None
        self.last_screen = ""

    # --- lifecycle ---------------------------------------------------------------------------

    @classmethod
    @contextlib.contextmanager
    def start(
        cls,
        args: Sequence[str] = (),
        *,
        home: Path,
        command: Sequence[str] | None = None,
        width: int = WIDTH,
        height: int = HEIGHT,
    ) -> Iterator[TmuxSession]:
        """Run `mp-explorer ARGS` (or `command`) in a fresh tmux server; always tear it down."""
        session = cls(f"mpx-{os.getpid()}-{uuid.uuid4().hex[:8]}", tmux_path())
        argv = list(command) if command is not None else [str(console_command()), *args]
        keep = " ".join(f'{name}="${name}"' for name in KEEP_FROM_SHELL)
        fixed = shlex.join(["LANG=C.UTF-8", "COLORTERM=truecolor", f"MP_EXPLORER_HOME={home}"])
        shell = f"exec env -i {keep} {fixed} {shlex.join(argv)}"
        try:
            # One invocation: a lone start-server exits at once (no session yet) and forgets its options.
            # No client ever attaches, so the size is pinned: `window-size manual` (set after the session
            # exists: before it, tmux 3.3a's server crashes) and `default-size` keep 160x50.
            session.run(
                "start-server",
                ";", "set", "-s", "set-clipboard", "on",
                ";", "set", "-g", "remain-on-exit", "on",
                ";", "set", "-g", "default-size", f"{width}x{height}",
                ";", "new-session", "-d", "-s", "app", "-x", str(width), "-y", str(height),
                shell,
                ";", "set", "-g", "window-size", "manual",
            )  # fmt: skip
            session.socket_path = session.run("display-message", "-p", "#{socket_path}").strip() or None
            yield session
        finally:
            session.close()

    def close(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            subprocess.run(self._base("kill-server"), capture_output=True, timeout=10)
        path = self.socket_path or self._default_socket_path()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)

    def _default_socket_path(self) -> str:
        tmpdir = os.environ.get("TMUX_TMPDIR", "/tmp")
        return os.path.join(tmpdir, f"tmux-{os.getuid()}", self.socket_name)

    # --- commands ----------------------------------------------------------------------------

    def _base(self, *args: str) -> list[str]:
        return [self.tmux, "-L", self.socket_name, "-f", "/dev/null", *args]

    def run(self, *args: str) -> str:
        result = subprocess.run(self._base(*args), capture_output=True, text=True, timeout=10)
        if result.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args[:1])} failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout

    def screen(self, *, styled: bool = False) -> str:
        """The visible pane, as plain text (`styled`: with its colours as escape sequences)."""
        self.last_screen = self.run("capture-pane", "-p", *(["-e"] if styled else []), "-t", "app")
        return self.last_screen

    def styled_line(self, pattern: str) -> str:
        """The first screen line whose text matches regex `pattern`, with its colours (focus shows only there)."""
        line = styled_row(self.screen(styled=True), pattern)
        if line is None:
            raise AssertionError(f"no line matches {pattern!r}; screen:\n{strip_styles(self.last_screen)}")
        return line

    def keys(self, *names: str) -> None:
        """Key names as tmux knows them: C-s, Tab, Escape, F1, Enter."""
        self.run("send-keys", "-t", "app", *names)

    def type(self, text: str) -> None:
        """Literal text."""
        self.run("send-keys", "-t", "app", "-l", text)

    def buffer(self) -> str | None:
        """tmux's top paste buffer (what the app copied through OSC 52), or None when there is none."""
        result = subprocess.run(self._base("show-buffer"), capture_output=True, text=True, timeout=10)
        return result.stdout if result.returncode == 0 else None

    def wait_interactive(self, *, timeout: float = DEADLINE) -> None:
        """Return once the app answers keys: ctrl+p until the command palette opens, then one escape.

        Keys sent in the first ~100 ms after the first frame can be lost (seen here with Textual 8.2
        in tmux), so a test that types must not start at the first frame, and the first probe is
        repeated until it shows. On a loaded machine a key that was not lost can take seconds to be
        handled, so the repeated probe must do nothing when it arrives again: ctrl+p opens the palette
        only when it is not open. (F1 toggles help: repeated F1s arriving late left help open, or an
        escape sent for them closed the screen the test opened next.) Once the palette shows, keys
        are read, so the one escape that closes it is not repeated, and every key sent so far has
        been handled when this returns.
        """
        deadline = time.monotonic() + timeout
        wait = 1.0
        while True:
            self.keys("C-p")
            try:
                self.wait_for(PALETTE_MARK, timeout=wait)
                break
            except TmuxTimeout:
                if time.monotonic() > deadline:
                    raise
                wait = min(wait * 2, 8.0)
        self.keys("Escape")
        self.wait_for(lambda s: PALETTE_MARK not in s, timeout=timeout, what="the command palette closed")

    def wait_for_buffer(self, *, timeout: float = DEADLINE) -> str:
        """Poll until tmux holds a paste buffer; return it."""
        deadline = time.monotonic() + timeout
        while (text := self.buffer()) is None:
            if time.monotonic() > deadline:
                raise TmuxTimeout(
                    f"no tmux buffer after {timeout:g} s (no OSC 52 copy arrived); last screen:\n{self.screen()}"
                )
            time.sleep(POLL)
        return text

    def pane_dead(self) -> bool:
        return self.run("display-message", "-p", "-t", "app", "#{pane_dead}").strip() == "1"

    # --- waiting -----------------------------------------------------------------------------

    def wait_for(
        self, expected: str | Check, *, timeout: float = DEADLINE, what: str = "", styled: bool = False
    ) -> str:
        """Poll the screen until `expected` (text, or a predicate on the screen) holds; return that screen."""
        check: Check = (lambda s: expected in s) if isinstance(expected, str) else expected
        label = what or (repr(expected) if isinstance(expected, str) else "the expected screen")
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen(styled=styled)
            if check(screen):
                return screen
            if self.pane_dead():
                # The app may have exited between the check and this test (waiting for it to quit, or
                # for its last screen): look once more at the final screen before calling it an error.
                screen = self.screen(styled=styled)
                if check(screen):
                    return screen
                raise TmuxTimeout(f"the app exited while waiting for {label}; last screen:\n{strip_styles(screen)}")
            if time.monotonic() > deadline:
                raise TmuxTimeout(
                    f"timed out after {timeout:g} s waiting for {label}; last screen:\n{strip_styles(screen)}"
                )
            time.sleep(POLL)


# --- reading a captured screen ---------------------------------------------------------------


def column(screen: str, index: int, *, separator: str = "") -> str:
    """Panel `index` (0 = leftmost) of every line that has it, stripped and joined (wrapped text rejoins)."""
    parts = []
    for line in screen.splitlines():
        cells = [piece for piece in line.split("│")[1:-1] if piece != ""]
        if len(cells) > index:
            parts.append(cells[index].strip())
    return separator.join(parts)


def styled_row(styled_screen: str, pattern: str) -> str | None:
    """The first line of a styled capture whose text matches regex `pattern`."""
    return next((line for line in styled_screen.splitlines() if re.search(pattern, strip_styles(line))), None)


def strip_styles(text: str) -> str:
    """Text without its escape sequences."""
    return STYLE.sub("", text)


def squash(text: str) -> str:
    """Text with every whitespace removed (to find a value that wrapped)."""
    return "".join(text.split())
