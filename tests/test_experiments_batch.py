"""Batch runs: paired seeds, resume after a kill, failures recorded, engines agree."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

import smugglesim.experiments.engines
from smugglesim.cli import main
from smugglesim.experiments import replication_seeds, run_batch
from smugglesim.experiments.batch import Progress
from smugglesim.experiments.specs import sha256_file
from smugglesim.model import SmugglingModel

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.toml"
FIN = ROOT / "scenarios" / "financial_investigations.toml"
SHORT = {"run.years": 0.25}
CLI = "import sys; from smugglesim.cli import main; sys.exit(main(sys.argv[1:]))"


def test_every_scenario_runs_on_the_same_replication_seeds(tmp_path):
    runs = run_batch([BASELINE, FIN], 3, out=tmp_path, seed=11, overrides=SHORT, progress=False)
    seeds = runs.groupby("scenario")["seed"].apply(list)
    assert seeds["baseline"] == seeds["financial_investigations"] == replication_seeds(11, 3)
    assert len(set(seeds["baseline"])) == 3
    assert replication_seeds(12, 3) != replication_seeds(11, 3)
    assert replication_seeds(11, 5)[:3] == replication_seeds(11, 3)  # more replications extend
    # Common random numbers: a measure that moves nothing upstream of the money leaves the
    # migrants' journeys identical, replication by replication.
    by = runs.set_index(["scenario", "replication"])["migrants_departed"]
    assert (by["baseline"] == by["financial_investigations"]).all()


def test_runs_table_has_identity_flat_metrics_and_timeseries(tmp_path):
    runs = run_batch([FIN], 2, out=tmp_path, overrides=SHORT, progress=False)
    for col in ("scenario", "scenario_file", "scenario_sha256", "replication", "seed", "status"):
        assert col in runs
    assert {"arrivals_central_med", "deaths_western_balkans", "leads_debriefing"} <= set(runs)
    assert runs["scenario_sha256"].iloc[0] == sha256_file(FIN)
    on_disk = pd.read_parquet(tmp_path / "runs.parquet")
    pdt.assert_frame_equal(on_disk, runs)
    ts = pd.read_parquet(tmp_path / "timeseries.parquet")
    assert list(ts.columns[:3]) == ["scenario", "replication", "week"]
    assert len(ts) == 2 * 13
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["runs_done"] == 2
    assert manifest["root_seed"] == 0 and manifest["replication_seeds"] == replication_seeds(0, 2)
    roles = {Path(f["path"]).name: f["role"] for f in manifest["files"]}
    assert roles == {"financial_investigations.toml": "scenario", "baseline.toml": "extends"}
    assert manifest["versions"]["mesa"] and manifest["python"] and manifest["platform"]
    measures = manifest["scenarios"]["financial_investigations"]["measures"]
    assert measures[0]["measure"] == "financial_investigations"


def _cli_batch(out: Path, *extra: str) -> list[str]:
    return [
        "batch", str(BASELINE), str(FIN), "-n", "6", "--years", "0.25", "--workers", "1",
        "--seed", "5", "--out", str(out), *extra,
    ]  # fmt: skip


def test_resume_after_sigkill_gives_the_same_runs(tmp_path):
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    assert main(_cli_batch(whole)) == 0
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, *_cli_batch(killed)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    parts = killed / "parts" / "runs"
    deadline = time.monotonic() + 30
    while proc.poll() is None and time.monotonic() < deadline:
        if len(list(parts.glob("*.ok.parquet"))) >= 2:
            break
        time.sleep(0.02)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = len(list(parts.glob("*.ok.parquet")))
    assert 2 <= done_before < 12, "the kill should land mid-batch"
    assert not (killed / "runs.parquet").exists()

    assert main(_cli_batch(killed)) == 0
    manifest = json.loads((killed / "manifest.json").read_text())
    assert manifest["runs_skipped_as_done"] == done_before
    pdt.assert_frame_equal(
        pd.read_parquet(killed / "runs.parquet"), pd.read_parquet(whole / "runs.parquet")
    )
    pdt.assert_frame_equal(
        pd.read_parquet(killed / "timeseries.parquet"),
        pd.read_parquet(whole / "timeseries.parquet"),
    )


def test_failing_replication_is_recorded_and_the_batch_exits_nonzero(tmp_path, monkeypatch):
    bad_seed = replication_seeds(5, 6)[2]

    def flaky_model(scenario, rng):
        if rng == bad_seed and scenario.name == "financial_investigations":
            raise RuntimeError("model blew up")
        return SmugglingModel(scenario, rng=rng)

    monkeypatch.setattr(smugglesim.experiments.engines, "SmugglingModel", flaky_model)
    assert main(_cli_batch(tmp_path)) == 1
    runs = pd.read_parquet(tmp_path / "runs.parquet")
    failed = runs[runs["status"] == "failed"]
    assert len(runs) == 12 and len(failed) == 1
    assert failed["replication"].tolist() == [2]
    assert failed["error"].iloc[0] == "RuntimeError: model blew up"
    assert runs.loc[runs["status"] == "ok", "members_arrested"].notna().all()
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert (manifest["status"], manifest["runs_done"], manifest["runs_failed"]) == ("failed", 11, 1)
    # A resumed batch retries only the failed run; fixed, it completes.
    monkeypatch.setattr(smugglesim.experiments.engines, "SmugglingModel", SmugglingModel)
    assert main(_cli_batch(tmp_path)) == 0
    assert (pd.read_parquet(tmp_path / "runs.parquet")["status"] == "ok").all()


def test_bad_scenario_input_exits_2_naming_file_and_key(tmp_path, capsys):
    assert main(_cli_batch(tmp_path / "a", "--set", "demand.scale=-1")) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "command line (--set demand.scale=-1): demand.scale" in err[0]
    assert main(["batch", str(tmp_path / "none.toml"), "-n", "1", "--out", str(tmp_path)]) == 2


def _batch(out: Path, workers: int, engine: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    run_batch(
        [BASELINE, FIN], 3, out=out, workers=workers, engine=engine, seed=3,
        overrides=SHORT, progress=False,
    )  # fmt: skip
    return pd.read_parquet(out / "runs.parquet"), pd.read_parquet(out / "timeseries.parquet")


def test_process_engine_gives_the_same_results_with_1_and_2_workers(tmp_path):
    one = _batch(tmp_path / "one", 1, "process")
    two = _batch(tmp_path / "two", 2, "process")
    for a, b in zip(one, two, strict=True):
        pdt.assert_frame_equal(a, b)


def test_dask_local_cluster_gives_the_same_results_as_the_process_engine(tmp_path):
    pytest.importorskip("dask.distributed")
    local = _batch(tmp_path / "process", 1, "process")
    dask = _batch(tmp_path / "dask", 2, "dask")
    for a, b in zip(local, dask, strict=True):
        pdt.assert_frame_equal(a, b)
    manifest = json.loads((tmp_path / "dask" / "manifest.json").read_text())
    assert manifest["engine"] == "dask" and manifest["workers"] == 2


def test_a_local_dask_cluster_starts_while_another_holds_port_8787():
    """The scheduler of a local cluster serves its HTTP routes on a free port, not on
    dask's default 8787: with that port taken (another cluster on the machine, or a Dask
    test in another pytest worker) it warned, which these tests make an error (two slow
    Dask tests failed so when they ran at once)."""
    pytest.importorskip("dask.distributed")
    with socket.socket() as holder:
        try:
            holder.bind(("0.0.0.0", 8787))
            holder.listen()
        except OSError:
            pass  # taken already, which is the case to test
        engine = smugglesim.experiments.engines.DaskEngine(1)
        try:
            assert engine.workers == 1
        finally:
            engine.close()


@pytest.mark.slow
def test_dask_engine_sends_runs_to_a_running_scheduler(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, dashboard_address=None, silence_logs=logging.ERROR,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},  # not 8787: see below
    ) as cluster:  # fmt: skip
        runs = run_batch(
            [FIN], 2, out=tmp_path / "remote", engine="dask", overrides=SHORT,
            scheduler=cluster.scheduler_address, progress=False,
        )  # fmt: skip
        address = cluster.scheduler_address
    local = run_batch([FIN], 2, out=tmp_path / "local", overrides=SHORT, progress=False)
    pdt.assert_frame_equal(runs, local)
    manifest = json.loads((tmp_path / "remote" / "manifest.json").read_text())
    assert manifest["scheduler"] == address and manifest["workers"] == 1


def test_interrupted_batch_says_so_in_its_manifest_and_resumes(tmp_path, monkeypatch):
    calls = []

    def interrupted_model(scenario, rng):
        calls.append(rng)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return SmugglingModel(scenario, rng=rng)

    monkeypatch.setattr(smugglesim.experiments.engines, "SmugglingModel", interrupted_model)
    with pytest.raises(KeyboardInterrupt):
        run_batch([BASELINE], 4, out=tmp_path, overrides=SHORT, progress=False)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert (manifest["status"], manifest["runs_done"]) == ("interrupted", 2)
    runs = run_batch([BASELINE], 4, out=tmp_path, overrides=SHORT, progress=False)
    assert len(calls) == 5  # only the two missing runs ran again
    assert (runs["status"] == "ok").all() and runs["replication"].tolist() == [0, 1, 2, 3]


def test_progress_without_a_terminal_prints_plain_lines():
    stream = io.StringIO()  # not a tty: no bar, a line every `interval` seconds
    progress = Progress(total=3, initial=1, desc="batch", interval=0.0, stream=stream)
    progress.update(ok=True)
    progress.update(ok=False)
    progress.close()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "batch: 1 of 3 runs already done, resuming"
    assert lines[-1].startswith("batch: 3/3 runs, 1 failed,")
