"""The hindcast: fit on 2015-2016, predict 2017-2019, and compare with what happened.

    python -m smugglesim.experiments.hindcast --out results/hindcast
    python -m smugglesim.experiments.hindcast --quick --out results/hindcast-quick

runs ``scenarios/hindcast_2015_2019.toml`` (the status quo from January 2015, with its
sourced demand schedule and dated events), fits four parameters to Frontex's detections
per route of the fitted years only, runs the fitted model over 2015-2019 with several
seeds, and prints per route and year the model's band (mean, 5th and 95th percentiles
over seeds) against the observations (smugglesim/experiments/data/observed_2015_2019.csv),
with the mean absolute relative error of the predicted years against two naive forecasts
(smugglesim/experiments/hindcast_report.py). docs/validation.md shows the result.

The fitted parameters (:class:`FitParameters`), each held over the whole run:

- ``subsaharan_demand``: a factor on the flow of West Africa and the Horn of Africa, the
  origins the demand schedule has no figures for (they keep their 2018 flow otherwise);
- ``maghreb_demand``: the same for the Maghreb;
- ``spain_interception``: the chance that Morocco or Algeria stops a crossing to Spain
  (routes.toml's 2018 values, 0.3 and 0.2, are partly ASSUMPTION);
- ``secondary_share``: ``demand.secondary_movement_share``, the share of entries into
  Greece that move on through the Western Balkans (0.25 was fitted to 2018).

The fit is a full grid (:data:`GRID`) on the mean over paired seeds of the squared log
ratio of model to observed detections, route by route, in the fitted years. It is given
the fitted years' observations only (:func:`smugglesim.experiments.observed.split`) and
runs the model over the fitted years only: it sees nothing of 2017-2019.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from smugglesim.experiments import hindcast_report as report
from smugglesim.experiments.engines import RunResult, make_engine
from smugglesim.experiments.observed import Observed, read_observed, split
from smugglesim.experiments.specs import RunTask
from smugglesim.model.demand_schedule import period_bounds
from smugglesim.model.model import SmugglingModel, default_routes, raise_interrupt_behind
from smugglesim.model.scenario import Scenario, load_scenario
from smugglesim.model.shipped import SHIPPED_DIR

HINDCAST = SHIPPED_DIR / "hindcast_2015_2019.toml"  # scenarios/, in a checkout
FIRST_YEAR = 2015
FIT_YEARS = (2015, 2016)
ALL_YEARS = (2015, 2016, 2017, 2018, 2019)
ROUTES = tuple(default_routes().route_names)
ARRESTS = "members_arrested"  # compared with the facilitators detected (not the same count)


@dataclass(frozen=True)
class FitParameters:
    """The fitted parameters (module docstring); 1, 1, None, 0.25 is the scenario as it is."""

    subsaharan_demand: float = 1.0
    maghreb_demand: float = 1.0
    spain_interception: float | None = None  # None: routes.toml's
    secondary_share: float = 0.25


GRID = {
    "subsaharan_demand": (1.0, 3.0, 6.0),
    "maghreb_demand": (0.1, 0.3, 1.0),
    "spain_interception": (0.3, 0.6, 0.85),
    "secondary_share": (0.25, 0.6, 0.95),
}
QUICK_GRID = {
    "subsaharan_demand": (1.0, 4.0),
    "maghreb_demand": (0.2, 1.0),
    "spain_interception": (0.3, 0.8),
    "secondary_share": (0.25, 0.9),
}
QUICK = {"fit_seeds": 1, "seeds": 3, "scale": 0.25}


def grid_points(grid: dict[str, Sequence[float]]) -> list[FitParameters]:
    return [
        FitParameters(**dict(zip(grid, values, strict=True)))
        for values in itertools.product(*grid.values())
    ]


def overrides(params: FitParameters, years: int, scale: float) -> dict:
    """Scenario overrides that set ``params`` on the hindcast scenario (events at week 0)."""
    base = load_scenario(HINDCAST)
    events = [e.model_dump(mode="json", exclude_none=True) for e in base.events]
    why = "fitted on 2015-2016 (smugglesim.experiments.hindcast)"
    for origin, factor in (
        ("west_africa", params.subsaharan_demand),
        ("horn_of_africa", params.subsaharan_demand),
        ("maghreb", params.maghreb_demand),
    ):
        if factor != 1.0:
            events.append(
                {
                    "week": 0,
                    "change": "demand_factor",
                    "origin": origin,
                    "value": factor,
                    "source": why,
                }
            )
    if params.spain_interception is not None:
        legs = ["morocco->spain", "maghreb->spain"]
        events.append(
            {
                "week": 0,
                "change": "interception_prob",
                "legs": legs,
                "value": params.spain_interception,
                "source": why,
            }
        )
    return {
        "run.years": years,
        "demand.scale": scale,
        "demand.secondary_movement_share": params.secondary_share,
        "events": events,
    }


def calendar_totals(ts: pd.DataFrame, columns: list[str], quarterly: bool) -> pd.DataFrame:
    """Weekly flows summed by calendar year (or quarter) of the ``date`` column: each week's
    flow spread evenly over its 7 days, and a period the run covers only in part scaled to
    its whole length (the 260 weeks of five years end on 25 December); periods covered less
    than 90% are left out."""
    start = ts["date"].to_numpy().astype("datetime64[D]")
    days = (start[:, None] + np.arange(7)).ravel()
    per_day = np.repeat(ts[columns].to_numpy(dtype=float) / 7, 7, axis=0)
    stamp = pd.DatetimeIndex(days)
    labels = (
        [f"{y}-Q{q}" for y, q in zip(stamp.year, stamp.quarter, strict=True)]
        if quarterly
        else stamp.year.astype(str)
    )
    frame = pd.DataFrame(per_day, columns=columns)
    grouped = frame.groupby(np.asarray(labels))
    length = pd.Series(
        {p: (lambda b: (b[1] - b[0]).days)(period_bounds(p)) for p in grouped.groups}
    )
    covered = grouped.size()
    keep = covered >= 0.9 * length
    return grouped.sum()[keep].mul(length[keep] / covered[keep], axis=0)


def crossing_deaths(model: SmugglingModel) -> pd.DataFrame:
    """Deaths per route and reported week as IOM counts them: on the Mediterranean routes,
    deaths on the sea crossing into the EU (the path's last leg; the Saharan and other
    legs before it are not IOM's Mediterranean routes); on the Western Balkans, on any leg
    (IOM's incidents in the countries of the route)."""
    j = model.journeys()
    j = j[j["outcome"] == "died"]
    last = model.routes.path_len[j["path"].to_numpy()] - 1
    counted = (j["legs_completed"].to_numpy() == last) | (
        j["route"] == "western_balkans"
    ).to_numpy()
    j = j[counted]
    weeks = len(model.timeseries())
    out = pd.DataFrame({"date": model.timeseries()["date"]})
    for route in ROUTES:
        ended = j.loc[j["route"] == route, "end_week"].to_numpy(dtype=np.int64)
        out[f"deaths_{route}"] = np.bincount(ended, minlength=weeks)[:weeks]
    return out


def _long(totals: pd.DataFrame, cols: dict[str, tuple[str, str]], divide: float) -> list[tuple]:
    return [
        (measure, route, period, value / divide)
        for col, (measure, route) in cols.items()
        for period, value in totals[col].items()
    ]


def run_task(task: RunTask) -> RunResult:
    """The engines' worker for the hindcast: one run, kept as (measure, route, period, value)
    rows. Detections and deaths are divided by the run's ``demand.scale`` so that they
    compare with the observations; members arrested are not (the police do not scale)."""
    start = time.perf_counter()
    try:
        scenario = Scenario.model_validate(task.config)
        model = SmugglingModel(scenario, rng=task.seed).run()
        ts = model.timeseries()
        scale = scenario.demand.scale
        det = {f"detections_{r}": ("detections", r) for r in ROUTES}
        rows = _long(calendar_totals(ts, list(det), False), det, scale)
        rows += _long(calendar_totals(ts, list(det), True), det, scale)
        dead = {f"deaths_{r}": ("deaths", r) for r in ROUTES}
        rows += _long(calendar_totals(crossing_deaths(model), list(dead), False), dead, scale)
        arrests = {ARRESTS: ("facilitators", "all")}
        rows += _long(calendar_totals(ts, [ARRESTS], False), arrests, 1.0)
    except Exception as exc:  # reported by the caller, which stops
        raise_interrupt_behind(exc)  # a Ctrl-C or SIGTERM in disguise stops it as one
        return RunResult(task.run_id, "failed", f"{type(exc).__name__}: {exc}", {}, None, 0.0)
    frame = pd.DataFrame(rows, columns=["measure", "route", "period", "value"])
    return RunResult(task.run_id, "ok", None, {}, frame, time.perf_counter() - start)


Simulate = Callable[[list[FitParameters], Sequence[int], int], pd.DataFrame]


def simulator(scale: float = 1.0, workers: int = 1, costs: list[float] | None = None) -> Simulate:
    """A function running every (point, seed) for a number of years from January 2015 and
    returning (point, seed, measure, route, period, value) rows; each run's seconds are
    appended to ``costs``."""

    def simulate(points: list[FitParameters], seeds: Sequence[int], years: int) -> pd.DataFrame:
        tasks = []
        for i, params in enumerate(points):
            sc = load_scenario(HINDCAST, overrides(params, years, scale))
            config = sc.model_dump(mode="json")
            for seed in seeds:
                tasks.append(RunTask(f"{i}:{seed}", f"point {i}", seed, seed, config))
        engine = make_engine("process", min(workers, len(tasks)))
        parts = []
        try:
            for result in engine.imap_unordered(tasks, run_task):
                if result.status != "ok":
                    raise RuntimeError(f"run {result.run_id} failed: {result.error}")
                if costs is not None:
                    costs.append(result.elapsed_s)
                point, seed = map(int, result.run_id.split(":"))
                parts.append(result.timeseries.assign(point=point, seed=seed))
        finally:
            engine.close()
        return pd.concat(parts, ignore_index=True)

    return simulate


@dataclass
class Fit:
    params: FitParameters
    loss: float
    table: pd.DataFrame  # one row per grid point: the params and the loss


def fit(
    fitted: Observed, simulate: Simulate, points: list[FitParameters], seeds: Sequence[int]
) -> Fit:
    """The grid point whose mean detections over ``seeds`` come nearest (squared log ratio,
    averaged over routes and years) to ``fitted``, the fitted years' observations, running
    the model over those years only."""
    obs = fitted.yearly("detections")
    years = sorted(obs.columns)
    if tuple(years) != tuple(range(FIRST_YEAR, FIRST_YEAR + len(years))):
        raise ValueError(f"the fitted years must run from {FIRST_YEAR} without a gap, not {years}")
    runs = simulate(points, seeds, len(years))
    det = runs[(runs["measure"] == "detections") & ~runs["period"].str.contains("-Q")]
    mean = det.groupby(["point", "route", "period"])["value"].mean()
    losses = []
    for i in range(len(points)):
        model = mean.loc[i].unstack("period").reindex(index=obs.index)
        model.columns = model.columns.astype(int)
        model = model.reindex(columns=obs.columns)
        ratio = np.log((model.to_numpy() + 1) / (obs.to_numpy() + 1))
        losses.append(float(np.nanmean(ratio**2)))
    table = pd.DataFrame([asdict(k) for k in points]).assign(loss=losses)
    best = int(np.argmin(losses))
    return Fit(points[best], losses[best], table)


def hindcast(
    observed: Observed,
    simulate: Simulate,
    points: list[FitParameters],
    fit_seeds: Sequence[int],
    seeds: Sequence[int],
    fit_years: tuple[int, ...] = FIT_YEARS,
) -> tuple[Fit, pd.DataFrame]:
    """Fit on ``fit_years`` (given those years' observations only), then run the fitted
    model over 2015-2019 for ``seeds``: the fit and the prediction's rows."""
    fitted, _held_out = split(observed, fit_years)
    result = fit(fitted, simulate, points, fit_seeds)
    runs = simulate([result.params], seeds, len(ALL_YEARS))
    return result, runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m smugglesim.experiments.hindcast",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seeds", type=int, help="seeds of the prediction (default 10; quick 3)")
    parser.add_argument(
        "--fit-seeds", type=int, help="paired seeds per grid point (default 2; quick 1)"
    )
    parser.add_argument("-j", "--workers", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument(
        "--scale",
        type=float,
        help="demand.scale of every run (default 1; quick 0.25); the model's counts are divided by it",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a small version: a grid of {len(grid_points(QUICK_GRID))} points, 1 fit seed, 3 seeds, demand.scale 0.25",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="folder for hindcast.csv, mare.csv, fit_grid.csv, fit.json, hindcast.png",
    )
    args = parser.parse_args(argv)
    defaults = QUICK if args.quick else {"fit_seeds": 2, "seeds": 10, "scale": 1.0}
    seeds = args.seeds or defaults["seeds"]
    fit_seeds = args.fit_seeds or defaults["fit_seeds"]
    scale = args.scale or defaults["scale"]
    if min(seeds, fit_seeds, args.workers) < 1 or not 0 < scale <= 10:
        parser.error("--seeds, --fit-seeds and -j must be at least 1, --scale in (0, 10]")
    points = grid_points(QUICK_GRID if args.quick else GRID)
    costs: list[float] = []
    start = time.perf_counter()
    observed = read_observed()
    result, runs = hindcast(
        observed,
        simulator(scale, args.workers, costs),
        points,
        range(1, fit_seeds + 1),
        range(1, seeds + 1),
    )
    n_fit = len(points) * fit_seeds
    cost = {
        "fit_runs": n_fit,
        "fit_run_s": float(np.mean(costs[:n_fit])),
        "predict_runs": seeds,
        "predict_run_s": float(np.mean(costs[n_fit:])),
        "wall_s": time.perf_counter() - start,
        "workers": args.workers,
        "scale": scale,
    }
    compared = report.compare(observed, runs, FIT_YEARS)
    mare = report.mare(compared)
    print(report.to_markdown(result, compared, mare, cost, fit_seeds, seeds))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        compared.to_csv(args.out / "hindcast.csv", index=False)
        mare.to_csv(args.out / "mare.csv", index=False)
        result.table.to_csv(args.out / "fit_grid.csv", index=False)
        (args.out / "fit.json").write_text(
            json.dumps(
                {
                    "params": asdict(result.params),
                    "loss": result.loss,
                    "cost": cost,
                    "fit_seeds": fit_seeds,
                    "seeds": seeds,
                },
                indent=2,
            )
        )
        report.plot(compared, args.out / "hindcast.png", seeds)
        print(f"\nwritten to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
