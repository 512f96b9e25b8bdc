"""The command line's version, provenance in every output, shipped scenarios by name,
progress bars and a quick ``--help``."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from smugglesim import batch_cli, model
from smugglesim.cli import main
from smugglesim.experiments.engines import ENGINES
from smugglesim.experiments.progress import Progress
from smugglesim.experiments.sensitivity import METHODS
from smugglesim.model import load_scenario
from smugglesim.model.provenance import METADATA_KEY, config_sha256
from smugglesim.model.shipped import SHIPPED_DIR, shipped_names

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("pandas", "numpy", "scipy", "matplotlib", "mesa", "pydantic", "pyarrow", "dask")


def test_version_names_the_package_version_and_the_commit_of_a_checkout(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith(f"smugglesim {model.__version__}")
    if (ROOT / ".git").exists():
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        assert f"(git {head[:12]}" in out


def test_help_imports_neither_the_model_nor_the_analysis_libraries():
    code = (
        "import sys; from smugglesim.cli import build_parser; build_parser().format_help(); "
        "print(' '.join(sorted(sys.modules)))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    loaded = set(proc.stdout.split())
    assert proc.returncode == 0, proc.stderr
    assert not loaded & {*HEAVY, "smugglesim.model.model", "smugglesim.experiments.batch"}


def test_choices_written_in_the_cli_are_those_of_the_experiment_layer():
    assert (batch_cli.ENGINES, batch_cli.METHODS) == (ENGINES, METHODS)


def test_run_out_carries_version_commit_hash_seed_and_configuration(tmp_path, capsys):
    assert main(["run", "baseline", "--seed", "4", "--years", "0.25", "--out", str(tmp_path)]) == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    record = summary["provenance"]
    config = load_scenario(SHIPPED_DIR / "baseline.toml", {"run.years": 0.25}).to_dict()
    assert record["seed"] == summary["seed"] == 4
    assert record["smugglesim_version"] == model.__version__
    assert record["scenarios"]["baseline"] == {
        "config_sha256": config_sha256(config),
        "config": config,
    }
    shipped = SHIPPED_DIR / "baseline.toml"  # the file read is recorded
    assert record["command"] == f"smugglesim run {shipped} --seed 4 --years 0.25"
    assert record["versions"]["mesa"] and "commit" in (record["git"] or {"commit": None})
    metadata = pq.read_schema(tmp_path / "timeseries.parquet").metadata
    assert json.loads(metadata[METADATA_KEY]) == record


def test_batch_parquet_files_carry_the_manifest_provenance(tmp_path):
    out = tmp_path / "b"
    assert main(["batch", "baseline", "-n", "1", "--years", "0.1", "-j", "1", "-q",
                 "--out", str(out)]) == 0  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text())
    for name in ("runs.parquet", "timeseries.parquet"):
        record = json.loads(pq.read_schema(out / name).metadata[METADATA_KEY])
        assert record["scenarios"] == manifest["scenarios"]
        assert record["replication_seeds"] == manifest["replication_seeds"]
        assert record["smugglesim_version"] == manifest["smugglesim_version"]
    config = manifest["scenarios"]["baseline"]["config"]
    assert manifest["scenarios"]["baseline"]["config_sha256"] == config_sha256(config)


def test_shipped_scenarios_are_found_by_name_from_any_folder(tmp_path, monkeypatch, capsys):
    assert set(shipped_names()) == {p.stem for p in (ROOT / "scenarios").glob("*.toml")}
    monkeypatch.chdir(tmp_path)
    assert main(["validate", "baseline", "all_measures.toml"]) == 0
    assert main(["run", "iru_takedowns", "--years", "0.1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1])["scenario"] == "iru_takedowns"
    (tmp_path / "baseline.toml").write_text('extends = "nowhere.toml"\n')
    assert main(["validate", "baseline.toml"]) == 2  # a file of that name is taken first
    assert main(["validate", "no_such_scenario"]) == 2
    assert "no_such_scenario" in capsys.readouterr().err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_only():
    terminal = _Terminal()
    bar = Progress(3, desc="side-by-side", stream=terminal, lines=False)
    for _ in range(3):
        bar.update()
    bar.close()
    assert "side-by-side" in terminal.getvalue() and "3/3" in terminal.getvalue()
    log = io.StringIO()
    bar = Progress(3, desc="side-by-side", stream=log, lines=False)
    bar.update()
    bar.close()
    assert log.getvalue() == ""


def test_side_by_side_shows_a_bar_unless_quiet(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stderr", _Terminal())
    args = ["side-by-side", "baseline", "iru_takedowns", "--seeds", "1", "--years", "0.1"]
    monkeypatch.setattr("smugglesim.run_cli.DELAY_S", 0.0)
    assert main(args) == 0
    assert "2/2" in sys.stderr.getvalue()
    monkeypatch.setattr(sys, "stderr", _Terminal())
    assert main([*args, "--quiet"]) == 0
    assert sys.stderr.getvalue() == ""
