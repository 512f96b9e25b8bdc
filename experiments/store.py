"""A batch's results on disk: per-run parts, written atomically, consolidated at the end.

Layout of an output folder::

    DIR/parts/runs/<run_id>.ok.parquet        one row: the run's identity and metrics
    DIR/parts/runs/<run_id>.failed.parquet    one row: the run's identity and its error
    DIR/parts/timeseries/<run_id>.parquet     the run's weekly records
    DIR/runs.parquet, DIR/timeseries.parquet  every run of the batch, in task order
    DIR/manifest.json                         how to regenerate every number

Every file is written to a temporary name and renamed into place, so a batch killed at any
moment (even by SIGKILL) leaves only whole files; a run's ``.ok`` part is written after its
time series, so its presence means the run is complete and a resumed batch skips it.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.engines import RunResult
from experiments.specs import RunTask, ScenarioEntry, config_sha256

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


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


def write_parquet_atomic(table: pa.Table, path: Path) -> None:
    tmp = _tmp(path)
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def write_json_atomic(data: dict[str, Any], path: Path) -> None:
    tmp = _tmp(path)
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n")
    os.replace(tmp, path)


class PartStore:
    """The parts of one output folder."""

    def __init__(self, out: str | Path) -> None:
        self.out = Path(out)
        self.runs_dir = self.out / "parts" / "runs"
        self.ts_dir = self.out / "parts" / "timeseries"
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        self.ts_dir.mkdir(parents=True, exist_ok=True)

    def done(self) -> set[str]:
        """Run ids with a complete, successful part."""
        return {p.name.split(".")[0] for p in self.runs_dir.glob("*.ok.parquet")}

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

    def consolidate(self, tasks: Iterable[RunTask]) -> pd.DataFrame:
        """Write runs.parquet and timeseries.parquet for ``tasks`` (in their order)."""
        records: list[dict[str, Any]] = []
        ts_writer: pq.ParquetWriter | None = None
        ts_path = self.out / "timeseries.parquet"
        ts_tmp = _tmp(ts_path)
        try:
            for task in tasks:
                part = self._run_part(task.run_id)
                if part is None:
                    continue
                records.extend(pq.read_table(part).to_pylist())
                ts_part = self.ts_dir / f"{task.run_id}.parquet"
                if part.name.endswith(".ok.parquet") and ts_part.exists():
                    table = pq.read_table(ts_part)
                    if ts_writer is None:
                        ts_writer = pq.ParquetWriter(ts_tmp, table.schema)
                    ts_writer.write_table(table.cast(ts_writer.schema))
        finally:
            if ts_writer is not None:
                ts_writer.close()
        if ts_writer is not None:
            os.replace(ts_tmp, ts_path)
        runs = pd.DataFrame.from_records(records)
        if not runs.empty:
            runs["error"] = runs["error"].astype("string")
        write_parquet_atomic(
            pa.Table.from_pandas(runs, preserve_index=False), self.out / "runs.parquet"
        )
        return runs
