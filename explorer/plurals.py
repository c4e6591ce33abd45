"""Numbers that agree with their nouns: '1 byte', '2 bytes'. No imports beyond the standard library."""

from __future__ import annotations


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """'1 byte', '0 bytes', '1,024 bytes'; `plural_form` for irregular nouns ('1 entry', '2 entries')."""
    word = noun if count == 1 else (plural_form or noun + "s")
    return f"{count:,} {word}"
