"""The command line: run (table, JSON, files) and side-by-side."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from smugglesim.cli import main

BASELINE = str(Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml")


def test_run_json_prints_one_object(capsys):
    assert main(["run", BASELINE, "--seed", "3", "--years", "0.5", "--json"]) == 0
    out = capsys.readouterr().out.strip()
    summary = json.loads(out)
    assert summary["seed"] == 3 and summary["weeks"] == 26


def test_run_out_writes_summary_and_timeseries(tmp_path, capsys):
    assert main(["run", BASELINE, "--years", "0.5", "--out", str(tmp_path)]) == 0
    assert "confiscation ratio" in capsys.readouterr().out
    summary = json.loads((tmp_path / "summary.json").read_text())
    ts = pd.read_parquet(tmp_path / "timeseries.parquet")
    assert len(ts) == summary["weeks"] == 26


def test_side_by_side_lists_each_scenario(capsys):
    fi = BASELINE.replace("baseline", "financial_investigations")
    assert main(["side-by-side", BASELINE, fi, "--seeds", "1", "--years", "0.5"]) == 0
    out = capsys.readouterr().out
    assert "baseline" in out and "financial_investigations" in out and "confiscation ratio" in out


def test_help_lists_every_subcommand(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for name in (
        "run",
        "validate",
        "side-by-side",
        "measures",
        "batch",
        "compare",
        "sensitivity",
        "app",
    ):
        assert name in out


def test_python_dash_m_has_the_plugin_subcommands_too():
    proc = subprocess.run(
        [sys.executable, "-m", "smugglesim.cli", "batch", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "--replications" in proc.stdout
