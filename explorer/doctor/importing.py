"""Bring a request in as integrators have it: a curl command line or a raw HTTP/1.1 request.

Pure: no network, and files named by curl's `@file` are read through a callback the caller gives
(the command passes one that reads the disk; the explorer passes none and says so).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from explorer import signing
from explorer.endpoints import DEFAULT_BASE_URL
from explorer.plurals import plural
from explorer.request import RequestSpec

FileReader = Callable[[str], bytes]

# A JWT in compact form: three base64url parts, the first a JSON object ('eyJ' is '{"').
_JWT_RE = re.compile(r"eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")
_HEADER_NAME_RE = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")


class RequestImportError(ValueError):
    """The pasted text is not a request we can read; the message says why and what to paste."""


@dataclass(frozen=True)
class ImportedRequest:
    """A request as it was sent: raw path and query (percent-encodings kept), headers, body bytes."""

    method: str
    path: str
    raw_query: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""
    base_url: str | None = None
    notes: tuple[str, ...] = field(default=())

    def header(self, name: str) -> str | None:
        """The first header of that name (case-insensitive), or None."""
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    @property
    def query_pairs(self) -> list[tuple[str, str]]:
        """The query decoded the way the verifier decodes it ('+' literal)."""
        return signing.parse_query(self.raw_query)

    @property
    def app_id(self) -> str | None:
        """The {appId} segment of an Open API path, if the path has one."""
        match = re.search(r"/apps/([^/?]+)", self.path)
        return match.group(1) if match else None

    def url(self) -> str:
        """The full URL as sent (the default base URL when the request named no host)."""
        url = (self.base_url or DEFAULT_BASE_URL) + self.path
        return f"{url}?{self.raw_query}" if self.raw_query else url

    def shown_url(self) -> str:
        """`url()` for a report: a password written into it (`user:pw@host`) is shown as `***`."""
        return mask_password(self.url())

    def to_spec(self, *, access_key_id: str = "", secret_key: str = "", ts: int | None = None) -> RequestSpec:
        """A RequestSpec with this request's method, path, decoded query and body."""
        content_type = self.header("Content-Type")
        return RequestSpec(
            method=self.method,
            path=self.path,
            query=tuple(self.query_pairs),
            body=self.body,
            access_key_id=access_key_id,
            secret_key=secret_key,
            ts=ts,
            content_type=content_type,
        )


@dataclass(frozen=True)
class FoundToken:
    """The token and where it was found: its header's name (None when given bare) and a Bearer prefix."""

    token: str
    header_name: str | None = None
    bearer: bool = False


# --- tokens -----------------------------------------------------------------------------------


def _strip_bearer(value: str) -> tuple[str, bool]:
    value = value.strip()
    if value[:7].lower() == "bearer " or value.lower() == "bearer":
        return value[6:].strip(), True
    return value, False


def parse_token(text: str) -> FoundToken:
    """A token given bare, as 'Bearer <token>', or as a whole header line ('Name: value')."""
    text = text.strip()
    name, sep, value = text.partition(":")
    if sep and _HEADER_NAME_RE.fullmatch(name.strip()) and "." not in name:
        token, bearer = _strip_bearer(value)
        return FoundToken(token, name.strip(), bearer)
    token, bearer = _strip_bearer(text)
    return FoundToken(token, None, bearer)


def token_from_headers(headers: tuple[tuple[str, str], ...]) -> FoundToken | None:
    """The token the request carries: X-Mp-Open-Api-Token first, then Authorization, then any JWT-shaped value."""
    for key, value in headers:
        if key.lower() == signing.HEADER_NAME.lower():
            token, bearer = _strip_bearer(value)
            return FoundToken(token, key, bearer)
    for key, value in headers:
        if key.lower() == "authorization":
            token, bearer = _strip_bearer(value)
            if _JWT_RE.fullmatch(token):
                return FoundToken(token, key, bearer)
    for key, value in headers:
        token, bearer = _strip_bearer(value)
        if _JWT_RE.fullmatch(token):
            return FoundToken(token, key, bearer)
    return None


# --- curl -------------------------------------------------------------------------------------

_ANSI_C_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b",
                   "f": "\f", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}  # fmt: skip


def _ansi_c(body: str) -> str:
    # $'...' as bash reads it: backslash escapes, \xHH, \uHHHH, octal.
    out: list[str] = []
    index = 0
    while index < len(body):
        char = body[index]
        if char != "\\" or index + 1 == len(body):
            out.append(char)
            index += 1
            continue
        nxt = body[index + 1]
        if nxt in _ANSI_C_ESCAPES:
            out.append(_ANSI_C_ESCAPES[nxt])
            index += 2
        elif nxt in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[nxt]
            match = re.match(rf"[0-9A-Fa-f]{{1,{width}}}", body[index + 2 :])
            if match:
                out.append(chr(int(match.group(0), 16)))
                index += 2 + len(match.group(0))
            else:
                out.append("\\" + nxt)
                index += 2
        elif nxt in "01234567":
            match = re.match(r"[0-7]{1,3}", body[index + 1 :])
            assert match is not None
            out.append(chr(int(match.group(0), 8)))
            index += 1 + len(match.group(0))
        else:
            out.append("\\" + nxt)
            index += 2
    return "".join(out)


def _expand_ansi_c_quotes(text: str) -> str:
    """Rewrite bash's $'...' strings (browser devtools use them) as plain single-quoted words."""
    if "$'" not in text:
        return text
    out: list[str] = []
    index, quote = 0, ""
    while index < len(text):
        char = text[index]
        if quote:
            out.append(char)
            if char == "\\" and quote == '"' and index + 1 < len(text):
                out.append(text[index + 1])
                index += 1
            elif char == quote:
                quote = ""
            index += 1
            continue
        if char == "\\" and index + 1 < len(text):
            out.append(text[index : index + 2])
            index += 2
            continue
        if char in "'\"":
            quote = char
            out.append(char)
            index += 1
            continue
        if text.startswith("$'", index):
            end = index + 2
            while end < len(text) and text[end] != "'":
                end += 2 if text[end] == "\\" else 1
            value = _ansi_c(text[index + 2 : end])
            out.append("'" + value.replace("'", "'\\''") + "'")
            index = end + 1
            continue
        out.append(char)
        index += 1
    return "".join(out)


def shell_words(text: str) -> list[str]:
    """Split a command line as a POSIX shell would (quotes, backslashes, line continuations, $'...')."""
    text = re.sub(r"\\\r?\n", " ", text.replace("\r\n", "\n"))
    try:
        return shlex.split(_expand_ansi_c_quotes(text), comments=False, posix=True)
    except ValueError as exc:
        raise RequestImportError(f"the curl command does not parse as a shell would read it: {exc}") from None


# Options that take a value, short and long (the value is consumed and, unless handled, ignored).
_VALUE_OPTIONS_IGNORED = {
    "-u", "--user", "-b", "--cookie", "-c", "--cookie-jar", "-o", "--output", "-m", "--max-time",
    "--connect-timeout", "-w", "--write-out", "-x", "--proxy", "-U", "--proxy-user", "--cacert", "--capath",
    "-E", "--cert", "--key", "--retry", "--retry-delay", "--retry-max-time", "-r", "--range", "-T",
    "--upload-file", "--resolve", "--connect-to", "--limit-rate", "-K", "--config", "--max-redirs",
    "--interface", "--oauth2-bearer", "--trace", "--trace-ascii", "-D", "--dump-header", "--unix-socket",
    "--aws-sigv4", "-y", "--speed-time", "-Y", "--speed-limit", "-z", "--time-cond", "--cert-type",
    "--key-type", "--pass", "--ciphers", "--proto", "--proto-redir", "--happy-eyeballs-timeout-ms",
}  # fmt: skip
_DATA_OPTIONS = {"-d", "--data", "--data-ascii", "--data-binary", "--data-raw", "--data-urlencode", "--json"}
_VALUE_OPTIONS = {"-X", "--request", "-H", "--header", "--url", "-A", "--user-agent", "-e", "--referer",
                  "-F", "--form", "--form-string"} | _DATA_OPTIONS | _VALUE_OPTIONS_IGNORED  # fmt: skip
_SHORT_FLAGS_NO_VALUE = set("sSvkiLIGfgNnqZ#0123456Mlj:")


def _split_short(word: str) -> list[str]:
    """'-sSXPOST' -> ['-s', '-S', '-X', 'POST'], as curl reads combined short options."""
    out: list[str] = []
    index = 1
    while index < len(word):
        option = "-" + word[index]
        if option in _VALUE_OPTIONS:
            out.append(option)
            if index + 1 < len(word):
                out.append(word[index + 1 :])
            return out
        out.append(option)
        index += 1
    return out


def _read_at_file(value: str, read_file: FileReader | None, option: str) -> bytes:
    name = value[1:]
    if read_file is None:
        raise RequestImportError(f"{option} @{name}: the body is in a file; paste the body itself (--data-raw '...')")
    try:
        return read_file(name)
    except (OSError, ValueError) as exc:
        reason = exc.strerror.lower() if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RequestImportError(f"{option} @{name}: cannot read the file ({reason})") from None


def _url_encode_data(value: str, read_file: FileReader | None) -> bytes:
    # curl --data-urlencode: 'content', '=content', 'name=content', '@file', 'name@file'.
    from urllib.parse import quote

    name, sep, content = value.partition("=")
    if sep and "@" not in name:
        encoded = quote(content, safe="-_.~*")
        return (f"{name}={encoded}" if name else encoded).encode("ascii")
    if "@" in value and (not sep or "@" in name):
        prefix, _, filename = value.partition("@")
        data = _read_at_file("@" + filename, read_file, "--data-urlencode").decode("utf-8", "replace")
        encoded = quote(data, safe="-_.~*")
        return (f"{prefix}={encoded}" if prefix else encoded).encode("ascii")
    return quote(value, safe="-_.~*").encode("ascii")


def parse_curl(text: str, *, read_file: FileReader | None = None) -> ImportedRequest:
    """The request a curl command line sends: method, URL, headers and body bytes.

    Reads -X/--request, -H/--header, -d/--data/--data-ascii (an @file has its line ends removed, as
    curl does), --data-binary (an @file kept byte for byte), --data-raw, --data-urlencode, --json,
    -G/--get, -I/--head, --url or the first bare word, and -A/-e as headers. -u and other options
    that do not change the signed bytes are skipped with their value. Raises RequestImportError.
    """
    words = shell_words(text)
    if words and words[0].rsplit("/", 1)[-1] in ("curl", "curl.exe"):
        words = words[1:]
    if not words:
        raise RequestImportError(
            "nothing to read: paste a curl command line (curl -X POST 'https://...' -H ... -d ...)"
        )
    method: str | None = None
    url: str | None = None
    headers: list[tuple[str, str]] = []
    data: list[bytes] = []
    notes: list[str] = []
    get = head = json_data = path_as_is = False
    expanded: list[str] = []
    for word in words:
        if word.startswith("-") and not word.startswith("--") and len(word) > 2:
            expanded.extend(_split_short(word))
        elif word.startswith("--") and "=" in word and word.split("=", 1)[0] in _VALUE_OPTIONS:
            expanded.extend(word.split("=", 1))
        else:
            expanded.append(word)
    index = 0
    while index < len(expanded):
        word = expanded[index]
        index += 1
        if word in _VALUE_OPTIONS:
            if index >= len(expanded):
                raise RequestImportError(f"{word} needs a value")
            value = expanded[index]
            index += 1
            if word in ("-X", "--request"):
                method = value
            elif word in ("-H", "--header"):
                name, sep, header_value = value.partition(":")
                if not sep:
                    notes.append(f"header {value!r} has no ':' and was ignored")
                else:
                    headers.append((name.strip(), header_value.strip()))
            elif word == "--url":
                url = value
            elif word in ("-A", "--user-agent"):
                headers.append(("User-Agent", value))
            elif word in ("-e", "--referer"):
                headers.append(("Referer", value))
            elif word in ("-F", "--form", "--form-string"):
                raise RequestImportError(
                    "-F sends a multipart body whose boundary curl picks at random: the signed bytes cannot be "
                    "rebuilt from the command; log the raw request instead and give it with --raw"
                )
            elif word in ("--data-binary",):
                data.append(_read_at_file(value, read_file, word) if value.startswith("@") else value.encode())
            elif word in ("-d", "--data", "--data-ascii", "--json"):
                if value.startswith("@"):
                    chunk = _read_at_file(value, read_file, word)
                    if word != "--json":
                        chunk = chunk.replace(b"\r", b"").replace(b"\n", b"")
                    data.append(chunk)
                else:
                    data.append(value.encode("utf-8", "surrogateescape"))
                json_data = json_data or word == "--json"
            elif word == "--data-raw":
                data.append(value.encode("utf-8", "surrogateescape"))
            elif word == "--data-urlencode":
                data.append(_url_encode_data(value, read_file))
            continue
        if word in ("-G", "--get"):
            get = True
        elif word in ("-I", "--head"):
            head = True
        elif word == "--path-as-is":
            path_as_is = True
        elif word.startswith("-") and word != "-":
            if word.startswith("--") or word in {"-" + c for c in _SHORT_FLAGS_NO_VALUE}:
                continue  # -s, -v, -k, --compressed ...: no effect on the signed bytes
            notes.append(f"option {word} is not known here and was skipped")
        elif url is None:
            url = word
        else:
            notes.append(f"extra word {word!r} ignored (only one URL is read)")
    if url is None:
        raise RequestImportError("the curl command has no URL")
    body = b"&".join(data)
    if json_data and not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/json"))
    if get and data:
        sep = "&" if "?" in url else "?"
        url = f"{url}{sep}{body.decode('utf-8', 'surrogateescape')}"
        body = b""
    if method is None:
        method = "HEAD" if head else ("GET" if get or not data else "POST")
    if data and not get and not any(k.lower() == "content-type" for k, _ in headers):
        headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        notes.append("no Content-Type given: curl sends application/x-www-form-urlencoded with -d")
    base_url, path, raw_query = _split_target(url, notes)
    if not path_as_is and ("/./" in path + "/" or "/../" in path + "/"):
        notes.append("curl removes dot segments before sending (unless --path-as-is): the path sent is resolved")
        path = signing.remove_dot_segments(path)
    return ImportedRequest(method, path, raw_query, tuple(headers), body, base_url, tuple(notes))


def _split_target(url: str, notes: list[str]) -> tuple[str | None, str, str]:
    url = url.strip()
    if url.startswith("/"):
        path, _, query = url.partition("?")
        return None, path, query.partition("#")[0]
    if "://" not in url:
        url = "https://" + url
        notes.append("the URL has no scheme; https:// assumed")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise RequestImportError(f"{url!r} is not a URL ({exc})") from None
    if not parts.netloc:
        raise RequestImportError(f"{url!r} has no host")
    # The raw path and query, as typed: urlsplit keeps percent-encodings.
    after_host = url.split("://", 1)[1]
    rest = after_host[len(parts.netloc) :] if after_host.startswith(parts.netloc) else parts.path
    rest = rest.partition("#")[0]
    path, _, query = rest.partition("?")
    return f"{parts.scheme}://{parts.netloc}", path or "/", query


# --- raw HTTP/1.1 -----------------------------------------------------------------------------

_REQUEST_LINE_RE = re.compile(r"([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]+(\S+)(?:[ \t]+(HTTP/\d(?:\.\d)?))?")


def parse_raw_http(data: bytes) -> ImportedRequest:
    """A request as a proxy or server log prints it: request line, headers, a blank line, the body.

    Line ends may be CRLF or LF. A Content-Length header trims a body that a log printed with a
    line end after it; a body shorter than Content-Length is noted. Raises RequestImportError.
    """
    text_head, sep, body = _split_head(data)
    lines = text_head.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    if not lines:
        raise RequestImportError("nothing to read: paste a request line (GET /path HTTP/1.1), headers and the body")
    match = _REQUEST_LINE_RE.fullmatch(lines[0].strip())
    if not match:
        shown = lines[0].strip()[:80]
        raise RequestImportError(f"the first line {shown!r} is not a request line (e.g. 'POST /mp-api/... HTTP/1.1')")
    method, target = match.group(1), match.group(2)
    headers: list[tuple[str, str]] = []
    notes: list[str] = []
    for line in lines[1:]:
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not _HEADER_NAME_RE.fullmatch(name.strip()):
            notes.append(f"line {line[:60]!r} is not a header and was ignored")
            continue
        headers.append((name.strip(), value.strip()))
    length = next((value for key, value in headers if key.lower() == "content-length"), None)
    if length is not None and length.isdigit():
        expected = int(length)
        if len(body) > expected:
            if body[expected:].strip(b"\r\n"):
                notes.append(f"the body is longer than Content-Length {expected}; the extra bytes were cut")
            body = body[:expected]
        elif len(body) < expected:
            notes.append(
                f"the body has {plural(len(body), 'byte')} but Content-Length says {expected}: was it cut in the log?"
            )
    elif not sep:
        body = b""
    host = next((value for key, value in headers if key.lower() == "host"), None)
    if target.startswith("/"):
        path, _, query = target.partition("?")
        base_url = None
        if host:
            scheme = "http" if host.split(":")[0] in ("localhost", "127.0.0.1", "[::1]") else "https"
            base_url = f"{scheme}://{host}"
        return ImportedRequest(method, path, query, tuple(headers), body, base_url, tuple(notes))
    base_url, path, query = _split_target(target, notes)
    return ImportedRequest(method, path, query, tuple(headers), body, base_url, tuple(notes))


def _split_head(data: bytes) -> tuple[str, bool, bytes]:
    for separator in (b"\r\n\r\n", b"\n\n"):
        position = data.find(separator)
        if position >= 0:
            head = data[:position].decode("utf-8", "replace").replace("\r\n", "\n")
            return head, True, data[position + len(separator) :]
    return data.decode("utf-8", "replace").replace("\r\n", "\n"), False, b""


def looks_like_curl(text: str) -> bool:
    """True when the text starts with a curl command (after blank lines and a '$ ' prompt)."""
    return bool(re.match(r"\s*(\$\s*)?(\S*/)?curl(\.exe)?\s", text + " "))


def parse_request(text: str, *, read_file: FileReader | None = None) -> ImportedRequest:
    """A pasted request in either form: a curl command line or a raw HTTP request."""
    if looks_like_curl(text):
        return parse_curl(re.sub(r"^\s*\$\s*", "", text), read_file=read_file)
    return parse_raw_http(text.encode("utf-8", "surrogateescape"))


def mask_password(url: str) -> str:
    """The URL with the password of its `user:password@` part replaced by `***`."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # a malformed port or IPv6 host: nothing to read a password from
        return url
    if not password:
        return url
    userinfo, _, host = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
