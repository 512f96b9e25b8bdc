"""Tables for people: titled, labelled from the output registry, as text, markdown or CSV.

A :class:`Report` is one or more titled tables of formatted cells (what a person reads),
the same figures as a data frame of unformatted numbers (what ``--format csv`` prints), and
the names of the outputs shown, whose definitions ``explain`` adds from
``smugglesim/model/outputs.py``. Every number is formatted by its output's declaration, so a share
reads ``0.04%`` in every table, a difference of shares reads in percentage points, and a
count or an amount of money reads with thousands separators.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from smugglesim.model import outputs
from smugglesim.model.outputs import Output

if TYPE_CHECKING:  # pandas is not imported to build the command's parser
    import pandas as pd

Format = Literal["text", "md", "csv"]
FORMATS: tuple[str, ...] = ("text", "md", "csv")
GLOSSARY = "docs/glossary.md"


def run_length(weeks: float | None) -> str:
    """``3 years``, ``1 year``, ``0.5 years``; ``26 weeks`` under half a year is not rounded."""
    if weeks is None or (isinstance(weeks, float) and math.isnan(weeks)):
        return "run length unknown"
    years = weeks / 52
    if weeks % 26:
        return f"{weeks:g} weeks"
    return "1 year" if years == 1 else f"{years:g} years"


def years_length(years: float | None) -> str:
    """:func:`run_length` from a number of years (NaN or None: unknown)."""
    known = years is not None and not math.isnan(years)
    return run_length(years * 52 if known else None)


def replications_text(n: int, paired: bool = False) -> str:
    noun = "replication" if n == 1 else "replications"
    return f"{n} paired {noun} (same seeds)" if paired else f"{n} {noun}"


def _share_decimals(output: Output) -> int | None:
    match = re.search(r"\.(\d+)%", output.fmt)
    return int(match.group(1)) if match else None


def value(output: Output, number: float, mean: bool = True) -> str:
    """A value (a mean over runs, by default) in its output's format."""
    return output.format(number, mean=mean)


def difference(output: Output, number: float) -> str:
    """A signed difference: ``+1,234``, ``-0.3``, and for a share percentage points,
    ``+0.06 pp``."""
    if number is None or math.isnan(number):
        return "-"
    decimals = _share_decimals(output)
    if number == 0:
        return "0 pp" if decimals is not None else "0"
    sign = "+" if number > 0 else "-"
    if decimals is not None:
        return f"{sign}{abs(number) * 100:.{decimals}f} pp"
    return sign + output.format(abs(number), mean=True)


def with_interval(centre: str, low: str, high: str) -> str:
    """``centre [low, high]``; the centre alone without an interval, or when the interval
    is the point itself (every pair gave the same difference)."""
    if low == "-" or high == "-" or low == high == centre:
        return centre
    return f"{centre} [{low}, {high}]"


def percent_change(number: float) -> str:
    if number is None or math.isnan(number):
        return "-"
    return "0%" if number == 0 else f"{number:+.1%}"


@dataclass
class Table:
    """A titled table of formatted cells; the first column is the row's name."""

    title: str
    headings: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    """Titled tables, the same figures unformatted (``data``), and the outputs shown."""

    tables: list[Table]
    data: pd.DataFrame
    shown: list[str] = field(default_factory=list)  # output names, for the definitions
    derived: dict[str, str] = field(default_factory=dict)  # label -> definition, not outputs

    def definitions(self) -> dict[str, str]:
        """Label -> definition of every output shown (from smugglesim/model/outputs.py), in order."""
        found: dict[str, str] = {}
        for name in self.shown:
            try:
                o = outputs.lookup(name)
            except KeyError:
                continue
            found.setdefault(o.label, o.definition)
        return {**found, **self.derived}

    def render(self, fmt: Format = "text", explain: bool = False) -> str:
        """The report as aligned text, markdown, or CSV (``data``; with ``explain``, a
        ``definition`` column where it has an ``output`` column)."""
        if fmt == "csv":
            return self._csv(explain)
        if fmt not in FORMATS:
            raise ValueError(f"format {fmt!r}: choose one of {', '.join(FORMATS)}")
        parts = [_md(t) if fmt == "md" else _text(t) for t in self.tables]
        if explain:
            parts.append(self._explain(fmt))
        return "\n\n".join(parts)

    def _csv(self, explain: bool) -> str:
        data = self.data
        if explain and "output" in data:
            labels = data["label"] if "label" in data else [""] * len(data)
            found = [
                _definition(n) or self.derived.get(lab, "")
                for n, lab in zip(data["output"], labels, strict=True)
            ]
            data = data.assign(definition=found)
        buffer = io.StringIO()
        data.to_csv(buffer, index=False, lineterminator="\n")
        return buffer.getvalue().rstrip("\n")

    def _explain(self, fmt: Format) -> str:
        items = self.definitions()
        if fmt == "md":
            lines = ["**Definitions**", ""] + [f"- **{k}**: {v}" for k, v in items.items()]
            lines += ["", f"More terms: {GLOSSARY}."]
        else:
            lines = ["definitions"] + [f"  {k}: {v}" for k, v in items.items()]
            lines.append(f"  (more terms: {GLOSSARY})")
        return "\n".join(lines)


def _definition(name: str) -> str:
    try:
        return outputs.lookup(name).definition
    except KeyError:
        return ""


def _text(table: Table) -> str:
    cells = [table.headings, *table.rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(table.headings))]

    def line(row: list[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = "".join("  " + c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True))
        return ("  " + first + rest).rstrip()

    lines = [table.title, line(table.headings), *(line(r) for r in table.rows)]
    lines += [f"  {note}" for note in table.notes]
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def _md(table: Table) -> str:
    n = len(table.headings)
    lines = [
        f"**{_md_cell(table.title)}**",
        "",
        "| " + " | ".join(_md_cell(h) for h in table.headings) + " |",
        "|:---|" + "---:|" * (n - 1),
        *("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows),
    ]
    if table.notes:
        lines += ["", *(f"*{_md_cell(note)}*" for note in table.notes)]
    return "\n".join(lines)
