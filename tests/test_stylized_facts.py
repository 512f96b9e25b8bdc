"""The stylized-facts experiments (docs/stylized_facts.md) run, and the facts the model
reproduces stay reproduced."""

from __future__ import annotations

import numpy as np
import pytest

from smugglesim.experiments import displacement


def test_the_displacement_experiment_runs_and_reports_every_route(capsys):
    args = ["--seeds", "2", "--years", "0.5", "--start", "2", "--weeks", "12", "--every", "4"]
    assert displacement.main(args) == 0
    out = capsys.readouterr().out
    for route in ("central_med", "eastern_med", "western_med", "western_balkans"):
        assert f"entries, {route}" in out
    assert "Displacement share" in out and "Mean fee on central_med" in out


def test_a_crackdown_is_a_list_of_operations_on_its_route():
    ops = displacement.crackdown("western_med", start=10, weeks=12, every=4, members=2)
    assert [op["week"] for op in ops] == [10, 14, 18]
    assert all(op["route"] == "western_med" and op["members_per_ocg"] == 2 for op in ops)


def test_a_crackdown_that_outlasts_the_run_is_refused():
    with pytest.raises(SystemExit):
        displacement.main(["--years", "0.5", "--start", "20", "--weeks", "52"])


@pytest.mark.slow
def test_a_crackdown_cuts_its_route_and_raises_its_fees_and_risk():
    """Paired seeds: entries on the targeted route fall, its fees and deaths per attempted
    crossing rise, and part of the flow appears on the Western Mediterranean."""
    ops = displacement.crackdown("central_med", start=13, weeks=52, every=4, members=1)
    seeds = range(1, 7)
    base = [displacement.window(s, 2.0, [], 13, 52) for s in seeds]
    hit = [displacement.window(s, 2.0, ops, 13, 52) for s in seeds]

    def change(route: str, key: str) -> np.ndarray:
        return np.array([h[route][key] - b[route][key] for b, h in zip(base, hit, strict=True)])

    assert (change("central_med", "entries") < 0).all()
    assert (change("western_med", "entries") > 0).all()
    assert (change("central_med", "fee") > 0).all()
