"""The cost of a run at a larger volume against the baseline's, side by side.

    python -m smugglesim.experiments.scale_benchmark [--scale 10] [--years 5] [--trials 3]

Runs the baseline (``demand.scale`` 1) and the same scenario at ``--scale`` times the 2018
volume in turns, seeds 1, 2, ... (the same seed for both in a trial), each in a fresh
process so that its peak memory is its own, after one short run, unmeasured, that leaves
numba's compiled loops in their cache. Prints per trial and as medians: CPU seconds
(construction, warm-up and the loading of the compiled loops from the cache, about 0.25 s,
included),
detections per year, the peak resident memory, the largest number of migrants on their
way at once, and the journeys logged; then the ratio of the two costs and the memory per
migrant (the table's bytes per row and the log's bytes per finished journey, from the
column types).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_ONE_RUN = """
import json, resource, sys, time
from smugglesim.model import SmugglingModel, load_scenario
scale, years, seed = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
sc = load_scenario(sys.argv[4], {"run.years": years, "demand.scale": scale})
start = time.process_time()  # the warm-up, in the constructor, counts
model = SmugglingModel(sc, rng=seed)
peak = 0
while model.running:
    model.step()
    peak = max(peak, model.migrants.n - model.migrants.gone)
cpu = time.process_time() - start
s = model.summary()
print(json.dumps({
    "cpu_s": cpu,
    "detections_per_year": sum(s["detections_by_route"].values()) / years,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "peak_en_route": peak,
    "journeys_logged": model.migrants.finished_total(),
}))
"""


def one_run(scale: float, years: float, seed: int, scenario: Path) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", _ONE_RUN, str(scale), str(years), str(seed), str(scenario)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def bytes_per_migrant() -> tuple[int, int]:
    """Bytes per migrant on the way (one row of the table) and per finished journey (one
    row of the log), from the column types."""
    import numpy as np

    from smugglesim.model.migrants import _COLUMNS, MigrantPopulation

    row = sum(np.dtype(t).itemsize for t in _COLUMNS.values())
    log_types = MigrantPopulation.LOG_TYPES
    return row, sum(np.dtype(t).itemsize for t in log_types.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=10.0)
    parser.add_argument("--years", type=float, default=5.0)
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--scenario", type=Path, default=ROOT / "scenarios" / "baseline.toml")
    args = parser.parse_args(argv)
    runs: dict[float, list[dict]] = {1.0: [], args.scale: []}
    one_run(1.0, 0.02, 1, args.scenario)  # compiles the loops into numba's cache if need be
    for trial in range(args.trials):
        for scale in runs:
            r = one_run(scale, args.years, trial + 1, args.scenario)
            runs[scale].append(r)
            print(
                f"trial {trial + 1}, scale {scale:g}: "
                + ", ".join(f"{k} {v:,.4g}" for k, v in r.items())
            )
    ratios = [
        big["cpu_s"] / base["cpu_s"] for base, big in zip(runs[1.0], runs[args.scale], strict=True)
    ]
    print(f"\n{args.years:g}-year runs, {args.trials} trials, medians:")
    for scale, rs in runs.items():
        med = {k: statistics.median(r[k] for r in rs) for k in rs[0]}
        print(f"  scale {scale:g}: " + ", ".join(f"{k} {v:,.4g}" for k, v in med.items()))
    print(
        f"  cost at scale {args.scale:g} / baseline: median ratio {statistics.median(ratios):.2f} "
        f"(min {min(ratios):.2f}, max {max(ratios):.2f})"
    )
    row, logged = bytes_per_migrant()
    print(
        f"  memory per migrant: {row} bytes while on the way, {logged} bytes per finished journey logged"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
