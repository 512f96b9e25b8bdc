"""Dated events: changes of the world around the smugglers, from a date on.

An ``[[events]]`` table of a scenario (:class:`Event`) names a date (``date = 2016-03-20``,
in a run with ``run.start``) or a week, one change, the legs or the origin it changes, the
value, and its source. At the start of that week (the first week that begins on or after
the date) the change is made, once, as a Mesa event, and holds until another event changes
the same thing. The changes, each onto the actor attribute it sets:

- ``interception_prob``: the chance that a third country's coast guard or border police
  stops a crossing of each leg and returns the migrants to its start
  (``Market.interception_prob``, which migrants expect and meet); ends a count set on
  the leg;
- ``interceptions_per_year``: the third country stops this many crossings a year on the
  legs together (times ``demand.scale``): each week ``min(the week's count, max_share x
  the crossings ending there that week)`` are stopped in expectation, shared among those
  crossings in proportion to the share of detection their OCG does not evade
  (:class:`InterceptionQuota`, ``MigrantPopulation.interception_quota``). This is how a
  yearly count reported by IOM, UNHCR or a coast guard enters the model without the
  crossings of that year, which are what the model is judged on;
- ``self_travel_prob_week``: a migrant's weekly chance of going on alone on each leg
  (``Market.self_travel_prob``; e.g. the open Western Balkans corridor of 2015-2016);
- ``demand_factor``: a factor on an origin's flow of would-be migrants, on top of any
  demand schedule (``OriginDemand.factor``).

The migrants' expectations follow at once: the path outlook is computed afresh each week.
An event never writes an output; it is an input, and its value must come from a source
(``source``), not be fitted to the years a run is compared with.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import Field, field_validator, model_validator

from smugglesim.model.parameters import Section, cross_field_errors
from smugglesim.model.routes import FED_ORIGINS, LEGS, ORIGINS, known

if TYPE_CHECKING:
    from smugglesim.model.market import Market
    from smugglesim.model.migrants import MigrantPopulation
    from smugglesim.model.routes import RouteNetwork

Change = Literal[
    "interception_prob", "interceptions_per_year", "self_travel_prob_week", "demand_factor"
]
LEG_CHANGES = ("interception_prob", "interceptions_per_year", "self_travel_prob_week")
# The largest value of each change (the schema's range of ``value``).
VALUE_MAX: dict[str, float] = {
    "interception_prob": 0.99,
    "interceptions_per_year": 1e7,
    "self_travel_prob_week": 1.0,
    "demand_factor": 100.0,
}


# A fed origin's flow is the migrants moving on from where it is fed (secondary movement,
# docs/ODD.md §7.1), not a rate a factor could multiply: a factor on it did nothing.
_FED = (
    "origin {origin!r} is fed by secondary movement: its flow follows the entries that "
    "feed it, and demand_factor cannot change it"
)


class Event(Section):
    """A dated change (an ``[[events]]`` table): from ``date`` (or ``week``) on, ``change``
    is ``value`` on ``legs`` (or ``origin``), on the authority of ``source``."""

    date: dt.date | None = Field(
        None,
        strict=False,
        description="Day from which the change holds, a TOML date (2016-03-20); it takes effect in the first week that begins on or after it (after the run's last week: not at all); needs run.start, and must not be before it. Or give week.",
    )
    week: int | None = Field(
        None, ge=0, le=2600, description="Week (from week 0) from which it holds; or give date."
    )
    change: Change = Field(
        ...,
        description="What changes: interception_prob, interceptions_per_year, self_travel_prob_week (on legs) or demand_factor (on an origin); smugglesim/model/events.py.",
    )
    legs: list[str] = Field(
        [],
        max_length=50,
        description="Legs it changes, each 'source->target' as in the route data (e.g. 'libya->italy'); an interceptions_per_year count is shared by the legs listed.",
    )
    origin: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        description="Origin whose flow demand_factor multiplies; not one fed by secondary movement (greece_mainland), whose flow follows the entries that feed it.",
    )
    value: float = Field(
        ...,
        ge=0,
        le=1e7,
        description="The new value: a probability (interception_prob at most 0.99, self_travel_prob_week at most 1), crossings stopped a year (interceptions_per_year, at most 1e7), or a factor (demand_factor, at most 100).",
    )
    max_share: float = Field(
        0.9,
        ge=0,
        lt=1,
        description="interceptions_per_year: the largest share of a week's crossings the count may stop (ASSUMPTION: some boats always get through).",
    )
    source: str = Field(
        ...,
        min_length=1,
        max_length=1000,
        description="Where the date and the value come from (a citation), or ASSUMPTION and why.",
    )

    @field_validator("legs")
    @classmethod
    def _known_legs(cls, legs: list[str]) -> list[str]:
        return known(legs, LEGS, "leg")

    @field_validator("origin")
    @classmethod
    def _known_origin(cls, origin: str | None) -> str | None:
        if origin is not None:
            known([origin], ORIGINS, "origin")
            if origin in FED_ORIGINS:
                raise ValueError(_FED.format(origin=origin))
        return origin

    @model_validator(mode="after")
    def _consistent(self) -> Event:
        problems: list[tuple[str, str]] = []
        if (self.date is None) == (self.week is None):
            problems.append(("change", "give exactly one of date and week"))
        if self.change in LEG_CHANGES:
            if not self.legs:
                problems.append(("legs", f"{self.change} needs the legs it changes"))
            elif self.origin is not None:
                problems.append(("origin", f"{self.change} changes legs, not an origin"))
        else:
            if self.origin is None:
                problems.append(("change", f"{self.change} needs the origin it changes"))
            elif self.legs:
                problems.append(("legs", f"{self.change} changes an origin, not legs"))
        if self.value > VALUE_MAX[self.change]:
            problems.append(
                ("value", f"{self.value:g} is above {VALUE_MAX[self.change]:g} for {self.change}")
            )
        cross_field_errors(self, problems)
        return self


class InterceptionQuota:
    """Crossings stopped a year set as counts on groups of legs (``interceptions_per_year``).

    Args:
        n_legs: Legs of the route network.
    """

    def __init__(self, n_legs: int) -> None:
        self.on = np.zeros(n_legs, dtype=bool)  # legs under a count
        self.group = np.full(n_legs, -1, dtype=np.int64)
        self.per_week: list[float] = []
        self.max_share: list[float] = []

    def set(self, legs: list[int], per_week: float, max_share: float) -> None:
        """From now, ``per_week`` crossings of ``legs`` together are stopped a week."""
        self.group[legs] = len(self.per_week)
        self.on[legs] = True
        self.per_week.append(per_week)
        self.max_share.append(max_share)

    def end(self, legs: list[int]) -> None:
        """No count on ``legs`` any more (their interception probability holds again)."""
        self.on[legs] = False
        self.group[legs] = -1

    def chance(self, legs: np.ndarray, p: np.ndarray, not_evaded: np.ndarray) -> np.ndarray:
        """The chance that each crossing ending on ``legs`` is stopped: ``p`` times the share
        its OCG does not evade (``not_evaded``), or on the legs under a count, the count's.

        A count is what the third country stopped, so the OCGs' evasion decides which
        crossings it stops, not how many: the week's count (at most ``max_share`` of the
        crossings) is shared in proportion to ``not_evaded``, so that it is met in
        expectation whatever the evasion (a crossing's chance is at most 1)."""
        group = self.group[legs]
        counted = group >= 0
        p = p * not_evaded
        if not counted.any():
            return p
        groups = len(self.per_week)
        crossings = np.bincount(group[counted], minlength=groups)
        exposed = np.bincount(group[counted], weights=not_evaded[counted], minlength=groups)
        stopped = np.minimum(np.asarray(self.per_week), np.asarray(self.max_share) * crossings)
        share = stopped / np.maximum(exposed, 1e-12)
        p[counted] = np.minimum(share[group[counted]] * not_evaded[counted], 1.0)
        return p


class DatedEvent:
    """One ``[[events]]`` table, applied once (a Mesa event at its week).

    Args:
        spec: The event's table.
        week: The week it applies from (its ``week``, or the first week from its ``date``).
        routes: The route network (legs and origins by name).
        market: Whose leg conditions it may change.
        migrants: Whose interception counts and origins' flow it may change.
        scale: ``demand.scale``, by which a count a year is scaled with the flows.
    """

    def __init__(
        self,
        spec: Event,
        week: int,
        routes: RouteNetwork,
        market: Market,
        migrants: MigrantPopulation,
        scale: float,
    ) -> None:
        self.spec = spec
        self.week = week
        self.market = market
        self.migrants = migrants
        self.scale = scale
        self.legs = [routes.leg_index[tuple(name.split("->"))] for name in spec.legs]
        self.origin = migrants.origin_nodes.index(spec.origin) if spec.origin is not None else None
        self.replaced: list[float] = []  # the values it replaced, once applied
        self.applied = False

    @staticmethod
    def problems(spec: Event, routes: RouteNetwork) -> list[tuple[str, str]]:
        """(key, message) for each leg or origin of ``spec`` not in ``routes`` (a route
        network other than the embedded one)."""
        out = []
        legs = {f"{leg.source}->{leg.target}" for leg in routes.legs}
        for name in spec.legs:
            if name not in legs:
                out.append(("legs", f"unknown leg {name!r} in this route network"))
        origins = [o["node"] for o in routes.origins]
        if spec.origin is not None and spec.origin not in origins:
            out.append(("origin", f"unknown origin {spec.origin!r} in this route network"))
        fed = [o["node"] for o in routes.origins if o.get("fed_by")]
        if spec.origin in fed:
            out.append(("origin", _FED.format(origin=spec.origin)))
        return out

    def apply(self) -> None:
        """Make the change (a Mesa event at the start of :attr:`week`)."""
        spec = self.spec
        migrants = self.migrants
        value = spec.value
        if spec.change == "interception_prob":
            self._set(self.market.interception_prob, self.legs, value)
            if migrants.interception_quota is not None:
                migrants.interception_quota.end(self.legs)
        elif spec.change == "self_travel_prob_week":
            self._set(self.market.self_travel_prob, self.legs, value)
        elif spec.change == "interceptions_per_year":
            if migrants.interception_quota is None:
                migrants.interception_quota = InterceptionQuota(len(self.market.interception_prob))
            quota = migrants.interception_quota
            self.replaced = [
                quota.per_week[g] * 52 / self.scale if g >= 0 and self.scale else np.nan
                for g in quota.group[self.legs].tolist()
            ]
            quota.set(self.legs, value * self.scale / 52, spec.max_share)
        else:
            origins = migrants.origins
            if origins.factor is None:
                origins.factor = np.ones(len(origins.nodes))
            self._set(origins.factor, [self.origin], value)
        self.applied = True

    def _set(self, values: np.ndarray, at: list[int], value: float) -> None:
        self.replaced = values[at].tolist()
        values[at] = value
