"""Batch runs: scenarios × sweep points × paired replications, streamed to Parquet.

>>> from experiments import run_batch
>>> runs = run_batch(["scenarios/baseline.toml", "scenarios/lo_coordination.toml"],
...                  replications=20, workers=2, out="results/lo")        # doctest: +SKIP

Every configuration runs with the same replication seeds (see
:func:`experiments.specs.replication_seeds`), so differences between scenarios are paired.
Results stream to ``out`` as they finish; calling again with the same arguments and ``out``
skips the runs already done (see :mod:`experiments.store`).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, TextIO

import pandas as pd

from experiments.engines import make_engine
from experiments.specs import (
    Sweep,
    build_entries,
    build_tasks,
    replication_seeds,
    scenario_files,
    sha256_file,
)
from experiments.store import PartStore, write_json_atomic
from model.scenario import Scenario

PACKAGES = (
    "smugglesim",
    "mesa",
    "numpy",
    "pandas",
    "pyarrow",
    "scipy",
    "SALib",
    "dask",
    "distributed",
)


class Progress:
    """A tqdm bar on an interactive stderr; otherwise a plain line every ``interval`` seconds."""

    def __init__(
        self,
        total: int,
        initial: int,
        desc: str,
        interval: float = 5.0,
        stream: TextIO | None = None,
    ) -> None:
        self.stream = stream or sys.stderr
        self.total, self.count, self.failed = total, initial, 0
        self.initial, self.interval, self.desc = initial, interval, desc
        self.start = self.last = time.monotonic()
        self.bar = None
        if self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                initial=initial,
                desc=desc,
                file=self.stream,
                unit="run",
                dynamic_ncols=True,
            )
        elif initial:
            self._line(f"{initial} of {total} runs already done, resuming")

    def _line(self, text: str) -> None:
        print(f"{self.desc}: {text}", file=self.stream, flush=True)

    def update(self, ok: bool) -> None:
        self.count += 1
        self.failed += not ok
        if self.bar is not None:
            self.bar.update(1)
            if self.failed:
                self.bar.set_postfix(failed=self.failed)
            return
        now = time.monotonic()
        if now - self.last >= self.interval or self.count == self.total:
            self.last = now
            rate = (self.count - self.initial) / max(now - self.start, 1e-9)
            eta = (self.total - self.count) / rate if rate > 0 else float("nan")
            self._line(
                f"{self.count}/{self.total} runs, {self.failed} failed, "
                f"{rate:.2f} runs/s, about {eta:.0f} s left"
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def package_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def git_commit() -> dict[str, Any] | None:
    """The commit of the source tree the model was imported from, when it is a git checkout."""
    import model

    root = Path(model.__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "model"],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": head, "model_dirty": bool(dirty.strip())}


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def run_batch(
    scenarios: list[str | Path | Scenario],
    replications: int,
    *,
    out: str | Path,
    workers: int = 1,
    engine: str = "process",
    scheduler: str | None = None,
    seed: int = 0,
    sweep: Sweep | None = None,
    overrides: dict[str, Any] | None = None,
    command: str | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """Run every scenario (and sweep point) ``replications`` times on paired seeds.

    Args:
        scenarios: Scenario files (their ``[sweep]`` tables are honoured) or Scenario objects.
        replications: Replications per configuration; all share the same seeds.
        out: Output folder (runs.parquet, timeseries.parquet, manifest.json, parts/).
        workers: Worker processes (Dask workers for a LocalCluster); 1 runs in this process.
        engine: ``"process"`` or ``"dask"``.
        scheduler: Address of a running Dask scheduler (``tcp://host:8786``), engine dask.
        seed: Root seed of the replication seeds.
        sweep: A sweep applied to every scenario (replaces the files' ``[sweep]`` tables).
        overrides: Dotted parameter values applied to every scenario, e.g. ``{"run.years": 1}``.
        command: The command line recorded in the manifest (default: this call).
        progress: Show progress on stderr.

    Returns:
        One row per run (see runs.parquet); failed runs have ``status == "failed"``.
    """
    started = _now()
    out = Path(out)
    seeds = replication_seeds(seed, replications)
    entries = build_entries(scenarios, seed, overrides, sweep)
    tasks = build_tasks(entries, seeds)
    by_label = {e.label: e for e in entries}
    store = PartStore(out)
    done = store.done()
    todo = [t for t in tasks if t.run_id not in done]

    manifest: dict[str, Any] = {
        "command": command or _call_repr(scenarios, replications, workers, engine, seed, out),
        "status": "running",
        "root_seed": seed,
        "replications": replications,
        "replication_seeds": seeds,
        "engine": engine,
        "workers": workers,
        "scheduler": scheduler,
        "overrides": overrides or {},
        "sweep": sweep.to_dict() if sweep else None,
        "files": _files(scenarios),
        "scenarios": {
            e.label: {
                "name": e.name,
                "file": e.file,
                "sha256": e.file_sha256,
                "point": e.point,
                "values": e.values,
                "measures": e.measure_starts(),
                "config": e.config,
            }
            for e in entries
        },
        "versions": package_versions(),
        "git": git_commit(),
        "python": sys.version,
        "platform": platform.platform(),
        "started": started,
        "runs_total": len(tasks),
        "runs_skipped_as_done": len(tasks) - len(todo),
    }
    write_json_atomic(manifest, out / "manifest.json")

    t0 = time.perf_counter()
    bar = None
    if todo:
        runner = make_engine(engine, workers, scheduler)
        manifest["workers"] = runner.workers
        by_id = {t.run_id: t for t in todo}
        run_seconds = 0.0  # time inside the model, summed over runs: how busy the workers were
        try:
            bar = Progress(len(tasks), len(tasks) - len(todo), "batch") if progress else None
            for result in runner.imap_unordered(todo):
                task = by_id[result.run_id]
                store.write(task, by_label[task.scenario], result)
                run_seconds += result.elapsed_s
                if bar is not None:
                    bar.update(result.status == "ok")
        except BaseException as exc:  # Ctrl-C, a broken pool, a lost scheduler
            manifest.update(status="interrupted", finished=_now(), error=repr(exc))
            manifest["runs_done"] = len(store.done() & {t.run_id for t in tasks})
            write_json_atomic(manifest, out / "manifest.json")
            raise
        finally:
            if bar is not None:
                bar.close()
            runner.close()
        manifest["run_seconds"] = round(run_seconds, 3)
    runs = store.consolidate(tasks)
    n_ok = int((runs["status"] == "ok").sum()) if not runs.empty else 0
    manifest.update(
        status="complete" if n_ok == len(tasks) else "failed",
        finished=_now(),
        wall_s=round(time.perf_counter() - t0, 3),
        runs_done=n_ok,
        runs_failed=len(tasks) - n_ok,
    )
    write_json_atomic(manifest, out / "manifest.json")
    return runs


def _files(scenarios: list[str | Path | Scenario]) -> list[dict[str, str]]:
    files: list[dict[str, str]] = []
    seen: set[Path] = set()
    for item in scenarios:
        if isinstance(item, Scenario):
            continue
        for i, path in enumerate(scenario_files(Path(item))):
            if path in seen:
                continue
            seen.add(path)
            files.append(
                {
                    "path": str(path),
                    "role": "scenario" if i == 0 else "extends",
                    "sha256": sha256_file(path),
                }
            )
    return files


def _call_repr(scenarios, replications, workers, engine, seed, out) -> str:
    names = [s.name if isinstance(s, Scenario) else str(s) for s in scenarios]
    return (
        f"run_batch({json.dumps(names)}, replications={replications}, workers={workers}, "
        f"engine={engine!r}, seed={seed}, out={str(out)!r})"
    )
