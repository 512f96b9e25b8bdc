"""Migrants as a vectorised population: one row per migrant, numpy columns.

Migrants are many and alike, so they are not Mesa agents. Each row is one migrant on a
journey; when the journey ends (arrived, detected at the EU border, died, abandoned) the
row moves to the journey log, so every journey stays individually traceable
(:meth:`MigrantPopulation.journeys`) while the weekly work scales with the migrants still
travelling.

Each week: new migrants depart from the origins and choose a path; migrants waiting at a
location search for a smuggler for their next leg, choose among the OCGs they find (price
and reach), pay part upfront and the rest into escrow, or travel alone where they can, or
give up; migrants on a leg advance, and at the end of it may die, be detected at the EU
border, arrive, or wait for the next leg.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import numpy as np
import pandas as pd

from smugglesim.model import kernels
from smugglesim.model.demand import OriginDemand
from smugglesim.model.kernels import GONE, OUTCOMES, SEARCHING, TRAVELLING
from smugglesim.model.sampling import Groups, grouped_cdf

if TYPE_CHECKING:
    from smugglesim.model.enforcement import BorderGuards
    from smugglesim.model.events import InterceptionQuota
    from smugglesim.model.market import Market
    from smugglesim.model.parameters import DemandParams, SmugglerParams
    from smugglesim.model.routes import RouteNetwork
    from smugglesim.model.streams import RandomStreams


# Narrow types: the weekly passes are bound by memory traffic more than by arithmetic.
# The search, the travel and the log of the journeys that ended are loops compiled by numba
# (:mod:`smugglesim.model.kernels`), which read each row once. The numpy passes (departures,
# dropping finished rows) gather with ``take`` and index with ``np.intp`` arrays (a narrower
# index is cast element by element at every use), and select rows by index lists from
# ``flatnonzero`` where a boolean mask would be used more than once or is half full (numpy
# copies the runs of a mask one by one). Positions known to be in range are gathered with
# ``mode="clip"``, which spares numpy's check of each index (about a quarter fewer
# instructions per element).
_COLUMNS = {
    "mid": np.int64,  # journey id
    "origin": np.int16,
    "path": np.int16,
    "pos": np.int16,
    "state": np.int8,
    "leg": np.int16,  # the leg being travelled, or searched for
    "ocg": np.int32,
    "due_week": np.int32,  # the week a leg ends (travelling)
    "wait": np.int16,
    "paid": np.float64,
    "escrow": np.float64,
    "depart_week": np.int32,
    "legs_smuggled": np.int16,
}


class MigrantPopulation:
    """The migrants on their way, and the log of finished journeys.

    ``LOG_TYPES``: the columns of the log of finished journeys and their types (a test
    checks the log against it; ``smugglesim/experiments/scale_benchmark.py`` reports the bytes).

    Args:
        routes: The route network.
        demand: The migrants' parameters.
        smugglers: The smugglers' parameters (how much riskier their riskiest crossings are).
        market: The smuggling market (offers, path attractiveness, fares).
        border_guards: Whose detection factor scales every leg's detection probability.
        streams: The run's random streams (``demand``, ``market``, ``travel``).
        interception_factor: Scales every leg's interception probability (third countries'
            coast guards and border police; ``enforcement.third_country_interception_factor``).
    """

    LOG_TYPES: ClassVar[dict[str, type]] = {
        "migrant": np.int64,
        "origin": np.int16,
        "path": np.int16,
        "route": np.int8,
        "outcome": np.int8,
        "depart_week": np.int32,
        "end_week": np.int32,
        "legs_completed": np.int16,
        "legs_smuggled": np.int16,
        "fee_paid_eur": np.float64,
        "last_ocg": np.int32,
    }

    def __init__(
        self,
        routes: RouteNetwork,
        demand: DemandParams,
        smugglers: SmugglerParams,
        market: Market,
        border_guards: BorderGuards,
        streams: RandomStreams,
        interception_factor: float = 1.0,
    ) -> None:
        self.routes = routes
        self.demand = demand
        self.smugglers = smugglers
        self.market = market
        self.border_guards = border_guards
        self.interception_factor = interception_factor
        # Third countries' interceptions set as counts a year on some legs (dated events).
        self.interception_quota: InterceptionQuota | None = None
        self._rng_demand = streams["demand"]
        self._rng_market = streams["market"]
        self._rng_travel = streams["travel"]
        self.cap = 1024
        self.n = 0
        self.cols = {k: np.zeros(self.cap, dtype=t) for k, t in _COLUMNS.items()}
        self.next_id = 0
        self.gone = 0  # rows of finished journeys not yet dropped
        self._log: list[dict[str, np.ndarray]] = []
        self.finished_in_warmup = 0  # journeys that ended in the warm-up (not logged)
        self.origin_nodes = [o["node"] for o in routes.origins]
        self.origins = OriginDemand(routes, demand, self._rng_demand)
        # The origin each path's end feeds by secondary movement (-1: none).
        self.path_feeds = np.array(
            [self.origins.fed_from.get(p.nodes[-1], -1) for p in routes.paths], dtype=np.int64
        )
        self.self_travel_risk_level = demand.self_travel_risk_level
        # The paths whose end feeds each origin, for secondary movement.
        self._paths_feeding = [
            np.flatnonzero(self.path_feeds == o) for o in range(len(self.origin_nodes))
        ]
        # The paths from each origin, origin after origin, for the choice of path.
        by_origin = [
            (o, p.index)
            for o, node in enumerate(self.origin_nodes)
            for p in routes.paths
            if p.origin == node
        ]
        self.choice_origin, self.choice_path = np.array(by_origin, dtype=np.int16).T
        self.choice_runs = Groups.of(self.choice_origin)
        n_routes = len(routes.route_names)
        self.week_counts: dict[str, np.ndarray] = {}
        self.reset_week(n_routes)
        self.escrow_refunded = 0.0
        self.fees_paid = 0.0

    # -- storage ----------------------------------------------------------------------------
    def reset_week(self, n_routes: int | None = None) -> None:
        n_routes = n_routes or len(self.routes.route_names)
        self.week_counts = {
            "departed": np.zeros(n_routes, dtype=np.int64),
            "intercepted": np.zeros(n_routes, dtype=np.int64),
            "smuggled": np.zeros(n_routes, dtype=np.int64),
            **{name: np.zeros(n_routes, dtype=np.int64) for name in OUTCOMES},
            "fees_sum": np.zeros(n_routes),
            "fees_n": np.zeros(n_routes, dtype=np.int64),
        }
        self.detected_by_ocg = np.zeros(0, dtype=np.int64)  # this week, by OCG id

    def _count(self, name: str, routes: np.ndarray, weights: np.ndarray | None = None) -> None:
        """Add per-route counts (or sums of ``weights``) to this week's tally."""
        tally = self.week_counts[name]
        tally += np.bincount(routes, weights=weights, minlength=tally.size).astype(
            tally.dtype, copy=False
        )

    def _grow(self, extra: int) -> None:
        need = self.n + extra
        if need <= self.cap:
            return
        while self.cap < need:
            self.cap *= 2
        for k, arr in self.cols.items():
            new = np.zeros(self.cap, dtype=arr.dtype)
            new[: self.n] = arr[: self.n]
            self.cols[k] = new

    def view(self, name: str) -> np.ndarray:
        return self.cols[name][: self.n]

    # -- the week ---------------------------------------------------------------------------
    def depart(self, week: int) -> None:
        """New migrants appear at the origins and choose a path."""
        rng = self._rng_demand
        outlook = self.market.outlook(self.border_guards.detection_factor, self.interception_factor)
        cost = self.origins.expected_cost(self.choice_origin, self.choice_path, outlook)
        counts = self.origins.departures(week, cost)
        utility = outlook.utility
        total = int(counts.sum())
        if total == 0:
            return
        self._grow(total)
        # Each migrant chooses among the paths from its origin (logit on utility).
        origins = np.repeat(np.arange(counts.size, dtype=np.int16), counts)
        u = utility[self.choice_path]
        runs = self.choice_runs
        top = np.maximum.reduceat(u, runs.starts)[runs.of_item]
        cdf = grouped_cdf(self.choice_origin, np.exp(u - top), runs)
        chosen = self.choice_path[np.searchsorted(cdf, origins + rng.random(total), side="right")]
        sl = slice(self.n, self.n + total)
        c = self.cols
        c["mid"][sl] = np.arange(self.next_id, self.next_id + total)
        c["origin"][sl] = origins
        c["path"][sl] = chosen
        c["state"][sl] = SEARCHING
        c["leg"][sl] = self.routes.leg_at(chosen, 0)
        c["ocg"][sl] = -1
        c["depart_week"][sl] = week
        for name in ("pos", "due_week", "wait", "paid", "escrow", "legs_smuggled"):
            c[name][sl] = 0
        self.next_id += total
        self.n += total
        self._count("departed", self.routes.route_of_path.take(chosen, mode="clip"))

    def search(self, week: int) -> None:
        """Migrants waiting for a leg look for smugglers; the leg's OCGs sell places."""
        routes = self.routes
        rng = self._rng_market
        demand = self.demand
        c = self.cols
        market = self.market.offers
        # Who finds a smuggler, and which one (logit on reach and price, per leg); each OCG
        # takes those who picked it, in turn, up to its capacity; the rest go on searching.
        idx, legs = kernels.searching(self.n, c["state"], c["leg"])
        if idx.size == 0:
            self.market.waiting_by_leg[:] = 0
            return
        finders = np.flatnonzero(rng.random(idx.size) < market.p_find.take(legs, mode="clip"))
        taken, pick, sold = kernels.pick_offers(
            legs, finders, rng.random(finders.size), market.guide, market.cdf_padded,
            market.GUIDE_BINS, market.capacity,
        )  # fmt: skip
        self.market.book_sales(sold)
        self.fees_paid += float(market.price.take(pick, mode="clip").sum())
        # Those taken board; those who found nobody may go on alone where that is possible;
        # those still searching wait, give up, or (stuck) reconsider their path.
        how, left = kernels.passages(
            legs, taken, self.market.self_travel_prob, rng.random(idx.size - taken.size)
        )
        waiting, unserved, smuggled, stuck = kernels.board(
            week, idx, legs, how, taken, pick, rng.random(left), market.ocg_ids, market.price,
            demand.upfront_share, routes.duration, routes.route_of_path,
            len(routes.route_names), len(routes.legs), demand.abandon_prob_week,
            demand.reroute_after_weeks, c["state"], c["ocg"], c["due_week"], c["wait"],
            c["legs_smuggled"], c["paid"], c["escrow"], c["path"],
        )  # fmt: skip
        self.market.waiting_by_leg[:] = waiting
        self.market.unserved_by_leg += unserved
        self.week_counts["smuggled"] += smuggled
        if stuck.size:
            self._reroute(stuck, rng)

    def _reroute(self, rows: np.ndarray, rng: np.random.Generator) -> None:
        """Migrants stuck at a hub switch to the best path still open to them (logit)."""
        c = self.cols
        routes = self.routes
        utility = self.market.path_utilities(
            self.border_guards.detection_factor, self.interception_factor
        )
        key = c["path"][rows].astype(np.int64) * 64 + c["pos"][rows]
        for k in np.unique(key):
            group = rows[key == k]
            options = routes.compatible[(int(k // 64), int(k % 64))]
            if options.size > 1:
                cdf = np.cumsum(np.exp(utility[options] - utility[options].max()))
                c["path"][group] = options[
                    np.searchsorted(cdf, rng.random(group.size) * cdf[-1], side="right")
                ]
        c["leg"][rows] = routes.leg_at(c["path"][rows], c["pos"][rows])
        c["wait"][rows] = 0

    def travel(self, week: int) -> None:
        """Migrants at the end of their leg die, are intercepted by a third country and
        returned to the leg's start, enter the EU (detected at the border or not), or wait
        for the next leg."""
        routes = self.routes
        rng = self._rng_travel
        c = self.cols
        # Per OCG (-1, travelling alone, reads the padding at the end): the multiplier of
        # the death risk, and the share of detections and interceptions not evaded.
        risky = self.smugglers.risky_death_multiplier - 1.0
        death_mult_of = (
            1.0 + np.concatenate((self.market.risk, [self.self_travel_risk_level])) * risky
        )
        not_evaded_of = 1.0 - np.concatenate((self.market.evasion, [0.0]))
        interception_prob = self.market.interception_prob
        quota = self.interception_quota
        exposed = interception_prob > 0  # by leg
        if quota is not None:
            exposed |= quota.on
        done = kernels.travelling_due(self.n, week, c["due_week"], c["state"])
        if done.size == 0:
            return
        legs, ocgs, died, at_risk = kernels.leg_ends(
            done, c["leg"], c["ocg"], routes.death_risk, death_mult_of, exposed,
            rng.random(done.size),
        )  # fmt: skip
        # Interception by a third country's coast guard or border police, of those alive:
        # back to the leg's start, to buy the crossing again or go home.
        stopped = np.zeros(done.size, dtype=bool)
        if at_risk.size:
            legs_at_risk = legs.take(at_risk, mode="clip")
            p_stop = np.minimum(
                interception_prob.take(legs_at_risk, mode="clip") * self.interception_factor, 1.0
            )
            not_evaded = not_evaded_of.take(ocgs.take(at_risk, mode="clip"))
            if quota is not None:
                p_stop = quota.chance(legs_at_risk, p_stop, not_evaded)
            else:
                p_stop = p_stop * not_evaded
            stopped[at_risk] = rng.random(at_risk.size) < p_stop
        # Escrow refunded to the family on death or interception (what the migrant paid is
        # less the refund: ``fee_paid_eur``, the mean fee), released to the OCG otherwise;
        # the stopped go home or search again; the others are detected at the EU external
        # border (an entry, registered), arrive or search for their next leg.
        u_home = rng.random(np.count_nonzero(stopped))
        refunded = died | stopped
        u_detect = rng.random(
            np.count_nonzero(routes.is_border.take(legs, mode="clip") & ~refunded)
        )
        refunds, released, intercepted, entered, caught, by_ocg = kernels.leg_outcomes(
            done, legs, ocgs, died, stopped, u_home, u_detect, c["escrow"], c["paid"],
            c["state"], c["pos"], c["path"], c["leg"], c["ocg"], routes.route_of_path,
            len(routes.route_names), routes.is_border, routes.detection_prob,
            self.border_guards.detection_factor, not_evaded_of,
            self.demand.give_up_after_return_prob, routes.path_len, routes.path_legs.ravel(),
            routes.path_legs.shape[1], self.market.risk.size,
        )  # fmt: skip
        self.escrow_refunded += float(refunds.sum())
        if released.any():
            self.market.release_escrow(released)
        self.week_counts["intercepted"] += intercepted
        if caught:
            self.detected_by_ocg = by_ocg
        # Some of those who entered where another origin's migrants come from move on.
        for origin, paths in enumerate(self._paths_feeding):
            if paths.size:
                self.origins.enter_origin(origin, int(entered.take(paths, mode="clip").sum()))

    def compact(self, week: int) -> None:
        """Count and log this week's finished journeys (the reported weeks'); drop finished rows once they are a
        half of the table, so that the weekly work scales with the migrants en route."""
        c = self.cols
        routes = self.routes
        n_routes = len(routes.route_names)
        reported = week >= 0  # the warm-up's journeys are not logged
        per, fees_sum, fees_n, ended, columns = kernels.journeys_ended(
            self.n, c["state"], c["path"], routes.route_of_path, n_routes, c["paid"],
            c["legs_smuggled"], c["mid"], c["origin"], c["depart_week"], c["pos"], c["ocg"],
            reported,
        )  # fmt: skip
        if ended == 0:
            return
        for k, name in enumerate(OUTCOMES):
            self.week_counts[name] += per[k * n_routes : (k + 1) * n_routes]
        self.week_counts["fees_sum"] += fees_sum
        self.week_counts["fees_n"] += fees_n
        if reported:
            # The loop returns every column of the log in LOG_TYPES' order but end_week.
            from_loop = iter(columns)
            self._log.append(
                {
                    name: np.full(ended, week, dtype=np.int32)
                    if name == "end_week"
                    else next(from_loop)
                    for name in self.LOG_TYPES
                }
            )
        else:
            self.finished_in_warmup += ended
        self.gone += ended
        if self.gone * 2 < self.n:
            return
        keep = np.flatnonzero(self.view("state") != GONE)
        for arr in self.cols.values():
            arr[: keep.size] = arr.take(keep, mode="clip")
        self.n = keep.size
        self.gone = 0

    # -- reading ------------------------------------------------------------------------------
    def counts_by_state(self) -> dict[str, int]:
        state = self.view("state")
        return {
            "searching": int(np.count_nonzero(state == SEARCHING)),
            "travelling": int(np.count_nonzero(state == TRAVELLING)),
        }

    def finished_total(self) -> int:
        return sum(int(chunk["migrant"].size) for chunk in self._log)

    def escrow_held(self) -> float:
        return float(self.view("escrow").sum())

    def journeys(self) -> pd.DataFrame:
        """One row per finished journey: who, which path and route, how it ended, what it cost."""
        routes = self.routes
        if not self._log:
            cols = [
                "migrant",
                "origin",
                "path",
                "route",
                "outcome",
                "depart_week",
                "end_week",
                "legs_completed",
                "legs_smuggled",
                "fee_paid_eur",
                "last_ocg",
            ]
            return pd.DataFrame(columns=cols)
        df = pd.DataFrame({k: np.concatenate([ch[k] for ch in self._log]) for k in self._log[0]})
        df["origin"] = pd.Categorical.from_codes(df["origin"], self.origin_nodes)
        df["route"] = pd.Categorical.from_codes(df["route"], routes.route_names)
        df["outcome"] = pd.Categorical.from_codes(df["outcome"], list(OUTCOMES))
        df["facilitated"] = df["legs_smuggled"] > 0
        return df.sort_values("migrant", kind="stable").reset_index(drop=True)
