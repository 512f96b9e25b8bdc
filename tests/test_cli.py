"""The command line: run (table, JSON, files), side-by-side, and compare's budget modes
and outcomes."""

from __future__ import annotations

import io
import json
import os
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


# -- compare: budgets (the work of `smugglesim dose-response`) and the outcomes shown -------
TINY = ["-n", "2", "--years", "0.02", "-j", "1", "--quiet"]


def test_compare_dose_response_prints_five_budgets_on_paired_seeds(capsys):
    from smugglesim.experiments.outcomes import DOWNSTREAM

    argv = ["--dose-response", "empact_action_days", *TINY, "--format", "csv"]
    assert main(["compare", *argv]) == 0
    printed = capsys.readouterr().out
    table = pd.read_csv(io.StringIO(printed))
    assert table.level_eur.nunique() == 5
    assert set(table.outcome) == {key for key, _, _ in DOWNSTREAM}
    assert (table.low <= table.change).all() and (table.change <= table.high).all()
    # the short form is the same command
    assert main(["dose-response", "empact_action_days", *TINY, "--format", "csv"]) == 0
    assert capsys.readouterr().out == printed


def test_compare_equal_budget_prints_a_row_per_measure_and_package(monkeypatch, capsys):
    from smugglesim.experiments import dose_response

    real = dose_response.equal_budget
    names = ["emsc_capacity", "package_online"]  # not all 18: each runs its own warm-up
    monkeypatch.setattr(
        dose_response, "equal_budget", lambda budget, **kw: real(budget, names, **kw)
    )
    assert main(["compare", "--equal-budget", "5e6", *TINY]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Every measure and package at EUR 5,000,000 a year vs baseline")
    assert "1. `emsc_capacity`" in out and "`package_online`" in out


def test_the_compare_table_shows_every_outcome_measures_are_judged_on(tmp_path, capsys):
    from smugglesim.experiments.outcomes import DOWNSTREAM

    out = tmp_path / "cmp"
    fi = BASELINE.replace("baseline", "financial_investigations")
    argv = ["compare", BASELINE, fi, *TINY, "--out", str(out), "--format", "csv"]
    assert main(argv) == 0
    shown = pd.read_csv(io.StringIO(capsys.readouterr().out))
    assert {key for key, _, _ in DOWNSTREAM} <= set(shown.output)
    # OCGs operating, which the summary lacks: the mean of each run's weekly series
    ocgs = shown.set_index("output").loc["ocgs_active"]
    assert ocgs.label == "OCGs operating (mean over the weeks)"
    ts = pd.read_parquet(out / "timeseries.parquet")
    weekly = ts[ts.scenario == "baseline"].groupby("replication").ocgs_active.mean()
    assert ocgs.baseline_mean == pytest.approx(weekly.mean())


def test_output_piped_into_a_reader_that_stops_early_ends_quietly(monkeypatch, capsys):
    """`smugglesim measures | head -1`: the reader has closed the pipe, so writing fails;
    the command stops with 141 (128 + SIGPIPE) and no traceback."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone
    pipe = open(write_end, "w", buffering=1)  # noqa: SIM115 (closed below)
    monkeypatch.setattr(sys, "stdout", pipe)
    try:
        assert main(["measures"]) == 141
    finally:
        pipe.close()
    assert "Traceback" not in capsys.readouterr().err
