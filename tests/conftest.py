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


def short(name: str, years: float = 1.0, **overrides):
    """A scenario from scenarios/ with a shorter horizon (and any dotted overrides)."""
    return load_scenario(SCENARIOS / f"{name}.toml", {"run.years": years, **overrides})
