"""Per-week records and the run summary, driven by the output declarations.

What is recorded, and how each figure is read from the model, is declared once in
:mod:`smugglesim.model.outputs`; this module only loops over those declarations. The Mesa
DataCollector deep-copies on every collect, so the recorder writes straight into
preallocated numpy arrays instead (a family of per-route columns is one 2-D array).

Only the reported weeks are recorded: the model's warm-up (``run.warmup_years``) runs
before week 0, and :meth:`Recorder.open_period` takes the running totals at its end, from
which the weekly changes and the summary's figures are counted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from smugglesim.model import outputs
from smugglesim.model.outputs import (
    NETWORK_EVERY_WEEKS,
    WEEKLY,
    Output,
    Snapshot,
    TieArrays,
    period_start,
    route_names,
    week_counts,
)

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel

__all__ = ["NETWORK_EVERY_WEEKS", "WEEKLY", "Recorder", "yearly"]

Reader = Callable[[Snapshot], Any]


def weekly_reader(output: Output, start: dict[str, Any]) -> Reader:
    """A function of this week's snapshot giving the output's weekly value: a tally of this
    week's journeys, the change of a counter since last week (``start``: the counters at
    week 0), a running state since week 0, or a state now."""
    if output.tally is not None:
        tally = output.tally
        return lambda s: tally(s.tally)
    if output.running:
        name = output.name
        return lambda s: s.in_period(name)
    if output.state is not None:
        return output.state
    counter = output.counter
    assert counter is not None
    previous: Any = start.get(output.name, 0.0)

    def difference(s: Snapshot) -> Any:
        nonlocal previous
        now = counter(s)
        delta, previous = now - previous, now
        return delta

    return difference


def run_value(output: Output, s: Snapshot, routes: list[str]) -> Any:
    """The output's value in the summary, as its declared type (a dict for a family): a
    tally of the reported weeks' journeys, a running total's change since week 0, or a
    state now."""
    if output.tally is not None:
        value = output.tally(s.tally)
    elif output.total is not None:
        value = s.in_period(output.name)
    else:
        value = output.state(s)  # type: ignore[misc]
    cast = output.summary
    assert cast is not None
    if output.family:
        return {m: cast(v) for m, v in zip(output.members(routes), value, strict=True)}
    return cast(value)


class Recorder:
    """Collects one row per reported week into numpy arrays."""

    def __init__(self, model: SmugglingModel) -> None:
        self.model = model
        n = model.n_weeks
        self.routes = route_names(model)
        self.columns: list[str] = []
        self.data: dict[str, np.ndarray] = {}
        # (where the week's value goes, how it is read, read every n weeks)
        self._weekly: list[tuple[np.ndarray, Reader, int]] = []
        self._stores: list[tuple[Output, np.ndarray]] = []
        for output in outputs.weekly_outputs():
            names = output.columns(self.routes)
            store = np.zeros((n, len(names))) if output.family else np.zeros(n)
            self.columns += names
            if output.family:
                self.data.update({c: store[:, i] for i, c in enumerate(names)})
            else:
                self.data[output.name] = store
            self._stores.append((output, store))
        self.totals = {key: np.zeros(len(self.routes)) for key in week_counts(model)}
        self.weeks_recorded = 0
        self.start: dict[str, Any] = {}
        self._ties = TieArrays()  # converted a quarter's new ties at a time

    def open_period(self) -> None:
        """Week 0 begins (the warm-up is over): the running totals now are what the
        reported figures count from."""
        self.start = period_start(self.model)
        self._weekly = [
            (store, weekly_reader(output, self.start), output.every_weeks)
            for output, store in self._stores
        ]

    def record(self, week: int) -> None:
        counts = week_counts(self.model)
        for key, total in self.totals.items():
            total += counts[key]
        s = Snapshot(self.model, counts, week + 1, self.start, self._ties)
        last = self.model.n_weeks - 1
        for store, read, every in self._weekly:
            if every == 1 or week % every == 0 or week == last:
                store[week] = read(s)
            else:
                store[week] = store[week - 1]
        self.weeks_recorded = week + 1

    def timeseries(self) -> pd.DataFrame:
        n = self.weeks_recorded
        df = pd.DataFrame({c: self.data[c][:n] for c in self.columns})
        df.insert(0, "week", np.arange(n))
        calendar = self.model.calendar
        if calendar.dated:  # a dated run (run.start): each week's first day
            start = np.datetime64(calendar.date_of(0), "D")
            df.insert(1, "date", start + 7 * np.arange(n))
        return df

    def summary(self) -> dict:
        s = Snapshot(self.model, self.totals, self.weeks_recorded, self.start)
        return {o.summary_key: run_value(o, s, self.routes) for o in outputs.summary_outputs()}


YEARLY_FLOWS = ("proceeds_eur", "assets_frozen_eur", "assets_confiscated_eur")


def yearly(timeseries: pd.DataFrame) -> pd.DataFrame:
    """The money flows and their ratios by reported year, from the weekly series.

    One row per year of 52 reported weeks (``year`` 0 is weeks 0-51; a last, shorter year
    has fewer ``weeks``): ``proceeds_eur``, ``assets_frozen_eur`` and
    ``assets_confiscated_eur`` summed over its weeks, and ``confiscation_ratio`` and
    ``frozen_share``, confiscated and frozen over proceeds in the same year (NaN in a year
    without proceeds): the yearly flow that Europol's "under 2%" measures.
    """
    ts = timeseries
    by_year = ts[list(YEARLY_FLOWS)].groupby(ts["week"].to_numpy() // 52)
    table = by_year.sum()
    table.insert(0, "weeks", by_year.size())
    proceeds = table["proceeds_eur"].where(table["proceeds_eur"] > 0)
    table["confiscation_ratio"] = table["assets_confiscated_eur"] / proceeds
    table["frozen_share"] = table["assets_frozen_eur"] / proceeds
    table.index.name = "year"
    return table.reset_index()
