"""Benchmark of batch runs: wall time, runs per second and parallel efficiency.

    python -m smugglesim.experiments.bench_batch --replications 20 --years 5 --workers 1 2

runs the same batch (every scenario × N replications, paired seeds) once per worker count,
each into a fresh folder, and prints one line per setting plus the parallel efficiency
``t(1) / (k × t(k))``. ``--json FILE`` keeps the figures. The peak resident memory of this
process and of its worker processes shows whether the batch streams its results.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from smugglesim.experiments.batch import run_batch

ROOT = Path(__file__).resolve().parents[2]


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def cpu_control(workers: int, n: int = 10_000_000) -> float:
    """Parallel efficiency of a pure-Python loop: what the machine offers right now.

    The machine is shared; when other processes hold the cores, even this loop, which has
    no I/O and nothing to share, cannot reach an efficiency of 1.
    """
    start = time.perf_counter()
    for _ in range(workers):
        _spin(n)
    serial = time.perf_counter() - start
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_spin, [1] * workers))  # start the processes first
        start = time.perf_counter()
        list(pool.map(_spin, [n] * workers))
        parallel = time.perf_counter() - start
    return round(serial / (workers * parallel), 3)


def bench(
    scenarios: list[Path], replications: int, years: float, workers: int, engine: str, seed: int
) -> dict:
    with tempfile.TemporaryDirectory(prefix="smugglesim-bench-") as tmp:
        start = time.perf_counter()
        runs = run_batch(
            scenarios, replications, out=tmp, workers=workers, engine=engine, seed=seed,
            overrides={"run.years": years}, progress=False,
        )  # fmt: skip
        wall = time.perf_counter() - start
        load = os.getloadavg()[0]
        run_seconds = json.loads((Path(tmp) / "manifest.json").read_text())["run_seconds"]
        size = sum(p.stat().st_size for p in Path(tmp).glob("*.parquet"))
    return {
        "engine": engine,
        "workers": workers,
        "runs": len(runs),
        "failed": int((runs["status"] != "ok").sum()),
        "wall_s": round(wall, 2),
        "runs_per_s": round(len(runs) / wall, 3),
        "s_per_run": round(wall / len(runs), 3),
        "parquet_mb": round(size / 1e6, 2),
        # Model time summed over runs / (workers × wall): near 1 when the runner keeps every
        # worker busy, whatever the speed of each run.
        "worker_utilisation": round(run_seconds / (workers * wall), 3),
        # The machine is shared: a 1-minute load above the worker count means other
        # processes competed for the cores and the timing overstates the batch's own cost.
        "load_avg_1min_at_end": round(load, 2),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("scenarios", nargs="*", type=Path,
                   help="scenario files (default: every scenarios/*.toml)")  # fmt: skip
    p.add_argument("--replications", "-n", type=int, default=20)
    p.add_argument("--years", type=float, default=5.0)
    p.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    p.add_argument("--engine", choices=("process", "dask"), default="process")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = p.parse_args(argv)
    scenarios = args.scenarios or sorted((ROOT / "scenarios").glob("*.toml"))
    print(
        f"{len(scenarios)} scenarios × {args.replications} replications, {args.years:g} years, "
        f"engine {args.engine}, {os.cpu_count()} CPUs, {platform.processor() or platform.machine()}"
    )
    top = max(args.workers)
    control = {"before": cpu_control(top)} if top > 1 else {}
    if control:
        print(f"control: a pure-Python loop reaches parallel efficiency {control['before']:.2f} "
              f"on {top} processes now")  # fmt: skip
    results = []
    for workers in args.workers:
        r = bench(scenarios, args.replications, args.years, workers, args.engine, args.seed)
        results.append(r)
        print(
            f"workers {workers}: {r['runs']} runs ({r['failed']} failed) in {r['wall_s']:.1f} s, "
            f"{r['runs_per_s']:.2f} runs/s, {r['s_per_run']:.2f} s per run "
            f"(load average {r['load_avg_1min_at_end']:.1f} at the end; "
            f"workers busy {r['worker_utilisation']:.0%} of the time)"
        )
    base = next((r for r in results if r["workers"] == 1), None)
    for r in results:
        if base is not None and r["workers"] > 1:
            r["parallel_efficiency"] = round(base["wall_s"] / (r["workers"] * r["wall_s"]), 3)
            print(f"parallel efficiency at {r['workers']} workers: {r['parallel_efficiency']:.2f}")
    if control:
        control["after"] = cpu_control(top)
        print(f"control after the batches: {control['after']:.2f}")
    peak = {
        "main_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "largest_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
    }  # fmt: skip
    print(f"peak resident memory: main process {peak['main_mb']} MB, "
          f"largest worker {peak['largest_worker_mb']} MB")  # fmt: skip
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "scenarios": [str(s) for s in scenarios],
                    "replications": args.replications,
                    "years": args.years,
                    "results": results,
                    "peak_memory": peak,
                    "cpu_control_efficiency": control,
                },
                indent=2,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
