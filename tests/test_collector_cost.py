"""The collector's cost per replication: its timer and its options (the figures are read by
hand, docs/performance.md)."""

import gc

from smugglesim.experiments import collector_cost
from smugglesim.experiments.collector_cost import CollectorTimer, main


def test_the_timer_counts_each_generation_while_installed():
    with CollectorTimer() as timer:
        gc.collect(1)
        gc.collect(2)
    # Generation 0 may also be collected on its own in between (a count of allocations).
    assert timer.count[1:] == [1, 1]
    assert timer.seconds[1] > 0.0 and timer.seconds[2] > 0.0
    counted = list(timer.count)
    gc.collect(2)  # after the block: no longer counted
    assert timer.count == counted


def test_a_short_run_prints_every_generation(monkeypatch, capsys):
    frozen = []
    monkeypatch.setattr(collector_cost.gc, "freeze", lambda: frozen.append(True))
    argv = ["collector_cost", "--years", "0.02", "--replications", "2", "--freeze-imports"]
    monkeypatch.setattr("sys.argv", [*argv, "--set", "run.warmup_years=0"])
    assert main() == 0
    assert frozen == [True]
    out = capsys.readouterr().out
    assert "2 replications of 0.02 years taking over a kept state" in out
    for generation in range(3):
        assert f"generation {generation}:" in out
    assert "one full collection now:" in out
