"""The doctor: bring a failing token and the request it was made for, get the mistake named.

Pure (imports signing, request and the standard library only): request import from a curl
command line or a raw HTTP request, every check in the verifier's order, and a search over a
catalogue of named mistakes for the one that reproduces the token exactly.
"""

from explorer.doctor.catalogue import BY_NAME, CATALOGUE, Context, Mistake
from explorer.doctor.diagnosis import Check, Diagnosis, Finding, diagnose
from explorer.doctor.diff import DiffLine, line_diff, render_diff, visible
from explorer.doctor.importing import (
    FoundToken,
    ImportedRequest,
    RequestImportError,
    looks_like_curl,
    parse_curl,
    parse_raw_http,
    parse_request,
    parse_token,
    token_from_headers,
)
from explorer.doctor.report import as_dict, catalogue_markdown, render_text
from explorer.doctor.search import DigestSearch, search_digest

__all__ = [
    "BY_NAME",
    "CATALOGUE",
    "Check",
    "Context",
    "Diagnosis",
    "DiffLine",
    "DigestSearch",
    "Finding",
    "FoundToken",
    "ImportedRequest",
    "Mistake",
    "RequestImportError",
    "as_dict",
    "catalogue_markdown",
    "diagnose",
    "line_diff",
    "looks_like_curl",
    "parse_curl",
    "parse_raw_http",
    "parse_request",
    "parse_token",
    "render_diff",
    "render_text",
    "search_digest",
    "token_from_headers",
    "visible",
]
