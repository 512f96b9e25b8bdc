"""Would-be migrants at the origins: how many set out each week, and who gives up.

Each origin has a flow of would-be migrants: at the rate of its ``departures_per_week`` in
the route data (the status quo of 2018, with a seasonal swing), or, for an origin ``fed_by``
EU entry points (Greece's mainland for the Western Balkans), the migrants who entered there
and move on (``demand.secondary_movement_share``) after some weeks
(``demand.secondary_movement_weeks``).

Would-be migrants wait at the origin, by weeks waited. Each week a share of them
(``decision_prob_week``) decides. A decider sets out with probability
``min(1, (C / C0) ** -departure_elasticity)``, where ``C`` is the journey's expected cost
from the origin this week (the mean over its paths, weighted as migrants choose them, of
fees over the chance of getting through, plus death and detection risk valued in EUR:
:meth:`smugglesim.model.market.Market.outlook`) and ``C0`` the same at the start of the run. A decider
who does not set out gives up with probability ``min(1, give_up_prob × 2 ** (weeks waited
/ give_up_doubling_weeks))``, else postpones. A journey cheaper than at the start does not
add departures beyond the flow of would-be migrants (ASSUMPTION).

In a dated run the flow may change over time: a demand schedule
(:mod:`smugglesim.model.demand_schedule`, ``demand.schedule``) sets each origin's flow by
year or quarter relative to 2018's, and a dated event (:mod:`smugglesim.model.events`,
``demand_factor``) multiplies it from a date on; the seasonal swing then follows the
calendar (the week of the year of a run starting in April is not ``week % 52``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from smugglesim.model.demand_schedule import ScheduledFlow
    from smugglesim.model.parameters import DemandParams
    from smugglesim.model.routes import RouteNetwork

# The oldest bucket of the waiting holds everyone who waited longer (a resolution, not a
# behaviour: by then the chance of giving up has long reached 1 at the defaults).
MAX_WAIT_WEEKS = 52


class OriginDemand:
    """The would-be migrants at each origin, in the order of ``routes.origins``.

    Args:
        routes: The route network (origins, their rates, seasonality and feeds).
        demand: The migrants' parameters.
        rng: The ``demand`` random stream.
    """

    def __init__(self, routes: RouteNetwork, demand: DemandParams, rng: np.random.Generator):
        origins = routes.origins
        self.demand = demand
        self.rng = rng
        self.nodes = [o["node"] for o in origins]
        n = len(origins)
        self.rate = np.array([o["departures_per_week"] for o in origins], dtype=float)
        self.season = np.array([o.get("seasonality", 0.0) for o in origins])
        # Departures follow a sine over the year; it rises through 1 a quarter year before
        # the peak.
        self.season_offset_weeks = demand.season_peak_week - 52 // 4
        self.fed = np.array([bool(o.get("fed_by")) for o in origins])
        self.fed_from = {
            place: o for o, origin in enumerate(origins) for place in origin.get("fed_by", [])
        }
        # Migrants who entered the EU and will move on, by origin they will leave from; at
        # the start, enough for the origin's status-quo outflow at the run's scale.
        start = self.rate * demand.scale * demand.secondary_movement_weeks
        self.moving_on = np.where(self.fed, np.rint(start), 0).astype(np.int64)
        self.waiting = np.zeros((n, MAX_WAIT_WEEKS), dtype=np.int64)
        self.reference_cost: np.ndarray | None = None
        self.gave_up_total = 0  # would-be migrants who gave up at their origin, so far
        # A dated run's calendar: weeks from 1 January to week 0, a demand schedule, and
        # the factors dated events set on each origin's flow (None: none).
        self.year_offset_weeks = 0
        self.schedule: ScheduledFlow | None = None
        self.factor: np.ndarray | None = None
        waited = np.arange(MAX_WAIT_WEEKS) / demand.give_up_doubling_weeks
        give_up = demand.give_up_prob * np.exp2(waited)
        self._give_up_by_wait = np.minimum(give_up, 1.0)

    def expected_cost(
        self, choice_origin: np.ndarray, choice_path: np.ndarray, outlook
    ) -> np.ndarray:
        """Per origin, the journey's expected cost: path costs weighted by the logit shares
        with which migrants choose among the origin's paths."""
        u = outlook.utility[choice_path]
        w = np.exp(u - u.max())
        n = len(self.nodes)
        total = np.bincount(choice_origin, weights=w, minlength=n)
        cost = np.bincount(choice_origin, weights=w * outlook.cost[choice_path], minlength=n)
        return cost / np.maximum(total, 1e-300)

    def enter_origin(self, origin: int, migrants: int) -> None:
        """``migrants`` entered the EU at a place feeding ``origin``; a share of them will
        move on from there."""
        if migrants:
            share = self.demand.secondary_movement_share
            self.moving_on[origin] += self.rng.binomial(migrants, share)

    def departures(self, week: int, cost: np.ndarray) -> np.ndarray:
        """How many set out from each origin this week, given the journey's expected cost."""
        rng = self.rng
        demand = self.demand
        if self.reference_cost is None:
            self.reference_cost = cost.copy()
        shifted = (week + self.year_offset_weeks) % 52 - self.season_offset_weeks
        season = 1.0 + self.season * np.sin(2 * np.pi * shifted / 52)
        flow = self.rate * demand.scale * season
        if self.schedule is not None:
            flow = flow * self.schedule.factor(week)
        if self.factor is not None:
            flow = flow * self.factor
        new = rng.poisson(np.where(self.fed, 0.0, flow))
        leaving = rng.binomial(self.moving_on, 1.0 / demand.secondary_movement_weeks)
        self.moving_on -= leaving
        waiting = self.waiting
        waiting[:, -1] += waiting[:, -2]
        waiting[:, 1:-1] = waiting[:, :-2]
        waiting[:, 0] = new + leaving
        reference = self.reference_cost
        ratio = np.divide(cost, reference, out=np.ones_like(cost), where=reference > 0)
        set_out = np.minimum(1.0, ratio**-demand.departure_elasticity)
        deciding = rng.binomial(waiting, demand.decision_prob_week)
        going = rng.binomial(deciding, set_out[:, None])
        giving_up = rng.binomial(deciding - going, self._give_up_by_wait[None, :])
        waiting -= going + giving_up
        self.gave_up_total += int(giving_up.sum())
        return going.sum(axis=1)

    def waiting_total(self) -> int:
        """Would-be migrants who have postponed, at all origins."""
        return int(self.waiting.sum())
