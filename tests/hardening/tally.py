"""Case counts for the hardening suite, printed at the end of every pytest run that ran any of it.

Each hardening test calls `count(suite, part)` once per case it actually drove (after the case's
checks passed), so the printed figures are cases exercised, not cases declared.
"""

from __future__ import annotations

from collections import Counter, defaultdict

_TALLY: defaultdict[str, Counter[str]] = defaultdict(Counter)

# The order the summary prints the suites in; a suite not listed here prints after these.
ORDER = ("bad-input corpus", "property fuzzing", "network faults", "secrets", "sandbox load")


def count(suite: str, part: str = "cases", n: int = 1) -> None:
    """Record `n` more cases of `suite` (a part such as "TUI" or "CLI" splits the figure)."""
    _TALLY[suite][part] += n


def lines() -> list[str]:
    """One line per suite, e.g. "bad-input corpus: TUI 64, CLI 41"."""
    names = [name for name in ORDER if name in _TALLY] + sorted(set(_TALLY) - set(ORDER))
    return [f"{name}: " + ", ".join(f"{part} {n:,}" for part, n in _TALLY[name].items()) for name in names]
