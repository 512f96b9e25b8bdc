"""Count what two versions of the model do, in instructions, which do not drift with a shared
machine's speed as time does.

    python -m smugglesim.experiments.count_instructions REV_A [REV_B] [--years 5] [--seed 1]
        [--set KEY=VALUE ...] [--cache-sim] [--jobs N]

Revisions are named as for :mod:`smugglesim.experiments.compare_speed` (``WORKTREE``, the
default for REV_B, is the working tree as it is). Each version runs the baseline under
valgrind's cachegrind in three fresh processes (``PYTHONHASHSEED=0``, so that the same code
counts the same to about 0.3%): the imports and the scenario alone, then one run and two
runs on one seed. The differences are what a replication costs: the first run warms up
itself (and keeps its warm state in the process), the second takes the kept state over, as
every replication but the first on a seed does in a batch or a comparison. A version
without warm-up runs both alike. Each version's tree first runs a week, uncounted, so that
numba's compiled loops are in its cache and every counted process loads them alike, in its
first run (:func:`smugglesim.experiments.revisions.prime`). ``--set`` overrides a parameter
of REV_B's scenario only, as ``compare_speed`` does, to see what a mechanism costs.

``--cache-sim`` also simulates the caches and the branch predictor (slower): first-level
instruction and data caches of 32 KiB and a last level of 1 MiB, 8-way sets of 64-byte
lines, this development machine's per-core caches (``lscpu``; the 32 MiB third level it
shares would hide the misses that cost time, docs/performance.md). Counting 5 years took
4-5 minutes on this machine's two cores, 10 with ``--cache-sim``.

Needs valgrind (``apt install valgrind``); stops with a one-line error without it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from smugglesim.experiments.compare_speed import BASELINE, settings, versions_parser
from smugglesim.experiments.revisions import IMPORT_CORE, checkout, prime

RUNS = (0, 1, 2)  # runs per process: the imports alone, then one and two replications

# Runs in the version's own tree: argv = tree, core package, scenario file, years,
# overrides (JSON), runs, seed.
CHILD = (
    IMPORT_CORE
    + r"""
import json
scenario = load_scenario(sys.argv[3], {"run.years": float(sys.argv[4]), **json.loads(sys.argv[5])})
for _ in range(int(sys.argv[6])):
    SmugglingModel(scenario, rng=int(sys.argv[7])).run()
"""
)

CACHES = ["--I1=32768,8,64", "--D1=32768,8,64", "--LL=1048576,8,64"]

# What the report shows: a name, the cachegrind events added up, and the unit.
COUNTS = {
    "instructions": (("Ir",), "G"),
    "first-level instruction misses": (("I1mr",), "M"),
    "first-level data misses": (("D1mr", "D1mw"), "M"),
    "second-level misses (1 MiB)": (("ILmr", "DLmr", "DLmw"), "M"),  # the LL simulated
    "mispredicted branches": (("Bcm", "Bim"), "M"),
}
UNITS = {"G": 1e9, "M": 1e6}


def read_counts(text: str, source: str = "cachegrind output") -> dict[str, int]:
    """The program's totals in a cachegrind output file, by event name (its ``events:``
    and ``summary:`` lines)."""
    events = re.search(r"^events:(.*)$", text, re.MULTILINE)
    summary = re.search(r"^summary:(.*)$", text, re.MULTILINE)
    if events is None or summary is None:
        raise ValueError(f"{source}: no events: or summary: line")
    names, values = events.group(1).split(), summary.group(1).split()
    if len(names) != len(values):
        raise ValueError(f"{source}: {len(names)} events but {len(values)} totals")
    return dict(zip(names, map(int, values), strict=True))


def per_run(counts: dict[int, dict[str, int]]) -> dict[str, dict[str, int]]:
    """From the totals of the processes with 0, 1 and 2 runs: the imports and scenario
    alone, the first run (warming up itself) and the second (taking the kept state over),
    by event."""
    zero, one, two = (counts[n] for n in RUNS)
    return {
        "imports and scenario": zero,
        "first run (warms up itself)": {e: one[e] - zero[e] for e in zero},
        "second run (takes over the kept state)": {e: two[e] - one[e] for e in zero},
    }


def report(revs: tuple[str, str], parts: list[dict[str, dict[str, int]]]) -> list[str]:
    """The lines of the report: each part, each count, both versions and their ratio."""
    width = max(12, max(len(rev) for rev in revs) + 2)
    lines = [f"{'':40}{revs[0]:>{width}}{revs[1]:>{width}}   ratio"]
    for part in parts[0]:
        lines.append(part)
        for name, (events, unit) in COUNTS.items():
            if not all(e in parts[0][part] for e in events):
                continue  # not simulated
            a, b = (sum(p[part][e] for e in events) for p in parts)
            ratio = f"{b / a:8.3f}" if a else "       -"
            shown = (f"{n / UNITS[unit]:>{width - 2}.3f} {unit}" for n in (a, b))
            lines.append(f"  {name:38}{''.join(shown)}{ratio}")
    return lines


def main() -> int:
    parser = versions_parser(__doc__)
    parser.add_argument("--years", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--cache-sim", action="store_true", help="simulate the caches and branch predictor too"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print(
            "count_instructions: valgrind not found on PATH (apt install valgrind)", file=sys.stderr
        )
        return 2
    revs = (args.rev_a, args.rev_b)
    overrides, changes = settings(args)
    tool = [valgrind, "--tool=cachegrind"]
    tool += (
        ["--cache-sim=yes", "--branch-sim=yes", *CACHES] if args.cache_sim else ["--cache-sim=no"]
    )
    with tempfile.TemporaryDirectory(prefix="smugglesim-count-") as name:
        tmp = Path(name)
        trees = [checkout(rev, tmp) for rev in revs]
        for tree, package in dict(trees).items():  # each tree once
            prime(tree, package, BASELINE, [*tool, "--cachegrind-out-file=/dev/null"])

        def count(job: tuple[int, int]) -> dict[str, int]:
            k, runs = job
            tree, package = trees[k]
            out = tmp / f"cachegrind.{k}.{runs}.out"
            argv = [*tool, f"--cachegrind-out-file={out}", sys.executable, "-c", CHILD]
            argv += [str(tree), package, str(BASELINE), str(args.years), overrides[k]]
            argv += [str(runs), str(args.seed)]
            env = {**os.environ, "PYTHONHASHSEED": "0"}
            done = subprocess.run(argv, env=env, capture_output=True, text=True)
            if done.returncode != 0:
                tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
                raise SystemExit(f"count_instructions: {revs[k]} with {runs} runs failed: {tail}")
            return read_counts(out.read_text(), str(out))

        jobs = [(k, runs) for k in (0, 1) for runs in RUNS]
        pool = ThreadPoolExecutor(max_workers=max(1, args.jobs))
        try:
            totals = dict(zip(jobs, pool.map(count, jobs), strict=True))
        finally:  # after a failure, the processes not started are not started
            pool.shutdown(cancel_futures=True)
    parts = [per_run({runs: totals[k, runs] for runs in RUNS}) for k in (0, 1)]
    print(
        f"{args.years:g}-year baseline on seed {args.seed}{changes}; cachegrind counts "
        f"(PYTHONHASHSEED=0; about 0.3% from process to process)"
    )
    print("\n".join(report(revs, parts)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
