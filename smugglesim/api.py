"""One run from Python in one line, with results that carry their labels.

>>> import smugglesim
>>> sim = smugglesim.run("baseline", seed=1, years=3)   # doctest: +SKIP
>>> sim.plot()                                          # doctest: +SKIP
>>> sim.table()                                         # doctest: +SKIP

A scenario is a path to a TOML file, the bare name of a scenario shipped with smugglesim
(``"baseline"``, ``"financial_investigations"``, ...; :func:`shipped_scenarios`) or a
:class:`~smugglesim.model.scenario.Scenario`; ``years`` and ``overrides`` (dotted keys, as in
docs/scenarios.md) change it before it runs. :class:`Sim` holds the run and its outputs,
labelled from ``smugglesim/model/outputs.py``; :class:`smugglesim.MultiSim` runs replications of
several scenarios on paired seeds.
"""

from __future__ import annotations

import difflib
import numbers
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from smugglesim.model import outputs
from smugglesim.model.model import SmugglingModel
from smugglesim.model.scenario import Scenario, ScenarioError, load_scenario

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from smugglesim.experiments.tables import Format


def shipped_scenarios() -> dict[str, Path]:
    """The scenarios shipped with smugglesim, by name (the file's stem): ``scenarios/`` of a
    checkout, or the package data of an installed package (``smugglesim.model.shipped``)."""
    from smugglesim.model.shipped import SHIPPED_DIR, shipped_names

    return {name: SHIPPED_DIR / f"{name}.toml" for name in shipped_names()}


def scenario_source(source: str | Path | Scenario) -> Path | Scenario:
    """A scenario object as it is; a path to a file; a bare name: the shipped file.

    Raises:
        ScenarioError: a bare name that is neither a file here nor a shipped scenario
            (with the closest shipped names).
    """
    if isinstance(source, Scenario):
        return source
    path = Path(source)
    if path.exists() or path.suffix == ".toml" or len(path.parts) > 1:
        return path
    shipped = shipped_scenarios()
    if str(source) in shipped:
        return shipped[str(source)]
    close = difflib.get_close_matches(str(source), shipped, n=3)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    raise ScenarioError(
        f"{source}: no such file, and no shipped scenario of that name{hint} "
        f"(shipped: {', '.join(shipped) or 'none found'})"
    )


def merged_overrides(years: float | None, overrides: dict[str, Any] | None) -> dict[str, Any]:
    """``overrides`` with ``run.years`` set from ``years`` (when given)."""
    merged = dict(overrides or {})
    if years is not None:
        merged["run.years"] = years
    return merged


def scenario(
    source: str | Path | Scenario,
    *,
    years: float | None = None,
    overrides: dict[str, Any] | None = None,
) -> Scenario:
    """A validated scenario from a file, a shipped scenario's name or a scenario object,
    with ``years`` and the dotted ``overrides`` applied.

    Raises:
        ScenarioError: one line naming the file (or scenario) and the key.
    """
    found = scenario_source(source)
    changes = merged_overrides(years, overrides)
    if isinstance(found, Scenario):
        if not changes:
            return found
        from smugglesim.experiments.specs import apply_point

        return apply_point(found, changes, found.name)
    return load_scenario(found, changes or None)


_load = scenario  # for the classes whose argument is called ``scenario``


def weekly_columns(names: list[str] | None, available: list[str], default: list[str]) -> list[str]:
    """The weekly columns to plot: a family (``arrivals_<route>``) is one column per
    member. A name that is not a weekly output fails, naming the closest ones."""
    columns: list[str] = []
    for name in names or default:
        if "<" in name:
            family = [c for c in outputs.lookup(name).columns() if c in available]
            if family:
                columns += family
                continue
        elif name in available:
            columns.append(name)
            continue
        close = difflib.get_close_matches(name, available, n=3)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise ValueError(f"{name!r} is not a weekly output{hint} (see docs/metrics.md)")
    return columns


def check_seed(seed: Any, what: str = "seed") -> int:
    """A seed is a whole number from 0 (numpy's seed sequences take no negative seed)."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ValueError(f"{what}: must be a whole number from 0, not {seed!r}")
    return int(seed)


class Sim:
    """One run of a scenario and its outputs, labelled from ``smugglesim/model/outputs.py``.

    Args:
        scenario: A path, a shipped scenario's name, or a
            :class:`~smugglesim.model.scenario.Scenario`.
        seed: The seed of the run's random streams.
        years: The horizon, replacing the scenario's ``run.years``.
        overrides: Dotted parameter values, e.g. ``{"demand.scale": 1.2}``.
    """

    def __init__(
        self,
        scenario: str | Path | Scenario = "baseline",
        *,
        seed: int = 1,
        years: float | None = None,
        overrides: dict[str, Any] | None = None,
    ) -> None:
        self.scenario = _load(scenario, years=years, overrides=overrides)
        self.seed = check_seed(seed)
        self.model: SmugglingModel | None = None

    def run(self) -> Sim:
        """Run the scenario to its horizon; returns the sim, for ``Sim(...).run().plot()``."""
        self.model = SmugglingModel(self.scenario, rng=self.seed).run()
        self.__dict__.pop("timeseries", None)
        return self

    def _ran(self) -> SmugglingModel:
        if self.model is None:
            raise RuntimeError("the sim has not run yet: call .run() first")
        return self.model

    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def years(self) -> float:
        return self.scenario.run.years

    @property
    def summary(self) -> dict[str, Any]:
        """The run summary (``SmugglingModel.summary()``): stable keys, raw values."""
        return self._ran().summary()

    @cached_property
    def timeseries(self) -> pd.DataFrame:
        """One row per reported week: ``week`` and every weekly output (docs/metrics.md)."""
        return self._ran().timeseries()

    @property
    def yearly(self) -> pd.DataFrame:
        """Proceeds, freezes, confiscations and their ratios by reported year
        (``SmugglingModel.yearly()``)."""
        return self._ran().yearly()

    @property
    def journeys(self) -> pd.DataFrame:
        """One row per migrant journey that ended in a reported week."""
        return self._ran().journeys()

    def table(self) -> pd.DataFrame:
        """The summary as a labelled table: one row per figure (a route's or a source's
        its own), indexed by the output's name, with its ``label``, ``unit``, ``value``
        (over the whole run) and the value ``formatted`` as the output declares."""
        from smugglesim.reports import summary_report

        data = summary_report(self.summary).data.set_index("output")
        formatted = [outputs.lookup(k).format(v) for k, v in data["value"].items()]
        return data[["label", "unit", "value"]].assign(formatted=formatted)

    def report(self, fmt: Format = "text", explain: bool = False) -> str:
        """The summary as ``smugglesim run`` prints it: text, markdown or CSV."""
        from smugglesim.reports import summary_report

        return summary_report(self.summary).render(fmt, explain)

    def plot(self, outputs: list[str] | None = None, *, dates: bool = True) -> Figure:
        """Weekly outputs, one panel each, titled with label and unit; dashed lines where
        measures start.

        Args:
            outputs: Weekly columns or families (``"arrivals_<route>"``); default: the
                confiscation ratio, confiscations so far, arrests, OCGs operating, arrivals
                and deaths.
            dates: Dates on the x axis from ``run.first_day`` (run.start's first day, else
                1 January of ``run.start_year``); False: weeks.
        """
        from smugglesim.experiments.plots import TIMESERIES_METRICS, series_figure

        ts = self.timeseries
        columns = weekly_columns(outputs, list(ts.columns), TIMESERIES_METRICS)
        starts = [
            {"start_week": p.start_week, "measure": key}
            for key, p in self.scenario.active_measures()
        ]
        figure = series_figure(
            ts.assign(scenario=self.name),
            columns,
            measure_starts={self.name: starts} if starts else None,
            first_day=self.scenario.run.first_day if dates else None,
            title=self._title(),
        )
        _show_in_notebooks()
        return figure

    def _title(self) -> str:
        from smugglesim.experiments.tables import run_length

        return f"{self.name}, seed {self.seed}: {run_length(self.scenario.weeks)}"

    def __repr__(self) -> str:
        state = "run" if self.model is not None else "not run"
        return f"<Sim {self._title()} ({state})>"

    def _repr_markdown_(self) -> str | None:
        return self.report("md") if self.model is not None else None


def run(
    scenario: str | Path | Scenario = "baseline",
    *,
    seed: int = 1,
    years: float | None = None,
    overrides: dict[str, Any] | None = None,
) -> Sim:
    """Run a scenario once: ``smugglesim.run("baseline", seed=1, years=3).plot()``.

    Args: as :class:`Sim`.
    """
    return Sim(scenario, seed=seed, years=years, overrides=overrides).run()


def _show_in_notebooks() -> None:
    """Make Jupyter show the figures returned here.

    They are built without pyplot (nothing global, nothing shown twice); Jupyter shows a
    bare figure only once the inline backend has registered its display, which happens
    when that backend is imported, and a notebook that has not drawn with pyplot yet has
    not imported it.
    """
    import sys

    if "IPython" not in sys.modules or "matplotlib_inline.backend_inline" in sys.modules:
        return
    import matplotlib

    try:
        backend = matplotlib.get_backend(auto_select=False)
    except TypeError:  # matplotlib before 3.10
        backend = matplotlib.rcParams["backend"]
    if backend in ("inline", "module://matplotlib_inline.backend_inline"):
        import matplotlib_inline.backend_inline  # noqa: F401
