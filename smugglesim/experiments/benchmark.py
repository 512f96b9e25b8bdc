"""Benchmark: wall time and peak memory of one baseline replication.

    python -m smugglesim.experiments.benchmark [--repeats 5] [--years 5]

Each repetition runs in a fresh subprocess so that peak memory (ru_maxrss) is that of one
replication, imports included; the time is the model's construction and run only.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "baseline.toml"


def one(years: float, seed: int) -> dict:
    from smugglesim.model import SmugglingModel, load_scenario

    scenario = load_scenario(BASELINE, {"run.years": years})
    start = time.perf_counter()
    SmugglingModel(scenario, rng=seed).run()
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--years", type=float, default=5.0)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(one(args.years, args.child)))
        return 0
    results = []
    for seed in range(1, args.repeats + 1):
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "smugglesim.experiments.benchmark",
                "--years",
                str(args.years),
                "--child",
                str(seed),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(out.stdout))
    times = [r["seconds"] for r in results]
    peaks = [r["peak_mb"] for r in results]
    print(f"baseline, {args.years:g} years, {args.repeats} replications (seeds 1-{args.repeats})")
    print(
        f"time per replication: median {statistics.median(times):.2f} s  (min {min(times):.2f}, max {max(times):.2f})"
    )
    print(f"peak memory: median {statistics.median(peaks):.0f} MB  (max {max(peaks):.0f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
