"""Batches never lose data quietly: damaged parts are found and run again on resume, and a
batch stopped by Ctrl-C, SIGTERM, a full disk or a lost scheduler says so in one line and in
its manifest, leaving no temporary file."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pyarrow.parquet as pq
import pytest

import smugglesim.experiments.store
from smugglesim.cli import main

ROOT = Path(__file__).resolve().parents[1]
# Ctrl-C handled as in a terminal, even where this test runs with SIGINT ignored (a
# background job inherits SIG_IGN, and Python then keeps it).
CLI = (
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from smugglesim.cli import main; sys.exit(main(sys.argv[1:]))"
)
WEEKS = 13  # 0.25 years


def _args(out: Path, n: int = 2, *extra: str) -> list[str]:
    return [
        "batch", "baseline", "financial_investigations", "-n", str(n), "--years", "0.25",
        "--workers", "1", "--seed", "5", "--quiet", "--out", str(out), *extra,
    ]  # fmt: skip


def _assert_same_results(a: Path, b: Path) -> None:
    for name in ("runs.parquet", "timeseries.parquet"):
        pdt.assert_frame_equal(pd.read_parquet(a / name), pd.read_parquet(b / name))


def _temporary_files(out: Path) -> list[Path]:
    return list(out.rglob(smugglesim.experiments.store.TMP_GLOB))


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    """A whole batch, never damaged: 2 scenarios × 2 replications of 13 weeks."""
    out = tmp_path_factory.mktemp("clean") / "batch"
    assert main(_args(out)) == 0
    return out


def _victim(out: Path) -> tuple[str, int]:
    """The run id and replication of the last run of financial_investigations."""
    runs = pd.read_parquet(out / "runs.parquet")
    row = runs[runs["scenario"] == "financial_investigations"].iloc[-1]
    return row["run_id"], int(row["replication"])


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _fewer_weeks(path: Path) -> None:
    pq.write_table(pq.read_table(path).slice(0, 10), path)


def _other_run(path: Path) -> None:
    others = sorted(p for p in path.parent.glob("*.ok.parquet") if p != path)
    shutil.copyfile(others[0], path)


DAMAGES = {
    "timeseries deleted": ("timeseries", Path.unlink, "time-series part missing"),
    "timeseries truncated": ("timeseries", _truncate, "time-series part unreadable"),
    "timeseries short": ("timeseries", _fewer_weeks, "time-series part has 10 rows, expected 13"),
    "run record truncated": ("runs", _truncate, "run part unreadable"),
    "run record of another run": ("runs", _other_run, "run part records another run"),
}


@pytest.mark.parametrize("damage", DAMAGES, ids=list(DAMAGES))
def test_resume_runs_again_a_finished_run_whose_parts_are_damaged(clean, tmp_path, capsys, damage):
    folder, harm, problem = DAMAGES[damage]
    out = tmp_path / "batch"
    shutil.copytree(clean, out)
    run_id, replication = _victim(out)
    name = f"{run_id}.ok.parquet" if folder == "runs" else f"{run_id}.parquet"
    harm(out / "parts" / folder / name)

    assert main(_args(out)) == 0
    err = capsys.readouterr().err
    assert f"financial_investigations replication {replication}: {problem}" in err
    assert "running it again" in err
    _assert_same_results(out, clean)
    manifest = _manifest(out)
    assert manifest["status"] == "complete" and manifest["runs_done"] == 4
    assert manifest["runs_skipped_as_done"] == 3
    assert [r["run_id"] for r in manifest["runs_recomputed"]] == [run_id]
    assert manifest["runs_recomputed"][0]["problem"].startswith(problem)


def test_a_part_whose_data_is_corrupt_behind_a_whole_footer_is_run_again(clean, tmp_path, capsys):
    out = tmp_path / "batch"
    shutil.copytree(clean, out)
    run_id, replication = _victim(out)
    part = out / "parts" / "timeseries" / f"{run_id}.parquet"
    data = bytearray(part.read_bytes())
    data[4:400] = b"\xff" * 396  # the first pages; the footer, with its row count, is intact
    part.write_bytes(bytes(data))

    assert main(_args(out)) == 0
    err = capsys.readouterr().err
    assert f"financial_investigations replication {replication}: time-series part unreadable" in err
    _assert_same_results(out, clean)
    manifest = _manifest(out)
    assert manifest["status"] == "complete"
    assert [r["run_id"] for r in manifest["runs_recomputed"]] == [run_id]


def test_resume_with_a_corrupt_manifest_rebuilds_it_and_runs_nothing_again(clean, tmp_path, capsys):
    out = tmp_path / "batch"
    shutil.copytree(clean, out)
    (out / "manifest.json").write_bytes(b'{"status": "compl\x00\xff')
    assert main(_args(out)) == 0
    assert "running it again" not in capsys.readouterr().err
    _assert_same_results(out, clean)
    manifest = _manifest(out)
    assert manifest["status"] == "complete" and manifest["runs_skipped_as_done"] == 4


def test_a_full_disk_ends_the_batch_interrupted_in_one_line_and_it_resumes(
    clean, tmp_path, capsys, monkeypatch
):
    out = tmp_path / "batch"
    write_table = pq.write_table
    calls = []

    def disk_fills_up(table, where, **kwargs):
        calls.append(where)
        if len(calls) >= 3:  # the second run's time series: half written, then no room
            Path(where).write_bytes(b"PAR1 half a file")
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(where))
        return write_table(table, where, **kwargs)

    monkeypatch.setattr(smugglesim.experiments.store.pq, "write_table", disk_fills_up)
    assert main(_args(out)) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: batch interrupted (disk full: ")
    assert "with 1 of 4 runs done" in err[0] and "run the same command again" in err[0]
    manifest = _manifest(out)
    assert (manifest["status"], manifest["runs_done"]) == ("interrupted", 1)
    assert manifest["reason"].startswith("disk full")
    assert _temporary_files(out) == []

    monkeypatch.setattr(smugglesim.experiments.store.pq, "write_table", write_table)
    assert main(_args(out)) == 0
    _assert_same_results(out, clean)


def test_temporary_files_of_a_killed_batch_are_removed_on_resume(clean, tmp_path):
    out = tmp_path / "batch"
    shutil.copytree(clean, out)
    stale = out / "parts" / "timeseries" / ".abc.parquet.tmp-99999"
    stale.write_bytes(b"half")
    assert main(_args(out)) == 0
    assert _temporary_files(out) == []


def _start(out: Path, *extra: str, workers: int = 1) -> subprocess.Popen:
    args = _args(out, 6, *extra)
    args[args.index("--workers") + 1] = str(workers)
    return subprocess.Popen(
        [sys.executable, "-c", CLI, *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a shell job has
    )


def _when_runs_done(out: Path, proc: subprocess.Popen, n: int, timeout: float = 60) -> None:
    parts = out / "parts" / "runs"
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        if len(list(parts.glob("*.ok.parquet"))) >= n:
            return
        time.sleep(0.02)
    raise AssertionError("the batch did not get that far")


@pytest.mark.parametrize(
    ("stop", "workers", "status", "reason"),
    [
        ("SIGTERM to the process", 1, 128 + signal.SIGTERM, "SIGTERM"),
        ("Ctrl-C to the process group", 2, 128 + signal.SIGINT, "Ctrl-C"),
    ],
)
def test_a_stopped_batch_says_so_in_one_line_and_its_manifest(
    tmp_path, stop, workers, status, reason
):
    out = tmp_path / "batch"
    proc = _start(out, workers=workers)
    _when_runs_done(out, proc, 2)
    if stop.startswith("SIGTERM"):
        proc.send_signal(signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, (err, _manifest(out)["status"])
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: batch interrupted ({reason})"), err
    manifest = _manifest(out)
    assert (manifest["status"], manifest["reason"]) == ("interrupted", reason)
    assert 2 <= manifest["runs_done"] < 12
    assert _temporary_files(out) == []
    assert not (out / "runs.parquet").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.slow
def test_a_lost_dask_scheduler_ends_the_batch_interrupted_in_one_line(tmp_path):
    pytest.importorskip("dask.distributed")
    address = f"tcp://127.0.0.1:{_free_port()}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1",
         "--port", address.rsplit(":", 1)[1], "--no-dashboard"], **quiet,
    )  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1",
         "--no-dashboard"], cwd=ROOT, **quiet,
    )  # fmt: skip
    try:
        out = tmp_path / "batch"
        proc = _start(out, "--engine", "dask", "--scheduler", address)
        _when_runs_done(out, proc, 2)
        scheduler.kill()
        _, err = proc.communicate(timeout=120)
    finally:
        for p in (scheduler, worker):
            p.kill()
            p.wait()
    assert proc.returncode == 1, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: batch interrupted (lost the Dask scheduler: ")
    manifest = _manifest(out)
    assert manifest["status"] == "interrupted"
    assert manifest["reason"].startswith("lost the Dask scheduler")
    assert _temporary_files(out) == []


# The handler's exception inside the weak reference's callback is reported, not raised.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_sigterm_whose_exception_python_did_not_raise_still_stops_the_batch(
    tmp_path, monkeypatch
):
    """Python does not raise what a signal handler raises inside a weak reference's callback
    (or a finalizer): the batch's SIGTERM handler also leaves a flag, and the batch stops
    at the next finished run, as interrupted by SIGTERM."""
    import weakref

    from smugglesim.experiments import batch
    from smugglesim.experiments.engines import InlineEngine, run_one

    def worker(task):
        result = run_one(task)
        if task.replication == 0:

            class Thing:
                pass

            thing = Thing()
            handler = signal.getsignal(signal.SIGTERM)  # the batch's, installed by now
            ref = weakref.ref(thing, lambda r: handler(signal.SIGTERM, None))
            del thing  # the callback runs: its exception is reported and dropped
            assert ref() is None
        return result

    class Engine(InlineEngine):
        def imap_unordered(self, tasks, worker_=None):
            return super().imap_unordered(tasks, worker)

    monkeypatch.setattr(batch, "make_engine", lambda *args: Engine())
    out = tmp_path / "batch"
    with pytest.raises(batch.BatchCancelled) as stopped:
        batch.run_batch(
            [ROOT / "scenarios" / "baseline.toml"], 3, out=out,
            overrides={"run.years": 0.25}, progress=False,
        )  # fmt: skip
    assert stopped.value.reason == "SIGTERM"
    assert (_manifest(out)["status"], _manifest(out)["runs_done"]) == ("interrupted", 1)
