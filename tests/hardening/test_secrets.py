"""No secret key, private key or passphrase in anything the program writes or shows, unless revealed.

The real programs run with recognisable secrets: `mp-explorer sandbox` (a child process serving an
app whose public key belongs to a private key made here, encrypted with a recognisable passphrase)
and the real `mp-explorer` in tmux, given the secret key the three ways a user gives it (flag,
--secret-key-file, MP_SECRET_KEY). Every program runs with HOME, the XDG directories, TMPDIR and
MP_EXPLORER_HOME inside one temporary tree and its working directory in that tree. The journeys:
launch, F1 help, mint a data token, type the passphrase, send, decrypt, copy token / header / curl
(OSC 52 into tmux's buffers), a screenshot from the command palette, reveal and mask again, quit;
then the CLI's `sign --curl`, `sign --json`, `sign --token` and `decrypt`.

Afterwards every file in the tree, every tmux buffer, every captured screen and every program's
stdout and stderr is searched for the secrets in every form (see secret_scan). The one place a
secret may show is the screen captured while the user had pressed ctrl+r (reveal): there the
secret key must show, which also proves the search finds what it looks for.
"""

from __future__ import annotations

import base64
import json
import re
import shlex
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from explorer import crypto, signing
from explorer.tui.form_fields import SECTIONS
from explorer.workspace.history import History
from tests.hardening import tally
from tests.hardening.sandbox_process import SandboxProcess, base_env, console_command, running_sandbox
from tests.hardening.secret_scan import Needles, files_under
from tests.tmux_harness import HELP_MARK, TmuxSession, TmuxTimeout, column, squash

# Short enough to show whole in its field when revealed (36 bytes: past HS256's 32, so no note).
SECRET_KEY = "sk-LEAKCHECK-7f3a9c2e-5b1d-0123-9876"
PASSPHRASE = "pp-LEAKCHECK-b16b00b5-phrase"
APP_ID = "leakcheck_app"
ACCESS_KEY_ID = "leakcheckAccessKey"
STAGE_TITLES = ("1 · canonical request", "2 · digest", "3 · JWT", "4 · header")
OPENID = re.compile(r"\b[0-9a-f]{32}\b")
TOKEN = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
# Tabs from the endpoint select (focused at start) to the passphrase, in the form's own order (the
# file row shows only for UploadFile): counted from the form's definition, so a field added or moved
# there moves this count with it.
_FOCUS_ORDER = [field_id for _, field_ids in SECTIONS for field_id in field_ids if field_id != "file"]
TABS_TO_PASSPHRASE = _FOCUS_ORDER.index("passphrase") - _FOCUS_ORDER.index("endpoint")


@dataclass
class Tree:
    """One temporary tree holding everything the programs may write, and the user's own files beside it."""

    root: Path
    inputs: Path

    @property
    def cwd(self) -> Path:
        return self.root / "work"

    @property
    def env(self) -> dict[str, str]:
        return {
            "HOME": str(self.root / "home"),
            "XDG_CONFIG_HOME": str(self.root / "xdg" / "config"),
            "XDG_DATA_HOME": str(self.root / "xdg" / "data"),
            "XDG_CACHE_HOME": str(self.root / "xdg" / "cache"),
            "XDG_STATE_HOME": str(self.root / "xdg" / "state"),
            "TMPDIR": str(self.root / "tmp"),
            "MP_EXPLORER_HOME": str(self.root / "mpx"),
        }

    def make(self) -> None:
        for path in [self.cwd, self.inputs, *map(Path, self.env.values())]:
            path.mkdir(parents=True, exist_ok=True)


@dataclass
class Seen:
    """Everything the programs showed: (where, text, whether the user had revealed secrets there)."""

    screens: list[tuple[str, str, bool]] = field(default_factory=list)
    outputs: list[tuple[str, str]] = field(default_factory=list)  # program output, buffers
    journeys: int = 0

    def screen(self, term: TmuxSession, where: str, *, revealed: bool = False) -> str:
        text = term.screen()
        self.screens.append((where, text, revealed))
        return text


@pytest.fixture(scope="module")
def key() -> crypto.rsa.RSAPrivateKey:
    return crypto.generate_private_key(2048)


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory, key: crypto.rsa.RSAPrivateKey) -> Tree:
    base = tmp_path_factory.mktemp("secrets")
    tree = Tree(base / "tree", base / "inputs")
    tree.make()
    (tree.inputs / "private.pem").write_bytes(crypto.private_key_pem(key, PASSPHRASE))
    (tree.inputs / "public.pem").write_bytes(crypto.public_key_pem(key))
    (tree.inputs / "secret-key.txt").write_text(SECRET_KEY + "\n", encoding="utf-8")
    return tree


@pytest.fixture(scope="module")
def needles(key: crypto.rsa.RSAPrivateKey) -> Needles:
    found = Needles()
    found.add_text("secret key", SECRET_KEY)
    found.add_text("passphrase", PASSPHRASE)
    found.add_private_key("private key", key, PASSPHRASE)
    return found


@pytest.fixture(scope="module")
def sandbox(tree: Tree) -> Iterator[SandboxProcess]:
    args = [
        "--port", "0", "--data-token-ttl", "600",
        "--app-id", APP_ID, "--access-key-id", ACCESS_KEY_ID, "--secret-key", SECRET_KEY,
        "--public-key", str(tree.inputs / "public.pem"),
    ]  # fmt: skip
    with running_sandbox(args, env=base_env(**tree.env), cwd=tree.cwd) as running:
        yield running


def explorer_command(tree: Tree, args: list[str], extra_env: dict[str, str] | None = None) -> list[str]:
    """`mp-explorer ARGS` from the tree's working directory with the tree's environment."""
    env = {**tree.env, **(extra_env or {})}
    assignments = " ".join(shlex.quote(f"{name}={value}") for name, value in env.items())
    script = f"cd {shlex.quote(str(tree.cwd))} && exec env {assignments} {shlex.join([console_command(), *args])}"
    return ["sh", "-c", script]


def buffers(term: TmuxSession) -> list[str]:
    """Every tmux paste buffer, newest first."""
    names = term.run("list-buffers", "-F", "#{buffer_name}").split()
    return [term.run("show-buffer", "-b", name) for name in names]


def wait_buffers(term: TmuxSession, count: int, timeout: float = 20.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while len(found := buffers(term)) < count:
        if time.monotonic() > deadline:
            raise TmuxTimeout(f"{len(found)} tmux buffers, expected {count}; screen:\n{term.screen()}")
        time.sleep(0.05)
    return found


def launched(term: TmuxSession, seen: Seen, where: str) -> None:
    term.wait_for(lambda s: all(t in s for t in STAGE_TITLES) and APP_ID in s, what="the form and the stages")
    term.wait_interactive()
    seen.screen(term, f"{where}: launch")


def mint_and_send(term: TmuxSession, seen: Seen, where: str) -> str:
    term.keys("C-t")
    term.wait_for("minted a new data token", what="the mint notice")
    seen.screen(term, f"{where}: minted")
    term.keys("C-s")
    screen = term.wait_for(lambda s: "raw · 200" in s, what="the sandbox's answer")
    seen.screen(term, f"{where}: sent")
    return screen


def quit_app(term: TmuxSession, seen: Seen, where: str) -> None:
    seen.outputs += [(f"{where}: tmux buffer", text) for text in buffers(term)]
    term.keys("C-q")
    deadline = time.monotonic() + 20
    while not term.pane_dead():
        if time.monotonic() > deadline:
            raise TmuxTimeout(f"the app did not quit on ctrl+q; screen:\n{term.screen()}")
        time.sleep(0.05)
    seen.screen(term, f"{where}: after quit")


def command_line(term: TmuxSession) -> str:
    pid = term.run("display-message", "-p", "-t", "app", "#{pane_pid}").strip()
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")


def tui_args(sandbox: SandboxProcess, *more: str) -> list[str]:
    return [
        "--base-url", sandbox.base_url, "--app-id", APP_ID, "--access-key-id", ACCESS_KEY_ID,
        "--endpoint", "GetUserOpenId", "--ts", str(signing.now_ts()), *more,
    ]  # fmt: skip


def journey_flag_key_passphrase_copies_help_screenshot(tree: Tree, sandbox: SandboxProcess, seen: Seen) -> None:
    """Secret key by flag, encrypted private key by path, passphrase typed; every copy; help; screenshot."""
    where = "explorer --secret-key"
    args = tui_args(sandbox, "--secret-key", SECRET_KEY, "--private-key", str(tree.inputs / "private.pem"))
    with TmuxSession.start(home=tree.root / "mpx", command=explorer_command(tree, args)) as term:
        launched(term, seen, where)
        assert SECRET_KEY in command_line(term)  # the user chose argv; nothing can take it back out

        term.keys("F1")
        term.wait_for(HELP_MARK, what="the help screen")
        seen.screen(term, f"{where}: help")
        term.keys("Escape")
        term.wait_for(lambda s: HELP_MARK not in s, what="help closed")

        term.wait_for("this private key is encrypted", what="the key asking for its passphrase")
        for _ in range(TABS_TO_PASSPHRASE):
            term.keys("Tab")
            time.sleep(0.05)
        term.type(PASSPHRASE)
        term.wait_for("RSA 2048-bit private key", what="the key loaded with the typed passphrase")
        seen.screen(term, f"{where}: passphrase typed")

        users = httpx.get(f"{sandbox.base_url}/sandbox/v1/apps/{APP_ID}/users", timeout=10).json()["users"]
        screen = mint_and_send(term, seen, where)
        screen = term.wait_for(
            lambda s: OPENID.search(column(s, 2, separator="\n")) is not None, what="the decrypted openid"
        )
        seen.screen(term, f"{where}: decrypted")
        shown = OPENID.search(column(screen, 2, separator="\n"))
        assert shown is not None and shown.group(0) in [user["openId"] for user in users], screen

        for count, key in enumerate(("C-y", "F2", "F5"), start=1):
            term.keys(key)
            wait_buffers(term, count)
            seen.screen(term, f"{where}: copied with {key}")
        curl, header, token = buffers(term)[:3]
        assert TOKEN.match(token), token
        assert header == f"{signing.HEADER_NAME}: {token}", header
        assert curl.startswith("curl") and token in curl, curl

        term.keys("C-p")
        term.wait_for("Search for commands", what="the command palette")
        term.type("screenshot")
        term.wait_for("Save an SVG", what="the screenshot command in the palette")
        term.keys("Enter")
        term.wait_for("Saved screenshot", what="the screenshot notice")
        seen.screen(term, f"{where}: screenshot saved")

        # The form saved as a request file (passphrase typed, key by path): searched below like every file.
        term.keys("F8")
        term.wait_for("save request", what="the save dialog")
        term.keys("Enter")
        term.wait_for("request saved", what="the saved notice")
        seen.screen(term, f"{where}: request saved")
        quit_app(term, seen, where)
    assert list(tree.root.rglob("*.svg")), "the palette's screenshot was not saved in the tree"
    seen.journeys += 1


def journey_key_file_reveal_and_mask(tree: Tree, sandbox: SandboxProcess, seen: Seen) -> None:
    """Secret key from --secret-key-file; send; ctrl+r shows it, ctrl+r hides it again."""
    where = "explorer --secret-key-file"
    args = tui_args(sandbox, "--secret-key-file", str(tree.inputs / "secret-key.txt"))
    with TmuxSession.start(home=tree.root / "mpx", command=explorer_command(tree, args)) as term:
        launched(term, seen, where)
        assert SECRET_KEY not in command_line(term)
        mint_and_send(term, seen, where)
        term.keys("C-r")
        screen = term.wait_for(lambda s: SECRET_KEY in squash(s), what="the revealed secret key")
        seen.screens.append((f"{where}: revealed (ctrl+r)", screen, True))
        term.keys("C-r")
        term.wait_for(lambda s: SECRET_KEY not in squash(s) and "secrets masked" in s, what="secrets masked again")
        seen.screen(term, f"{where}: masked again")
        quit_app(term, seen, where)
    seen.journeys += 1


def journey_key_from_environment(tree: Tree, sandbox: SandboxProcess, seen: Seen) -> None:
    """Secret key from MP_SECRET_KEY; send; copy the curl command."""
    where = "explorer MP_SECRET_KEY"
    command = explorer_command(tree, tui_args(sandbox), {"MP_SECRET_KEY": SECRET_KEY})
    with TmuxSession.start(home=tree.root / "mpx", command=command) as term:
        launched(term, seen, where)
        assert SECRET_KEY not in command_line(term)
        mint_and_send(term, seen, where)
        term.keys("F5")
        assert wait_buffers(term, 1)[0].startswith("curl")
        seen.screen(term, f"{where}: copied curl")
        quit_app(term, seen, where)
    seen.journeys += 1


def run_cli(tree: Tree, seen: Seen, args: list[str], extra_env: dict[str, str] | None = None) -> str:
    env = {**base_env(**tree.env), **(extra_env or {})}
    result = subprocess.run(
        [console_command(), *args], cwd=tree.cwd, env=env, capture_output=True, text=True, timeout=60
    )
    where = f"mp-explorer {args[0]} {args[-1] if args[-1].startswith('--') else ''}".strip()
    seen.outputs += [(f"{where} stdout", result.stdout), (f"{where} stderr", result.stderr)]
    assert result.returncode == 0, (args, result.stderr)
    seen.journeys += 1
    return result.stdout


def journeys_cli(tree: Tree, sandbox: SandboxProcess, seen: Seen) -> None:
    minted = sandbox.mint("openid")
    path = f"/mp-api/v1/apps/{APP_ID}/user-open-data"
    request = ["sign", "--path", path, "--query", f"openData={minted['dataToken']}", "--access-key-id", ACCESS_KEY_ID]
    curl = run_cli(
        tree,
        seen,
        [*request, "--base-url", sandbox.base_url, "--secret-key-file", str(tree.inputs / "secret-key.txt"), "--curl"],
    )
    assert curl.startswith("curl") and signing.HEADER_NAME in curl
    # Code export: the HTTPie command carries a token, the programs no credential at all.
    for language in ("httpie", "python", "python-httpx", "node", "go", "java", "php"):
        key_file = str(tree.inputs / "secret-key.txt")
        code = run_cli(
            tree, seen, [*request, "--base-url", sandbox.base_url, "--secret-key-file", key_file, "--code", language]
        )
        assert "MP_SECRET_KEY" in code or signing.HEADER_NAME in code, language
    as_json = run_cli(tree, seen, [*request, "--secret-key", SECRET_KEY, "--json"])
    assert '"token"' in as_json
    token = run_cli(tree, seen, [*request, "--token"], {"MP_SECRET_KEY": SECRET_KEY}).strip()
    assert TOKEN.match(token), token

    # The token the CLI made is accepted by the sandbox, and its userData is what `decrypt` reads.
    answer = httpx.get(
        f"{sandbox.base_url}{path}", params={"openData": minted["dataToken"]}, headers={signing.HEADER_NAME: token}
    ).json()
    assert answer["code"] == "000000", answer
    user_data = answer["data"]["userData"]
    private_key = str(tree.inputs / "private.pem")
    plain = run_cli(
        tree,
        seen,
        ["decrypt", user_data, "--private-key", private_key, "--passphrase-env", "LEAK_PASS"],
        {"LEAK_PASS": PASSPHRASE},
    )
    assert plain.strip() == minted["openId"]


@pytest.mark.tmux
def test_no_secret_in_any_file_buffer_screen_or_output_unless_revealed(
    tree: Tree, sandbox: SandboxProcess, needles: Needles
) -> None:
    seen = Seen()
    journey_flag_key_passphrase_copies_help_screenshot(tree, sandbox, seen)
    journey_key_file_reveal_and_mask(tree, sandbox, seen)
    journey_key_from_environment(tree, sandbox, seen)
    journeys_cli(tree, sandbox, seen)
    sandbox_args = Path(f"/proc/{sandbox.process.pid}/cmdline").read_bytes()
    assert SECRET_KEY.encode() in sandbox_args  # given by flag: the one place it may be, and is

    # The sandbox's own output, all of it once it has stopped.
    sandbox.stop()
    assert sandbox.process.returncode == 0, sandbox.stderr
    seen.outputs += [
        ("sandbox stdout", json.dumps(sandbox.line) + sandbox.stdout_rest),
        ("sandbox stderr", sandbox.stderr),
    ]
    assert sandbox.line["secret_key"] is None

    leaks: list[str] = []
    files = list(files_under(tree.root))
    # The palette's screenshot, the saved request file and the send history: each searched below.
    assert any(path.suffix == ".svg" for path in files), files
    assert any(path.name.endswith(".request.toml") for path in files), files
    history = tree.root / "mpx" / "history.sqlite3"
    assert history in files and History(history).stats()[0] >= 3, "the three explorer journeys' sends"
    for path in files:
        leaks += [f"{path.relative_to(tree.root)}: {label}" for label in needles.find(path.read_bytes())]
    for where, text in seen.outputs:
        leaks += [f"{where}: {label}" for label in needles.find(text.encode("utf-8"))]
    revealed = 0
    for where, screen, allowed in seen.screens:
        labels = needles.find_on_screen(screen)
        if allowed:
            assert "secret key" in labels, f"{where}: the revealed secret key is not found: the search is blind"
            revealed += 1
            labels = [label for label in labels if not label.startswith("secret key")]
        leaks += [f"{where}: {label}" for label in labels]
    assert not leaks, "secrets found:\n" + "\n".join(leaks)
    assert revealed == 1

    tally.count("secrets", "files", len(files))
    tally.count("secrets", "screens", len(seen.screens))
    tally.count("secrets", "outputs", len(seen.outputs))
    tally.count("secrets", "journeys", seen.journeys)


# --- what the project committed ------------------------------------------------------------------


ROOT = Path(__file__).resolve().parents[2]


def test_committed_screenshots_and_snapshots_hold_no_secret_they_were_made_with() -> None:
    """The SVG snapshots are made with snapshot_support's keys; the screenshots with a throwaway demo app.

    The snapshots' secret key and private key must not be in any SVG; the screenshots' demo secret key
    is gone with its temporary home, so for them the masked fields must show as masks and no PEM
    block may be drawn.
    """
    from tests import snapshot_support

    needles = Needles()
    needles.add_text("snapshot secret key", snapshot_support.SECRET_KEY)
    pem = snapshot_support.PRIVATE_KEY.read_bytes()
    for window_source in (pem,):
        body = "".join(line for line in window_source.decode().splitlines() if not line.startswith("-----"))
        for start in range(len(body) - 40 + 1):
            needles.windows[body[start : start + 40]] = "snapshot private key (PEM body)"
    der = base64.b64decode("".join(line for line in pem.decode().splitlines() if not line.startswith("-----")))
    for start in range(0, len(der) - 32 + 1, 32):
        needles.slices[der[start : start + 32]] = "snapshot private key (DER bytes)"

    svgs = sorted((ROOT / "tests" / "__snapshots__").rglob("*.svg")) + sorted((ROOT / "screenshots").glob("*.svg"))
    assert len(svgs) >= 8, svgs
    leaks: list[str] = []
    for svg in svgs:
        data = svg.read_bytes()
        leaks += [f"{svg.relative_to(ROOT)}: {label}" for label in needles.find(data)]
        if b"BEGIN" in data and b"PRIVATE KEY" in data:
            leaks.append(f"{svg.relative_to(ROOT)}: a PEM private key block")
        if svg.parent.name == "screenshots":
            assert "•" * 8 in data.decode("utf-8"), f"{svg.name}: no masked secret field"
    assert not leaks, "\n".join(leaks)
    tally.count("secrets", "committed SVGs", len(svgs))
