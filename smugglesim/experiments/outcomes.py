"""The outcomes every measure and package is judged on, and how a weekly series gives one
figure for a run.

:mod:`~smugglesim.experiments.compare`, :mod:`~smugglesim.experiments.measure_effects` and
:mod:`~smugglesim.experiments.dose_response` read them here. This module has no command line,
so the package can import it without importing a module that ``python -m`` then runs (runpy
warns, and the module would be executed twice).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from smugglesim.model.outputs import lookup

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel


def over_run(column: str) -> str:
    """How a weekly column gives one figure for a run: ``"sum"`` (the total) of a flow,
    ``"mean"`` of a stock or ratio."""
    return "sum" if lookup(column).kind == "flow" else "mean"


def figure(model: SmugglingModel, column: str) -> float:
    """A weekly figure over a whole run: the total of a flow, the mean of a stock or ratio."""
    return float(model.timeseries()[column].agg(over_run(column)))


# The outcomes every measure and package is judged on, whatever it changes first: (summary
# key or weekly column, heading, how the change is shown).
DOWNSTREAM = (
    ("migrants_smuggled", "migrants smuggled", "percent"),
    ("entries", "entries into the EU", "percent"),
    ("departures_forgone", "departures given up", "count"),
    ("deaths", "deaths", "percent"),
    ("mean_fee_eur", "mean fee", "percent"),
    ("proceeds_eur", "OCG proceeds", "percent"),
    ("net_proceeds_eur", "OCG proceeds less confiscated", "percent"),
    ("confiscation_ratio", "confiscation ratio", "points"),
    ("members_arrested", "members arrested", "count"),
    ("hvts_arrested", "HVTs arrested", "count"),
    ("capacity_place_weeks", "capacity (place-weeks)", "count"),
    ("ocgs_active", "OCGs operating (mean)", "count"),
    ("ocgs_dismantled", "OCGs dismantled", "count"),
    ("recovery_weeks", "recovery time (weeks)", "count"),
)
"""The outcomes every measure and package is judged on, whatever knob it turns: flows and
harm, prices, money, arrests, and what the OCGs can still offer (``capacity_place_weeks``:
a change is place-weeks of capacity gained or lost), and how fast the groups refill the places
arrests leave (``recovery_weeks``)."""


def downstream(model: SmugglingModel) -> dict[str, float]:
    """The :data:`DOWNSTREAM` outcomes of a run: from its summary, or over its weekly series
    (:func:`figure`) for those the summary lacks (``ocgs_active``)."""
    s = model.summary()
    return {key: s[key] if key in s else figure(model, key) for key, _, _ in DOWNSTREAM}
