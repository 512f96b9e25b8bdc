"""Compare the speed of two versions of the model, side by side.

    python -m smugglesim.experiments.compare_speed REV_A [REV_B] [--trials 12] [--years 3]

A revision is anything ``git`` names (a commit, a branch, ``HEAD~3``); ``WORKTREE`` (the
default for REV_B) is the working tree as it is. Each version runs in its own persistent
process; the two take turns, one replication each per trial (seeds 1–5 in turn, the same
seed for both), so that the drift of a shared machine's speed falls on both alike. Prints
the median CPU seconds per replication of each and the median of the per-trial ratios.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "baseline.toml"

CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from smugglesim.model import SmugglingModel, load_scenario
scenario = load_scenario(sys.argv[2], {"run.years": float(sys.argv[3])})
SmugglingModel(scenario, rng=99).run()  # warm up
for line in sys.stdin:
    start = time.process_time()
    SmugglingModel(scenario, rng=int(line)).run()
    print(time.process_time() - start, flush=True)
"""


def checkout(rev: str, into: Path) -> Path:
    """The ``model`` package of ``rev`` under ``into`` (the working tree's for WORKTREE)."""
    if rev == "WORKTREE":
        return ROOT
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "model"], capture_output=True, check=True
    ).stdout
    target = into / rev.replace("/", "_")
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("rev_a")
    parser.add_argument("rev_b", nargs="?", default="WORKTREE")
    parser.add_argument("--trials", type=int, default=12)
    parser.add_argument("--years", type=float, default=3.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="smugglesim-speed-") as tmp:
        paths = [checkout(rev, Path(tmp)) for rev in (args.rev_a, args.rev_b)]
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", CHILD, str(p), str(BASELINE), str(args.years)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for p in paths
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
