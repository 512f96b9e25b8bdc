"""Dose-response of a measure or package to its budget, and every measure at one budget.

    smugglesim compare --dose-response emsc_capacity -n 4 --years 2    # or: smugglesim dose-response emsc_capacity
    python -m smugglesim.experiments.dose_response emsc_capacity --seeds 4 --years 2
    python -m smugglesim.experiments.dose_response package_operational_tools --levels 5e6,1e7,2e7,4e7,8e7
    python -m smugglesim.experiments.dose_response --equal-budget 5e6 --seeds 4 --years 2

A level is a yearly budget (``budget_eur_per_year``): each measure's scaled parameter is the
most that budget buys at the unit costs of ``[costs]`` (:mod:`smugglesim.model.costs`); a
package's budget is shared among its measures in proportion to their costs at the default
intensity. A budget below a measure's fixed cost is raised to it, one above what it can
spend is lowered to that (the ``spent`` column says what was spent). Every level runs on the
same paired seeds as the baseline (the target's scenario with every measure off), and the
effect on each of :data:`~smugglesim.experiments.outcomes.DOWNSTREAM` is the mean
paired change with a 95% interval: a t-interval for differences, a ratio interval
(:func:`smugglesim.experiments.intervals.ratio_interval`) for relative changes. Diminishing
returns, if any, are the model's: the cost model is linear in what it buys.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from smugglesim.experiments import tables
from smugglesim.experiments.intervals import ratio_interval, t_interval
from smugglesim.experiments.measure_effects import PACKAGES
from smugglesim.experiments.outcomes import DOWNSTREAM, downstream
from smugglesim.experiments.specs import replication_seeds
from smugglesim.model.measures import MEASURES
from smugglesim.model.model import SmugglingModel
from smugglesim.model.scenario import Scenario, load_scenario, scenario_from_dict
from smugglesim.model.shipped import resolve

if TYPE_CHECKING:
    from matplotlib.figure import Figure

FACTORS = (0.25, 0.5, 1.0, 2.0, 4.0)
"""Default levels: these multiples of the target's cost at its default intensity, within
what it can spend."""
EQUAL_BUDGET_EUR = 5_000_000.0
BASELINE = "baseline"


def target_scenario(target: str | Path | Scenario) -> Scenario:
    """A measure's key (the baseline with it on), a shipped scenario's name or a file."""
    if isinstance(target, Scenario):
        return target
    if str(target) in MEASURES:
        return load_scenario(resolve(str(target)))
    return load_scenario(resolve(target))


def _active(scenario: Scenario) -> list[str]:
    keys = [key for key, _ in scenario.active_measures()]
    if not keys:
        raise ValueError(f"{scenario.name}: no measure is switched on")
    return keys


def default_cost(scenario: Scenario) -> float:
    """The yearly cost of the scenario's measures at their intensities."""
    return sum(MEASURES[k].yearly_cost_eur(p, scenario) for k, p in scenario.active_measures())


def budget_range(scenario: Scenario) -> tuple[float, float]:
    """The least and most the scenario's measures can spend a year together."""
    ranges = [MEASURES[k].budget_range(p, scenario) for k, p in scenario.active_measures()]
    return sum(r[0] for r in ranges), sum(r[1] for r in ranges)


def default_levels(scenario: Scenario, factors: Sequence[float] = FACTORS) -> list[float]:
    """Budgets spread geometrically over ``factors`` times the default cost, kept within
    what the measures can spend (a fixed cost above the lowest factor starts the range)."""
    low, high = budget_range(scenario)
    cost = default_cost(scenario)
    start = max(min(factors) * cost, low, 1.0)
    stop = min(max(factors) * cost, high)
    return [float(x) for x in np.geomspace(start, stop, len(factors))]


def with_budget(scenario: Scenario, budget: float, name: str | None = None) -> Scenario:
    """``scenario`` with its measures set by a yearly ``budget``, shared in proportion to
    their default costs, each within its own range; every other parameter as it was."""
    data = scenario.model_dump(mode="json")
    keys = _active(scenario)
    costs = {k: MEASURES[k].yearly_cost_eur(getattr(scenario.measures, k), scenario) for k in keys}
    total = sum(costs.values()) or 1.0
    for key in keys:
        cls, params = MEASURES[key], getattr(scenario.measures, key)
        fixed, most = cls.budget_range(params, scenario)
        share = costs[key] / total if sum(costs.values()) else 1 / len(keys)
        table = data["measures"][key]
        table["budget_eur_per_year"] = min(max(budget * share, fixed), most)
        table[cls.scaled] = cls.Params.model_fields[cls.scaled].default
    data["name"] = name or f"{scenario.name}@{budget:.6g}"
    return scenario_from_dict(data, data["name"])


def without_measures(scenario: Scenario) -> Scenario:
    data = scenario.model_dump(mode="json")
    for key in MEASURES:
        data["measures"][key]["enabled"] = False
    data["name"] = BASELINE
    return scenario_from_dict(data, BASELINE)


def _one_seed(job: tuple[dict[str, dict[str, Any]], int, float]) -> list[dict[str, Any]]:
    """Every scenario (as data) on one seed, in one process, so that they share the warm-up."""
    scenarios, seed, years = job
    rows = []
    for label, data in scenarios.items():
        data["run"]["years"] = years
        scenario = scenario_from_dict(data, label)
        model = SmugglingModel(scenario, rng=seed).run()
        cost = model.measures_cost_eur / (scenario.weeks / 52)
        rows.append(
            {"scenario": label, "seed": seed, "spent_eur_per_year": cost, **downstream(model)}
        )
    return rows


def run_paired(
    scenarios: dict[str, Scenario],
    seeds: Sequence[int],
    years: float,
    workers: int = 1,
    on_done: Callable[[], None] | None = None,
) -> pd.DataFrame:
    """Every scenario on every seed: one row per run (DOWNSTREAM outcomes, what was spent)."""
    data = {label: sc.model_dump(mode="json") for label, sc in scenarios.items()}
    jobs = [(data, int(s), years) for s in seeds]
    rows: list[dict[str, Any]] = []
    if workers <= 1:
        for job in jobs:
            rows += _one_seed(job)
            if on_done:
                on_done()
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            for result in pool.map(_one_seed, jobs):
                rows += result
                if on_done:
                    on_done()
    return pd.DataFrame(rows)


def effects(runs: pd.DataFrame, baseline: str = BASELINE) -> pd.DataFrame:
    """One row per (scenario, outcome) against ``baseline`` on the same seeds: the mean,
    the change as shown (percent, points or count) and its 95% interval."""
    base = runs[runs.scenario == baseline].set_index("seed").sort_index()
    rows = []
    for label, group in runs[runs.scenario != baseline].groupby("scenario", sort=False):
        other = group.set_index("seed").sort_index()
        b, spent = base.loc[other.index], float(other.spent_eur_per_year.mean())
        for key, heading, how in DOWNSTREAM:
            x, y = b[key].to_numpy(float), other[key].to_numpy(float)
            if how == "percent":
                ratio, low, high = ratio_interval(x, y)
                change, low, high = (100 * (v - 1) for v in (ratio, low, high))
            else:
                scale = 100.0 if how == "points" else 1.0
                change, low, high = (scale * v for v in t_interval(y - x))
            rows.append(
                {
                    "scenario": label,
                    "spent_eur_per_year": spent,
                    "outcome": key,
                    "heading": heading,
                    "how": how,
                    "baseline": float(x.mean()),
                    "change": change,
                    "low": low,
                    "high": high,
                }
            )
    return pd.DataFrame(rows)


def _progress(total: int, quiet: bool, desc: str) -> tuple[Callable[[], None], Callable[[], None]]:
    if quiet:
        return (lambda: None), (lambda: None)
    from smugglesim.experiments.progress import Progress

    bar = Progress(total, 0, desc, unit="seed")
    return (lambda: bar.update(True)), bar.close


def dose_response(
    target: str | Path | Scenario,
    levels: Sequence[float] | None = None,
    *,
    seeds: int = 4,
    years: float = 2.0,
    seed: int = 0,
    workers: int = 1,
    quiet: bool = True,
) -> pd.DataFrame:
    """The effects of ``target`` at each budget ``level`` (EUR a year; at least five by
    default, :func:`default_levels`) on paired seeds: :func:`effects` with a ``level_eur``
    column."""
    scenario = target_scenario(target)
    _active(scenario)
    levels = list(levels) if levels else default_levels(scenario)
    runs: dict[str, Scenario] = {BASELINE: without_measures(scenario)}
    for level in levels:
        runs[f"{scenario.name}@{level:.6g}"] = with_budget(scenario, level)
    step, close = _progress(seeds, quiet, "dose-response")
    try:
        table = run_paired(runs, replication_seeds(seed, seeds), years, workers, step)
    finally:
        close()
    out = effects(table)
    out.insert(1, "level_eur", out.scenario.map(dict(zip(list(runs)[1:], levels, strict=True))))
    return out


def equal_budget(
    budget: float = EQUAL_BUDGET_EUR,
    names: Sequence[str] | None = None,
    *,
    seeds: int = 4,
    years: float = 2.0,
    seed: int = 0,
    workers: int = 1,
    quiet: bool = True,
) -> pd.DataFrame:
    """Every measure and package (or ``names``) at the same yearly ``budget``, against the
    baseline on paired seeds: :func:`effects`, one scenario per measure or package."""
    names = list(names) if names else [*MEASURES, *PACKAGES]
    runs: dict[str, Scenario] = {BASELINE: load_scenario(resolve(BASELINE))}
    for name in names:
        runs[name] = with_budget(target_scenario(name), budget, name)
    step, close = _progress(seeds, quiet, "equal budget")
    try:
        table = run_paired(runs, replication_seeds(seed, seeds), years, workers, step)
    finally:
        close()
    return effects(table)


def _cell(row: pd.Series, markdown: bool = True) -> str:
    unit = {"percent": "%", "points": " pts", "count": ""}[row.how]
    digits = {"percent": 1, "points": 2, "count": 1}[row.how]

    def fmt(v: float) -> str:
        return "n/a" if math.isnan(v) else f"{v:+,.{digits}f}".replace("-", "−")

    return f"{fmt(row.change)}{unit} [{fmt(row.low)}, {fmt(row.high)}]"


def _wide(effects_: pd.DataFrame, first: str) -> tuple[list[str], list[list[str]]]:
    """The headings and rows of the wide table: one row per level (or scenario), one column
    per outcome."""
    keys = list(dict.fromkeys(effects_.outcome))
    headings = dict(zip(effects_.outcome, effects_.heading, strict=False))
    head = "budget (EUR/yr)" if first == "level_eur" else "measure or package"
    rows = []
    for label, group in effects_.groupby("scenario", sort=False):
        by = group.set_index("outcome")
        if first == "level_eur":
            name = f"{group.level_eur.iloc[0] / 1e6:,.2f} m"
        else:
            name = f"{MEASURES[label].number}. `{label}`" if label in MEASURES else f"`{label}`"
        spent = f"{group.spent_eur_per_year.iloc[0] / 1e6:,.2f} m"
        rows.append([name, spent, *(_cell(by.loc[k]) for k in keys)])
    return [head, "spent (EUR/yr)", *(headings[k] for k in keys)], rows


def wide_table(effects_: pd.DataFrame, first: str = "level_eur") -> str:
    """Markdown: one row per level (or scenario), one column per outcome."""
    headings, rows = _wide(effects_, first)
    lines = ["| " + " | ".join(headings) + " |", "|" + "---|" * len(headings)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def report(effects_: pd.DataFrame, title: str, first: str = "level_eur") -> tables.Report:
    """The wide table titled, with the baseline's means under it, as a
    :class:`~smugglesim.experiments.tables.Report` (text, markdown, or the effects as CSV)."""
    headings, rows = _wide(effects_, first)
    table = tables.Table(title, headings, rows, [baseline_line(effects_)])
    return tables.Report([table], effects_, list(dict.fromkeys(effects_.outcome)))


def baseline_line(effects_: pd.DataFrame) -> str:
    """The baseline's means of the outcomes, for the line above a table."""
    first = effects_.drop_duplicates("outcome")
    cells = [
        f"{r.heading} {100 * r.baseline:.2f}%"
        if r.how == "points"
        else f"{r.heading} {r.baseline:,.0f}"
        for r in first.itertuples()
    ]
    return "Baseline means: " + ", ".join(cells) + "."


def dose_response_figure(effects_: pd.DataFrame, title: str = "") -> Figure:
    """One panel per outcome: the change against the yearly budget, with its 95% band."""
    from matplotlib.figure import Figure

    keys = list(dict.fromkeys(effects_.outcome))
    cols = 4
    rows = math.ceil(len(keys) / cols)
    fig = Figure(figsize=(3.2 * cols, 2.6 * rows), layout="constrained")
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax, key in zip(axes, keys, strict=False):
        d = effects_[effects_.outcome == key].sort_values("spent_eur_per_year")
        x = d.spent_eur_per_year / 1e6
        ax.fill_between(x, d.low, d.high, alpha=0.25, linewidth=0)
        ax.plot(x, d.change, marker="o")
        ax.axhline(0, color="grey", linewidth=0.8)
        unit = {"percent": "change, %", "points": "change, points", "count": "change"}
        ax.set_title(d.heading.iloc[0], fontsize=9)
        ax.set_ylabel(unit[d.how.iloc[0]], fontsize=8)
        ax.set_xlabel("EUR million a year", fontsize=8)
        ax.tick_params(labelsize=7)
    for ax in axes[len(keys) :]:
        ax.set_visible(False)
    if title:
        fig.suptitle(title)
    return fig


def main(argv: list[str] | None = None) -> int:
    """``python -m smugglesim.experiments.dose_response``; the same as ``smugglesim compare
    --dose-response`` and ``--equal-budget``, whose options are checked one by one
    (:mod:`smugglesim.dose_cli`)."""
    p = argparse.ArgumentParser(
        prog="python -m smugglesim.experiments.dose_response",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "target",
        nargs="?",
        help="a measure's key, or a package (a scenario with measures on: name or file)",
    )
    p.add_argument(
        "--levels",
        type=lambda text: [float(x) for x in text.split(",")],
        help="yearly budgets in EUR, comma-separated (default: five)",
    )
    p.add_argument(
        "--equal-budget",
        type=float,
        metavar="EUR",
        help="instead: every measure and package at this yearly budget",
    )
    p.add_argument("--seeds", type=int, default=4, help="paired seeds (default 4)")
    p.add_argument("--years", type=float, default=2.0, help="years a run (default 2)")
    p.add_argument("-j", "--workers", type=int, default=1, help="processes (default 1)")
    p.add_argument("--out", type=Path, help="write the table (CSV) and the plot (PNG) here")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(seed=0, format="md", explain=False)
    args = p.parse_args(argv)
    if (args.target is None) == (args.equal_budget is None):
        p.error("give a measure or package, or --equal-budget EUR")
    return run_command(args)


def run_command(args: argparse.Namespace) -> int:
    """Run and print a dose-response (``args.target``) or every measure and package at one
    budget (``args.equal_budget``); ``args`` also holds ``levels``, ``seeds``, ``years``,
    ``seed``, ``workers``, ``out`` (None: write nothing), ``format``, ``explain`` and
    ``quiet``. With CSV on stdout the other lines go to stderr, so that it parses."""
    common = {
        "seeds": args.seeds,
        "years": args.years,
        "seed": args.seed,
        "workers": args.workers,
        "quiet": args.quiet,
    }
    length = (
        f"{tables.years_length(args.years)}, {tables.replications_text(args.seeds, paired=True)}"
    )
    if args.equal_budget is not None:
        table = equal_budget(args.equal_budget, **common)
        title = f"Every measure and package at EUR {args.equal_budget:,.0f} a year vs baseline"
        name, first = "equal_budget", "scenario"
    else:
        table = dose_response(args.target, args.levels, **common)
        levels = table.scenario.nunique()
        title = f"{args.target} at {levels} yearly budgets vs the same with no measure"
        name, first = "dose_response", "level_eur"
    print(report(table, f"{title}: {length}", first).render(args.format, args.explain))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        written = [args.out / f"{name}.csv"]
        table.to_csv(written[0], index=False)
        if name == "dose_response":
            written.append(args.out / f"{name}.png")
            fig = dose_response_figure(table, f"{args.target}: change against budget")
            fig.savefig(written[-1], dpi=120)
        notes = sys.stderr if args.format == "csv" else sys.stdout
        print("\nwritten: " + ", ".join(map(str, written)), file=notes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
