"""Hypothesis strategies for the fuzzing suite: hostile text, huge numbers, mangled tokens and ciphertexts."""

from __future__ import annotations

import base64
import json
from typing import Any

from hypothesis import strategies as st

from explorer import signing

# Every code point, lone surrogates included (hypothesis leaves category Cs out unless told).
any_char = st.characters(min_codepoint=0, max_codepoint=0x10FFFF, categories=None, exclude_categories=())
any_text = st.text(any_char, max_size=80)
# Text as it arrives from a terminal or a file that is not UTF-8: bytes smuggled in as surrogate escapes.
escaped_bytes = st.binary(max_size=80).map(lambda raw: raw.decode("utf-8", "surrogateescape"))
hostile_text = st.one_of(any_text, escaped_bytes, st.sampled_from(["", " ", "\x00", "\ud800", "%", "%zz", "..", "/./"]))

# Integers past every boundary: 64-bit, the decimal-conversion limit (4300 digits), negative.
huge_ints = st.sampled_from([2**63, 2**64 + 1, -(2**63) - 1, 10**4299, 10**4300, 10**4301, -(10**5000), 2**20000])
any_int = st.one_of(st.integers(), huge_ints)
# The integers a JSON text can carry into Python (a longer literal is refused by json.loads).
json_int = st.one_of(st.integers(), st.sampled_from([2**63, 2**64 + 1, 10**4299, -(10**4299)]))

methods = st.one_of(st.sampled_from(["GET", "post", " PUT ", "DELETE", "PATCH", "GE T", "G\u00c9T"]), hostile_text)
paths = st.one_of(
    st.sampled_from(["/mp-api/v1/apps/a/users", "/a/%2e%2E/b", "a/./b/..", "/%FF%fe/x", "/?q", "/#f", "http://h/p"]),
    hostile_text,
)
pairs = st.lists(st.tuples(hostile_text, hostile_text), max_size=5)
# What a caller may get wrong inside a list of pairs: wrong arity, wrong types, no length at all.
odd_items = st.one_of(
    st.tuples(hostile_text),
    st.tuples(hostile_text, hostile_text, hostile_text),
    st.tuples(st.integers(), st.none()),
    st.tuples(st.binary(max_size=8), hostile_text),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.none(),
    st.binary(max_size=8),
    hostile_text,
)
queries = st.one_of(
    hostile_text, pairs, st.lists(st.one_of(st.tuples(hostile_text, hostile_text), odd_items), max_size=4)
)
bodies = st.one_of(st.binary(max_size=200), hostile_text, st.none(), st.integers(min_value=0, max_value=9))
keys = st.one_of(hostile_text, st.none())
timestamps = st.one_of(st.none(), any_int, st.booleans(), st.floats(allow_nan=True), st.sampled_from(["1700000000"]))
rules = st.builds(
    signing.Rules,
    remove_dots=st.booleans(),
    encode_segments=st.booleans(),
    trailing_slash=st.booleans(),
    encode_query=st.booleans(),
    sort_query=st.booleans(),
    keep_empty_equals=st.booleans(),
    upper_hex=st.booleans(),
)

# JSON values for crafted JWT headers and claims: huge and non-finite numbers, deep nesting, odd strings.
json_leaf = st.one_of(
    st.none(),
    st.booleans(),
    json_int,
    st.floats(allow_nan=False, allow_infinity=False),
    any_text,
)
json_value = st.recursive(
    json_leaf, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(any_text, inner, max_size=3), max_leaves=8
)


def b64url_json(value: Any) -> str:
    """A JWT segment; surrogates survive json.dumps's ASCII escapes, as a hostile signer would write them."""
    return signing.b64url(json.dumps(value, separators=(",", ":")).encode("ascii"))


def flip(text: str, data: st.DataObject, label: str) -> str:
    """`text` with one to three characters replaced, deleted or inserted (chosen by hypothesis)."""
    chars = list(text)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label=f"{label} edits")):
        where = data.draw(st.integers(min_value=0, max_value=max(len(chars) - 1, 0)), label=f"{label} at")
        how = data.draw(st.sampled_from(["replace", "delete", "insert"]), label=f"{label} how")
        new = data.draw(st.one_of(st.sampled_from(list("A_-=.+/ \n")), any_char), label=f"{label} char")
        if how == "replace" and chars:
            chars[where] = new
        elif how == "delete" and chars:
            del chars[where]
        else:
            chars.insert(where, new)
    return "".join(chars)


def flip_bytes(raw: bytes, data: st.DataObject, label: str) -> bytes:
    """`raw` with one to three bytes XOR-ed, or cut short, or grown."""
    buffer = bytearray(raw)
    how = data.draw(st.sampled_from(["xor", "cut", "grow"]), label=f"{label} how")
    if how == "cut":
        return bytes(buffer[: data.draw(st.integers(min_value=0, max_value=len(buffer) - 1), label=f"{label} cut")])
    if how == "grow":
        return bytes(buffer) + data.draw(st.binary(min_size=1, max_size=4), label=f"{label} extra")
    for _ in range(data.draw(st.integers(min_value=1, max_value=3), label=f"{label} flips")):
        where = data.draw(st.integers(min_value=0, max_value=len(buffer) - 1), label=f"{label} at")
        buffer[where] ^= data.draw(st.integers(min_value=1, max_value=255), label=f"{label} mask")
    return bytes(buffer)


def base64_variant(raw: bytes, data: st.DataObject) -> str:
    """Ciphertext bytes written the ways people paste them: URL-safe or standard, padded or not, wrapped."""
    text = (base64.urlsafe_b64encode if data.draw(st.booleans(), label="urlsafe") else base64.b64encode)(raw).decode()
    if data.draw(st.booleans(), label="strip padding"):
        text = text.rstrip("=")
    if data.draw(st.booleans(), label="wrap"):
        text = "\n".join(text[i : i + 64] for i in range(0, len(text), 64))
    return text
