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

from smugglesim.model.demand import OriginDemand
from smugglesim.model.sampling import Groups, grouped_cdf

if TYPE_CHECKING:
    from smugglesim.model.enforcement import BorderGuards
    from smugglesim.model.events import InterceptionQuota
    from smugglesim.model.market import Market
    from smugglesim.model.parameters import DemandParams, SmugglerParams
    from smugglesim.model.routes import RouteNetwork
    from smugglesim.model.streams import RandomStreams

SEARCHING, TRAVELLING = 0, 1
GONE = -9  # a finished journey, logged; the row is reused at the next compaction
# arrived: entered the EU unseen; detected: entered the EU and was detected (registered) at
# the border, as Frontex counts detections of illegal border-crossing; returned: gave up
# after a third country intercepted the crossing and returned them.
OUTCOMES = ("arrived", "detected", "died", "abandoned", "returned")
ARRIVED, DETECTED, DIED, ABANDONED, RETURNED = range(5)

# Narrow types: the weekly passes are bound by memory traffic more than by arithmetic.
# The passes gather with ``take`` and index with ``np.intp`` arrays (a narrower index is
# cast element by element at every use), and select rows by index lists from
# ``flatnonzero`` where a boolean mask would be used more than once or is half full
# (numpy copies the runs of a mask one by one). Positions known to be in range are gathered
# with ``mode="clip"``, which spares numpy's check of each index (about a quarter fewer
# instructions per element); the OCG -1 (travelling alone) is read as the last entry, with
# the default mode.
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
        n_legs = len(routes.legs)
        idx = np.flatnonzero(self.view("state") == SEARCHING)
        if idx.size == 0:
            self.market.waiting_by_leg[:] = 0
            return
        c = self.cols
        legs = c["leg"].take(idx, mode="clip").astype(np.intp)
        market = self.market.offers
        # Who finds a smuggler, and which one (logit on reach and price, per leg).
        finders = np.flatnonzero(rng.random(idx.size) < market.p_find.take(legs, mode="clip"))
        pick = market.pick(legs.take(finders, mode="clip"), rng.random(finders.size))
        # Each OCG takes those who picked it, in turn, up to its capacity; the rest go on
        # searching.
        n_offers = market.price.size
        sold = np.bincount(pick, minlength=n_offers)
        if (sold > market.capacity).any():
            # Rank among those who picked the same offer, by a stable (radix) sort: each
            # offer keeps the first ``kept`` of its run in the sorted order.
            order = np.argsort(
                pick.astype(np.int16 if n_offers < 2**15 else np.int64), kind="stable"
            )
            kept = np.minimum(sold, market.capacity)
            run_start = np.cumsum(sold) - sold
            kept_start = np.cumsum(kept) - kept
            ok = np.arange(kept_start[-1] + kept[-1]) + np.repeat(run_start - kept_start, kept)
            finders = finders.take(order.take(ok, mode="clip"), mode="clip")
            pick = np.repeat(np.arange(n_offers), kept)
            sold = kept
        self.market.book_sales(sold)
        served = np.zeros(idx.size, dtype=bool)
        served[finders] = True
        # Those who found nobody may go on alone where that is possible.
        rest = np.flatnonzero(~served)
        alone = rest[
            rng.random(rest.size)
            < self.market.self_travel_prob.take(legs.take(rest, mode="clip"), mode="clip")
        ]
        served[alone] = True
        self.market.waiting_by_leg[:] = np.bincount(legs, minlength=n_legs)
        unserved = np.flatnonzero(~served)
        self.market.unserved_by_leg += np.bincount(
            legs.take(unserved, mode="clip"), minlength=n_legs
        )
        self._board(
            idx.take(finders, mode="clip"),
            legs.take(finders, mode="clip"),
            week,
            market.ocg_ids.take(pick, mode="clip"),
            market.price.take(pick, mode="clip"),
        )
        self._board(idx.take(alone, mode="clip"), legs.take(alone, mode="clip"), week)
        # Those still searching wait, reconsider their path, or give up.
        still = idx.take(unserved, mode="clip")
        if still.size:
            wait = c["wait"].take(still, mode="clip") + 1
            c["wait"][still] = wait
            quits = rng.random(still.size) < demand.abandon_prob_week
            self._finish(still[quits], ABANDONED)
            stuck = still[(wait >= demand.reroute_after_weeks) & ~quits]
            if stuck.size:
                self._reroute(stuck, rng)

    def _board(
        self,
        rows: np.ndarray,
        legs: np.ndarray,
        week: int,
        ocg_ids: np.ndarray | None = None,
        prices: np.ndarray | None = None,
    ) -> None:
        """Migrants (``rows``, starting ``legs``) start their leg, with the OCGs
        ``ocg_ids`` at ``prices`` (paying), or alone (no OCG, no fare)."""
        c = self.cols
        routes = self.routes
        c["state"][rows] = TRAVELLING
        c["ocg"][rows] = -1 if ocg_ids is None else ocg_ids
        c["due_week"][rows] = week - 1 + routes.duration.take(legs, mode="clip")
        c["wait"][rows] = 0
        if prices is None:
            return
        smuggled = c["legs_smuggled"].take(rows, mode="clip")
        first_leg = rows[smuggled == 0]
        self._count(
            "smuggled",
            routes.route_of_path.take(c["path"].take(first_leg, mode="clip"), mode="clip"),
        )
        c["legs_smuggled"][rows] = smuggled + 1
        c["paid"][rows] = c["paid"].take(rows, mode="clip") + prices
        c["escrow"][rows] = prices * (1.0 - self.demand.upfront_share)
        self.fees_paid += float(prices.sum())

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
        done = np.flatnonzero((self.view("due_week") <= week) & (self.view("state") == TRAVELLING))
        if done.size == 0:
            return
        legs = c["leg"].take(done, mode="clip").astype(np.intp)
        ocgs = c["ocg"].take(done, mode="clip").astype(np.intp)
        # Per OCG (``ocgs`` -1, travelling alone, reads the padding at the end): the
        # multiplier of the death risk, and the share of detections and interceptions not
        # evaded.
        risky = self.smugglers.risky_death_multiplier - 1.0
        death_mult_of = (
            1.0 + np.concatenate((self.market.risk, [self.self_travel_risk_level])) * risky
        )
        not_evaded_of = 1.0 - np.concatenate((self.market.evasion, [0.0]))
        died = rng.random(done.size) < routes.death_risk.take(
            legs, mode="clip"
        ) * death_mult_of.take(ocgs)
        # Interception by a third country's coast guard or border police, of those alive:
        # back to the leg's start, to buy the crossing again or go home.
        stopped = np.zeros(done.size, dtype=bool)
        interception_prob = self.market.interception_prob
        quota = self.interception_quota
        exposed = interception_prob > 0  # by leg
        if quota is not None:
            exposed |= quota.on
        at_risk = np.flatnonzero(exposed.take(legs, mode="clip") & ~died)
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
        # Escrow: refunded to the family on death or interception, released to the OCG
        # otherwise.
        escrow = c["escrow"].take(done, mode="clip")
        refunded = died | stopped
        back_to_family = escrow[refunded]
        self.escrow_refunded += float(back_to_family.sum())
        # What the migrant paid: less the escrow refunded (``fee_paid_eur``, the mean fee).
        refund_rows = done[refunded]
        c["paid"][refund_rows] = c["paid"].take(refund_rows, mode="clip") - back_to_family
        on = ~refunded
        paid_out = np.flatnonzero(on & (ocgs >= 0))
        if paid_out.size:
            self.market.release_escrow(
                np.bincount(
                    ocgs.take(paid_out, mode="clip"), weights=escrow.take(paid_out, mode="clip")
                )
            )
        c["escrow"][done] = 0.0
        self._finish(done[died], DIED)
        if stopped.any():
            back = done[stopped]
            self._count(
                "intercepted",
                routes.route_of_path.take(c["path"].take(back, mode="clip"), mode="clip"),
            )
            home = rng.random(back.size) < self.demand.give_up_after_return_prob
            self._finish(back[home], RETURNED)
            again = back[~home]
            c["state"][again] = SEARCHING  # their wait is 0 since they boarded
            c["ocg"][again] = -1
        # Detection at the EU external border, of those who went on: an entry, registered.
        # (Positions below index ``done``.)
        n_paths = len(routes.paths)
        entered = np.zeros(n_paths, dtype=np.int64)  # by path
        at_border = np.flatnonzero(routes.is_border.take(legs, mode="clip") & on)
        if at_border.size:
            factor = self.border_guards.detection_factor
            p_detect = np.minimum(
                routes.detection_prob.take(legs.take(at_border, mode="clip"), mode="clip") * factor,
                1.0,
            )
            p_detect = p_detect * not_evaded_of.take(ocgs.take(at_border, mode="clip"))
            detected = np.zeros(done.size, dtype=bool)
            detected[at_border] = rng.random(at_border.size) < p_detect
            caught = np.flatnonzero(detected)
            if caught.size:
                det_ocgs = ocgs.take(caught, mode="clip")
                self.detected_by_ocg = np.bincount(det_ocgs[det_ocgs >= 0])
                det_rows = done.take(caught, mode="clip")
                # An entry: the crossing is done (legs_completed counts it, as for arrivals).
                c["pos"][det_rows] = c["pos"].take(det_rows, mode="clip") + 1
                self._finish(det_rows, DETECTED)
                entered += np.bincount(c["path"].take(det_rows, mode="clip"), minlength=n_paths)
                on &= ~detected
        rows = done.take(np.flatnonzero(on), mode="clip")
        path = c["path"].take(rows, mode="clip").astype(np.intp)
        pos = c["pos"].take(rows, mode="clip") + 1
        c["pos"][rows] = pos
        arrived = pos >= routes.path_len.take(path, mode="clip")
        ends = np.flatnonzero(arrived)
        self._finish(rows.take(ends, mode="clip"), ARRIVED)
        entered += np.bincount(path.take(ends, mode="clip"), minlength=n_paths)
        # Some of those who entered where another origin's migrants come from move on.
        for origin, paths in enumerate(self._paths_feeding):
            if paths.size:
                self.origins.enter_origin(origin, int(entered.take(paths, mode="clip").sum()))
        on = np.flatnonzero(~arrived)
        nxt = rows.take(on, mode="clip")
        c["state"][nxt] = SEARCHING
        c["leg"][nxt] = routes.leg_at(path.take(on, mode="clip"), pos.take(on, mode="clip"))
        c["ocg"][nxt] = -1  # their wait is 0 since they boarded

    def _finish(self, rows: np.ndarray, outcome: int) -> None:
        """End journeys; :meth:`compact` counts and logs them at the end of the week."""
        self.cols["state"][rows] = -1 - outcome

    def compact(self, week: int) -> None:
        """Count and log this week's finished journeys (the reported weeks'); drop finished rows once they are a
        half of the table, so that the weekly work scales with the migrants en route."""
        state = self.view("state")
        rows = np.flatnonzero((state < 0) & (state != GONE))
        if rows.size == 0:
            return
        c = self.cols
        routes = self.routes
        n_routes = len(routes.route_names)
        outcome = (-1 - state.take(rows, mode="clip")).astype(np.int8)
        path = c["path"].take(rows, mode="clip")
        route = routes.route_of_path.take(path, mode="clip")
        per = np.bincount(outcome * n_routes + route, minlength=len(OUTCOMES) * n_routes)
        for k, name in enumerate(OUTCOMES):
            self.week_counts[name] += per[k * n_routes : (k + 1) * n_routes]
        paid = c["paid"].take(rows, mode="clip")
        smuggled = c["legs_smuggled"].take(rows, mode="clip")
        fac = np.flatnonzero((outcome <= DETECTED) & (smuggled > 0))
        fac_route = route.take(fac, mode="clip")
        self._count("fees_sum", fac_route, paid.take(fac, mode="clip"))
        self._count("fees_n", fac_route)
        log = self._log if week >= 0 else []  # the warm-up's journeys are not reported
        if week < 0:
            self.finished_in_warmup += rows.size
        log.append(
            {
                "migrant": c["mid"].take(rows, mode="clip"),
                "origin": c["origin"].take(rows, mode="clip"),
                "path": path,
                "route": route.astype(np.int8),
                "outcome": outcome,
                "depart_week": c["depart_week"].take(rows, mode="clip"),
                "end_week": np.full(rows.size, week, dtype=np.int32),
                "legs_completed": c["pos"].take(rows, mode="clip"),
                "legs_smuggled": smuggled,
                "fee_paid_eur": paid,
                "last_ocg": c["ocg"].take(rows, mode="clip"),
            }
        )
        state[rows] = GONE
        self.gone += rows.size
        if self.gone * 2 < self.n:
            return
        keep = np.flatnonzero(state != GONE)
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
