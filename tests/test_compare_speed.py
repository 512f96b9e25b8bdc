"""The side-by-side speed comparison's options (the comparison itself is a benchmark, run by hand)."""

import argparse

import pytest

from smugglesim.experiments.compare_speed import WARM_UP, main, override


def test_an_override_reads_its_value_as_toml():
    assert override("run.warmup_years=0") == ("run.warmup_years", 0)
    assert override("enforcement.action_days_per_year=0.5") == (
        "enforcement.action_days_per_year",
        0.5,
    )
    assert override('enforcement.targeting="hvt_first"') == ("enforcement.targeting", "hvt_first")


@pytest.mark.parametrize("text", ["x", "=1", "run.years=", "run.years=not toml"])
def test_a_bad_override_is_a_one_line_usage_error(text):
    with pytest.raises(argparse.ArgumentTypeError, match="^" + text.split("=")[0]):
        override(text)


@pytest.mark.parametrize("mode", WARM_UP)
def test_the_working_tree_against_itself_in_every_warm_up_mode(mode, monkeypatch, capsys):
    argv = ["compare_speed", "WORKTREE", "WORKTREE", "--trials", "2", "--years", "0.05"]
    argv += ["--warm-up", mode, "--set", "run.warmup_years=0.05"]
    monkeypatch.setattr("sys.argv", argv)
    assert main() == 0
    out = capsys.readouterr().out
    assert f"warm-up {mode}, run.warmup_years = 0.05 in WORKTREE" in out
    assert "median ratio" in out


def test_a_revision_git_does_not_know_stops_the_comparison_with_one_line(monkeypatch):
    monkeypatch.setattr("sys.argv", ["compare_speed", "no-such-revision", "--trials", "1"])
    with pytest.raises(
        SystemExit, match=r"^no-such-revision: not a revision of .*\(git: [^\n]*\)$"
    ):
        main()
