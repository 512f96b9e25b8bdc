"""smugglesim: an agent-based model of migrant-smuggling networks and the EU's measures against them.

Quick use::

    from smugglesim.model import SmugglingModel, load_scenario
    m = SmugglingModel(load_scenario("scenarios/baseline.toml"), rng=1).run()
    m.summary(), m.timeseries()

The names below are imported on first use (PEP 562), so that importing a light submodule
(``smugglesim.model.shipped``, the version) does not import Mesa, pandas and pydantic.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["Scenario", "ScenarioError", "SmugglingModel", "load_scenario"]
__version__ = "0.1.0"

_WHERE = {
    "SmugglingModel": "smugglesim.model.model",
    "Scenario": "smugglesim.model.scenario",
    "ScenarioError": "smugglesim.model.scenario",
    "load_scenario": "smugglesim.model.scenario",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'smugglesim.model' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
