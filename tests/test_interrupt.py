"""A Ctrl-C or SIGTERM reaches the caller as the interrupt, wherever in a week it lands."""

from __future__ import annotations

import signal
from pathlib import Path

import numpy as np
import pytest

from smugglesim.model import SmugglingModel, load_scenario

BASELINE = Path(__file__).resolve().parents[1] / "scenarios" / "baseline.toml"


class Interrupt(KeyboardInterrupt):
    """What a batch's SIGTERM handler raises (``batch._Terminated``), or Ctrl-C."""


@pytest.fixture(scope="module")
def scenario():
    sc = load_scenario(BASELINE, {"run.years": 1.0})
    SmugglingModel(sc, rng=1).run()  # warms up and keeps the state: later models start fast
    return sc


def test_an_interrupt_inside_a_compiled_loop_is_raised_as_the_interrupt(scenario, monkeypatch):
    """numba returns from a loop during which the signal handler raised, and Python turns
    that into a SystemError caused by the interrupt; the week raises the interrupt itself,
    so that ``except Exception`` (a batch recording a failed run) does not swallow it."""
    model = SmugglingModel(scenario, rng=1)
    interrupt = Interrupt()

    def search(week):
        # as numba and Python chain them: the interrupt, then one error per call it crossed
        inner = SystemError("<function _numba_unpickle> returned a result with an exception set")
        inner.__cause__ = interrupt
        raise SystemError("CPUDispatcher(board) returned a result with an exception set") from (
            inner
        )

    monkeypatch.setattr(model.migrants, "search", search)
    with pytest.raises(Interrupt) as caught:
        model.step()
    assert caught.value is interrupt


def test_a_system_error_of_another_cause_is_left_as_it_is(scenario, monkeypatch):
    model = SmugglingModel(scenario, rng=1)

    def search(week):
        raise SystemError("something else") from ValueError("not an interrupt")

    monkeypatch.setattr(model.migrants, "search", search)
    with pytest.raises(SystemError, match="something else"):
        model.step()


# An interrupt that lands in a weak reference's callback is not raised (Python reports it as
# unraisable and goes on): such a run ends uninterrupted, which the test allows.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_real_interrupts_at_random_moments_all_arrive_as_the_interrupt(scenario):
    """A timer's signal at a random moment of a run, many times: every one that is raised
    arrives as the handler's exception (before the week raised the interrupt in place of
    the SystemError, some landed in a compiled loop's call and came out as that)."""
    rng = np.random.default_rng(7)
    arrived: list[str] = []

    def handler(signum, frame):
        raise Interrupt

    previous = signal.signal(signal.SIGALRM, handler)
    try:
        for delay in rng.uniform(0.001, 0.03, 40):
            try:
                signal.setitimer(signal.ITIMER_REAL, delay)
                SmugglingModel(scenario, rng=1).run()
                arrived.append("not interrupted")
            except Interrupt:
                arrived.append("interrupt")
            except SystemError as exc:
                arrived.append(f"SystemError: {exc}")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert not [a for a in arrived if a.startswith("SystemError")], arrived
    assert arrived.count("interrupt") >= 30
