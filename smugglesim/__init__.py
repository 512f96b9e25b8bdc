"""smugglesim: what people touch. The ``smugglesim`` command (:mod:`smugglesim.cli`), the
Python API (:mod:`smugglesim.api`, :mod:`smugglesim.multisim`), the interactive page
(:mod:`smugglesim.app`) and the docs generators (:mod:`smugglesim.docs_gen`).

These modules sit on top of two layers, subpackages that import none of them:

- :mod:`smugglesim.model`: the simulation core (one run of the Mesa model);
- :mod:`smugglesim.experiments`: everything that runs the model many times or analyses runs.

``smugglesim`` is the only top-level name installed, so that a user's own ``model.py`` or
``experiments.py`` (next to a notebook, say) shadows nothing.

From Python, one run, its labelled outputs and a plot::

    import smugglesim
    sim = smugglesim.run("baseline", seed=1, years=3)   # a shipped scenario, or a path
    sim.table(), sim.timeseries, sim.plot()

and replications of several scenarios on paired seeds, with bands and comparisons::

    ms = smugglesim.MultiSim(["baseline", "financial_investigations"], replications=10).run()
    ms.plot(), ms.table(), ms.compare(), ms.plot_compare(), print(ms.report())

The names are imported on first use (PEP 562): ``smugglesim --help`` imports this package
and must not wait for Mesa, pandas or the experiment layer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smugglesim.api import Sim, run, scenario, shipped_scenarios
    from smugglesim.model import Scenario, ScenarioError, SmugglingModel, load_scenario
    from smugglesim.multisim import MultiSim

# Where each public name lives.
_HOMES = {
    "Scenario": "smugglesim.model",
    "ScenarioError": "smugglesim.model",
    "SmugglingModel": "smugglesim.model",
    "__version__": "smugglesim.model",
    "load_scenario": "smugglesim.model",
    "Sim": "smugglesim.api",
    "run": "smugglesim.api",
    "scenario": "smugglesim.api",
    "shipped_scenarios": "smugglesim.api",
    "MultiSim": "smugglesim.multisim",
}
__all__ = [
    "MultiSim",
    "Scenario",
    "ScenarioError",
    "Sim",
    "SmugglingModel",
    "__version__",
    "load_scenario",
    "run",
    "scenario",
    "shipped_scenarios",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is not None:
        import importlib

        return getattr(importlib.import_module(home), name)
    raise AttributeError(f"module 'smugglesim' has no attribute {name!r}")
