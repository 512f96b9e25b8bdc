"""Replications of several scenarios on paired seeds, kept in memory.

The same configurations, seeds and worker function as :func:`smugglesim.experiments.run_batch`
(:mod:`smugglesim.experiments.specs`, :mod:`smugglesim.experiments.engines`), so the same arguments give the same
numbers, but the results come back as data frames instead of Parquet files: for a notebook
or a script that does not need the runs on disk. For runs worth keeping, resuming or
sharing, use :func:`smugglesim.experiments.run_batch`.

>>> reps = run_replications(["scenarios/baseline.toml", "scenarios/iru_takedowns.toml"],
...                         replications=10, workers=2, overrides={"run.years": 2})  # doctest: +SKIP
>>> reps.runs.groupby("scenario").confiscation_ratio.mean()                          # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from smugglesim.experiments.engines import RunResult, make_engine
from smugglesim.experiments.specs import (
    Sweep,
    build_entries,
    build_tasks,
    replication_seeds,
    seed_by_seed,
)
from smugglesim.model.scenario import Scenario


@dataclass
class Replications:
    """What :func:`run_replications` returns.

    Attributes:
        runs: One row per run, in task order (scenario, sweep point, replication): the
            columns of a batch's ``runs.parquet`` but the file's name and hash.
        timeseries: One row per run and week: ``scenario``, ``replication`` and the weekly
            outputs (empty when no run succeeded).
        seeds: The replication seeds, shared by every scenario.
        measures: Scenario label -> its active measures with their start weeks (as in a
            batch manifest's ``scenarios.<label>.measures``).
        first_day: Scenario label -> ``run.first_day`` (the first day of week 0).
    """

    runs: pd.DataFrame
    timeseries: pd.DataFrame
    seeds: list[int]
    measures: dict[str, list[dict[str, Any]]]
    first_day: dict[str, dt.date]


def run_replications(
    scenarios: list[str | Path | Scenario],
    replications: int,
    *,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
    sweep: Sweep | None = None,
    workers: int = 1,
    engine: str = "process",
    scheduler: str | None = None,
    progress: bool = False,
) -> Replications:
    """Run every scenario (and sweep point) ``replications`` times on paired seeds.

    Args: as :func:`smugglesim.experiments.run_batch`, without ``out`` and ``command``; ``workers`` is
    capped at the number of runs.
    """
    if replications < 1:
        raise ValueError(f"replications: must be at least 1, not {replications}")
    seeds = replication_seeds(seed, replications)
    entries = build_entries(scenarios, seed, overrides, sweep)
    tasks = build_tasks(entries, seeds)
    results: dict[str, RunResult] = {}
    runner = make_engine(engine, max(1, min(workers, len(tasks))), scheduler)
    bar = None
    try:
        if progress:
            from smugglesim.experiments.batch import Progress

            bar = Progress(len(tasks), 0, "replications")
        for result in runner.imap_unordered(seed_by_seed(tasks)):
            results[result.run_id] = result
            if bar is not None:
                bar.update(result.status == "ok")
    finally:
        if bar is not None:
            bar.close()
        runner.close()
    by_label = {e.label: e for e in entries}
    rows: list[dict[str, Any]] = []
    series: list[pd.DataFrame] = []
    for task in tasks:
        entry, result = by_label[task.scenario], results[task.run_id]
        rows.append(
            {
                "scenario": task.scenario,
                "scenario_name": entry.name,
                "point": entry.point,
                **entry.values,
                "replication": task.replication,
                "seed": task.seed,
                "run_id": task.run_id,
                "status": result.status,
                "error": result.error,
                **result.metrics,
            }
        )
        if result.timeseries is not None:
            ts = result.timeseries
            ts.insert(0, "replication", task.replication)
            ts.insert(0, "scenario", task.scenario)
            series.append(ts)
    return Replications(
        runs=pd.DataFrame(rows),
        timeseries=pd.concat(series, ignore_index=True) if series else pd.DataFrame(),
        seeds=seeds,
        measures={e.label: e.measure_starts() for e in entries},
        first_day={e.label: e.scenario.run.first_day for e in entries},
    )
