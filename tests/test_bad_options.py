"""Bad command-line options: every one is refused before any work starts, on one line that
names the option, with exit status 2 and no traceback; errors in overrides blame the
command line, not the file."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from smugglesim import options
from smugglesim.batch_cli import _value
from smugglesim.cli import main

ROOT = Path(__file__).resolve().parents[1]
BASELINE = str(ROOT / "scenarios" / "baseline.toml")
FI = str(ROOT / "scenarios" / "financial_investigations.toml")
TOO_MANY = str(options.max_workers() + 1)
POSTERIOR = ["batch", BASELINE, "-n", "1", "--out", "x"]
POSTERIOR += ["--posterior", "posterior", "--posterior-draws", "2"]
LHS = ["batch", BASELINE, "-n", "1", "--out", "x", "--sweep-method", "lhs", "--sweep-samples", "4"]


def refused(argv: list[str], capsys: pytest.CaptureFixture) -> list[str]:
    """Run the command in this process: exit 2, nothing on stdout, error lines on stderr."""
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert lines and all(line.startswith("error: ") for line in lines)
    return lines


@pytest.fixture
def afile(tmp_path: Path) -> Path:
    path = tmp_path / "results.txt"
    path.write_text("keep me\n")
    return path


OPTION_CASES = [
    # (argv, the option named, words in the line)
    (["run", BASELINE, "--seed", "-1"], "--seed", "from 0 to 2**63 - 1"),
    (["run", BASELINE, "--seed", str(2**63)], "--seed", "from 0 to 2**63 - 1"),
    (["run", BASELINE, "--seed", "1.5"], "--seed", "whole number"),
    (["run", BASELINE, "--seed", "one"], "--seed", "whole number"),
    (["run", BASELINE, "--years", "0"], "--years", "positive number of years"),
    (["run", BASELINE, "--years", "-1"], "--years", "positive number of years"),
    (["run", BASELINE, "--years", "nan"], "--years", "positive number of years"),
    (["run", BASELINE, "--years", "inf"], "--years", "positive number of years"),
    (["run", BASELINE, "--years", "five"], "--years", "number of years"),
    (["run", BASELINE, "--out", ""], "--out", "must name a folder"),
    (["run", BASELINE, "--sede", "3"], "--sede", "did you mean --seed?"),
    (["run"], "scenario", "required"),
    (["side-by-side", BASELINE, "--seeds", "0"], "--seeds", "at least 1"),
    (["side-by-side", BASELINE, "--seeds", "-3"], "--seeds", "at least 1"),
    (["side-by-side", BASELINE, "--years", "-0.5"], "--years", "positive"),
    (["batch", BASELINE, "-n", "0", "--out", "x"], "--replications/-n", "at least 1"),
    (["batch", BASELINE, "-n", "-5", "--out", "x"], "--replications/-n", "at least 1"),
    (["batch", BASELINE, "-n", "10000000", "--out", "x"], "--replications/-n", "at most"),
    (["batch", BASELINE, "-n", "1", "-j", "0", "--out", "x"], "--workers/-j", "at least 1"),
    (["batch", BASELINE, "-n", "1", "-j", "999", "--out", "x"], "--workers/-j", "per CPU"),
    (["batch", BASELINE, "-n", "1", "-j", TOO_MANY, "--out", "x"], "--workers/-j", "at most"),
    (["batch", BASELINE, "-n", "1", "--seed", "-1", "--out", "x"], "--seed", "from 0"),
    (["batch", BASELINE, "-n", "1", "--years", "0", "--out", "x"], "--years", "positive"),
    (["batch", BASELINE, "-n", "1"], "--out", "required"),
    (["batch", BASELINE, "-n", "1", "--out", "x", "--engine", "mpi"], "--engine", "invalid choice"),
    (
        ["batch", BASELINE, "-n", "1", "--out", "x", "--scheduler", "tcp://h:8786"],
        "--scheduler",
        "--engine dask",
    ),
    (["batch", BASELINE, "-n", "1", "--out", "x", "--set", "run.years"], "--set", "KEY=VALUE"),
    (["batch", BASELINE, "-n", "1", "--out", "x", "--set", "=3"], "--set", "KEY=VALUE"),
    (
        ["batch", BASELINE, "-n", "1", "--out", "x", "--sweep-samples", "4"],
        "--sweep-samples",
        "needs --sweep-param",
    ),
    (
        ["batch", BASELINE, "-n", "1", "--out", "x", "--sweep-seed", "4"],
        "--sweep-seed",
        "needs --sweep-param",
    ),
    (
        ["batch", BASELINE, "-n", "1", "--out", "x", "--sweep-samples", "0"],
        "--sweep-samples",
        "at least 1",
    ),
    (
        [
            "batch",
            BASELINE,
            "-n",
            "1",
            "--out",
            "x",
            "--sweep-method",
            "lhs",
            "--sweep-param",
            "demand.scale=0.5:1",
        ],
        "--sweep-samples",
        "lhs sweep needs",
    ),
    (
        ["batch", BASELINE, "-n", "1", "--out", "x", "--sweep-param", "demand.scale"],
        "--sweep-param",
        "NAME=",
    ),
    (
        ["batch", BASELINE, "-n", "1", "--out", "x", "--sweep-param", "demand.scale=a,b"],
        "--sweep-param",
        "numbers",
    ),
    # parameter sets drawn from a posterior: the draws are the sweep
    ([*POSTERIOR[:6], "--posterior-draws", "2"], "--posterior-draws", "needs --posterior"),
    ([*POSTERIOR[:6], "--posterior-seed", "2"], "--posterior-seed", "needs --posterior"),
    (POSTERIOR[:8], "--posterior-draws", "give how many parameter sets to draw"),
    ([*POSTERIOR[:8], "--posterior-draws", "0"], "--posterior-draws", "at least 1"),
    (
        [*POSTERIOR, "--sweep-param", "demand.scale=1,2"],
        "--sweep-param",
        "not with --posterior, whose draws are the sweep",
    ),
    (
        [*POSTERIOR, "--set", "smugglers.arrest_pressure=2"],
        "--set smugglers.arrest_pressure",
        "the --posterior draws set this parameter",
    ),
    (
        ["compare", BASELINE, FI, *POSTERIOR[6:], "--ranking", "confiscation_ratoi"],
        "--ranking",
        "unknown outcome 'confiscation_ratoi'; did you mean 'confiscation_ratio'?",
    ),
    (
        ["compare", str(ROOT / "scenarios"), *POSTERIOR[6:]],
        "--posterior",
        "a batch folder has run already",
    ),
    (["compare", "--equal-budget", "5e6", *POSTERIOR[6:]], "--posterior", "not used with"),
    (["compare", BASELINE, FI, "-n", "0"], "--replications/-n", "at least 1"),
    (["compare", BASELINE, FI, "-j", "0"], "--workers/-j", "at least 1"),
    (["compare", BASELINE, FI, "--baseline", "nosuch"], "--baseline", "not among the scenarios"),
    # compare compares one thing: scenarios or a batch folder, a dose-response, or all at one budget
    (["compare"], "smugglesim compare", "give a batch folder or scenarios, --dose-response"),
    (
        ["compare", BASELINE, "--dose-response", "emsc_capacity"],
        "smugglesim compare",
        "a batch folder or scenarios and --dose-response TARGET together: give only one of",
    ),
    (
        ["compare", "--dose-response", "emsc_capacity", "--equal-budget", "5e6"],
        "smugglesim compare",
        "--dose-response TARGET and --equal-budget EUR together",
    ),
    (["compare", BASELINE, FI, "--levels", "1e6,2e6"], "--levels", "only with --dose-response"),
    (["compare", "--equal-budget", "5e6", "--levels", "1e6,2e6"], "--levels", "not --equal-budget"),
    (["compare", "--equal-budget", "5e6", "--baseline", "x"], "--baseline", "not used with"),
    (["compare", "--equal-budget", "5e6", "--set", "run.years=1"], "--set", "not used with"),
    (["compare", "--dose-response", "emsc_capacity", "-n", "1"], "--replications/-n", "at least 2"),
    (
        ["compare", "--dose-response", "emsc_capacity", "--levels", "1e6"],
        "--levels",
        "at least two",
    ),
    (["compare", "--equal-budget", "-5"], "--equal-budget", "positive amount"),
    (["compare", "--dose-response", "baseline"], "baseline", "no measure is switched on"),
    (["dose-response"], "smugglesim dose-response", "give a measure or package or --equal-budget"),
    (
        ["dose-response", "emsc_capacity", "--equal-budget", "5e6"],
        "smugglesim dose-response",
        "together: give only one of",
    ),
    (
        [
            "sensitivity",
            BASELINE,
            "--param",
            "demand.scale=0.5:1",
            "--outcome",
            "x",
            "--samples",
            "0",
        ],
        "--samples",
        "at least 1",
    ),
    (
        [
            "sensitivity",
            BASELINE,
            "--param",
            "demand.scale=0.5:1",
            "--outcome",
            "x",
            "--method",
            "sobol",
            "--samples",
            "6",
        ],
        "--samples",
        "power of 2",
    ),
    (
        [
            "sensitivity",
            BASELINE,
            "--param",
            "demand.scale=0.5:1",
            "--outcome",
            "x",
            "--levels",
            "3",
        ],
        "--levels",
        "even",
    ),
    (
        [
            "sensitivity",
            BASELINE,
            "--param",
            "demand.scale=0.5:1",
            "--outcome",
            "x",
            "--levels",
            "0",
        ],
        "--levels",
        "at least 2",
    ),
    (
        ["sensitivity", BASELINE, "--param", "demand.scale=1:0.5", "--outcome", "x"],
        "--param",
        "LOW < HIGH",
    ),
    (
        ["sensitivity", BASELINE, "--param", "demand.scale", "--outcome", "x"],
        "--param",
        "NAME=LOW:HIGH",
    ),
    (
        ["sensitivity", BASELINE, "--outcome", "x"],
        "--param",
        "or --assumptions",
    ),
    (
        ["batch", BASELINE, "-n", "1", "--out", "x", "--sweep-param", "demand.scael=0.5,1"],
        "command line (--sweep-param demand.scael=0.5,1): demand.scael",
        "no such parameter; did you mean demand.scale?",
    ),
    (
        ["batch", BASELINE, "-n", "1", "--out", "x", "--sweep-param", "demand.scale=0.5,20"],
        "command line (--sweep-param demand.scale=0.5,20): demand.scale",
        "less than or equal to 10, not a float (20.0)",
    ),
    ([*LHS, "--sweep-param", "demand.scale=1,0.5,2"], "--sweep-param", "lhs needs [low, high]"),
    (
        ["sensitivity", BASELINE, "--param", "demand.scael=0.5:1", "--outcome", "x"],
        "command line (--param demand.scael=0.5:1): demand.scael",
        "did you mean demand.scale?",
    ),
    (
        ["sensitivity", BASELINE, "--param", "demand.scale=0.5:11", "--outcome", "x"],
        "command line (--param demand.scale=0.5:11): demand.scale",
        "less than or equal to 10",
    ),
    (
        [
            "sensitivity",
            BASELINE,
            "--param",
            "demand.scale=0.5:1",
            "--outcome",
            "confiscation_ratoi",
        ],
        "--outcome",
        "unknown outcome 'confiscation_ratoi'; did you mean 'confiscation_ratio'?",
    ),
    (["app", "--port", "-1"], "--port", "0 to 65535"),
    (["app", "--port", "65536"], "--port", "0 to 65535"),
    (["nosuch"], "nosuch", "invalid choice"),
    ([], "command", "required"),
]


@pytest.mark.parametrize(
    ("argv", "option", "words"),
    OPTION_CASES,
    ids=[
        " ".join(Path(w).name if w in (BASELINE, FI) else w for w in a) or "(none)"
        for a, _, _ in OPTION_CASES
    ],
)
def test_a_bad_option_is_refused_on_one_line_naming_it(
    tmp_path, monkeypatch, capsys, argv, option, words
):
    monkeypatch.chdir(tmp_path)  # nothing may be written: check below
    (line,) = refused(argv, capsys)
    assert option in line and words in line, line
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["run", "batch", "compare", "sensitivity"])
def test_out_naming_a_file_is_refused_before_any_run(afile, capsys, command):
    argv = {
        "run": ["run", BASELINE],
        "batch": ["batch", BASELINE, "-n", "1"],
        "compare": ["compare", BASELINE, FI, "-n", "1"],
        "sensitivity": [
            "sensitivity",
            BASELINE,
            "--param",
            "demand.scale=0.5:1",
            "--outcome",
            "arrivals",
        ],
    }[command]
    (line,) = refused([*argv, "--out", str(afile)], capsys)
    assert "--out" in line and "exists and is not a folder" in line
    (line,) = refused([*argv, "--out", str(afile / "below")], capsys)
    assert "--out" in line and "is a file, not a folder" in line
    assert afile.read_text() == "keep me\n"


def test_the_default_out_of_compare_and_sensitivity_is_checked_too(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("smugglesim-compare").write_text("")
    Path("smugglesim-sensitivity").write_text("")
    (line,) = refused(["compare", BASELINE, FI, "-n", "1"], capsys)
    assert "--out: smugglesim-compare exists and is not a folder" in line
    argv = ["sensitivity", BASELINE, "--param", "demand.scale=0.5:1", "--outcome", "arrivals"]
    (line,) = refused(argv, capsys)
    assert "--out" in line and "smugglesim-sensitivity exists and is not a folder" in line


def test_run_refuses_an_out_folder_whose_summary_is_a_folder(tmp_path, capsys):
    (tmp_path / "summary.json").mkdir()
    (line,) = refused(["run", BASELINE, "--out", str(tmp_path)], capsys)
    assert "--out" in line and "summary.json is a folder" in line


def test_a_horizon_under_a_week_blames_the_command_line(capsys):
    (line,) = refused(["run", BASELINE, "--years", "0.005"], capsys)
    assert line.startswith("error: command line (--years): run.years: ")
    assert "(one week)" in line and "baseline.toml" not in line


def test_overrides_in_a_batch_blame_the_options_they_came_from(tmp_path, capsys):
    argv = ["batch", BASELINE, FI, "-n", "1", "--out", str(tmp_path / "o"), "--years", "0.001"]
    argv += ["--set", "measures.iru_takedowns.enabled=yes", "--set", "demand.scael=2"]
    lines = refused(argv, capsys)
    # Every error at once, each naming the option (once, though both files have it).
    assert lines == [
        "error: command line (--years): run.years: Input should be greater than or equal to "
        "0.0192308 (one week), not a float (0.001)",
        "error: command line (--set demand.scael=2): demand.scael: unknown key; did you mean "
        "'scale'?",
        "error: command line (--set measures.iru_takedowns.enabled=yes): "
        'measures.iru_takedowns.enabled: Input should be a valid boolean, not a string ("yes")',
    ]
    assert not (tmp_path / "o").exists()


def test_every_bad_file_of_a_command_is_reported_at_once(tmp_path, capsys):
    (tmp_path / "a.toml").write_text('[run]\nyears = "5"\n')
    (tmp_path / "b.toml").write_text("[measures.training]\nenabeld = true\n")
    files = [str(tmp_path / "a.toml"), str(tmp_path / "b.toml")]
    for argv in (
        ["side-by-side", *files],
        ["batch", *files, "-n", "1", "--out", str(tmp_path / "o")],
    ):
        lines = refused(argv, capsys)
        assert len(lines) == 2
        assert "a.toml: run.years: Input should be a valid number" in lines[0]
        assert "b.toml: measures.training.enabeld: unknown key; did you mean 'enabled'?" in lines[1]
    assert not (tmp_path / "o").exists()


def test_more_workers_than_runs_are_not_started(tmp_path, capsys):
    out = tmp_path / "o"
    argv = [
        "batch",
        BASELINE,
        "-n",
        "1",
        "-j",
        str(min(4, options.max_workers())),
        "--years",
        "0.02",
    ]
    assert main([*argv, "--out", str(out)]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["workers"] == 1 and manifest["status"] == "complete"
    capsys.readouterr()
    # A comparison of that folder checks its --baseline against the batch's scenarios.
    (line,) = refused(["compare", str(out), "--baseline", "nosuch"], capsys)
    assert "--baseline: 'nosuch' is not among the scenarios (baseline)" in line


def test_cap_workers_never_exceeds_the_runs():
    assert options.cap_workers(8, 3) == 3
    assert options.cap_workers(2, 30) == 2
    assert options.cap_workers(4, 0) == 1


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("false", False),
        ("5", 5),
        ("0.5", 0.5),
        ('"x"', "x"),
        ('["libya", "agadez"]', ["libya", "agadez"]),
        ("True", True),
        ("central_med", "central_med"),
        ("yes", "yes"),
    ],
)
def test_set_values_are_read_as_toml_then_as_python_literals_then_as_text(text, value):
    assert _value(text) == value and type(_value(text)) is type(value)


def test_set_with_a_toml_value_switches_a_measure_on(tmp_path, capsys):
    out = tmp_path / "o"
    argv = ["batch", BASELINE, "-n", "1", "-j", "1", "--years", "0.02", "--out", str(out)]
    assert main([*argv, "--set", "measures.iru_takedowns.enabled=true"]) == 0
    manifest = json.loads((out / "manifest.json").read_text())
    (config,) = (s["config"] for s in manifest["scenarios"].values())
    assert config["measures"]["iru_takedowns"]["enabled"] is True
    capsys.readouterr()


def test_the_parser_still_exits_0_for_help(capsys):
    with pytest.raises(SystemExit) as info:
        main(["run", "--help"])
    assert info.value.code == 0
    assert "--allow-extends-anywhere" in capsys.readouterr().out


def test_max_workers_follows_the_cpus(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 3)
    assert options.max_workers() == 12
