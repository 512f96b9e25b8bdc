"""The model's clock and calendar: the week now, and the date of any week of a dated run.

A run may be placed in time (``run.start = "2015-01"``): week 0 then begins on the first
day of that month and week ``w`` on the day ``7 w`` days later, so that a weekly output can
carry its date and a dated input (a demand schedule, an event) can be turned into weeks.
An undated run (no ``run.start``, the default) is the undated status quo of 2018: its weeks
have no dates, and its calendar year is week ``% 52``, as it always was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass
class Clock:
    """The current week: negative in the warm-up, 0 the first reported week; the model
    advances it at the end of each step."""

    week: int = 0


def parse_month(text: str) -> dt.date:
    """The first day of a month written ``YYYY-MM``.

    Raises:
        ValueError: ``text`` is not a month so written.
    """
    year, sep, month = text.partition("-")
    if not (sep and len(year) == 4 and year.isdigit() and len(month) == 2 and month.isdigit()):
        raise ValueError(f"must be a month written YYYY-MM (e.g. 2015-01), not {text!r}")
    if not 1 <= int(month) <= 12:
        raise ValueError(f"month {month} of {text!r} is not 01 to 12")
    return dt.date(int(year), int(month), 1)


@dataclass(frozen=True)
class Calendar:
    """Dates of the weeks of a run whose week 0 begins on ``start`` (None: undated)."""

    start: dt.date | None = None

    @property
    def dated(self) -> bool:
        return self.start is not None

    def date_of(self, week: int) -> dt.date:
        """The first day of ``week`` (negative weeks are the warm-up's)."""
        if self.start is None:
            raise ValueError("an undated run (no run.start) has no dates")
        return self.start + dt.timedelta(weeks=week)

    def week_of(self, date: dt.date) -> int:
        """The first week that begins on or after ``date``: what changes at a date takes
        effect from that week's step."""
        if self.start is None:
            raise ValueError("an undated run (no run.start) has no dates")
        return -((self.start - date).days // 7)

    @property
    def season_offset_weeks(self) -> int:
        """Weeks from 1 January to week 0, so that the week of the year is
        ``(week + this) % 52`` (0 for an undated run, whose week 0 is the year's first)."""
        if self.start is None:
            return 0
        return (self.start - dt.date(self.start.year, 1, 1)).days // 7
