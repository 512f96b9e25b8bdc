"""Check that two versions of the model give the same results, draw for draw.

    python -m smugglesim.experiments.same_results REV_A [REV_B] [--scenarios A.toml ...] [--seeds 1 2]

A revision is anything ``git`` names (a commit, a branch, ``HEAD~3``); ``WORKTREE`` (the
default for REV_B) is the working tree as it is. Each version runs in a process of its own,
from its own core package (``model`` before its move under ``smugglesim/``,
``smugglesim.model`` after it: :mod:`smugglesim.experiments.revisions`) and its own scenario
files, and writes every run's summary, weekly time series and journey log; the two are then
compared exactly (floats bit for bit, NaN equal to NaN). Use it for a change that must not
change the model's answers (a refactoring, a speed-up). Exit status 0 when every run is
identical, 1 otherwise.

The default is 3 scenarios (the status quo, one measure, all measures) x 2 seeds, 5 years.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from smugglesim.experiments.revisions import IMPORT_CORE, WORKTREE, checkout

DEFAULT_SCENARIOS = (
    "scenarios/baseline.toml",
    "scenarios/financial_investigations.toml",
    "scenarios/all_measures.toml",
)

# Runs in the version's own tree: argv = tree, core package, output folder, years, seeds,
# scenario files.
CHILD = (
    IMPORT_CORE
    + r"""
import json
from pathlib import Path
tree, out, years = Path(sys.argv[1]), Path(sys.argv[3]), float(sys.argv[4])
seeds = [int(s) for s in sys.argv[5].split(",")]
for name in sys.argv[6:]:
    scenario = load_scenario(tree / name, {"run.years": years})
    for seed in seeds:
        m = SmugglingModel(scenario, rng=seed).run()
        stem = out / f"{Path(name).stem}-{seed}"
        stem.with_suffix(".summary.json").write_text(json.dumps(m.summary(), sort_keys=True))
        m.timeseries().to_pickle(stem.with_suffix(".timeseries.pkl"))
        m.journeys().to_pickle(stem.with_suffix(".journeys.pkl"))
"""
)


def run_version(
    tree: Path, package: str, out: Path, years: float, seeds: list[int], scenarios: list[str]
):
    out.mkdir(parents=True)
    seed_list = ",".join(map(str, seeds))
    args = [str(tree), package, str(out), str(years), seed_list, *scenarios]
    subprocess.run([sys.executable, "-c", CHILD, *args], check=True)


def frame_differences(a: pd.DataFrame, b: pd.DataFrame) -> list[str]:
    """What differs between two tables: columns, length, and values (NaN equals NaN)."""
    if list(a.columns) != list(b.columns):
        missing = sorted(set(a.columns) - set(b.columns))
        added = sorted(set(b.columns) - set(a.columns))
        return [f"columns differ: missing {missing}, added {added}"]
    if len(a) != len(b):
        return [f"{len(a)} rows against {len(b)}"]
    out = []
    for col in a.columns:
        x, y = a[col].to_numpy(), b[col].to_numpy()
        if x.dtype.kind in "fc" or y.dtype.kind in "fc":
            same = (x == y) | (np.isnan(x.astype(float)) & np.isnan(y.astype(float)))
        else:
            same = x == y
        if not same.all():
            first = int(np.flatnonzero(~same)[0])
            out.append(f"{col}: {int((~same).sum())} rows differ, first row {first}")
    return out


def compare_outputs(a: Path, b: Path) -> dict[str, list[str]]:
    """Per run (scenario-seed), the list of differences (empty: identical)."""
    report: dict[str, list[str]] = {}
    for summary in sorted(a.glob("*.summary.json")):
        run = summary.name.removesuffix(".summary.json")
        diffs = []
        sa = json.loads(summary.read_text())
        sb = json.loads((b / summary.name).read_text())
        if sa != sb:
            keys = sorted(k for k in sa.keys() | sb.keys() if sa.get(k) != sb.get(k))
            diffs.append(f"summary differs in {keys}")
        for table in ("timeseries", "journeys"):
            ta = pd.read_pickle(a / f"{run}.{table}.pkl")
            tb = pd.read_pickle(b / f"{run}.{table}.pkl")
            diffs += [f"{table}: {d}" for d in frame_differences(ta, tb)]
        report[run] = diffs
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("rev_a")
    parser.add_argument("rev_b", nargs="?", default=WORKTREE)
    parser.add_argument("--scenarios", nargs="+", default=list(DEFAULT_SCENARIOS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--years", type=float, default=5.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="smugglesim-same-") as tmp:
        outs = []
        for k, rev in enumerate((args.rev_a, args.rev_b)):
            tree, package = checkout(rev, Path(tmp) / "trees")
            out = Path(tmp) / f"out{k}"
            run_version(tree, package, out, args.years, args.seeds, args.scenarios)
            outs.append(out)
        report = compare_outputs(*outs)
    print(
        f"{args.rev_a} against {args.rev_b}: {len(args.scenarios)} scenarios x "
        f"{len(args.seeds)} seeds, {args.years:g} years; summary, time series and journeys"
    )
    for run, diffs in report.items():
        print(f"  {run:<40} {'identical' if not diffs else 'DIFFERENT'}")
        for d in diffs:
            print(f"      {d}")
    n_same = sum(not d for d in report.values())
    print(f"{n_same} of {len(report)} runs identical")
    return 0 if n_same == len(report) else 1


if __name__ == "__main__":
    raise SystemExit(main())
