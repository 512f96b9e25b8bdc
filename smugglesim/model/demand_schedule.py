"""Demand schedules: each origin's flow of would-be migrants by period, from a sourced file.

A schedule is a CSV file shipped in ``smugglesim/model/data/`` as ``demand_<name>.csv``,
chosen in a scenario by ``demand.schedule = "<name>"``. Its rows give, per period (a year,
``2015``, or a quarter, ``2015-Q3``) and origin of the route network, a figure that moves
with the origin's would-be migrants (``figure``: e.g. first-time asylum applicants in the EU
by citizenship), one row per citizenship or group the origin stands for, each with the key
of its source. Comment lines (``#``) before the header name the reference period that the
origins' ``departures_per_week`` stand for (``# reference: 2018``) and every source
(``# source KEY: what it is, where``); a row whose source is not named is an error, so
every figure carries one.

An origin's flow in a week is its ``departures_per_week`` times the ratio of its figure per
day in the week's period to its figure per day in the reference period (the status quo of
2018, when the route data were calibrated). An origin without rows keeps its status-quo
flow; an origin fed by secondary movement (``fed_by``) cannot be scheduled, its flow
follows the entries that feed it. Warm-up weeks before the schedule's first period take
that period's flow (ASSUMPTION: the run warms up at the volume it starts with, as the
undated status quo warms up at 2018's).

Every problem with a file raises :class:`ScheduleError` with one line naming the file and,
where there is one, the line.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from smugglesim.model.routes import FED_ORIGINS, ORIGINS
from smugglesim.model.scenario_files import MAX_FILE_BYTES, display

if TYPE_CHECKING:
    from smugglesim.model.clock import Calendar

SCHEDULES_DIR = Path(__file__).resolve().parent / "data"
COLUMNS = ("period", "origin", "group", "figure", "source")
NAME = re.compile(r"[a-z0-9_]{1,64}")
_PERIOD = re.compile(r"(?P<year>\d{4})(?:-Q(?P<quarter>[1-4]))?")
_SOURCE = re.compile(r"source\s+(?P<key>[A-Za-z0-9_.-]+)\s*:\s*(?P<text>\S.*)")

# The origins of the embedded route network a schedule may name, in its order.
SCHEDULED_ORIGINS: tuple[str, ...] = tuple(o for o in ORIGINS if o not in FED_ORIGINS)


class ScheduleError(ValueError):
    """A demand schedule cannot be read; the message is one line naming the file."""


def schedule_path(name: str) -> Path:
    return SCHEDULES_DIR / f"demand_{name}.csv"


def shipped_schedules() -> list[str]:
    """The names of the shipped schedules, sorted."""
    return sorted(p.stem.removeprefix("demand_") for p in SCHEDULES_DIR.glob("demand_*.csv"))


def period_bounds(label: str) -> tuple[dt.date, dt.date]:
    """First day and the day after the last of a period ``2015`` or ``2015-Q3``."""
    m = _PERIOD.fullmatch(label)
    if m is None:
        raise ValueError(f"period {label!r} is neither a year (2015) nor a quarter (2015-Q3)")
    year = int(m["year"])
    if m["quarter"] is None:
        return dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    q = int(m["quarter"])
    end = dt.date(year + 1, 1, 1) if q == 4 else dt.date(year, 3 * q + 1, 1)
    return dt.date(year, 3 * q - 2, 1), end


@dataclass(frozen=True)
class DemandSchedule:
    """A schedule as read: the flow factor of each origin it names, period by period.

    ``starts`` and ``ends`` bound the periods (sorted, contiguous); ``factors[origin]`` holds
    one factor per period, the origin's figure per day over its figure per day in the
    reference period.
    """

    path: Path
    reference: str
    labels: tuple[str, ...]
    starts: tuple[dt.date, ...]
    ends: tuple[dt.date, ...]
    factors: dict[str, tuple[float, ...]]
    sources: dict[str, str]

    @property
    def first_day(self) -> dt.date:
        return self.starts[0]

    @property
    def end_day(self) -> dt.date:
        """The day after the schedule's last period."""
        return self.ends[-1]

    def coverage_problem(self, calendar: Calendar, weeks: int) -> str | None:
        """Why the schedule cannot drive reported weeks 0 to ``weeks - 1`` of a run dated
        by ``calendar`` (None when it can)."""
        first, last = calendar.date_of(0), calendar.date_of(weeks - 1)
        if first < self.first_day or last >= self.end_day:
            return (
                f"{display(self.path)} covers {self.labels[0]} to {self.labels[-1]} "
                f"({self.first_day} to {self.end_day - dt.timedelta(days=1)}); the run's "
                f"weeks run from {first} to {last}"
            )
        return None

    def weekly(self, origins: list[str], calendar: Calendar) -> ScheduledFlow:
        """The factors of ``origins`` (in that order; 1 for those not in the file) by week
        of a run dated by ``calendar``.

        Raises:
            ScheduleError: an origin of the file is not among ``origins``.
        """
        unknown = [o for o in self.factors if o not in origins]
        if unknown:
            raise ScheduleError(
                f"{display(self.path)}: origin {unknown[0]!r} is not an origin of the route "
                f"network; its origins: {', '.join(origins)}"
            )
        table = np.ones((len(self.labels), len(origins)))
        for o, name in enumerate(origins):
            if name in self.factors:
                table[:, o] = self.factors[name]
        return ScheduledFlow(calendar, self.starts, table)


@dataclass(frozen=True)
class ScheduledFlow:
    """Per week, each origin's factor on its status-quo flow (the period of the week's
    first day; before the first period, the first period's)."""

    calendar: Calendar
    starts: tuple[dt.date, ...]
    table: np.ndarray  # periods x origins

    def factor(self, week: int) -> np.ndarray:
        period = bisect.bisect_right(self.starts, self.calendar.date_of(week)) - 1
        return self.table[max(period, 0)]


def load_schedule(name: str) -> DemandSchedule:
    """The shipped schedule ``name`` (``demand_<name>.csv``), read once per process.

    Raises:
        ScheduleError: no such schedule, or the file is malformed (one line, naming it).
    """
    if NAME.fullmatch(name) is None:
        raise ScheduleError(
            f"{name!r} is not a schedule name (lower-case letters, digits and _ only)"
        )
    path = schedule_path(name)
    if not path.is_file():
        shipped = ", ".join(shipped_schedules()) or "none"
        raise ScheduleError(f"no demand schedule {name!r} ({display(path)}); shipped: {shipped}")
    return read_schedule(path)


@lru_cache(maxsize=8)
def read_schedule(path: Path) -> DemandSchedule:
    """Read and check one schedule file (see the module docstring for its form)."""
    where = display(path)
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        raise ScheduleError(f"{where}: larger than {MAX_FILE_BYTES // 1024} KiB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ScheduleError(f"{where}: not UTF-8 text") from None
    lines = text.splitlines()
    reference, sources, header_at = None, {}, None
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if not line.startswith("#"):
            header_at = n
            break
        comment = line.lstrip("#").strip()
        if comment.startswith("reference:"):
            reference = comment.removeprefix("reference:").strip()
        elif m := _SOURCE.fullmatch(comment):
            sources[m["key"]] = m["text"]
    if header_at is None:
        raise ScheduleError(f"{where}: no header line ({','.join(COLUMNS)})")
    if reference is None:
        raise ScheduleError(f"{where}: no '# reference: <period>' line before the header")
    try:
        period_bounds(reference)
    except ValueError as exc:
        raise ScheduleError(f"{where}: reference: {exc}") from None
    rows = csv.reader(io.StringIO("\n".join(lines[header_at - 1 :])))
    header = [c.strip() for c in next(rows)]
    if tuple(header) != COLUMNS:
        raise ScheduleError(
            f"{where}: line {header_at}: the columns must be {','.join(COLUMNS)}, "
            f"not {','.join(header)}"
        )
    figures: dict[str, dict[str, float]] = {}
    for offset, row in enumerate(rows):
        n = header_at + 1 + offset
        if not row or row[0].startswith("#"):
            continue
        if len(row) != len(COLUMNS):
            raise ScheduleError(f"{where}: line {n}: {len(row)} fields, not {len(COLUMNS)}")
        period, origin, _group, figure, source = (c.strip() for c in row)
        try:
            period_bounds(period)
        except ValueError as exc:
            raise ScheduleError(f"{where}: line {n}: {exc}") from None
        if origin in FED_ORIGINS:
            raise ScheduleError(
                f"{where}: line {n}: origin {origin!r} is fed by secondary movement; "
                "its flow follows the entries that feed it"
            )
        if origin not in SCHEDULED_ORIGINS:
            raise ScheduleError(
                f"{where}: line {n}: unknown origin {origin!r}; "
                f"the origins: {', '.join(SCHEDULED_ORIGINS)}"
            )
        try:
            value = float(figure)
        except ValueError:
            raise ScheduleError(f"{where}: line {n}: figure {figure!r} is not a number") from None
        if not (value >= 0 and np.isfinite(value)):
            raise ScheduleError(f"{where}: line {n}: figure {figure!r} is not a count (>= 0)")
        if source not in sources:
            raise ScheduleError(
                f"{where}: line {n}: source {source!r} is not named in a "
                f"'# source {source or 'KEY'}: ...' line before the header"
            )
        by_period = figures.setdefault(origin, {})
        by_period[period] = by_period.get(period, 0.0) + value
    if not figures:
        raise ScheduleError(f"{where}: no rows")
    return _checked(path, reference, figures, sources)


def _checked(
    path: Path, reference: str, figures: dict[str, dict[str, float]], sources: dict[str, str]
) -> DemandSchedule:
    """The schedule of ``figures`` (origin -> period -> figure), after the checks that
    span rows: every origin has every period and the reference, periods are contiguous."""
    where = display(path)
    # The reference is a period of the schedule too, unless other periods cover its days
    # (a reference year beside quarters).
    ref_start, ref_end = period_bounds(reference)
    periods = {p for f in figures.values() for p in f}
    covered = any(
        s < ref_end and ref_start < e
        for s, e in (period_bounds(p) for p in periods if p != reference)
    )
    labels = sorted(periods - {reference} if covered else periods, key=period_bounds)
    bounds = [period_bounds(p) for p in labels]
    for (_, end), (start, _), label in zip(bounds, bounds[1:], labels[1:], strict=False):
        if start != end:
            raise ScheduleError(
                f"{where}: period {label} does not follow the one before it (a gap or an "
                "overlap; periods must be contiguous)"
            )
    factors = {}
    for origin, by_period in figures.items():
        missing = [p for p in (reference, *labels) if p not in by_period]
        if missing:
            raise ScheduleError(f"{where}: origin {origin!r} has no row for period {missing[0]}")
        if by_period[reference] <= 0:
            raise ScheduleError(
                f"{where}: origin {origin!r}: the reference period {reference} has no figure "
                "above 0 to divide by"
            )
        per_day = by_period[reference] / (ref_end - ref_start).days
        factors[origin] = tuple(
            by_period[p] / (e - s).days / per_day for p, (s, e) in zip(labels, bounds, strict=True)
        )
    return DemandSchedule(
        path,
        reference,
        tuple(labels),
        tuple(s for s, _ in bounds),
        tuple(e for _, e in bounds),
        factors,
        sources,
    )
