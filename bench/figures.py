"""What a benchmark returns: figures, each optionally a ratio against a baseline
measured in the same run, with the target it is held to."""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass, field


class NotMeasured(Exception):
    """A row that cannot be measured in this checkout (feature not merged yet,
    a tool missing). The suite prints the reason and goes on."""


@dataclass(frozen=True)
class Target:
    """``Target("<=", 3)`` reads "ratio (or value) at most 3"; ``on`` says which."""

    op: str
    bound: float
    on: str = "ratio"  # "ratio" or "value"
    unit: str = ""

    _OPS = {"<=": operator.le, ">=": operator.ge, "==": operator.eq}

    def met(self, figure: Figure) -> bool | None:
        subject = figure.ratio if self.on == "ratio" else figure.value
        if subject is None or (isinstance(subject, float) and math.isnan(subject)):
            return None
        return self._OPS[self.op](subject, self.bound)

    def __str__(self) -> str:
        bound = f"{self.bound:g}{(' ' + self.unit) if self.unit else ''}"
        return f"{'ratio' if self.on == 'ratio' else 'value'} {self.op} {bound}"


@dataclass
class Figure:
    row: str
    figure: str
    value: float | None
    unit: str = ""
    what: str = ""
    ratio: float | None = None
    ratio_of: str = ""  # what the ratio divides by, e.g. "floor p50"
    targets: list[Target] = field(default_factory=list)
    note: str = ""

    @property
    def met(self) -> bool | None:
        verdicts = [t.met(self) for t in self.targets]
        if not verdicts:
            return None
        if any(v is False for v in verdicts):
            return False
        if any(v is None for v in verdicts):
            return None
        return True

    @property
    def measured(self) -> bool:
        return self.value is not None

    def line(self) -> str:
        """The one line printed per figure."""
        if not self.measured:
            return f"{self.row:<12} {self.figure:<28} not measured: {self.note}"
        text = f"{self.row:<12} {self.figure:<28} {format_value(self.value, self.unit):>14}"
        if self.ratio is not None:
            text += f"   ratio {self.ratio:.3g} ({self.ratio_of})"
        if self.targets:
            verdict = {True: "met", False: "NOT MET", None: "?"}[self.met]
            text += f"   target {'; '.join(map(str, self.targets))}: {verdict}"
        if self.note:
            text += f"   [{self.note}]"
        return text

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "figure": self.figure,
            "value": self.value,
            "unit": self.unit,
            "what": self.what,
            "ratio": self.ratio,
            "ratio_of": self.ratio_of,
            "targets": [str(t) for t in self.targets],
            "met": self.met,
            "note": self.note,
        }


def not_measured(row: str, what: str, reason: str) -> Figure:
    return Figure(row=row, figure="-", value=None, what=what, note=reason)


def ratio(value: float | None, baseline: float | None) -> float | None:
    if value is None or not baseline:
        return None
    return value / baseline


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit in ("", "count", "rows", "duplicates", "successes"):
        text = f"{value:.0f}" if float(value).is_integer() else f"{value:.3g}"
        return f"{text} {unit}".strip() if unit not in ("", "count") else text
    if abs(value) >= 100:
        return f"{value:,.0f} {unit}".strip()
    if abs(value) >= 10:
        return f"{value:.1f} {unit}".strip()
    return f"{value:.2f} {unit}".strip()
