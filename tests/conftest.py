"""Shared fixtures: scenario paths and small, fast scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

from model import load_scenario

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
