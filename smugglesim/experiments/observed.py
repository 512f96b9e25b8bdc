"""What happened on the routes in 2015-2019, read from a sourced file, and split by year.

``smugglesim/experiments/data/observed_<name>.csv`` (shipped: ``2015_2019``) holds one
figure a row: ``measure`` (detections, deaths, facilitators), ``route`` (a route of the
route network, or ``all``), ``period`` (a year, ``2015``, or a quarter, ``2015-Q3``),
``value``, ``source`` (a key declared in a ``# source KEY: ...`` line before the header)
and ``note``. The model never reads it: it is what the hindcast compares runs with.

:func:`split` is the only way the hindcast reaches the figures: it returns the fitted
years' rows and the held-out years' rows as two tables, so that the fit is given the
first and nothing else (tests/test_hindcast.py checks that changing the held-out figures
changes nothing in the fit).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from smugglesim.model.demand_schedule import period_bounds

DATA_DIR = Path(__file__).resolve().parent / "data"
COLUMNS = ["measure", "route", "period", "value", "source", "note"]
MEASURES = ("detections", "deaths", "facilitators")
_SOURCE = re.compile(r"#\s*source\s+(?P<key>[A-Za-z0-9_.-]+)\s*:\s*(?P<text>\S.*)")


class ObservedError(ValueError):
    """An observations file cannot be read; the message is one line naming the file."""


@dataclass(frozen=True)
class Observed:
    """Observations as read: ``table`` (the columns of :data:`COLUMNS` and ``year``) and the
    text of each source key."""

    path: Path
    table: pd.DataFrame
    sources: dict[str, str]

    def yearly(self, measure: str) -> pd.DataFrame:
        """``measure`` by year: a route x year table (years as ints)."""
        rows = self.table[(self.table["measure"] == measure) & ~self.table["quarterly"]]
        return rows.pivot_table(index="route", columns="year", values="value", aggfunc="sum")

    def quarterly(self, measure: str) -> pd.DataFrame:
        """``measure`` by quarter, where the file has quarters: a route x period table."""
        rows = self.table[(self.table["measure"] == measure) & self.table["quarterly"]]
        return rows.pivot_table(index="route", columns="period", values="value", aggfunc="sum")


def observed_path(name: str = "2015_2019") -> Path:
    return DATA_DIR / f"observed_{name}.csv"


def read_observed(path: Path | None = None) -> Observed:
    """Read and check an observations file (the shipped one by default).

    Raises:
        ObservedError: a row's source is not declared, a period or a value is malformed.
    """
    path = observed_path() if path is None else Path(path)
    text = path.read_text(encoding="utf-8")
    sources = {
        m["key"]: m["text"] for line in text.splitlines() if (m := _SOURCE.fullmatch(line.strip()))
    }
    table = pd.read_csv(path, comment="#", dtype={"period": str}, keep_default_na=False)
    if list(table.columns) != COLUMNS:
        raise ObservedError(f"{path.name}: the columns must be {','.join(COLUMNS)}")
    for n, row in enumerate(table.itertuples(index=False), start=1):
        where = f"{path.name}: row {n} ({row.measure}, {row.route}, {row.period})"
        if row.source not in sources:
            raise ObservedError(f"{where}: source {row.source!r} is not declared")
        if row.measure not in MEASURES:
            raise ObservedError(f"{where}: unknown measure; the measures: {', '.join(MEASURES)}")
        try:
            period_bounds(row.period)
        except ValueError as exc:
            raise ObservedError(f"{where}: {exc}") from None
    table["value"] = pd.to_numeric(table["value"], errors="raise").astype(float)
    table["year"] = table["period"].str[:4].astype(int)
    table["quarterly"] = table["period"].str.contains("-Q")
    return Observed(path, table, sources)


def split(observed: Observed, fit_years: tuple[int, ...]) -> tuple[Observed, Observed]:
    """The rows of ``fit_years`` and the rows of every other year, as two observation sets.

    The fit is given the first only; the second is what the hindcast predicts.
    """
    fitted = observed.table["year"].isin(fit_years)
    return (
        Observed(observed.path, observed.table[fitted].reset_index(drop=True), observed.sources),
        Observed(observed.path, observed.table[~fitted].reset_index(drop=True), observed.sources),
    )
