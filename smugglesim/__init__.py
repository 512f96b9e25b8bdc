"""smugglesim: what people touch. The ``smugglesim`` command (:mod:`smugglesim.cli`), the
interactive page (:mod:`smugglesim.app`) and the docs generators (:mod:`smugglesim.docs_gen`).

The package sits on top of two layers and is imported by neither:

- ``model``: the simulation core (one run of the Mesa model);
- ``experiments``: everything that runs the model many times or analyses runs.

For one run from Python::

    from smugglesim import SmugglingModel, load_scenario
    model = SmugglingModel(load_scenario("scenarios/baseline.toml"), rng=1).run()
    model.summary(), model.timeseries()
"""

from model import Scenario, ScenarioError, SmugglingModel, __version__, load_scenario

__all__ = ["Scenario", "ScenarioError", "SmugglingModel", "__version__", "load_scenario"]
