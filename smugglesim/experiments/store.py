"""A batch's results on disk: per-run parts, written atomically, consolidated at the end.

Layout of an output folder::

    DIR/parts/runs/<run_id>.ok.parquet        one row: the run's identity and metrics
    DIR/parts/runs/<run_id>.failed.parquet    one row: the run's identity and its error
    DIR/parts/timeseries/<run_id>.parquet     the run's weekly records
    DIR/runs.parquet, DIR/timeseries.parquet  every run of the batch, in task order
    DIR/manifest.json                         how to regenerate every number

Every file is written to a temporary name and renamed into place, so a batch killed at any
moment (even by SIGKILL) leaves only whole files, and a write that fails (a full disk)
removes its temporary file; a run's ``.ok`` part is written after its time series, so its
presence means the run finished. A resumed batch does not take that on trust: it checks
each finished run's parts (:meth:`PartStore.check`) and runs again those with a part
missing, unreadable or of the wrong length.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from smugglesim.experiments.engines import RunResult
from smugglesim.experiments.specs import RunTask, ScenarioEntry
from smugglesim.model.provenance import config_sha256, with_provenance

ID_COLUMNS = [
    "scenario",
    "scenario_name",
    "scenario_file",
    "scenario_sha256",
    "config_sha256",
    "point",
    "replication",
    "seed",
    "run_id",
    "status",
    "error",
]


TMP_GLOB = ".*.tmp-*"


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """A temporary path renamed to ``path`` on success and removed on any failure."""
    tmp = _tmp(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    with _atomic(path) as tmp:
        pq.write_table(table, tmp)


def write_json_atomic(data: dict[str, Any], path: Path) -> None:
    with _atomic(path) as tmp:
        tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")


def _rows(path: Path, columns: list[str] | None = None) -> tuple[pa.Table | None, str | None]:
    """The table in a part (``columns`` only; none: just its row count), or why it cannot
    be read."""
    if not path.exists():
        return None, "missing"
    try:
        if columns == []:  # the footer alone: the row count, without reading the data
            return pa.table({"n": pa.nulls(pq.read_metadata(path).num_rows)}), None
        return pq.read_table(path, columns=columns), None
    except (OSError, pa.ArrowException) as exc:
        return None, f"unreadable ({type(exc).__name__})"


class DamagedPartError(Exception):
    """A part that passed :meth:`PartStore.check` (its footer) but whose data cannot be read."""

    def __init__(self, task: RunTask, problem: str) -> None:
        super().__init__(f"run {task.run_id}: {problem}")
        self.task, self.problem = task, problem


class PartStore:
    """The parts of one output folder."""

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self.runs_dir = self.out / "parts" / "runs"
        self.ts_dir = self.out / "parts" / "timeseries"
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.ts_dir.mkdir(parents=True, exist_ok=True)

    def done(self) -> set[str]:
        """Run ids with a successful run part (see :meth:`check` before trusting one)."""
        return {p.name.split(".")[0] for p in self.runs_dir.glob("*.ok.parquet")}

    def remove_temporary(self) -> list[Path]:
        """Delete temporary files left by a batch that was killed (SIGKILL) mid-write."""
        left = [p for d in (self.out, self.runs_dir, self.ts_dir) for p in d.glob(TMP_GLOB)]
        for path in left:
            path.unlink(missing_ok=True)
        return left

    def check(self, task: RunTask, weeks: int) -> str | None:
        """What is wrong with a finished run's parts, or None when they are whole.

        Whole means: the run part is readable, holds one row for this run with status ok,
        and the time-series part's footer is readable and counts one row for each of the
        ``weeks``. Its data is read at :meth:`consolidate`, which raises
        :class:`DamagedPartError` for a part that cannot be read after all (reading every
        part twice would double the time a resume takes to start).
        """
        table, problem = _rows(self.runs_dir / f"{task.run_id}.ok.parquet", ["run_id", "status"])
        if table is None:
            return f"run part {problem}"
        if table.num_rows != 1:
            return f"run part has {table.num_rows} rows, expected 1"
        row = table.slice(0, 1).to_pylist()[0]
        if row.get("run_id") != task.run_id or row.get("status") != "ok":
            return "run part records another run"
        table, problem = _rows(self.ts_dir / f"{task.run_id}.parquet", [])
        if table is None:
            return f"time-series part {problem}"
        if table.num_rows != weeks:
            return f"time-series part has {table.num_rows} rows, expected {weeks}"
        return None

    def discard(self, run_id: str) -> None:
        """Remove every part of a run, so that it is run again."""
        for path in (
            self.runs_dir / f"{run_id}.ok.parquet",
            self.runs_dir / f"{run_id}.failed.parquet",
            self.ts_dir / f"{run_id}.parquet",
        ):
            path.unlink(missing_ok=True)

    def write(self, task: RunTask, entry: ScenarioEntry, result: RunResult) -> None:
        """Store one finished run (time series first, then the run row that marks it done)."""
        row: dict[str, Any] = {
            "scenario": task.scenario,
            "scenario_name": entry.name,
            "scenario_file": entry.file,
            "scenario_sha256": entry.file_sha256,
            "config_sha256": config_sha256(task.config),
            "point": entry.point,
            **entry.values,
            "replication": task.replication,
            "seed": task.seed,
            "run_id": task.run_id,
            "status": result.status,
            "error": result.error,
            **result.metrics,
        }
        if result.timeseries is not None:
            ts = result.timeseries.copy()
            ts.insert(0, "replication", task.replication)
            ts.insert(0, "scenario", task.scenario)
            table = pa.Table.from_pandas(ts, preserve_index=False)
            write_parquet_atomic(table, self.ts_dir / f"{task.run_id}.parquet")
        schema_row = pd.DataFrame([row])
        schema_row["error"] = schema_row["error"].astype("string")
        table = pa.Table.from_pandas(schema_row, preserve_index=False)
        write_parquet_atomic(table, self.runs_dir / f"{task.run_id}.{result.status}.parquet")
        if result.status == "ok":
            (self.runs_dir / f"{task.run_id}.failed.parquet").unlink(missing_ok=True)

    def _run_part(self, run_id: str) -> Path | None:
        for status in ("ok", "failed"):
            path = self.runs_dir / f"{run_id}.{status}.parquet"
            if path.exists():
                return path
        return None

    @staticmethod
    def _read(task: RunTask, path: Path, what: str) -> pa.Table:
        table, problem = _rows(path)
        if table is None:
            raise DamagedPartError(task, f"{what} {problem}")
        return table

    def consolidate(
        self, tasks: Iterable[RunTask], record: dict[str, Any] | None = None
    ) -> pd.DataFrame:
        """Write runs.parquet and timeseries.parquet for ``tasks`` (in their order).

        ``record`` (the batch's provenance) goes into both files' metadata.

        Raises:
            FileNotFoundError: a run has no part (one was removed while the batch ran).
            DamagedPartError: a part cannot be read.
        """
        records: list[dict[str, Any]] = []
        ts_path = self.out / "timeseries.parquet"
        with _atomic(ts_path) as ts_tmp:
            ts_writer: pq.ParquetWriter | None = None
            try:
                for task in tasks:
                    part = self._run_part(task.run_id)
                    if part is None:
                        raise FileNotFoundError(f"{self.runs_dir}: no part for run {task.run_id}")
                    records.extend(self._read(task, part, "run part").to_pylist())
                    if part.name.endswith(".ok.parquet"):
                        ts_part = self.ts_dir / f"{task.run_id}.parquet"
                        table = self._read(task, ts_part, "time-series part")
                        if ts_writer is None:
                            schema = with_provenance(table, record or {}).schema
                            ts_writer = pq.ParquetWriter(ts_tmp, schema)
                        ts_writer.write_table(table.cast(ts_writer.schema))
            finally:
                if ts_writer is not None:
                    ts_writer.close()
            if ts_writer is None:  # no run succeeded: an empty table, not a stale file
                pq.write_table(with_provenance(pa.table({}), record or {}), ts_tmp)
        runs = pd.DataFrame.from_records(records)
        if not runs.empty:
            runs["error"] = runs["error"].astype("string")
        table = pa.Table.from_pandas(runs, preserve_index=False)
        write_parquet_atomic(with_provenance(table, record or {}), self.out / "runs.parquet")
        return runs
