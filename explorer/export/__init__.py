"""Copyable forms of a request: the curl and HTTPie commands, and one program per language.

Pure: no UI, no network. The commands carry a token signed now; the programs carry no
credential at all and sign at run time from MP_ACCESS_KEY_ID, MP_SECRET_KEY and
MP_PRIVATE_KEY_PATH, with the rules the explorer signs with.
"""

from __future__ import annotations

from explorer.export.curl import curl_command
from explorer.export.httpie import httpie_command
from explorer.export.programs import LANGUAGES, PROGRAM_LANGUAGES, file_name, program
from explorer.export.source import ExportError, ExportRequest, export_request

__all__ = [
    "LANGUAGES",
    "PROGRAM_LANGUAGES",
    "ExportError",
    "ExportRequest",
    "curl_command",
    "export_request",
    "file_name",
    "httpie_command",
    "program",
]
