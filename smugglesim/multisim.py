"""Replications of several scenarios on paired seeds, with bands and paired comparisons.

>>> import smugglesim
>>> ms = smugglesim.MultiSim(["baseline", "financial_investigations"],
...                          replications=10, years=3, workers=2).run()   # doctest: +SKIP
>>> ms.plot()            # median and central 90% of replications, week by week
>>> ms.table()           # the headline figures per scenario, labelled
>>> ms.compare()         # paired effects against the baseline (smugglesim.experiments.compare)
>>> ms.plot_compare()    # forest plot, one panel per outcome
>>> ms.plot_confiscation()  # the confiscation ratio against the 2% line of 15250/18
>>> print(ms.report())   # the table ``smugglesim compare`` prints

Every scenario runs on the same replication seeds as
:func:`smugglesim.experiments.run_batch` with the same ``seed``, so the same arguments give
the same numbers either way. The runs are
kept in memory, or, with ``out``, written by the batch layer to Parquet (resumable, with a
manifest) and read back; :meth:`MultiSim.load` reads a batch folder written before.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from smugglesim.api import (
    _show_in_notebooks,
    check_seed,
    merged_overrides,
    scenario_source,
    weekly_columns,
)
from smugglesim.experiments.specs import Sweep, build_entries
from smugglesim.model import outputs
from smugglesim.model.parameters import RunParams
from smugglesim.model.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from smugglesim.experiments.tables import Format

HEADLINE = [o.name for o in outputs.HEADLINE]


class MultiSim:
    """Several scenarios, each run ``replications`` times on the same seeds.

    Args:
        scenarios: Paths, shipped scenarios' names or :class:`~smugglesim.model.scenario.Scenario`
            objects; the first is the baseline of comparisons unless one is named
            ``baseline``.
        replications: Runs per scenario.
        years: The horizon of every scenario, replacing ``run.years``.
        overrides: Dotted parameter values applied to every scenario.
        seed: The root seed of the replication seeds (as ``smugglesim batch --seed``).
        workers: Worker processes; 1 runs in this process.
        engine: ``"process"`` or ``"dask"`` (:mod:`smugglesim.experiments.engines`).
        sweep: A parameter sweep applied to every scenario.
        posterior: Instead of ``sweep``: run every scenario at ``posterior_draws`` parameter
            sets drawn from a posterior CSV file, or a shipped one by name
            (``"posterior"``; :func:`smugglesim.experiments.posterior.posterior_sweep`);
            :meth:`ranking` then says how often one scenario's effect beats another's.
        posterior_draws: How many parameter sets to draw from ``posterior``.
        posterior_seed: Seed of the draws (default: ``seed``).
        out: A folder: run through the batch layer, which writes Parquet there and
            resumes; None: keep the runs in memory only.
    """

    def __init__(
        self,
        scenarios: list[str | Path | Scenario],
        *,
        replications: int = 10,
        years: float | None = None,
        overrides: dict[str, Any] | None = None,
        seed: int = 0,
        workers: int = 1,
        engine: str = "process",
        sweep: Sweep | None = None,
        posterior: str | Path | None = None,
        posterior_draws: int | None = None,
        posterior_seed: int | None = None,
        out: str | Path | None = None,
    ) -> None:
        if isinstance(replications, bool) or not isinstance(replications, int) or replications < 1:
            raise ValueError(f"replications: must be a whole number from 1, not {replications!r}")
        self.sources = [scenario_source(s) for s in scenarios]
        self.replications = replications
        self.overrides = merged_overrides(years, overrides)
        self.seed = check_seed(seed)
        if posterior is not None:
            sweep = _posterior_sweep(posterior, posterior_draws, posterior_seed, sweep, self)
        elif posterior_draws is not None or posterior_seed is not None:
            raise ValueError("posterior_draws, posterior_seed: need posterior (a file or name)")
        self.workers, self.engine, self.sweep = workers, engine, sweep
        self.out = Path(out) if out is not None else None
        # Read and check every scenario now, so that a bad file fails before anything runs.
        entries = build_entries(self.sources, self.seed, self.overrides, sweep)
        self.labels = [e.label for e in entries]
        self.measures = {e.label: e.measure_starts() for e in entries}
        self.first_day = {e.label: e.scenario.run.first_day for e in entries}
        self.runs = pd.DataFrame()
        self.timeseries = pd.DataFrame()
        self.seeds: list[int] = []

    def run(self, progress: bool = False) -> MultiSim:
        """Run every replication (skipping those already in ``out``); returns the multisim.

        Args:
            progress: Report progress on stderr (a bar in a terminal).
        """
        common = dict(
            seed=self.seed,
            overrides=self.overrides,
            sweep=self.sweep,
            workers=self.workers,
            engine=self.engine,
            progress=progress,
        )
        if self.out is None:
            from smugglesim.experiments.replications import run_replications

            reps = run_replications(self.sources, self.replications, **common)
            self.runs, self.timeseries, self.seeds = reps.runs, reps.timeseries, reps.seeds
        else:
            from smugglesim.experiments.batch import run_batch

            run_batch(self.sources, self.replications, out=self.out, **common)
            self._read(self.out)
        return self

    @classmethod
    def load(cls, folder: str | Path) -> MultiSim:
        """The runs of a batch folder (``smugglesim batch --out``, or ``MultiSim(out=)``)."""
        folder = Path(folder)
        manifest = json.loads((folder / "manifest.json").read_text())
        ms = cls.__new__(cls)
        ms.sources, ms.out = [], folder
        ms.replications = int(manifest["replications"])
        ms.overrides = manifest.get("overrides") or {}
        ms.seed = int(manifest["root_seed"])
        ms.workers, ms.engine, ms.sweep = 1, manifest.get("engine", "process"), None
        scenarios = manifest["scenarios"]
        ms.labels = list(scenarios)
        ms.measures = {k: v["measures"] for k, v in scenarios.items()}
        ms.first_day = {
            k: RunParams.model_validate(v["config"]["run"]).first_day for k, v in scenarios.items()
        }
        ms._read(folder)
        return ms

    def _read(self, folder: Path) -> None:
        self.runs = pd.read_parquet(folder / "runs.parquet")
        series = folder / "timeseries.parquet"
        self.timeseries = pd.read_parquet(series) if series.exists() else pd.DataFrame()
        manifest = json.loads((folder / "manifest.json").read_text())
        self.seeds = list(manifest["replication_seeds"])

    def _ok(self) -> pd.DataFrame:
        if self.runs.empty:
            raise RuntimeError("the multisim has not run yet: call .run() first")
        return self.runs[self.runs["status"] == "ok"]

    # -- results -------------------------------------------------------------------------
    def summary(self, outputs: list[str] | None = None, interval: float = 0.9) -> pd.DataFrame:
        """Per scenario and output (default: the headline figures): the number of runs,
        mean, median and the central ``interval`` of the replications (``low``,
        ``high``), with the output's label and unit."""
        ok = self._ok()
        names = [n for n in (outputs or HEADLINE) if n in ok]
        tail = (1 - interval) / 2
        rows = []
        for label, group in ok.groupby("scenario", sort=False):
            for name in names:
                x = group[name].astype(float)
                rows.append(
                    {
                        "scenario": label,
                        "output": name,
                        "label": _label(name),
                        "unit": _unit(name),
                        "n": int(x.count()),
                        "mean": x.mean(),
                        "median": x.median(),
                        "low": x.quantile(tail),
                        "high": x.quantile(1 - tail),
                    }
                )
        return pd.DataFrame(rows)

    def table(self, outputs: list[str] | None = None, interval: float = 0.9) -> pd.DataFrame:
        """The :meth:`summary` to read: one row per output (its label with the unit), one
        column per scenario, ``median [low, high]`` formatted as the output declares."""
        long = self.summary(outputs, interval)
        cells = {
            (r.output, r.scenario): _cell(r.output, r.median, r.low, r.high)
            for r in long.itertuples()
        }
        names = list(dict.fromkeys(long["output"]))
        scenarios = list(dict.fromkeys(long["scenario"]))
        table = pd.DataFrame(
            [[cells[(n, s)] for s in scenarios] for n in names],
            index=pd.Index([_heading(n) for n in names], name=self._caption(interval)),
            columns=scenarios,
        )
        return table

    def _caption(self, interval: float) -> str:
        from smugglesim.experiments.tables import replications_text, run_length

        weeks = self._ok()["weeks"].max() if "weeks" in self.runs else None
        return (
            f"median [central {interval:.0%}]: {run_length(weeks)}, "
            f"{replications_text(self.replications, paired=True)}"
        )

    def bands(self, output: str, interval: float = 0.9) -> pd.DataFrame:
        """Per scenario and week: the median of a weekly output over the replications and
        the central ``interval`` of them (``low``, ``high``)."""
        from smugglesim.experiments.plots import bands

        self._ok()
        return bands(
            self.timeseries, weekly_columns([output], list(self.timeseries), [])[0], interval
        )

    def plot(
        self, outputs: list[str] | None = None, *, interval: float = 0.9, dates: bool = False
    ) -> Figure:
        """Weekly outputs, one panel each: per scenario the median over replications and a
        band holding the central ``interval`` of them; dashed lines where measures start.

        Args:
            outputs: Weekly columns or families (default: as :meth:`smugglesim.Sim.plot`).
            interval: The share of replications inside the band.
            dates: Dates on the x axis from the first scenario's ``run.first_day``
                (run.start's first day, else 1 January of ``run.start_year``); False: weeks.
        """
        from smugglesim.experiments.plots import TIMESERIES_METRICS, series_figure

        self._ok()
        columns = weekly_columns(outputs, list(self.timeseries.columns), TIMESERIES_METRICS)
        started = {k: v for k, v in self.measures.items() if v}
        figure = series_figure(
            self.timeseries,
            columns,
            interval=interval,
            measure_starts=started or None,
            first_day=next(iter(self.first_day.values())) if dates else None,
        )
        _show_in_notebooks()
        return figure

    def compare(self, baseline: str | None = None, confidence: float = 0.95) -> pd.DataFrame:
        """Paired effects of every scenario against ``baseline`` (default: ``baseline``,
        else the first scenario): :func:`smugglesim.experiments.compare.compare` on these runs."""
        from smugglesim.experiments.compare import compare

        if len(self.labels) < 2:
            raise ValueError("a comparison needs at least two scenarios (a baseline and another)")
        return compare(
            self._ok(),
            baseline or self._baseline(),
            confidence=confidence,
            timeseries=self.timeseries,
        )

    def _baseline(self) -> str:
        return "baseline" if "baseline" in self.labels else self.labels[0]

    def effects_by_draw(self, outcome: str, baseline: str | None = None) -> pd.DataFrame:
        """Over the parameter draws (``posterior`` or a ``sweep``): one row per draw, one
        column per scenario but the baseline, each the mean over the paired replications of
        the scenario's ``outcome`` minus the baseline's at that draw
        (:func:`smugglesim.experiments.ranking.effects_by_draw`)."""
        from smugglesim.experiments.compare import _pick_baseline
        from smugglesim.experiments.ranking import effects_by_draw

        ok = self._ok()
        names = list(dict.fromkeys(ok["scenario_name"]))
        return effects_by_draw(ok, outcome, _pick_baseline(names, baseline))

    def ranking(self, outcome: str, baseline: str | None = None) -> pd.DataFrame:
        """The share of parameter draws in which the row scenario's effect on ``outcome``
        is larger than the column's (ties count half;
        :func:`smugglesim.experiments.ranking.beats`)."""
        from smugglesim.experiments.ranking import beats

        return beats(self.effects_by_draw(outcome, baseline))

    def plot_compare(self, baseline: str | None = None, outputs: list[str] | None = None) -> Figure:
        """The paired differences against the baseline, one panel per outcome, in the
        outcome's unit, with 95% intervals (a forest plot)."""
        from smugglesim.experiments.plots import forest_figure

        figure = forest_figure(self.compare(baseline), outputs)
        _show_in_notebooks()
        return figure

    def confiscation(self, confidence: float = 0.95) -> pd.DataFrame:
        """Each scenario's confiscation ratio (mean and interval) against the 2% line of
        15250/18: :func:`smugglesim.experiments.compare.confiscation_vs_line` on these runs."""
        from smugglesim.experiments.compare import confiscation_vs_line

        return confiscation_vs_line(self._ok(), confidence=confidence)

    def plot_confiscation(self) -> Figure:
        """Each scenario's mean confiscation ratio with its 95% interval, and the 2% line."""
        from smugglesim.experiments.plots import confiscation_figure

        figure = confiscation_figure(self.confiscation())
        _show_in_notebooks()
        return figure

    def report(
        self, baseline: str | None = None, fmt: Format = "text", explain: bool = False
    ) -> str:
        """The comparison as ``smugglesim compare`` prints it: the headline figures against
        the baseline, cost-effectiveness, and the confiscation ratio against the 2% line."""
        from smugglesim.experiments.compare_table import comparison_report

        return comparison_report(self.compare(baseline), self.confiscation()).render(fmt, explain)

    def __repr__(self) -> str:
        state = f"{len(self.runs)} runs" if not self.runs.empty else "not run"
        return (
            f"<MultiSim {', '.join(self.labels)}: {self.replications} replications, "
            f"seed {self.seed} ({state})>"
        )


def _posterior_sweep(
    posterior: str | Path, draws: int | None, seed: int | None, sweep: Sweep | None, ms: MultiSim
) -> Sweep:
    """The draws of ``MultiSim(posterior=...)``, their seed by default the multisim's."""
    from smugglesim.experiments.posterior import posterior_sweep

    if sweep is not None:
        raise ValueError("posterior: not with sweep (the posterior's draws are the sweep)")
    if draws is None:
        raise ValueError("posterior_draws: how many parameter sets to draw from posterior")
    drawn = posterior_sweep(posterior, draws, ms.seed if seed is None else seed)
    for key in ms.overrides:
        if key in drawn.params:
            raise ValueError(f"overrides: {key}: the posterior draws set this parameter")
    return drawn


def _label(name: str) -> str:
    from smugglesim.experiments.compare import metric_label

    return metric_label(name)


def _unit(name: str) -> str:
    try:
        return outputs.lookup(name).unit
    except KeyError:
        return ""


def _heading(name: str) -> str:
    try:
        return outputs.label(name, unit=True)
    except KeyError:
        return name


def _cell(name: str, median: float, low: float, high: float) -> str:
    from smugglesim.experiments.tables import with_interval

    try:
        o = outputs.lookup(name)
    except KeyError:
        return f"{median:.4g} [{low:.4g}, {high:.4g}]"
    return with_interval(o.format(median, mean=True), o.format(low, True), o.format(high, True))
