"""smugglesim: what people touch. The ``smugglesim`` command (:mod:`smugglesim.cli`), the
interactive page (:mod:`smugglesim.app`) and the docs generators (:mod:`smugglesim.docs_gen`).

The package sits on top of two layers and is imported by neither:

- ``model``: the simulation core (one run of the Mesa model);
- ``experiments``: everything that runs the model many times or analyses runs.

For one run from Python::

    from smugglesim import SmugglingModel, load_scenario
    model = SmugglingModel(load_scenario("scenarios/baseline.toml"), rng=1).run()
    model.summary(), model.timeseries()

The names are imported on first use (PEP 562): ``smugglesim --help`` imports this package
and must not wait for Mesa and pandas.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from model import Scenario, ScenarioError, SmugglingModel, load_scenario

__all__ = ["Scenario", "ScenarioError", "SmugglingModel", "__version__", "load_scenario"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        import model

        return getattr(model, name)
    raise AttributeError(f"module 'smugglesim' has no attribute {name!r}")
