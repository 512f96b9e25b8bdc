"""The smuggling market: each week's offers, what migrants see of them, and the money paid.

:class:`Market` builds the week's :class:`Offers` from the OCGs' state (price, reach and
capacity of every OCG on every leg it runs; the capacity is what the OCG's cash pays for), tells the migrants how attractive each path
looks (:meth:`Market.path_utilities`), books the fares they pay to the OCGs, and keeps the
demand it could not serve, which the OCG life cycle reads (entry, leg moves).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from smugglesim.model.sampling import Groups, grouped_cdf
from smugglesim.model.smugglers import Role

if TYPE_CHECKING:
    from smugglesim.model.parameters import DemandParams, SmugglerParams
    from smugglesim.model.routes import RouteNetwork
    from smugglesim.model.smugglers import OcgTable, OrganisedCrimeGroup


_INF = np.array([np.inf])


@cache
def _bin_starts(n_legs: int) -> np.ndarray:
    """Where each bin of :class:`Offers`' guide table begins: ``leg + bin / GUIDE_BINS``
    for every leg and bin (the same every week; not to be changed)."""
    bins = np.arange(n_legs * Offers.GUIDE_BINS)
    return bins // Offers.GUIDE_BINS + (bins % Offers.GUIDE_BINS) / Offers.GUIDE_BINS


class Offers:
    """This week's offers on every leg, as flat arrays ordered by leg.

    One offer is one OCG selling one leg: its price, its reach (the chance that a searching
    migrant finds it) and its capacity. ``leg_cdf`` is ``leg + (cumulative choice weight
    within the leg)``, so that ``searchsorted(leg_cdf, leg + u)`` with ``u`` uniform on
    [0, 1) picks an offer on ``leg`` with probability proportional to its weight: one
    vectorised pass serves the migrants of every leg.
    """

    GUIDE_BINS = 64

    def __init__(
        self,
        ocg_ids: np.ndarray,
        leg: np.ndarray,
        price: np.ndarray,
        reach: np.ndarray,
        capacity: np.ndarray,
        n_legs: int,
        price_sensitivity_per_eur: float,
        risk: np.ndarray,
    ):
        self.ocg_ids = ocg_ids.astype(np.int32)  # the dtype of the migrants' ocg column
        self.leg = leg.astype(np.int64, copy=False)
        self.price = price.astype(float, copy=False)
        self.reach = reach.astype(float, copy=False)
        self.capacity = capacity.astype(np.int64, copy=False)
        rows = self.price.size
        count = np.bincount(self.leg, minlength=n_legs)
        # Per leg: chance to find at least one OCG, total capacity, mean price and risk.
        miss = np.ones(n_legs)
        np.multiply.at(miss, self.leg, 1.0 - self.reach)
        self.p_find = 1.0 - miss
        self.leg_capacity = np.bincount(self.leg, weights=self.capacity, minlength=n_legs)
        self.leg_has_offers = offered = count > 0
        # Means over a leg's offers; NaN on a leg without offers.
        price_sum = np.bincount(self.leg, weights=self.price, minlength=n_legs)
        risk_sum = np.bincount(self.leg, weights=risk.take(self.ocg_ids), minlength=n_legs)
        self.leg_mean_price = np.divide(
            price_sum, count, out=np.full(n_legs, np.nan), where=offered
        )
        self.leg_mean_risk = np.divide(risk_sum, count, out=np.full(n_legs, np.nan), where=offered)
        # Logit choice among the OCGs found on a leg: reach (being found) and price.
        self.leg_cdf = np.zeros(0)
        if rows:
            runs = Groups.of(self.leg)
            cheapest = np.minimum.reduceat(self.price, runs.starts)[runs.of_item]
            w = self.reach * np.exp(-price_sensitivity_per_eur * (self.price - cheapest))
            self.leg_cdf = grouped_cdf(self.leg, w, runs)
        # Guide table (Chen and Asau 1974): for each leg and each 1/GUIDE_BINS of [0, 1),
        # the first offer that a draw in that bin can pick, so that the pick (the same as
        # ``searchsorted(leg_cdf, leg + u, side="right")``) needs no binary search:
        # :func:`smugglesim.model.kernels.pick_offers` steps from it to the first offer
        # whose ``cdf_padded`` (``leg_cdf`` and an infinite end) is above ``leg + u``.
        self.guide = np.searchsorted(self.leg_cdf, _bin_starts(n_legs), side="right")
        self.cdf_padded = np.concatenate((self.leg_cdf, _INF))


class Market:
    """The market for passages: offers, path attractiveness, fares and unmet demand.

    Args:
        routes: The route network.
        table: The OCGs' state (prices, pressure, roles, transporters, money).
        leg_ocgs: The OCGs operating each leg (kept up to date by the OCG life cycle).
        smugglers: The smugglers' parameters (pricing, reach, risk-taking).
        demand: The migrants' parameters (price sensitivity, risk aversion, upfront share).
    """

    def __init__(
        self,
        routes: RouteNetwork,
        table: OcgTable,
        leg_ocgs: list[list[OrganisedCrimeGroup]],
        smugglers: SmugglerParams,
        demand: DemandParams,
    ) -> None:
        self.routes = routes
        self.table = table
        self.leg_ocgs = leg_ocgs
        self.smugglers = smugglers
        self.demand = demand
        n_legs = len(routes.legs)
        # The legs' conditions in this run, which dated events may change (the route
        # network is shared by runs and never changes): a third country's chance of
        # stopping a crossing, and a migrant's weekly chance of going on alone.
        self.interception_prob = routes.interception_prob.copy()
        self.self_travel_prob = routes.self_travel_prob.copy()
        self.offers: Offers | None = None
        self.risk = np.zeros(0)  # risk level taken by each OCG (by ocg_id), this week
        self.evasion = np.zeros(0)  # fall in detection probability, by ocg_id, this week
        self._outlook: PathOutlook | None = None
        # Per path, the chance of being detected at least once, by the detection factor it
        # was worked out for (the legs' detection probabilities never change in a run).
        self._detected: tuple[float, np.ndarray] | None = None
        self.unserved_by_leg = np.zeros(n_legs, dtype=np.int64)  # since the last entry round
        self.waiting_by_leg = np.zeros(n_legs, dtype=np.int64)  # searching this week
        self.short_of_cash = 0  # operating OCGs whose cash could not pay every transporter
        self.short_of_cash_weeks = 0  # the same, summed over the weeks so far
        self.capacity_place_weeks = 0  # places offered, summed over the weeks so far

    def refresh(self) -> None:
        """Offers per leg, OCG risk arrays and path utilities, computed once a week.

        One offer per OCG operating a leg with at least one transporter on it: its price
        (base price with the demand markup and the risk premium, between
        ``price_floor_share`` of the leg's lowest fare and ``price_ceiling_factor`` times its
        highest), its reach (recruiters' live adverts and word of
        mouth) and its capacity (the transporters it puts to work, as many as its cash pays
        for at ``transporter_cost_eur_week`` each, times places per transporter)."""
        params = self.smugglers
        routes = self.routes
        table = self.table
        n = table.n
        self.risk = table.risk_level[:n].copy()
        forger = (table.roles[:n, Role.DOCUMENT_FORGER] > 0).astype(float)
        # At most all of it: the two falls may add up to more than 1 within their ranges.
        self.evasion = np.minimum(
            params.risky_detection_evasion * self.risk + params.forger_detection_reduction * forger,
            1.0,
        )
        live = table.existing()
        working = live[table.operating[live]]
        self.short_of_cash = int(table.put_to_work(working, params.transporter_cost_eur_week).sum())
        self.short_of_cash_weeks += self.short_of_cash
        ids = np.array([o.ocg_id for on_leg in self.leg_ocgs for o in on_leg], dtype=np.int64)
        legs = np.repeat(np.arange(len(self.leg_ocgs)), [len(on_leg) for on_leg in self.leg_ocgs])
        capacity = table.capacity(ids, legs, routes.people_per_transporter)
        on = table.operating[ids] & (capacity > 0)
        ids, legs, capacity = ids[on], legs[on], capacity[on]
        markup = table.demand_markup[ids] + params.risk_premium * np.minimum(
            table.pressure[ids], 1.0
        )
        price = np.minimum(
            np.maximum(
                table.base_price[ids, legs] * (1.0 + markup),
                params.price_floor_share * routes.price_min[legs],
            ),
            params.price_ceiling_factor * routes.price_max[legs],
        )
        recruiters = table.roles[ids, Role.RECRUITER]
        found = (
            params.online_reach_per_advert * table.adverts_live(ids, params.adverts_per_recruiter)
            + params.word_of_mouth_reach * recruiters
        )
        reach = 1.0 - np.exp(-found)
        self.capacity_place_weeks += int(capacity.sum())
        self.offers = Offers(
            ids,
            legs,
            price,
            reach,
            capacity,
            len(routes.legs),
            self.demand.price_sensitivity / 1000.0,
            self.risk,
        )
        self._outlook = None

    def book_sales(self, sold: np.ndarray) -> None:
        """The OCGs take the upfront part of the fares they sold this week (per offer)."""
        offers = self.offers
        j = np.flatnonzero(sold)
        ids = offers.ocg_ids[j]
        self.table.sold[ids, offers.leg[j]] += sold[j]
        self.table.receive(
            ids,
            offers.price[j] * self.demand.upfront_share * sold[j],
            self.smugglers.operating_cost_share,
        )

    def release_escrow(self, amounts: np.ndarray) -> None:
        """Escrow released to the OCGs (by OCG id) when their migrants complete a leg."""
        ids = np.flatnonzero(amounts)
        self.table.receive(ids, amounts[ids], self.smugglers.operating_cost_share, unique=True)

    def path_utilities(
        self, detection_factor: float = 1.0, interception_factor: float = 1.0
    ) -> np.ndarray:
        """How attractive each path looks this week: price, death risk, the chances of
        being intercepted by a third country and detected at the EU border, and smugglers to
        be found (the factors: on every leg's detection and interception probability)."""
        return self.outlook(detection_factor, interception_factor).utility

    def outlook(
        self, detection_factor: float = 1.0, interception_factor: float = 1.0
    ) -> PathOutlook:
        """What a migrant expects of each path this week (computed once a week)."""
        factors = (detection_factor, interception_factor)
        if self._outlook is None or self._outlook.factors != factors:
            routes = self.routes
            demand = self.demand
            mult = self.smugglers.risky_death_multiplier - 1.0
            offers = self.offers
            offered = offers.leg_has_offers
            leg_price = np.where(offered, offers.leg_mean_price, routes.price_max)
            leg_death = routes.death_risk * np.where(
                offered, 1.0 + offers.leg_mean_risk * mult, 1.0
            )
            leg_find = np.maximum(
                np.where(offered, offers.p_find, 0.0),
                np.maximum(self.self_travel_prob, demand.find_prob_floor),
            )
            incidence = routes.path_leg_incidence  # paths x legs, 1 where a path uses a leg
            price = incidence @ leg_price
            death = _at_least_once(incidence, leg_death)
            intercepted = _at_least_once(incidence, self.interception_prob * interception_factor)
            if self._detected is None or self._detected[0] != detection_factor:
                leg_detect = np.minimum(routes.detection_prob * detection_factor, 1.0)
                self._detected = (detection_factor, _at_least_once(incidence, leg_detect))
            detected = self._detected[1]
            utility = (
                routes.path_preference
                - demand.price_sensitivity * price / 1000.0
                - demand.risk_aversion * death
                - demand.interception_aversion * intercepted
                - demand.detection_aversion * detected
                + incidence @ np.log(leg_find)
            )
            # The expected cost in EUR: fees over the chance of getting through (an
            # interception means paying again), and the risks valued as in the choice.
            eur_per_utility = 1000.0 / demand.price_sensitivity if demand.price_sensitivity else 0.0
            cost = price / ((1.0 - death) * (1.0 - intercepted)) + eur_per_utility * (
                demand.risk_aversion * death + demand.detection_aversion * detected
            )
            self._outlook = PathOutlook(factors, utility, cost)
        return self._outlook


def _at_least_once(incidence: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Per path (``incidence``: paths x legs), the chance that an event of probability
    ``p`` on each leg happens on at least one of its legs."""
    return 1.0 - np.exp(incidence @ np.log1p(-np.minimum(p, 1.0 - 1e-12)))


class PathOutlook(NamedTuple):
    """Per path, this week: ``utility`` (the logit choice's) and ``cost``, the expected cost
    of the journey in EUR that departures respond to."""

    factors: tuple[float, float]  # on detection and on interception
    utility: np.ndarray
    cost: np.ndarray
