"""What Python's cyclic garbage collector costs a replication, by generation.

    python -m smugglesim.experiments.collector_cost [--replications 10] [--years 5]
        [--freeze-imports] [--scenario scenarios/baseline.toml] [--set KEY=VALUE ...]

Runs seeds 1-5 once, so that their warm states are kept, then ``--replications`` that take
over a kept state (seeds 1-5 in turn), as ``compare_speed --warm-up kept`` times them, and
prints per replication the CPU seconds, the collections of each generation and the time
they took (``gc.callbacks``), and what one full collection costs with the objects this
process holds. The collector is set off by the count of objects made; a full collection
(generation 2) walks every object it tracks, most of them made by the imports (numpy,
pandas, networkx, Mesa, numba), so it costs by the size of the process rather than by the
garbage it finds.

``--freeze-imports`` moves the objects that exist after the imports out of the collector's
reach (``gc.freeze()``) before the first run, as a process that runs replications and
nothing else (a batch worker) could: what a full collection then costs. It is not done by
the model, since it would also exempt a caller's own objects from collection.
"""

from __future__ import annotations

import gc
import time

from smugglesim.experiments.compare_speed import scenario_parser
from smugglesim.model import SmugglingModel, load_scenario

SEEDS = (1, 2, 3, 4, 5)


class CollectorTimer:
    """Counts the collections of each generation and the seconds they take, while
    installed (a context manager)."""

    def __init__(self) -> None:
        self.count = [0, 0, 0]
        self.seconds = [0.0, 0.0, 0.0]
        self._start = 0.0

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            generation = info["generation"]
            self.count[generation] += 1
            self.seconds[generation] += time.perf_counter() - self._start

    def __enter__(self) -> CollectorTimer:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)


def full_collection_seconds() -> float:
    """Seconds one full collection takes now (``gc.collect()``; it also frees what it finds)."""
    start = time.perf_counter()
    gc.collect()
    return time.perf_counter() - start


def main() -> int:
    parser = scenario_parser(__doc__)
    parser.add_argument("--replications", type=int, default=10)
    parser.add_argument("--freeze-imports", action="store_true")
    args = parser.parse_args()
    scenario = load_scenario(args.scenario, {"run.years": args.years, **dict(args.set)})
    tracked = len(gc.get_objects())
    print(f"objects the collector tracks after the imports: {tracked:,}")
    if args.freeze_imports:
        gc.freeze()
        print(f"  frozen (gc.freeze): {gc.get_freeze_count():,}")
    for seed in SEEDS:  # their warm states kept, as compare_speed --warm-up kept does
        SmugglingModel(scenario, rng=seed).run()
    n = args.replications
    with CollectorTimer() as timer:
        start = time.process_time()
        for k in range(n):
            SmugglingModel(scenario, rng=SEEDS[k % len(SEEDS)]).run()
        cpu = time.process_time() - start
    collector = sum(timer.seconds)
    print(
        f"{n} replications of {args.years:g} years taking over a kept state: "
        f"{cpu / n:.3f} s CPU each, of which the collector {collector / n * 1000:.1f} ms "
        f"({collector / cpu:.1%})"
    )
    for generation in range(3):
        print(
            f"  generation {generation}: {timer.count[generation] / n:6.2f} collections, "
            f"{timer.seconds[generation] / n * 1000:6.1f} ms a replication"
        )
    print(
        f"one full collection now: {full_collection_seconds() * 1000:.0f} ms, "
        f"{len(gc.get_objects()):,} objects tracked"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
