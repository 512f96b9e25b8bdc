"""The profile of a replication's phases: its options (the profile itself is read by hand)."""

import pytest

from smugglesim.experiments.profile_step import main


def test_the_phases_of_a_run_with_an_override(monkeypatch, capsys):
    """``--set`` reaches the scenario (docs/performance.md profiles ``demand.scale`` 10 so)."""
    argv = ["profile_step", "--years", "0.05", "--set", "demand.scale=2"]
    argv += ["--set", "run.warmup_years=0"]
    monkeypatch.setattr("sys.argv", argv)
    assert main() == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(
        "baseline.toml, 0.05 years, demand.scale = 2, run.warmup_years = 0, seed 1:"
    )
    assert any(line.split()[:1] == ["migrants.search"] for line in out[1:])


def test_a_bad_override_is_a_usage_error(monkeypatch, capsys):
    monkeypatch.setattr("sys.argv", ["profile_step", "--set", "demand.scale"])
    with pytest.raises(SystemExit) as exit_:
        main()
    assert exit_.value.code == 2
    assert "argument --set: demand.scale: expected KEY=VALUE" in capsys.readouterr().err
