"""Per-week records and the run summary, driven by the output declarations.

What is recorded, and how each figure is read from the model, is declared once in
:mod:`model.outputs`; this module only loops over those declarations. The Mesa
DataCollector deep-copies on every collect, so the recorder writes straight into
preallocated numpy arrays instead (a family of per-route columns is one 2-D array).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from model import outputs
from model.outputs import NETWORK_EVERY_WEEKS, WEEKLY, Output, Snapshot, route_names, week_counts

if TYPE_CHECKING:
    from model.model import SmugglingModel

__all__ = ["NETWORK_EVERY_WEEKS", "WEEKLY", "Recorder"]

Reader = Callable[[Snapshot], Any]


def weekly_reader(output: Output) -> Reader:
    """A function of this week's snapshot giving the output's weekly value: a tally of this
    week's journeys, the change of a running total since last week, or a state now."""
    if output.tally is not None:
        tally = output.tally
        return lambda s: tally(s.tally)
    if output.state is not None:
        return output.state
    counter = output.counter
    assert counter is not None
    previous: Any = 0.0

    def difference(s: Snapshot) -> Any:
        nonlocal previous
        now = counter(s)
        delta, previous = now - previous, now
        return delta

    return difference


def run_value(output: Output, s: Snapshot, routes: list[str]) -> Any:
    """The output's value in the summary, as its declared type (a dict for a family)."""
    if output.tally is not None:
        value = output.tally(s.tally)
    else:
        value = (output.counter or output.state)(s)
    cast = output.summary
    assert cast is not None
    if output.family:
        return {m: cast(v) for m, v in zip(output.members(routes), value, strict=True)}
    return cast(value)


class Recorder:
    """Collects one row per week into numpy arrays."""

    def __init__(self, model: SmugglingModel) -> None:
        self.model = model
        n = model.n_weeks
        self.routes = route_names(model)
        self.columns: list[str] = []
        self.data: dict[str, np.ndarray] = {}
        # (where the week's value goes, how it is read, read every n weeks)
        self._weekly: list[tuple[np.ndarray, Reader, int]] = []
        for output in outputs.weekly_outputs():
            names = output.columns(self.routes)
            store = np.zeros((n, len(names))) if output.family else np.zeros(n)
            self.columns += names
            if output.family:
                self.data.update({c: store[:, i] for i, c in enumerate(names)})
            else:
                self.data[output.name] = store
            self._weekly.append((store, weekly_reader(output), output.every_weeks))
        self.totals = {key: np.zeros(len(self.routes)) for key in week_counts(model)}
        self.weeks_recorded = 0

    def record(self, week: int) -> None:
        counts = week_counts(self.model)
        for key, total in self.totals.items():
            total += counts[key]
        s = Snapshot(self.model, counts, week + 1)
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
        return df

    def summary(self) -> dict:
        s = Snapshot(self.model, self.totals, self.weeks_recorded)
        return {o.summary_key: run_value(o, s, self.routes) for o in outputs.summary_outputs()}
