"""Compare the speed of two versions of the model, side by side.

    python -m smugglesim.experiments.compare_speed REV_A [REV_B] [--trials 12] [--years 3]

A revision is anything ``git`` names (a commit, a branch, ``HEAD~3``); ``WORKTREE`` (the
default for REV_B) is the working tree as it is; a revision from before the move of the
core under ``smugglesim/`` runs too (:mod:`smugglesim.experiments.revisions`). Each version
runs in its own persistent process; the two take turns, one replication each per trial
(seeds 1–5 in turn, the same seed for both), so that the drift of a shared machine's speed
falls on both alike. Prints
the median CPU seconds per replication of each and the median of the per-trial ratios.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from smugglesim.experiments.revisions import IMPORT_CORE, ROOT, WORKTREE, checkout

BASELINE = ROOT / "scenarios" / "baseline.toml"

# Runs in the version's own tree: argv = tree, core package, scenario file, years.
CHILD = (
    IMPORT_CORE
    + r"""
import time
scenario = load_scenario(sys.argv[3], {"run.years": float(sys.argv[4])})
SmugglingModel(scenario, rng=99).run()  # warm up
for line in sys.stdin:
    start = time.process_time()
    SmugglingModel(scenario, rng=int(line)).run()
    print(time.process_time() - start, flush=True)
"""
)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("rev_a")
    parser.add_argument("rev_b", nargs="?", default=WORKTREE)
    parser.add_argument("--trials", type=int, default=12)
    parser.add_argument("--years", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="smugglesim-speed-") as tmp:
        trees = [checkout(rev, Path(tmp)) for rev in (args.rev_a, args.rev_b)]
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", CHILD, str(tree), package, str(BASELINE), str(args.years)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for tree, package in trees
        ]
        seconds: list[list[float]] = [[], []]
        for trial in range(args.trials):
            for k in (0, 1) if trial % 2 == 0 else (1, 0):
                procs[k].stdin.write(f"{trial % 5 + 1}\n")
                procs[k].stdin.flush()
                seconds[k].append(float(procs[k].stdout.readline()))
        for p in procs:
            p.stdin.close()
            p.wait()
    ratios = [b / a for a, b in zip(*seconds, strict=True)]
    print(f"{args.years:g}-year baseline replications, {args.trials} trials, CPU seconds")
    for rev, s in zip((args.rev_a, args.rev_b), seconds, strict=True):
        print(f"  {rev}: median {statistics.median(s):.3f}  (min {min(s):.3f}, max {max(s):.3f})")
    print(
        f"  {args.rev_b} / {args.rev_a}: median ratio {statistics.median(ratios):.3f} "
        f"(min {min(ratios):.3f}, max {max(ratios):.3f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
