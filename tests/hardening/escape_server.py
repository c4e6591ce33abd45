"""A real loopback HTTP server that puts terminal escapes in every field it controls.

A hostile (or broken) Open API answers with text a terminal would obey: OSC 52 writes the
clipboard, OSC 2 sets the window title, CSI moves the cursor and clears the screen, C1 controls
do the same on some terminals, bidi marks turn text around. The server answers its requests in
turn, over and over:

    1  a success envelope: escapes in `message`, a header value and the reason phrase, and a
       `userData` encrypted with the user's public key whose JSON plaintext holds them too
    2  a rejection envelope: escapes in `code`, `message` and every field of the sandbox object,
       the canonical request among them
    3  a body that is not JSON (text/plain) with the raw escape bytes in it

plus `POST .../data-tokens` (what the explorer's ctrl+t asks a loopback target) answering a data
token whose scope and token carry escapes, so they reach a notification and a form field.

HTTP itself refuses C0 controls in header values and the reason phrase, so those carry the C1
forms (`\\x9d` is OSC, `\\x9b` CSI, `\\x9c` ST) that survive as latin-1 octets.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from typing import Any

OSC52 = "\x1b]52;c;ZWNobyBwd25lZA==\x1b\\"  # 'echo pwned' into the clipboard
OSC2 = "\x1b]2;pwned\x07"  # the window title
CSI = "\x1b[2J\x1b[H"  # clear the screen, cursor home
C1 = "\x9d2;pwned-c1\x9c\x9b31m"  # OSC and CSI in their one-byte forms
BIDI = "\u202edesrever\u202c"
HOSTILE = f"{OSC52}{OSC2}{CSI}{C1}{BIDI}"
# What each must look like on screen once made visible (the start of each escape is enough).
SHOWN = ("\\x1b]52;c;ZWNobyBwd25lZA==\\x1b\\", "\\x1b]2;pwned\\x07", "\\x1b[2J", "\\x9d2;pwned-c1\\x9c", "\\u202e")
# Latin-1 octets only: what a header value or a reason phrase can carry.
HEADER_HOSTILE = "a\x9d2;pwned-header\x9c\x9b2Jb"
REASON = "OK\x9d2;pwned-reason\x9c"
PLAINTEXT_JSON = json.dumps({"openId": f"user-{OSC2}-{OSC52}-{C1}-{BIDI}"})  # \u001b escapes in the JSON text
TOKEN = f"tok{OSC2}en"
SCOPE = f"openid{OSC52}"


def _envelope_ok(user_data: str) -> dict[str, Any]:
    return {"code": "000000", "message": f"hi {HOSTILE} there", "data": {"userData": user_data}, "success": True}


def _envelope_rejected() -> dict[str, Any]:
    return {
        "code": f"900002{OSC2}",
        "message": f"JWT auth failed {HOSTILE}",
        "data": None,
        "success": False,
        "sandbox": {
            "reason": f"bad signature {HOSTILE}",
            "outcome": f"bad_signature{OSC2}",
            "detail": f"detail {HOSTILE}",
            "skew": f"3{OSC2}",
            "ts_window": 300,
            "digest": f"ab{OSC52}",
            "received_dig": f"cd{CSI}",
            "canonical_request": f"GET\n/mp-api/{OSC52}/\n\n{OSC2}{C1}{BIDI}",
        },
    }


def _response(status: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    lines = [f"HTTP/1.1 {status}", *(f"{name}: {value}" for name, value in headers)]
    lines += [f"Content-Length: {len(body)}", "Connection: close"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class EscapeServer:
    """Answers in turn (success, rejection, raw text) on a loopback port, one thread per connection."""

    def __init__(self, user_data: str) -> None:
        self.user_data = user_data
        self.answered: list[str] = []  # which answer went to each request, in order
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._serve, name="escape-server", daemon=True)
        self._closed = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def start(self) -> EscapeServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._closed = True
        with contextlib.suppress(OSError):
            self._sock.close()
        self._thread.join(5)

    def answer(self, request_line: str) -> bytes:
        """The bytes for the next request (`request_line`: 'GET /path HTTP/1.1')."""
        json_type = ("Content-Type", "application/json")
        if request_line.startswith("POST ") and "/data-tokens" in request_line:
            self.answered.append("data-token")
            body = json.dumps({"dataToken": TOKEN, "scope": SCOPE, "openId": f"u{OSC2}", "expiresAt": 0}).encode()
            return _response("200 OK", [json_type], body)
        with self._lock:
            turn = sum(1 for name in self.answered if name != "data-token") % 3
        if turn == 0:
            self.answered.append("success")
            body = json.dumps(_envelope_ok(self.user_data), ensure_ascii=False).encode()
            return _response(f"200 {REASON}", [json_type, ("X-Evil", HEADER_HOSTILE)], body)
        if turn == 1:
            self.answered.append("rejection")
            body = json.dumps(_envelope_rejected(), ensure_ascii=False).encode()
            return _response("401 Unauthorized", [json_type, ("X-Evil", HEADER_HOSTILE)], body)
        self.answered.append("raw text")
        return _response("502 Bad Gateway", [("Content-Type", "text/plain")], f"upstream says {HOSTILE}".encode())

    def _serve(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, rest = data.partition(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value.strip() or 0)
                while len(rest) < length:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    rest += chunk
                conn.sendall(self.answer(head.split(b"\r\n", 1)[0].decode("latin-1")))
            except OSError:
                return


@contextlib.contextmanager
def running(user_data: str) -> Iterator[EscapeServer]:
    server = EscapeServer(user_data).start()
    try:
        yield server
    finally:
        server.stop()
