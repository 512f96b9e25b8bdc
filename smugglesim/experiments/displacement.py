"""Partial displacement, and fees and risk on a targeted route: a crackdown on one route.

    python -m smugglesim.experiments.displacement                 # 12 seeds, a few minutes
    python -m smugglesim.experiments.displacement --route western_med --seeds 20

On each seed the baseline runs twice: as it is, and with a year-long crackdown on one route,
one arrest operation (``[[operations]]``, ``smugglesim/model/operations.py``) every
``--every`` weeks from ``--start`` against every OCG of ``--route``, each arresting
``--members-per-ocg`` members chosen at random. Nothing else is told to change: where the
migrants go, what they pay and what risks they run come out of the model's processes (the
OCGs' capacity and prices, the migrants' choice of path, their departures).

Over the crackdown's weeks, each figure against the paired run without it (mean paired
difference, 95% t-interval over the seeds):

- entries into the EU (detected and undetected crossings) per route, and in all;
- the displacement share: the rise in entries on the other routes over the fall on the
  targeted one (a ratio of paired means, with a log-scale interval when both are clear of
  zero); partial displacement is a share between 0 and 1;
- on the targeted route, the mean fee (fees paid per facilitated entry) and the deaths per
  attempted crossing (deaths over deaths, entries and interceptions, as IOM counts).

The literature's stylized facts (DESIGN.md §7): enforcement on one route moves part of the
flow to others and the total falls by less than on the targeted route alone (Central
Mediterranean down and Western Mediterranean up in 2017-2018); enforcement raises fees and
the risk taken per crossing. The script reports what the model does, whichever way it goes.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from smugglesim.experiments.intervals import ratio_interval, t_interval
from smugglesim.model.model import SmugglingModel
from smugglesim.model.routes import ROUTES
from smugglesim.model.scenario import load_scenario

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.toml"


def crackdown(route: str, start: int, weeks: int, every: int, members: int) -> list[dict]:
    """The ``[[operations]]`` of a crackdown: one every ``every`` weeks for ``weeks``."""
    return [
        {"week": w, "route": route, "strategy": "random", "members_per_ocg": members}
        for w in range(start, start + weeks, every)
    ]


def window(seed: int, years: float, operations: list[dict], start: int, weeks: int) -> dict:
    """Per route, the crackdown window's entries, deaths, interceptions and fees."""
    overrides: dict = {"run.years": years}
    if operations:
        overrides["operations"] = operations
    model = SmugglingModel(load_scenario(BASELINE, overrides), rng=seed).run()
    ts = model.timeseries().iloc[start : start + weeks]
    out = {}
    for r in ROUTES:
        entries = ts[f"arrivals_{r}"].sum() + ts[f"detections_{r}"].sum()
        out[r] = {
            "entries": float(entries),
            "deaths": float(ts[f"deaths_{r}"].sum()),
            "interceptions": float(ts[f"interceptions_{r}"].sum()),
            # the weekly mean fee weighted by the week's entries: fees per facilitated entry
            "fee": float(
                np.nansum(ts[f"mean_fee_eur_{r}"] * (ts[f"arrivals_{r}"] + ts[f"detections_{r}"]))
                / max(entries, 1.0)
            ),
        }
    return out


def _cell(diffs: np.ndarray, fmt: str) -> str:
    mean, low, high = t_interval(diffs)
    return f"{mean:{fmt}} [{low:{fmt}}, {high:{fmt}}]".replace("-", "−")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--route", default="central_med", choices=ROUTES)
    parser.add_argument("--seeds", type=int, default=12)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--start", type=int, default=13, help="week of the first operation")
    parser.add_argument("--weeks", type=int, default=52, help="the crackdown's length")
    parser.add_argument("--every", type=int, default=4, help="weeks between operations")
    parser.add_argument("--members-per-ocg", type=int, default=1)
    args = parser.parse_args(argv)
    if args.start + args.weeks > 52 * args.years:
        parser.error("--start + --weeks must lie within the run (--years)")
    began = time.perf_counter()
    ops = crackdown(args.route, args.start, args.weeks, args.every, args.members_per_ocg)
    seeds = range(1, args.seeds + 1)
    base = [window(s, args.years, [], args.start, args.weeks) for s in seeds]
    hit = [window(s, args.years, ops, args.start, args.weeks) for s in seeds]

    def series(runs: list[dict], route: str, key: str) -> np.ndarray:
        return np.array([run[route][key] for run in runs])

    others = [r for r in ROUTES if r != args.route]
    rows = []
    for r in [args.route, *others]:
        b, h = series(base, r, "entries"), series(hit, r, "entries")
        rows.append((f"entries, {r}" + (" (targeted)" if r == args.route else ""), b.mean(), h - b))
    total_b = sum(series(base, r, "entries") for r in ROUTES)
    total_h = sum(series(hit, r, "entries") for r in ROUTES)
    rows.append(("entries, all routes", total_b.mean(), total_h - total_b))
    print(
        f"Crackdown on {args.route}: an operation every {args.every} weeks from week "
        f"{args.start} for {args.weeks} weeks, {args.members_per_ocg} member(s) per OCG at "
        f"random; {args.seeds} paired seeds, {args.years:g}-year runs; figures over the "
        f"crackdown's weeks.\n"
    )
    print("| figure | without the crackdown (mean) | change with it [95% interval] |")
    print("|---|---|---|")
    for name, mean, d in rows:
        print(f"| {name} | {mean:,.0f} | {_cell(d, ',.0f')} |")
    fall = series(base, args.route, "entries") - series(hit, args.route, "entries")
    rise = sum(series(hit, r, "entries") - series(base, r, "entries") for r in others)
    share = rise.mean() / fall.mean() if fall.mean() else float("nan")
    print(f"\nDisplacement share (rise on the other routes / fall on {args.route}): {share:.2f}")
    # Fee and risk on the targeted route.
    fee_b, fee_h = series(base, args.route, "fee"), series(hit, args.route, "fee")
    ratio, low, high = ratio_interval(fee_b, fee_h)
    print(
        f"Mean fee on {args.route}: {fee_b.mean():,.0f} EUR without; "
        f"×{ratio:.3f} [{low:.3f}, {high:.3f}] with the crackdown"
    )

    def risk(runs: list[dict]) -> np.ndarray:
        d = series(runs, args.route, "deaths")
        tried = d + series(runs, args.route, "entries") + series(runs, args.route, "interceptions")
        return d / np.maximum(tried, 1.0)

    rb, rh = risk(base), risk(hit)
    print(
        f"Deaths per attempted crossing on {args.route}: {rb.mean():.4f} without; "
        f"change {_cell(rh - rb, '+.4f')}"
    )
    print(f"\n({2 * args.seeds} runs in {time.perf_counter() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
