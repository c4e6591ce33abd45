"""What every benchmark shares: a result row, interleaved repeats, medians and their spread."""

from __future__ import annotations

import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
CACHE = BENCH / ".cache"
VENV_PYTHON = Path(sys.executable)

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@dataclass
class Row:
    """One line of the table: our figure, the comparison's, and the target on their ratio."""

    what: str
    ours_label: str
    comparison_label: str
    unit: str
    ours: list[float] = field(default_factory=list)
    comparison: list[float] = field(default_factory=list)
    limit: float | None = None  # None: listed for information, no target
    higher_is_better: bool = False  # rates: ratio must be at least `limit`
    note: str = ""  # why a row is not measured, or a remark for the table

    @property
    def measured(self) -> bool:
        return bool(self.ours) and bool(self.comparison)

    @property
    def ours_median(self) -> float | None:
        return statistics.median(self.ours) if self.ours else None

    @property
    def comparison_median(self) -> float | None:
        return statistics.median(self.comparison) if self.comparison else None

    @property
    def ratio(self) -> float | None:
        if not self.measured:
            return None
        assert self.ours_median is not None and self.comparison_median
        return self.ours_median / self.comparison_median

    @property
    def target(self) -> str:
        if self.limit is None:
            return "—"
        return f"{'≥' if self.higher_is_better else '≤'} {self.limit:g}×"

    @property
    def met(self) -> str:
        ratio = self.ratio
        if ratio is None:
            return "not measured"
        if self.limit is None:
            return "—"
        ok = ratio >= self.limit if self.higher_is_better else ratio <= self.limit
        return "yes" if ok else "NO"

    def cells(self) -> list[str]:
        ours = f"{fmt(self.ours_median)} {self.unit}" if self.ours else "not measured"
        comparison = f"{fmt(self.comparison_median)} {self.unit}" if self.comparison else "not measured"
        ratio = f"{self.ratio:.2f}×" if self.ratio is not None else "—"
        return [
            self.what,
            f"{self.ours_label}: {ours}",
            f"{self.comparison_label}: {comparison}",
            ratio,
            self.target,
            self.met,
        ]

    def spread(self) -> str:
        """Every sample of each side (min/median/max and n), for the detail lines."""
        parts = []
        for label, values in ((self.ours_label, self.ours), (self.comparison_label, self.comparison)):
            if values:
                parts.append(
                    f"{label}: median {fmt(statistics.median(values))}, min {fmt(min(values))}, "
                    f"max {fmt(max(values))} {self.unit} (n={len(values)})"
                )
            else:
                parts.append(f"{label}: not measured")
        line = f"{self.what} — " + "; ".join(parts)
        return line + (f"  [{self.note}]" if self.note else "")


def fmt(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


HEADERS = ["what", "ours", "comparison", "ratio", "target", "met?"]


def table(rows: Sequence[Row], *, markdown: bool = False) -> str:
    body = [row.cells() for row in rows]
    if markdown:
        lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
        lines += ["| " + " | ".join(cells) + " |" for cells in body]
        return "\n".join(lines)
    widths = [max(len(r[i]) for r in [HEADERS, *body]) for i in range(len(HEADERS))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEADERS, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) for cells in body]
    return "\n".join(lines)


def interleave(cases: dict[str, Callable[[], float]], runs: int, *, warm_up: bool = True) -> dict[str, list[float]]:
    """One warm-up call of each case, then `runs` rounds calling each case in turn."""
    if warm_up:
        for run in cases.values():
            run()
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, run in cases.items():
            samples[name].append(run())
    return samples


def report(rows: Sequence[Row]) -> None:
    """What a module run alone prints: the table, then the spread of every row."""
    print(table(rows))
    print()
    for row in rows:
        print("  " + row.spread())
