"""Batch runs: scenarios × sweep points × paired replications, streamed to Parquet.

>>> from smugglesim.experiments import run_batch
>>> runs = run_batch(["scenarios/baseline.toml", "scenarios/lo_coordination.toml"],
...                  replications=20, workers=2, out="results/lo")        # doctest: +SKIP

Every configuration runs with the same replication seeds (see
:func:`smugglesim.experiments.specs.replication_seeds`), so differences between scenarios are paired.
Results stream to ``out`` as they finish; calling again with the same arguments and ``out``
checks the runs already done and skips those whose parts are whole (see
:mod:`smugglesim.experiments.store`). The manifest ends ``complete``, ``failed`` (some runs failed) or
``interrupted`` (Ctrl-C, SIGTERM, a full disk, a lost scheduler): see :func:`run_batch`.
"""

from __future__ import annotations

import errno
import json
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pandas as pd

from smugglesim.experiments.engines import EngineLostError, InlineEngine, make_engine
from smugglesim.experiments.progress import Progress
from smugglesim.experiments.specs import (
    Sweep,
    build_entries,
    build_tasks,
    replication_seeds,
    scenario_files,
    seed_by_seed,
    sha256_file,
)
from smugglesim.experiments.store import DamagedPartError, PartStore, write_json_atomic
from smugglesim.model.provenance import now, provenance
from smugglesim.model.scenario import Scenario, ScenarioError

__all__ = ["BatchCancelled", "BatchInterruptedError", "Progress", "run_batch"]


class _Stopped:
    """What a stopped batch reports: why, how far it got, where its results are."""

    exit_status = 1

    def __init__(self, reason: str, out: Path, runs_done: int, runs_total: int) -> None:
        self.reason, self.out = reason, out
        self.runs_done, self.runs_total = runs_done, runs_total
        super().__init__(
            f"batch interrupted ({reason}) with {runs_done} of {runs_total} runs done; "
            f"they are kept in {out}: run the same command again to resume"
        )


class BatchInterruptedError(_Stopped, Exception):
    """The batch stopped on an error that is not a run's own (a full disk, a lost scheduler)."""


class BatchCancelled(_Stopped, KeyboardInterrupt):
    """The batch was stopped by Ctrl-C or SIGTERM (a KeyboardInterrupt, so it is not swallowed
    by ``except Exception``)."""

    @property
    def exit_status(self) -> int:  # type: ignore[override]
        """128 + the signal's number, as a shell reports a process stopped by it."""
        return 128 + (signal.SIGTERM if self.reason == "SIGTERM" else signal.SIGINT)


class _Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread by :func:`_sigterm_raises`."""


_TERMINATED = threading.Event()
"""Set by the SIGTERM handler of :func:`_sigterm_raises`. Python does not raise an exception
that a signal handler raises inside a weak reference's callback or a finalizer (it reports
it and goes on), so the batch also stops at the next finished run once this is set."""


@contextmanager
def _sigterm_raises() -> Iterator[None]:
    """Turn SIGTERM into an exception while the batch runs, so that the manifest is closed.

    Only in the main thread and only when nobody else handles SIGTERM.
    """
    if threading.current_thread() is not threading.main_thread() or (
        signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL
    ):
        yield
        return

    def handler(signum: int, frame: object) -> None:
        _TERMINATED.set()
        raise _Terminated

    _TERMINATED.clear()
    signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _reason(exc: BaseException) -> str:
    """Why a batch stopped, in a few words."""
    if isinstance(exc, _Terminated):
        return "SIGTERM"
    if isinstance(exc, KeyboardInterrupt):
        return "Ctrl-C"
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"disk full: {exc.filename or exc.strerror}"
    if isinstance(exc, EngineLostError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _say(text: str, bar: Progress | None) -> None:
    if bar is not None:
        bar.line(text)
    else:
        print(f"batch: {text}", file=sys.stderr, flush=True)


def _verify_done(
    store: PartStore, tasks: list, weeks: dict[str, int], bar: Progress | None
) -> list[dict[str, Any]]:
    """Check every finished run's parts; discard those that are not whole, saying so."""
    done = store.done()
    bad = []
    for task in tasks:
        if task.run_id in done and (problem := store.check(task, weeks[task.scenario])):
            store.discard(task.run_id)
            bad.append(
                {
                    "run_id": task.run_id,
                    "scenario": task.scenario,
                    "replication": task.replication,
                    "problem": problem,
                }
            )
    for item in bad[:5]:
        _say(
            f"{item['scenario']} replication {item['replication']}: {item['problem']}; "
            "running it again",
            bar,
        )
    if len(bad) > 5:
        _say(f"... and {len(bad) - 5} more finished runs with missing or corrupt parts", bar)
    return bad


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
        progress: Show progress on stderr. Finished runs found broken and run again are
            reported on stderr either way.

    Returns:
        One row per run (see runs.parquet); failed runs have ``status == "failed"``.

    Raises:
        BatchCancelled: Ctrl-C or SIGTERM (a KeyboardInterrupt).
        BatchInterruptedError: any other stop before every run was done: a full disk, a lost
            Dask scheduler, a broken worker pool. Either way ``manifest.json`` says
            ``interrupted`` and why, no temporary file is left, and calling again with the
            same arguments resumes.
        ScenarioError: Bad input, before anything runs; among it, a sweep whose points came
            from a file (a posterior) that has changed since ``out``'s batch drew from it.
    """
    out = Path(out)
    _same_origin(out, sweep)
    seeds = replication_seeds(seed, replications)
    entries = build_entries(scenarios, seed, overrides, sweep)
    tasks = build_tasks(entries, seeds)
    by_label = {e.label: e for e in entries}
    weeks = {e.label: e.scenario.weeks for e in entries}
    store = PartStore(out)
    store.remove_temporary()

    record = provenance({e.label: e.config for e in entries})
    for e in entries:
        record["scenarios"][e.label] = {
            "name": e.name,
            "file": e.file,
            "sha256": e.file_sha256,
            "point": e.point,
            "values": e.values,
            "measures": e.measure_starts(),
            **record["scenarios"][e.label],
        }
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
        **record,
        "started": record["created"],
        "runs_total": len(tasks),
    }
    t0 = time.perf_counter()
    bar = None
    ids = {t.run_id for t in tasks}
    with _sigterm_raises():
        try:
            recomputed = _verify_done(store, tasks, weeks, None)
            done = store.done()
            todo = [t for t in tasks if t.run_id not in done]
            manifest["runs_skipped_as_done"] = len(tasks) - len(todo)
            manifest["runs_recomputed"] = recomputed
            write_json_atomic(manifest, out / "manifest.json")
            if todo:
                bar = Progress(len(tasks), len(tasks) - len(todo), "batch") if progress else None
                manifest["run_seconds"] = _run(
                    todo, store, by_label, make_engine(engine, workers, scheduler), bar, manifest
                )
            runs = _consolidate(store, tasks, by_label, manifest)
        except BaseException as exc:
            if bar is not None:
                bar.close()
            done = len(store.done() & ids)
            manifest.update(status="interrupted", reason=_reason(exc), finished=now())
            manifest["runs_done"] = done
            _close_manifest(manifest, out)
            kind = BatchCancelled if isinstance(exc, KeyboardInterrupt) else BatchInterruptedError
            raise kind(manifest["reason"], out, done, len(tasks)) from exc
    if bar is not None:
        bar.close()
    n_ok = int((runs["status"] == "ok").sum()) if not runs.empty else 0
    manifest.update(
        status="complete" if n_ok == len(tasks) else "failed",
        finished=now(),
        wall_s=round(time.perf_counter() - t0, 3),
        runs_done=n_ok,
        runs_failed=len(tasks) - n_ok,
    )
    write_json_atomic(manifest, out / "manifest.json")
    return runs


def _same_origin(out: Path, sweep: Sweep | None) -> None:
    """Refuse to resume a batch whose sweep was drawn from a file (a posterior) whose content
    has changed since: its runs would all be new, and its folder would hold the draws of two
    posteriors. A folder without a readable manifest has nothing to compare with."""
    now = (sweep.origin or {}) if sweep is not None else {}
    try:
        before = json.loads((out / "manifest.json").read_text())["sweep"]["origin"]
        old = before["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    if "sha256" in now and now["sha256"] != old:
        raise ScenarioError(
            f"{out}: its batch drew its parameter sets from {before.get('posterior')} "
            f"(SHA-256 {str(old)[:12]}...), and {now.get('posterior')} has SHA-256 "
            f"{now['sha256'][:12]}... now: give another output folder, or remove {out} to "
            "start again"
        )


def _run(todo: list, store: PartStore, by_label: dict, runner, bar, manifest) -> float:
    """Run ``todo`` on ``runner``, storing each result as it comes; the model seconds."""
    manifest["workers"] = runner.workers
    by_id = {t.run_id: t for t in todo}
    run_seconds = 0.0  # time inside the model, summed over runs: how busy the workers were
    try:
        for result in runner.imap_unordered(seed_by_seed(todo)):
            task = by_id[result.run_id]
            store.write(task, by_label[task.scenario], result)
            run_seconds += result.elapsed_s
            if bar is not None:
                bar.update(result.status == "ok")
            if _TERMINATED.is_set():  # a SIGTERM whose exception Python did not raise
                raise _Terminated
    except BaseException:
        with suppress(Exception):  # an engine that broke may fail to close too
            runner.close()
        raise
    runner.close()
    return round(run_seconds, 3)


def _consolidate(
    store: PartStore, tasks: list, by_label: dict, manifest: dict[str, Any]
) -> pd.DataFrame:
    """Consolidate; a part found unreadable there is discarded and its run run again here
    (once: a part that is unreadable again right after it was written is an error)."""
    again: set[str] = set()
    while True:
        try:
            return store.consolidate(tasks, _parquet_record(manifest))
        except DamagedPartError as exc:
            task = exc.task
            if task.run_id in again:
                raise
            again.add(task.run_id)
            store.discard(task.run_id)
            _say(
                f"{task.scenario} replication {task.replication}: {exc.problem}; running it again",
                None,
            )
            manifest["runs_recomputed"].append(
                {"run_id": task.run_id, "scenario": task.scenario,
                 "replication": task.replication, "problem": exc.problem}
            )  # fmt: skip
            _run([task], store, by_label, InlineEngine(), None, {})


def _parquet_record(manifest: dict[str, Any]) -> dict[str, Any]:
    """What the consolidated Parquet files carry in their metadata: the manifest's provenance."""
    keys = (
        "command", "root_seed", "replication_seeds", "overrides", "sweep", "files",
        "smugglesim_version", "git", "python", "platform", "versions", "created", "scenarios",
    )  # fmt: skip
    return {k: manifest[k] for k in keys}


def _close_manifest(manifest: dict[str, Any], out: Path) -> None:
    """Write the final manifest, in place if a full disk leaves no room for a second copy."""
    path = out / "manifest.json"
    try:
        write_json_atomic(manifest, path)
    except OSError:
        try:
            path.write_text(json.dumps(manifest, indent=2, default=str) + "\n")
        except OSError as exc:
            print(f"batch: could not update {path}: {exc.strerror}", file=sys.stderr)


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
