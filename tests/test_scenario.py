"""Scenario files: inheritance, validation, and one-line errors naming file and key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from smugglesim.cli import main
from smugglesim.model import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write(tmp_path, "base.toml", 'name = "base"\n[run]\nyears = 2\n')


def test_every_shipped_scenario_is_valid():
    for path in sorted((ROOT / "scenarios").glob("*.toml")):
        load_scenario(path)


def test_extends_merges_the_child_over_the_parent(tmp_path, base):
    child = write(
        tmp_path, "child.toml", 'extends = "base.toml"\n[measures.iru_takedowns]\nenabled = true\n'
    )
    sc = load_scenario(child)
    assert sc.run.years == 2
    assert sc.measures.iru_takedowns.enabled
    assert sc.name == "child"  # a scenario without a name of its own is named after its file


def test_overrides_apply_last(base):
    sc = load_scenario(base, {"finance.parallel_financial_share": 0.9})
    assert sc.finance.parallel_financial_share == 0.9


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("[run]\nyearz = 3\n", "run.yearz", "did you mean 'years'"),
        ('[demand]\nscale = "lots"\n', "demand.scale", "valid number"),
        (
            "[finance]\nparallel_financial_share = 1.5\n",
            "finance.parallel_financial_share",
            "less than or equal",
        ),
        (
            "[measures.no_such_measure]\nenabled = true\n",
            "measures.no_such_measure",
            "unknown key",
        ),
        (
            "[measures.lo_coordination]\nenabled = true\nstart_week = 10\nend_week = 5\n",
            "measures.lo_coordination",
            "end_week",
        ),
        ('extends = "missing.toml"\n', "extends", "file not found"),
        ("[run\nyears = 3\n", "TOML syntax error", ""),
    ],
)
def test_bad_input_is_one_line_naming_file_and_key(tmp_path, text, key, words):
    path = write(tmp_path, "bad.toml", text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    assert "\n" not in message
    assert "bad.toml" in message and key in message and words in message


def test_cyclic_extends_is_an_error(tmp_path):
    write(tmp_path, "a.toml", 'extends = "b.toml"\n')
    write(tmp_path, "b.toml", 'extends = "a.toml"\n')
    with pytest.raises(ScenarioError, match="cyclic extends"):
        load_scenario(tmp_path / "a.toml")


def test_an_error_in_a_parent_names_the_parent(tmp_path):
    write(tmp_path, "parent.toml", "[demand]\nscale = -1\n")
    child = write(tmp_path, "child.toml", 'extends = "parent.toml"\n')
    with pytest.raises(ScenarioError, match=r"parent\.toml: demand\.scale"):
        load_scenario(child)


def test_cli_validate_exit_codes(tmp_path, capsys):
    good = ROOT / "scenarios" / "baseline.toml"
    bad = write(tmp_path, "bad.toml", "[run]\nyears = -1\n")
    assert main(["validate", str(good)]) == 0
    assert main(["validate", str(good), str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "bad.toml: run.years" in err[0]


def test_cli_run_bad_file_exits_2_without_traceback(tmp_path):
    bad = write(tmp_path, "bad.toml", "[smugglers]\nmembers_min = 1\n")
    proc = subprocess.run(
        [sys.executable, "-m", "smugglesim.cli", "run", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().count("\n") == 0 and "smugglers.members_min" in proc.stderr
