"""Global sensitivity analysis with SALib: Morris screening or Sobol' indices.

The SALib design becomes an explicit-points sweep of one scenario; every point runs the
same paired replication seeds through :func:`smugglesim.experiments.run_batch` (so it is resumable and
runs on any engine), and the analysis uses the mean of ``outcome`` over each point's
replications. Integer parameters are rounded when they are set.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from smugglesim.experiments.batch import run_batch
from smugglesim.experiments.engines import flatten_summary
from smugglesim.experiments.specs import Sweep, apply_point, read_scenario_file
from smugglesim.model import outputs
from smugglesim.model.model import SmugglingModel
from smugglesim.model.scenario import Scenario, scenario_from_dict

METHODS = ("morris", "sobol")


def parse_param(text: str) -> tuple[str, tuple[float, float]]:
    """``NAME=LOW:HIGH`` from the command line."""
    name, sep, spec = text.partition("=")
    try:
        low, high = (float(v) for v in spec.split(":"))
    except ValueError:
        raise ValueError(f"--param {text}: expected NAME=LOW:HIGH with numbers") from None
    if not sep or not name or not low < high:
        raise ValueError(f"--param {text}: expected NAME=LOW:HIGH with LOW < HIGH")
    return name, (low, high)


# The sections whose parameters describe the status quo's mechanisms (not the run, not the
# measures, whose intensities are what comparisons vary), and the measures' unit costs
# (which move the cost of every measure, and the intensity of one given a budget).
MECHANISM_SECTIONS = ("demand", "smugglers", "enforcement", "finance", "justice", "costs")


def assumption_params(spread: float = 0.5) -> dict[str, tuple[float, float]]:
    """Every number of the status quo's mechanisms and of the measures' unit costs whose
    description says ``ASSUMPTION``, by
    dotted name, over its default ± ``spread`` of it, within its declared range (a default of
    0 spans the range up to 1, or to the range's end): the parameters a modeller chose
    rather than took from a source, for a screening of them all (``--assumptions``)."""
    from annotated_types import Ge, Gt, Le, Lt

    params: dict[str, tuple[float, float]] = {}
    base = Scenario()
    for section in MECHANISM_SECTIONS:
        cls = Scenario.model_fields[section].annotation
        for name, field in cls.model_fields.items():
            if field.annotation not in (int, float) or "ASSUMPTION" not in (
                field.description or ""
            ):
                continue
            low_bound, high_bound = -np.inf, np.inf
            for m in field.metadata:
                if isinstance(m, Ge | Gt):
                    low_bound = float(m.ge if isinstance(m, Ge) else m.gt)
                if isinstance(m, Le | Lt):
                    high_bound = float(m.le if isinstance(m, Le) else m.lt)
            default = float(field.default)
            if default == 0:
                low, high = max(low_bound, 0.0), min(high_bound, 1.0)
            else:
                ends = sorted((default * (1 - spread), default * (1 + spread)))
                low, high = max(low_bound, ends[0]), min(high_bound, ends[1])
            if field.annotation is int:
                low, high = np.ceil(low), np.floor(high)
                if high - low < 1:  # an integer needs two levels at least
                    low, high = max(low_bound, default - 1), min(high_bound, default + 1)
            name = f"{section}.{name}"
            low = _valid_end(base, name, float(low), default)
            high = _valid_end(base, name, float(high), default)
            if low < high:
                params[name] = (low, high)
    return params


def _valid_end(base: Scenario, name: str, end: float, default: float) -> float:
    """``end``, or the nearest of the points halfway towards ``default`` that the schema's
    checks across keys accept with every other parameter at its default (e.g. the
    recruiters per member that still leave room for a transporter)."""
    from smugglesim.model.scenario import ScenarioError

    for _ in range(6):
        try:
            apply_point(base, {name: end}, "assumptions")
            return end
        except ScenarioError:
            end = (end + default) / 2
    return default


def outcomes(scenario: Scenario) -> list[str]:
    """The metric columns a run produces (from a one-week probe run, its measures on from
    week 0 so that the horizon holds them)."""
    data = scenario.model_dump(mode="json")
    data["run"]["years"] = 1 / 52
    for key, _ in scenario.active_measures():
        data["measures"][key] |= {"start_week": 0, "end_week": None}
    probe = scenario_from_dict(data, scenario.name)
    return list(flatten_summary(SmugglingModel(probe, rng=0).run().summary()))


def sensitivity(
    scenario: str | Path | Scenario,
    params: dict[str, tuple[float, float]],
    outcome: str,
    method: str = "morris",
    samples: int = 8,
    replications: int = 2,
    *,
    num_levels: int = 4,
    seed: int = 0,
    workers: int = 1,
    engine: str = "process",
    scheduler: str | None = None,
    overrides: dict[str, Any] | None = None,
    out: str | Path | None = None,
    confidence: float = 0.95,
    progress: bool = True,
    against: str | Path | Scenario | None = None,
) -> pd.DataFrame:
    """Sensitivity indices of ``outcome`` to ``params`` over their ranges, or of its paired
    difference from a reference scenario (``against``: e.g. a package against the baseline).

    Args:
        scenario: Scenario file or object.
        params: Dotted parameter name -> (low, high).
        outcome: A metric column of runs.parquet, e.g. ``confiscation_ratio``.
        method: ``"morris"`` (``samples`` trajectories, ``(k + 1) × samples`` points) or
            ``"sobol"`` (``samples`` base points, a power of 2; ``(k + 2) × samples`` points).
        samples: See ``method``.
        replications: Paired replications per point; the analysis uses their mean.
        num_levels: Morris grid levels.
        seed: Seeds the SALib sampler, the bootstrap and the replication seeds.
        workers, engine, scheduler: As for :func:`smugglesim.experiments.run_batch`.
        overrides: Dotted values applied to the scenario first (e.g. ``{"run.years": 1}``).
        out: Folder for the batch, sensitivity.csv and sensitivity.png (default: temporary).
        confidence: Level of the bootstrap intervals.
        against: A reference scenario (file or object). Every point runs both scenarios
            with the same parameter values and seeds, and the analysis reads the mean of
            the paired differences, scenario minus reference: how much the parameters move
            a measure's effect rather than the level.

    Returns:
        One row per parameter. Morris: ``mu``, ``mu_star``, ``mu_star_ci_low/high``, ``sigma``.
        Sobol: ``S1`` and ``ST`` with ``_ci_low/_ci_high``.
    """
    from SALib.analyze import morris as morris_analyze
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import morris as morris_sample
    from SALib.sample import sobol as sobol_sample

    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    if not params:
        raise ValueError("at least one parameter is needed")
    if method == "sobol" and (samples < 2 or samples & (samples - 1)):
        raise ValueError("sobol needs samples to be a power of 2 (e.g. 8, 16, 64)")

    def resolved(sc: str | Path | Scenario) -> Scenario:
        if not isinstance(sc, Scenario):
            return read_scenario_file(sc, overrides)[0]
        return apply_point(sc, overrides, sc.name) if overrides else sc

    base = resolved(scenario)
    scenarios = [base]
    if against is not None:
        reference = resolved(against)
        if reference.name == base.name:
            raise ValueError(f"against: {reference.name!r} is the scenario itself")
        scenarios.append(reference)
    for sc in scenarios:
        for name in params:
            apply_point(sc, {name: params[name][0]}, sc.name)  # an unknown name fails now
    if outcome not in (known := outcomes(base)):
        raise ValueError(f"unknown outcome {outcome!r}; choose one of {', '.join(known)}")

    names = list(params)
    problem = {"num_vars": len(names), "names": names, "bounds": [list(params[n]) for n in names]}
    if method == "morris":
        x = morris_sample.sample(problem, samples, num_levels=num_levels, seed=seed)
    else:
        x = sobol_sample.sample(problem, samples, calc_second_order=False, seed=seed)
    sweep = Sweep("points", {n: list(params[n]) for n in names}, values=x.tolist())

    with tempfile.TemporaryDirectory(prefix="smugglesim-sa-") as tmp:
        folder = Path(out) if out is not None else Path(tmp)
        runs = run_batch(
            scenarios,
            replications,
            out=folder,
            workers=workers,
            engine=engine,
            scheduler=scheduler,
            seed=seed,
            sweep=sweep,
            progress=progress,
        )
    ok = runs[runs["status"] == "ok"]

    def means(name: str) -> np.ndarray:
        mine = ok[ok["scenario_name"] == name]
        return mine.groupby("point")[outcome].mean().reindex(range(len(x))).to_numpy(float)

    # Every run of a point has the same seeds in both scenarios: the difference of the means
    # is the mean of the paired differences.
    y = means(base.name) - (means(scenarios[1].name) if against is not None else 0.0)
    if np.isnan(y).any():
        raise RuntimeError(f"{int(np.isnan(y).sum())} of {len(y)} points have no successful run")
    if np.ptp(y) == 0:
        raise ValueError(f"{outcome} is the same at every point: no sensitivity to estimate")

    if method == "morris":
        res = morris_analyze.analyze(
            problem, x, y, conf_level=confidence, num_levels=num_levels, seed=seed
        )
        table = pd.DataFrame(
            {
                "parameter": names,
                "mu": res["mu"],
                "mu_star": res["mu_star"],
                "mu_star_ci_low": np.asarray(res["mu_star"]) - np.asarray(res["mu_star_conf"]),
                "mu_star_ci_high": np.asarray(res["mu_star"]) + np.asarray(res["mu_star_conf"]),
                "sigma": res["sigma"],
            }
        )
    else:
        res = sobol_analyze.analyze(
            problem, y, calc_second_order=False, conf_level=confidence, seed=seed
        )
        table = pd.DataFrame({"parameter": names})
        for key in ("S1", "ST"):
            est, half = np.asarray(res[key]), np.asarray(res[f"{key}_conf"])
            table[key], table[f"{key}_ci_low"], table[f"{key}_ci_high"] = (
                est,
                est - half,
                est + half,
            )
    table.insert(1, "outcome", outcome)
    table.insert(2, "method", method)
    table.insert(3, "against", scenarios[1].name if against is not None else "")
    table["points"] = len(x)
    table["replications"] = replications
    table["weeks"] = base.weeks
    if out is not None:
        table.to_csv(Path(out) / "sensitivity.csv", index=False)
        plot_sensitivity(table, Path(out) / "sensitivity.png")
    return table


def title(table: pd.DataFrame) -> str:
    """What a sensitivity table measured: the method, the outcome by its label, the run
    length, the points and the replications per point."""
    from smugglesim.experiments.tables import run_length

    row = table.iloc[0]
    weeks = int(row["weeks"]) if "weeks" in table else None
    what = outputs.label(row["outcome"])
    if row.get("against"):
        what = f"the change in {what} against {row['against']} (paired)"
    return (
        f"{row['method'].capitalize()} sensitivity of {what}: "
        f"{run_length(weeks)}, {int(row['points'])} points x {int(row['replications'])} "
        "replications each"
    )


def plot_sensitivity(table: pd.DataFrame, path: str | Path) -> Path:
    """Indices with their intervals, one bar per parameter."""
    method = table["method"].iloc[0]
    keys = ["mu_star"] if method == "morris" else ["S1", "ST"]
    fig = Figure(figsize=(8, 0.6 * len(table) + 1.8), layout="constrained")
    ax = fig.subplots()
    y = np.arange(len(table))
    height = 0.8 / len(keys)
    for i, key in enumerate(keys):
        est = table[key].to_numpy(dtype=float)
        err = np.vstack([est - table[f"{key}_ci_low"], table[f"{key}_ci_high"] - est])
        ax.barh(
            y + i * height,
            est,
            height,
            # A list, not an array: matplotlib 3.8 warns on a (2, 1) array of errors.
            xerr=np.abs(err).tolist(),
            capsize=3,
            label=key,
            color=f"C{i}",
            alpha=0.8,
        )
    ax.set_yticks(y + height * (len(keys) - 1) / 2, table["parameter"])
    ax.invert_yaxis()
    ax.set_xlabel(f"{method} index of {outputs.label(table['outcome'].iloc[0])} (95% bootstrap CI)")
    ax.set_title(title(table), fontsize=10)
    ax.legend(fontsize=8)
    path = Path(path)
    fig.savefig(path, dpi=110)
    return path
