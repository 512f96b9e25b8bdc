"""Does the confiscation ratio depend on how long the model runs?

    python -m smugglesim.experiments.run_length --seeds 10 --lengths 3 5 10

runs the baseline for each run length on the same seeds (paired: a seed's shorter run is
the start of its longer one) and prints Markdown tables, with 95% intervals over the seeds
(``smugglesim.experiments.intervals``):

1. by run length: the headline ``confiscation_ratio`` and ``frozen_share`` (flows over the
   reported weeks, after the warm-up), and the cumulative ratio since the simulation began
   (``confiscation_ratio_cumulative``), which a run's length drives by construction;
2. the paired change of each from the shortest run to each longer one;
3. by reported year, in the longest runs (``SmugglingModel.yearly()``): whether the yearly
   flow itself drifts, the frozen share that drives it, and the OCGs' cash and laundered
   assets at the year's end (``assets_held_eur``), from which freezes are taken.

``--warmup-years`` replaces the scenario's ``run.warmup_years`` (to see what a longer or no
warm-up changes). docs/calibration.md shows the output.
"""

from __future__ import annotations

import argparse
from math import inf
from pathlib import Path

import pandas as pd

from smugglesim.experiments.intervals import bounds, mean_interval, t_interval
from smugglesim.model.model import SmugglingModel
from smugglesim.model.scenario import load_scenario

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.toml"
FIGURES = ("confiscation_ratio", "frozen_share", "confiscation_ratio_cumulative")
YEARLY = ("confiscation_ratio", "frozen_share")


def run(
    seeds: int, lengths: list[float], warmup_years: float | None, scenario: Path = BASELINE
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per (run length, seed) with the summary's ratios, and one per (seed, reported
    year) of the longest runs with the yearly flows."""
    rows, yearly = [], []
    for years in lengths:
        overrides: dict[str, float] = {"run.years": years}
        if warmup_years is not None:
            overrides["run.warmup_years"] = warmup_years
        sc = load_scenario(scenario, overrides)
        for seed in range(1, seeds + 1):
            model = SmugglingModel(sc, rng=seed).run()
            s = model.summary()
            rows.append({"years": years, "seed": seed} | {f: s[f] for f in FIGURES})
            if years == max(lengths):
                ts = model.timeseries()
                held = ts.groupby(ts["week"] // 52)["assets_held_eur"].last().to_numpy()
                yearly.append(model.yearly().assign(seed=seed, assets_held_eur=held))
    return pd.DataFrame(rows), pd.concat(yearly, ignore_index=True)


def _pct(mean: float, low: float, high: float) -> str:
    return f"{mean:.2%} [{low:.2%}, {high:.2%}]"


def _points(mean: float, low: float, high: float) -> str:
    return f"{100 * mean:+.2f} [{100 * low:+.2f}, {100 * high:+.2f}]"


def to_markdown(runs: pd.DataFrame, yearly: pd.DataFrame, warmup: float) -> str:
    seeds = runs["seed"].nunique()
    lines = [
        f"Baseline, seeds 1–{seeds}, warm-up {warmup:g} year{'' if warmup == 1 else 's'}: "
        "mean [95% interval over seeds].",
        "",
        "| run length | " + " | ".join(FIGURES) + " |",
        "|---|" + "---|" * len(FIGURES),
    ]
    for years, group in runs.groupby("years"):
        cells = [_pct(*mean_interval(group[f].to_numpy(), 0.95, bounds(f))) for f in FIGURES]
        lines.append(f"| {years:g} years | " + " | ".join(cells) + " |")
    shortest = runs["years"].min()
    base = runs[runs["years"] == shortest].set_index("seed")
    lines += [
        "",
        f"Paired change from the {shortest:g}-year runs (percentage points, 95% t-interval):",
        "",
        "| run length | " + " | ".join(FIGURES) + " |",
        "|---|" + "---|" * len(FIGURES),
    ]
    for years, group in runs.groupby("years"):
        if years == shortest:
            continue
        other = group.set_index("seed").loc[base.index]
        cells = [_points(*t_interval((other[f] - base[f]).to_numpy())) for f in FIGURES]
        lines.append(f"| {years:g} years | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"By reported year, in the {runs['years'].max():g}-year runs (flows within the year):",
        "",
        "| year | " + " | ".join(YEARLY) + " | assets held at the year's end (EUR million) |",
        "|---|" + "---|" * (len(YEARLY) + 1),
    ]
    for year, group in yearly[yearly["weeks"] == 52].groupby("year"):
        cells = [_pct(*mean_interval(group[f].to_numpy(), 0.95, bounds(f))) for f in YEARLY]
        mean, low, high = mean_interval(group["assets_held_eur"].to_numpy() / 1e6, 0.95, (0, inf))
        cells.append(f"{mean:,.0f} [{low:,.0f}, {high:,.0f}]")
        lines.append(f"| {year} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--lengths", type=float, nargs="+", default=[3.0, 5.0, 10.0])
    parser.add_argument("--warmup-years", type=float, default=None)
    parser.add_argument("--scenario", type=Path, default=BASELINE)
    args = parser.parse_args(argv)
    runs, yearly = run(args.seeds, sorted(args.lengths), args.warmup_years, args.scenario)
    warmup = load_scenario(args.scenario).run.warmup_years
    warmup = warmup if args.warmup_years is None else args.warmup_years
    print(to_markdown(runs, yearly, warmup))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
