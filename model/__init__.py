"""smugglesim: an agent-based model of migrant-smuggling networks and the EU's measures against them.

Quick use::

    from model import SmugglingModel, load_scenario
    m = SmugglingModel(load_scenario("scenarios/baseline.toml"), rng=1).run()
    m.summary(), m.timeseries()
"""

from model.model import SmugglingModel
from model.scenario import Scenario, ScenarioError, load_scenario

__all__ = ["Scenario", "ScenarioError", "SmugglingModel", "load_scenario"]
__version__ = "0.1.0"
