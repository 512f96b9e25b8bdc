"""Shared fixtures: scenario paths and small, fast scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from smugglesim.model import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"


@pytest.fixture
def scenarios_dir() -> Path:
    return SCENARIOS


# Most tests check a mechanism, not the level of a figure in a system under way: they run
# without the warm-up (``run.warmup_years``), which would otherwise add a year to each run.
NO_WARMUP = {"run.warmup_years": 0.0}


def short(name: str, years: float = 1.0, **overrides):
    """A scenario from scenarios/ with a shorter horizon, no warm-up (unless overridden)
    and any other dotted overrides."""
    changes = {"run.years": years, **NO_WARMUP, **overrides}
    return load_scenario(SCENARIOS / f"{name}.toml", changes)


# -- conservation laws, checked after any week of any run ---------------------------------
def assert_migrants_conserved(model, departed: int) -> None:
    """Every migrant who has departed (``departed`` so far, warm-up included) is searching,
    travelling or at the end of a journey (logged, or ended in the warm-up)."""
    states = model.migrants.counts_by_state()
    finished = model.migrants.finished_total() + model.migrants.finished_in_warmup
    assert states["searching"] + states["travelling"] + finished == departed, (states, departed)


def assert_money_conserved(model) -> None:
    """Every euro the OCGs took is held, spent, frozen or confiscated (up to rounding), and
    every euro migrants paid is an OCG's proceeds, refunded from escrow or still in it."""
    bal = model.money_balance()
    scale = max(bal["inflow"], 1.0)
    assert abs(bal["residual"]) <= 1e-9 * scale, bal
    assert abs(bal["frozen_residual"]) <= 1e-9 * scale, bal
    mig = model.migrants
    proceeds = sum(o.proceeds for o in model.ocgs)
    held = mig.escrow_held()
    assert mig.fees_paid == pytest.approx(proceeds + mig.escrow_refunded + held, rel=1e-9)
