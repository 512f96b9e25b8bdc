"""Where runs execute: one interface over this process, a process pool, and Dask.

Every engine takes :class:`~smugglesim.experiments.specs.RunTask` objects and yields
:class:`RunResult` objects as they finish (in any order). The worker function
:func:`run_one` is a top-level function of an importable module, so it pickles to worker
processes and Dask workers, and notebooks need no ``if __name__ == "__main__"`` guard.
A run that raises comes back as a result with ``status="failed"``, it does not stop the
others; a worker that dies is reported the same way for the runs it was given. Losing the
engine itself (the Dask scheduler, the connection to it) raises :class:`EngineLostError`: the
runs in flight did not fail, they were not done.

The pool engines hand a worker the runs of one seed together (:func:`bundles`): a worker
process keeps each seed's warm state (``smugglesim.model.model``), so the configurations of
a seed that differ only in their measures warm up once instead of once on every worker that
happens to take one. Results are the same either way; only the cost changes.
"""

from __future__ import annotations

import concurrent.futures as cf
import gc
import logging
import multiprocessing
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from smugglesim.experiments.specs import RunTask
from smugglesim.model.model import SmugglingModel, raise_interrupt_behind
from smugglesim.model.scenario import Scenario

ENGINES = ("process", "dask")


class EngineLostError(RuntimeError):
    """The engine cannot run anything more: the Dask scheduler or the connection to it is gone."""


@dataclass
class RunResult:
    run_id: str
    status: str  # "ok" | "failed"
    error: str | None
    metrics: dict[str, Any]
    timeseries: pd.DataFrame | None
    elapsed_s: float


def flatten_summary(summary: dict[str, Any]) -> dict[str, Any]:
    """Scalars as they are; per-route and per-source dicts as ``arrivals_central_med`` etc."""
    flat: dict[str, Any] = {}
    for key, value in summary.items():
        if key in ("scenario", "seed"):
            continue  # the batch records its own scenario label and seed
        if isinstance(value, dict):
            stem = key.removesuffix("_by_route").removesuffix("_by_source")
            for sub, v in value.items():
                flat[f"{stem}_{sub}"] = v
        elif isinstance(value, list | tuple):
            flat[key] = ",".join(map(str, value))
        else:
            flat[key] = value
    return flat


def run_one(task: RunTask) -> RunResult:
    """Run one replication; never raises for a model error (it is recorded instead)."""
    start = time.perf_counter()
    try:
        scenario = Scenario.model_validate(task.config)
        model = SmugglingModel(scenario, rng=task.seed).run()
        metrics = flatten_summary(model.summary())
        ts = model.timeseries()
    except Exception as exc:  # a failing replication must not stop the batch
        raise_interrupt_behind(exc)  # but a Ctrl-C or SIGTERM in disguise must
        return RunResult(
            task.run_id, "failed", f"{type(exc).__name__}: {exc}", {}, None, _since(start)
        )
    return RunResult(task.run_id, "ok", None, metrics, ts, _since(start))


Worker = Callable[[RunTask], RunResult]
"""What an engine calls for each task: :func:`run_one`, or another top-level function of an
importable module that never raises (the hindcast's keeps only the figures it compares)."""

BUNDLES_PER_WORKER = 4
"""Bundles of runs are kept small enough that there are at least this many per worker (when
there are that many runs), so that every worker stays busy to the end of a batch."""


def bundles(tasks: Iterable[RunTask], workers: int) -> list[list[RunTask]]:
    """``tasks`` cut, in their order, into bundles of consecutive tasks of one seed, each
    handed to one worker (:func:`run_bundle`). A bundle holds at most ``len(tasks) /
    (BUNDLES_PER_WORKER x workers)`` tasks (rounded up): with few runs per worker, one task
    each. Tasks come seed by seed from the batch layer (``specs.seed_by_seed``); in any
    other order, a seed's tasks apart from each other go to separate bundles."""
    tasks = list(tasks)
    most = max(1, -(-len(tasks) // (BUNDLES_PER_WORKER * max(1, workers))))
    out: list[list[RunTask]] = []
    for task in tasks:
        if out and out[-1][-1].seed == task.seed and len(out[-1]) < most:
            out[-1].append(task)
        else:
            out.append([task])
    return out


def run_bundle(worker: Worker, tasks: list[RunTask]) -> list[RunResult]:
    """Run ``tasks`` one after another in this process with ``worker``: the first of a seed
    warms up and keeps its state, the others of the same status quo take it over."""
    return [worker(task) for task in tasks]


def _since(start: float) -> float:
    return time.perf_counter() - start


def _failed(task: RunTask, exc: BaseException) -> RunResult:
    return RunResult(task.run_id, "failed", f"{type(exc).__name__}: {exc}", {}, None, 0.0)


def _init_worker() -> None:
    """In a new worker: leave Ctrl-C to the batch, which stops the pool (no traceback per
    worker), and put the objects the worker starts with (the imports, and what a forked
    worker inherits) out of the garbage collector's reach (``gc.freeze``). They live as long
    as the worker; each full collection would walk them all and write to the pages a forked
    worker shares with its parent, which then copies them (35 MB more private memory a
    worker after 8 replications of 5 years, docs/performance.md). Only the worker's collector is
    changed: the caller's process is not."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    gc.freeze()


def dask_setup(worker: Any) -> None:
    """Dask's preload hook (``dask worker ADDRESS --preload smugglesim.experiments.engines``;
    the local cluster of :class:`DaskEngine` preloads it too): once the worker has started,
    with this module and the model imported, the objects it holds are put out of the
    garbage collector's reach (``gc.freeze``), as :func:`_init_worker` does for the process
    pool's workers. A Dask worker starts with about 235,000 of them; a full collection,
    about four every ten 5-year runs, walked them all: 0.23-0.27 s each, 0.12-0.15 s
    frozen (docs/performance.md, "Twelfth look"). Frozen objects are still freed when
    nothing refers to them; only a cycle among them would stay."""
    gc.freeze()


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Make a forkserver child skip re-running the caller's script.

    multiprocessing re-imports ``__main__`` in spawn and forkserver children from its
    ``__spec__`` or ``__file__``; an unguarded script would then start a batch of its own.
    The worker function lives in this module, so the children do not need ``__main__``.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {k: main.__dict__.pop(k) for k in ("__file__", "__spec__") if k in main.__dict__}
    main.__spec__ = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


class Engine(Protocol):
    """What the batch runner needs from an engine."""

    name: str
    workers: int

    def imap_unordered(
        self, tasks: Iterable[RunTask], worker: Worker = ...
    ) -> Iterator[RunResult]: ...

    def close(self) -> None: ...


class InlineEngine:
    """Runs in this process, one run after another (the ``process`` engine with 1 worker)."""

    name = "process"
    workers = 1

    def imap_unordered(
        self, tasks: Iterable[RunTask], worker: Worker = run_one
    ) -> Iterator[RunResult]:
        for task in tasks:
            yield worker(task)

    def close(self) -> None:
        pass


class ProcessEngine:
    """A :class:`concurrent.futures.ProcessPoolExecutor` with a bounded queue of runs.

    Runs go to the workers in :func:`bundles` (the runs of a seed together), at most ``2 ×
    workers`` bundles at a time, so results stream to disk as bundles finish and a killed
    batch loses only those in flight. Workers are forked when this process
    has no other thread (fast); otherwise they come from a forkserver, since forking a
    multi-threaded process can deadlock. Either way the caller's main module is not
    re-imported in the workers, so a script needs no ``if __name__ == "__main__"`` guard.
    """

    name = "process"

    def __init__(self, workers: int) -> None:
        self.workers = workers
        method = "fork" if threading.active_count() == 1 else "forkserver"
        ctx = multiprocessing.get_context(method)
        if method == "forkserver":
            ctx.set_forkserver_preload(["smugglesim.experiments.engines"])
        self._pool = cf.ProcessPoolExecutor(
            max_workers=workers, mp_context=ctx, initializer=_init_worker
        )
        # Start every worker now (one per no-op task), before a progress bar adds a thread.
        with _main_module_hidden():
            for fut in [self._pool.submit(time.sleep, 0.05) for _ in range(workers)]:
                fut.result()

    def imap_unordered(
        self, tasks: Iterable[RunTask], worker: Worker = run_one
    ) -> Iterator[RunResult]:
        pending: dict[cf.Future, list[RunTask]] = {}
        queue = iter(bundles(tasks, self.workers))

        def top_up() -> None:
            while len(pending) < 2 * self.workers and (bundle := next(queue, None)) is not None:
                pending[self._pool.submit(run_bundle, worker, bundle)] = bundle

        top_up()
        while pending:
            done, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            for fut in done:
                bundle = pending.pop(fut)
                try:
                    results = fut.result()
                except Exception as exc:  # the worker process died (BrokenProcessPool...)
                    results = [_failed(task, exc) for task in bundle]
                yield from results
            top_up()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


QUIET_LOGGERS = ("distributed.client", "distributed.utils", "distributed.core")


class DaskEngine:
    """Dask distributed: a ``LocalCluster`` (one thread per worker) or an existing scheduler."""

    name = "dask"

    def __init__(self, workers: int, scheduler: str | None = None) -> None:
        try:
            import dask.distributed  # noqa: F401
        except ImportError as exc:
            raise RuntimeError(
                "the dask engine needs dask.distributed: pip install 'smugglesim[cluster]'"
            ) from exc
        self._cluster = None
        # The client logs each failed reconnection with a traceback; a lost scheduler is
        # reported once, by the batch, instead (EngineLostError).
        self._quiet = {name: logging.getLogger(name) for name in QUIET_LOGGERS}
        self._levels = {name: log.level for name, log in self._quiet.items()}
        for log in self._quiet.values():
            log.setLevel(logging.CRITICAL)
        try:
            self._connect(workers, scheduler)
        except BaseException:
            self._restore_logs()
            raise

    def _connect(self, workers: int, scheduler: str | None) -> None:
        from dask.distributed import Client, LocalCluster

        if scheduler:
            self._client = Client(scheduler)
            self.workers = max(1, sum(w["nthreads"] for w in self._workers().values()))
        else:
            self._cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                # No dashboard, but the scheduler still serves its HTTP routes, by default
                # on port 8787: a second cluster on the machine (another batch, a parallel
                # test) found it taken and warned. A free port on this host instead.
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR,
                preload=[__name__],  # dask_setup: the workers' start-up objects frozen
            )
            self._client = Client(self._cluster)
            self.workers = workers

    @property
    def client(self) -> Any:
        """The ``dask.distributed.Client``, for a tool that schedules its own tasks on the same
        cluster (the ABC calibration's pyabc sampler)."""
        return self._client

    def _workers(self) -> dict[str, Any]:
        return self._client.scheduler_info().get("workers", {})

    def imap_unordered(
        self, tasks: Iterable[RunTask], worker: Worker = run_one
    ) -> Iterator[RunResult]:
        from dask.distributed import KilledWorker, as_completed

        queue = iter(bundles(tasks, self.workers))
        pending: dict[Any, list[RunTask]] = {}
        running = as_completed()

        def submit(bundle: list[RunTask]) -> None:
            key = f"runs-{bundle[0].run_id}-{len(bundle)}"
            fut = self._client.submit(run_bundle, worker, bundle, key=key, pure=False)
            pending[fut.key] = bundle
            running.add(fut)

        for _ in range(2 * self.workers):
            if (bundle := next(queue, None)) is not None:
                submit(bundle)
        for fut in running:
            bundle = pending.pop(fut.key)
            try:
                results = fut.result()
            except KilledWorker as exc:  # a run took its worker down (memory, a crash)
                results = [_failed(task, exc) for task in bundle]
            except Exception as exc:  # cancelled or unreachable: the scheduler is gone
                first = next(iter(str(exc).splitlines()), "")
                raise EngineLostError(
                    f"lost the Dask scheduler: {type(exc).__name__}: {first}"
                ) from exc
            finally:
                fut.release()
            yield from results
            if (nxt := next(queue, None)) is not None:
                submit(nxt)

    def close(self) -> None:
        try:
            self._client.close()
            if self._cluster is not None:
                self._cluster.close()
        finally:
            self._restore_logs()

    def _restore_logs(self) -> None:
        for name, log in self._quiet.items():
            log.setLevel(self._levels[name])


def make_engine(engine: str, workers: int, scheduler: str | None = None) -> Engine:
    """The engine for ``engine`` ("process" or "dask") and ``workers``."""
    if engine == "process":
        if scheduler:
            raise ValueError("--scheduler needs --engine dask")
        return InlineEngine() if workers <= 1 else ProcessEngine(workers)
    if engine == "dask":
        return DaskEngine(workers, scheduler)
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
