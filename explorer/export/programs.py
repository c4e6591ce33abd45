"""The program generators by language name, and the file name each program expects."""

from __future__ import annotations

from explorer.export.source import ExportRequest

# Every language `sign --code` and the code view offer, commands first.
LANGUAGES: dict[str, str] = {
    "curl": "curl",
    "httpie": "HTTPie",
    "python": "Python (requests + PyJWT)",
    "python-httpx": "Python (httpx)",
    "node": "Node.js",
    "go": "Go",
    "java": "Java 17+",
    "php": "PHP 8",
}
# The languages that are programs (signed at run time from the environment).
PROGRAM_LANGUAGES = ("python", "python-httpx", "node", "go", "java", "php")

_FILE_NAMES = {
    "python": "mp_request.py",
    "python-httpx": "mp_request.py",
    "node": "mp_request.js",
    "go": "main.go",
    "java": "MpRequest.java",
    "php": "mp_request.php",
}


def file_name(language: str) -> str:
    """The file name a program is meant to be saved as (Java needs its class name)."""
    return _FILE_NAMES[language]


def program(language: str, request: ExportRequest) -> str:
    """The self-contained program for `request` in `language` (one of PROGRAM_LANGUAGES)."""
    if language in ("python", "python-httpx"):
        from explorer.export.python import python_program

        return python_program(request, client="httpx" if language == "python-httpx" else "requests")
    if language == "node":
        from explorer.export.node import node_program

        return node_program(request)
    if language == "go":
        from explorer.export.go import go_program

        return go_program(request)
    if language == "java":
        from explorer.export.java import java_program

        return java_program(request)
    if language == "php":
        from explorer.export.php import php_program

        return php_program(request)
    raise ValueError(f"unknown program language {language!r}; choose from {', '.join(PROGRAM_LANGUAGES)}")
