"""SmugglingModel: the Mesa model of smuggling networks on the EU migration routes.

One step is one week. The order of the week is written once, in :meth:`SmugglingModel.step`.
Measures are switched on and off by Mesa events at their start and end weeks; each one
changes the entities (``model/measures/``), never an output.
"""

from __future__ import annotations

import secrets

import mesa
import networkx as nx
import numpy as np
import pandas as pd

from model.enforcement import (
    BorderGuards,
    CsdpMissions,
    InternetReferralUnit,
    LiaisonOfficers,
    ThirdCountryPartners,
)
from model.intelligence import Emsc
from model.justice import Prosecution
from model.measures import MEASURES, Measure
from model.metrics import Recorder
from model.migrants import MigrantPopulation
from model.police import FinancialInvestigators, PoliceUnit
from model.routes import RouteNetwork, load_routes
from model.sampling import Groups, grouped_cdf
from model.scenario import Scenario
from model.smugglers import (
    OcgTable,
    OrganisedCrimeGroup,
    Role,
    Smuggler,
    build_ocg,
    link_poly_criminal,
)
from model.streams import RandomStreams

_DEFAULT_ROUTES: RouteNetwork | None = None


def default_routes() -> RouteNetwork:
    """The embedded route network, read once per process (it is immutable)."""
    global _DEFAULT_ROUTES
    if _DEFAULT_ROUTES is None:
        _DEFAULT_ROUTES = load_routes()
    return _DEFAULT_ROUTES


class Market:
    """This week's offers on every leg, as flat arrays ordered by leg.

    One offer is one OCG selling one leg: its price, its reach (the chance that a searching
    migrant finds it) and its capacity. ``leg_cdf`` is ``leg + (cumulative choice weight
    within the leg)``, so that ``searchsorted(leg_cdf, leg + u)`` with ``u`` uniform on
    [0, 1) picks an offer on ``leg`` with probability proportional to its weight: one
    vectorised pass serves the migrants of every leg.
    """

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
        self.leg = leg.astype(np.int64)
        self.price = price.astype(float)
        self.reach = reach.astype(float)
        self.capacity = capacity.astype(np.int64)
        rows = self.price.size
        count = np.bincount(self.leg, minlength=n_legs)
        sold_here = count > 0
        # Per leg: chance to find at least one OCG, total capacity, mean price and risk.
        miss = np.ones(n_legs)
        np.multiply.at(miss, self.leg, 1.0 - self.reach)
        self.p_find = 1.0 - miss
        self.leg_capacity = np.bincount(self.leg, weights=self.capacity, minlength=n_legs)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.leg_mean_price = (
                np.bincount(self.leg, weights=self.price, minlength=n_legs) / count
            )
            self.leg_mean_risk = (
                np.bincount(self.leg, weights=risk[self.ocg_ids], minlength=n_legs) / count
            )
        self.leg_has_offers = sold_here
        # Logit choice among the OCGs found on a leg: reach (being found) and price.
        self.leg_cdf = np.zeros(0)
        if rows:
            runs = Groups.of(self.leg)
            cheapest = np.minimum.reduceat(self.price, runs.starts)[runs.of_item]
            w = self.reach * np.exp(-price_sensitivity_per_eur * (self.price - cheapest))
            self.leg_cdf = grouped_cdf(self.leg, w, runs)
        # Guide table (Chen and Asau 1974): for each leg and each 1/GUIDE_BINS of [0, 1),
        # the first offer that a draw in that bin can pick; see :meth:`pick`.
        bins = np.arange(n_legs * self.GUIDE_BINS)
        self._guide = np.searchsorted(
            self.leg_cdf,
            bins // self.GUIDE_BINS + (bins % self.GUIDE_BINS) / self.GUIDE_BINS,
            side="right",
        )
        self._cdf_padded = np.append(self.leg_cdf, np.inf)

    GUIDE_BINS = 64

    def pick(self, legs: np.ndarray, u: np.ndarray) -> np.ndarray:
        """The offer chosen by migrants on ``legs`` with uniform draws ``u``: the same as
        ``searchsorted(leg_cdf, legs + u, side="right")``, without a binary search."""
        q = legs + u
        pick = self._guide[
            legs.astype(np.int64) * self.GUIDE_BINS + (u * self.GUIDE_BINS).astype(np.int64)
        ]
        cdf = self._cdf_padded
        behind = np.flatnonzero(cdf[pick] <= q)
        while behind.size:
            pick[behind] += 1
            behind = behind[cdf[pick[behind]] <= q[behind]]
        return pick


class SmugglingModel(mesa.Model):
    """Smuggling OCGs, migrants and law enforcement on the four routes into the EU.

    Args:
        scenario: A validated scenario (see :func:`model.load_scenario`).
        rng: Integer seed. ``None`` draws one from the OS and records it in ``self.seed``.
        routes: The route network; the embedded default when ``None``.
    """

    def __init__(
        self, scenario: Scenario, rng: int | None = None, routes: RouteNetwork | None = None
    ) -> None:
        seed = int(rng) if rng is not None else secrets.randbits(63)
        super().__init__(rng=seed)
        self.seed = seed
        self.config = scenario
        self.n_weeks = scenario.weeks
        self.week = 0
        self.streams = RandomStreams(seed)
        self.routes = routes or default_routes()
        self.space = self.routes.space(self.random)
        self.social = nx.Graph()
        self.ties: tuple[list[int], list[int]] = ([], [])  # every tie, by members' unique_id
        self._active_members: list[Smuggler] | None = None
        self._members_in: dict[tuple[str, ...], list[Smuggler]] = {}
        self.ocg_table = OcgTable(len(self.routes.legs))

        # Supply: OCGs on every leg; some also run the next leg of the same route.
        self.ocgs: list[OrganisedCrimeGroup] = []
        self.leg_ocgs: list[list[OrganisedCrimeGroup]] = [[] for _ in self.routes.legs]
        rng_setup = self.streams["setup"]
        onward_share = scenario.smugglers.onward_leg_share
        for leg in self.routes.legs:
            for _ in range(leg.initial_ocgs):
                legs = [leg.index]
                onward = [
                    nxt.index
                    for nxt in self.routes.legs
                    if nxt.source == leg.target and nxt.route == leg.route
                ]
                if onward and rng_setup.random() < onward_share:
                    legs.append(onward[int(rng_setup.integers(len(onward)))])
                self._add_ocg(legs, rng_setup)
        link_poly_criminal(self, self.ocgs, rng_setup)
        self.members_arrested = 0
        self.hvts_arrested = 0
        self.ocgs_dismantled = 0
        self.ocgs_entered = 0

        # Law enforcement and justice.
        self.border_guards = BorderGuards(self)
        self.emsc = Emsc(self)
        self.police_units = {route: PoliceUnit(self, route) for route in self.routes.route_names}
        self.financial_investigators = FinancialInvestigators(self)
        self.prosecution = Prosecution(self)
        self.iru = InternetReferralUnit(self)
        self.liaison_officers = LiaisonOfficers(self)
        self.partners = ThirdCountryPartners(self)
        self.csdp_missions = CsdpMissions(self)

        self.migrants = MigrantPopulation(self)

        # Measures: the only place a measure is chosen is the scenario.
        self.measures: list[Measure] = []
        for key, params in scenario.active_measures():
            measure = MEASURES[key](params, self)
            self.measures.append(measure)
            self.schedule_event(measure.start, at=params.start_week)
            if params.end_week is not None:
                self.schedule_event(measure.stop, at=params.end_week)
        self.measures_cost_eur = 0.0

        self._utilities: np.ndarray | None = None
        self._risk = np.zeros(0)
        self._evasion = np.zeros(0)
        self.unserved_by_leg = np.zeros(len(self.routes.legs), dtype=np.int64)
        self.waiting_by_leg = np.zeros(len(self.routes.legs), dtype=np.int64)
        self.recorder = Recorder(self)

    # -- the week -------------------------------------------------------------------------
    def step(self) -> None:
        """One week, always in this order."""
        week = self.week
        self._refresh_market()
        self.migrants.depart(week)  # 1. migrants appear and choose a path
        self.migrants.search(week)  # 2. they find smugglers and buy the next leg
        self.migrants.travel(week)  # 3. they travel; deaths, border detections, arrivals
        self.border_guards.act_on_detections(self.migrants.detected_by_ocg)  # 4. debriefing
        self._finances()  # 5. money: other crime, spending, laundering
        self.iru.step()  # 6. intelligence: online, liaison officers, partners, CSDP missions
        self.liaison_officers.step()
        self.partners.step()
        self.csdp_missions.step()
        self.emsc.step()  # 7. analysis of leads, hand-over to the police
        for unit in self.police_units.values():  # 8. investigations, arrests, freezing
            unit.step()
        self.prosecution.step()  # 9. judgments: convictions and confiscation
        self._adapt(week)  # 10. OCGs adapt: replace, reprice, reroute, exit
        self._entry(week)  # 11. new OCGs enter legs with unmet demand
        self.measures_cost_eur += sum(m.weekly_cost_eur() for m in self.measures)
        self.migrants.compact(week)  # 12. log the journeys that ended; record the week
        self.recorder.record(week)
        self.migrants.reset_week()
        self.week += 1
        if self.week >= self.n_weeks:
            self.running = False

    def run(self) -> SmugglingModel:
        """Run to the scenario's horizon; returns ``self`` for chaining."""
        while self.running:
            self.step()
        return self

    # -- the market -----------------------------------------------------------------------
    def _refresh_market(self) -> None:
        """Offers per leg, OCG risk arrays and path utilities, computed once a week.

        One offer per OCG operating a leg with at least one transporter on it: its price
        (base price with the demand markup and the risk premium, between
        ``price_floor_share`` of the leg's lowest fare and ``price_ceiling_factor`` times its
        highest), its reach (recruiters' live adverts and word of
        mouth) and its capacity (transporters times places per transporter)."""
        params = self.config.smugglers
        routes = self.routes
        table = self.ocg_table
        n = table.n
        self._risk = table.risk_level[:n].copy()
        forger = (table.roles[:n, Role.DOCUMENT_FORGER] > 0).astype(float)
        self._evasion = (
            params.risky_detection_evasion * self._risk + params.forger_detection_reduction * forger
        )
        offers = [(o.ocg_id, leg) for leg, on_leg in enumerate(self.leg_ocgs) for o in on_leg]
        ids, legs = np.array(offers, dtype=np.int64).reshape(-1, 2).T
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
        self.market = Market(
            ids,
            legs,
            price,
            reach,
            capacity,
            len(routes.legs),
            self.config.demand.price_sensitivity / 1000.0,
            self._risk,
        )
        self._utilities = None

    def book_sales(self, market: Market, sold: np.ndarray, upfront_share: float) -> None:
        """The OCGs take the upfront part of the fares they sold this week (per offer)."""
        j = np.flatnonzero(sold)
        ids = market.ocg_ids[j]
        self.ocg_table.sold[ids, market.leg[j]] += sold[j]
        self.ocg_table.receive(
            ids,
            market.price[j] * upfront_share * sold[j],
            self.config.smugglers.operating_cost_share,
        )

    def release_escrow(self, amounts: np.ndarray) -> None:
        """Escrow released to the OCGs (by OCG id) when their migrants complete a leg."""
        ids = np.flatnonzero(amounts)
        self.ocg_table.receive(
            ids, amounts[ids], self.config.smugglers.operating_cost_share, unique=True
        )

    def _finances(self) -> None:
        """Every OCG still in existence books its week: other crime, spending, laundering."""
        table = self.ocg_table
        table.weekly_finances(table.existing(), self.config.smugglers)

    def _adapt(self, week: int) -> None:
        """The OCGs adapt: replacements that are due join (OCG by OCG), pressure decays and
        the risk taken follows it, taken-down adverts are reposted, prices follow demand,
        OCGs under pressure may move a leg, and those that have not operated for too long
        exit."""
        table = self.ocg_table
        params = self.config.smugglers
        rng = self.streams["adaptation"]
        for ocg in self.ocgs:
            if ocg.pending_replacements and not ocg.dismantled:
                ocg.replace_members(week, rng)
        live = table.existing()
        table.pressure[live] *= params.pressure_decay_week
        table.risk_level[live] = params.risk_shift * np.minimum(table.pressure[live], 1.0)
        down = live[table.adverts_down[live] > 0]
        if down.size:
            # Recruiters post taken-down adverts again, after advert_repost_weeks on average.
            table.adverts_down[down] -= self.streams["adverts"].binomial(
                table.adverts_down[down], 1.0 / params.advert_repost_weeks
            )
        # Demand: each leg sold out (sales above sold_out_share of capacity) raises the
        # markup by markup_step, each under-used one (below under_used_share) lowers it,
        # within markup_min and markup_max.
        all_legs = np.arange(len(self.routes.legs))
        capacity = table.capacity(live[:, None], all_legs, self.routes.people_per_transporter)
        used = table.sold[live] / np.maximum(capacity, 1)
        runs = capacity > 0
        sold_out = (runs & (used > params.sold_out_share)).sum(axis=1)
        under_used = (runs & (used < params.under_used_share)).sum(axis=1)
        table.demand_markup[live] = np.clip(
            table.demand_markup[live] + params.markup_step * (sold_out - under_used),
            params.markup_min,
            params.markup_max,
        )
        table.sold[live] = 0
        move_prob = params.move_prob_week
        for i in live[table.pressure[live] > params.reroute_pressure].tolist():
            if rng.random() < move_prob:
                self.ocgs[i].move_leg(rng)
        table.update_operating(live)
        table.inactive_weeks[live] = np.where(
            table.operating[live], 0, table.inactive_weeks[live] + 1
        )
        for i in live[table.inactive_weeks[live] > params.inactive_exit_weeks].tolist():
            self.ocgs[i].dismantle(week)

    def ocg_risk_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return self._risk, self._evasion

    def path_utilities(self) -> np.ndarray:
        """How attractive each path looks this week: price, death risk, smugglers to be found."""
        if self._utilities is None:
            routes = self.routes
            demand = self.config.demand
            mult = self.config.smugglers.risky_death_multiplier - 1.0
            market = self.market
            offered = market.leg_has_offers
            leg_price = np.where(offered, market.leg_mean_price, routes.price_max)
            leg_death = routes.death_risk * np.where(
                offered, 1.0 + market.leg_mean_risk * mult, 1.0
            )
            leg_find = np.maximum(
                np.where(offered, market.p_find, 0.0),
                np.maximum(routes.self_travel_prob, demand.find_prob_floor),
            )
            incidence = routes.path_leg_incidence  # paths x legs, 1 where a path uses a leg
            death = 1.0 - np.exp(incidence @ np.log1p(-leg_death))
            utilities = (
                routes.path_preference
                - demand.price_sensitivity * (incidence @ leg_price) / 1000.0
                - demand.risk_aversion * death
                + incidence @ np.log(leg_find)
            )
            self._utilities = utilities
        return self._utilities

    def leg_pressure(self, leg: int) -> float:
        ocgs = [o for o in self.leg_ocgs[leg] if not o.dismantled]
        return float(np.mean([o.pressure for o in ocgs])) if ocgs else 0.0

    # -- changes to the supply -----------------------------------------------------------
    def _add_ocg(self, legs: list[int], rng: np.random.Generator) -> OrganisedCrimeGroup:
        ocg = build_ocg(self, legs, rng)
        self.ocgs.append(ocg)
        self._forget_member_lists()
        for leg in legs:
            self.leg_ocgs[leg].append(ocg)
        return ocg

    def _entry(self, week: int) -> None:
        """Every ``entry_interval_weeks``, legs with unmet demand attract new OCGs, more the
        larger it is."""
        params = self.config.smugglers
        every = params.entry_interval_weeks
        if week % every != every - 1:
            return
        rng = self.streams["entry"]
        prob = params.entry_prob_month
        normal_share = params.entry_normal_wait_share
        normal_migrants = params.entry_normal_wait_migrants
        max_multiplier = params.entry_max_multiplier
        for leg, unserved in enumerate(self.unserved_by_leg):
            capacity = self.market.leg_capacity[leg]
            # Mean weekly waiting beyond normal.
            unmet = unserved / every - normal_share * capacity - normal_migrants
            if unmet > 0:
                per_ocg = every * self.routes.legs[leg].people_per_transporter_week
                multiplier = min(max_multiplier, 1.0 + unmet / per_ocg)
                for _ in range(rng.poisson(prob * multiplier)):
                    self._add_ocg([leg], rng)
                    self.ocgs_entered += 1
        self.unserved_by_leg[:] = 0

    def move_ocg_leg(
        self, ocg: OrganisedCrimeGroup, old: int, new: int, rng: np.random.Generator
    ) -> None:
        """An OCG under pressure moves its operations from one leg to an adjacent one."""
        the_new = self.routes.legs[new]
        ocg.legs[ocg.legs.index(old)] = new
        table, i = self.ocg_table, ocg.ocg_id
        table.base_price[i, new] = rng.uniform(the_new.price_min_eur, the_new.price_max_eur)
        table.base_price[i, old] = 0.0
        table.sold[i, [old, new]] = 0
        table.transporters[i, new] = table.transporters[i, old]
        table.transporters[i, old] = 0
        self.leg_ocgs[old].remove(ocg)
        self.leg_ocgs[new].append(ocg)
        self._forget_member_lists()
        for m in ocg.members:
            if m.leg == old:
                m.leg = new
                if m.role == Role.TRANSPORTER:
                    m.node = the_new.source
                    m.jurisdiction = self.routes.jurisdiction(m.node)

    def arrest(self, member: Smuggler) -> None:
        member.arrested = True
        member.arrested_week = self.week
        self.members_arrested += 1
        self.hvts_arrested += member.hvt
        self._forget_member_lists()
        member.ocg.lose_member(member, self.week, self.streams["adaptation"])
        if member.role == Role.RECRUITER:
            params = self.config.smugglers
            cap = member.ocg.count(Role.RECRUITER) * params.adverts_per_recruiter
            member.ocg.adverts_down = min(member.ocg.adverts_down, cap)

    def recruit_member(
        self, ocg: OrganisedCrimeGroup, role: Role, leg: int, node: str, rng: np.random.Generator
    ) -> None:
        """A replacement joins through the ties of the remaining members (leaders first):
        one, or two with probability ``smugglers.recruit_second_tie_prob``."""
        if leg not in ocg.legs:
            leg = ocg.legs[0]
        new = Smuggler(self, ocg, role, node, leg)
        ranked = sorted(ocg.members, key=lambda m: (m.role > Role.COORDINATOR, rng.random()))
        self.social.add_node(new)
        second_tie_prob = self.config.smugglers.recruit_second_tie_prob
        for contact in ranked[: 1 + int(rng.random() < second_tie_prob)]:
            self.tie(new, contact)
        ocg.ties_version += 1
        ocg.add_member(new)
        ocg.update_operating()
        self._forget_member_lists()

    def tie(self, a: Smuggler, b: Smuggler) -> None:
        """A social tie between two members (in the graph, and in the list of ties)."""
        self.social.add_edge(a, b)
        self.ties[0].append(a.unique_id)
        self.ties[1].append(b.unique_id)

    def on_ocg_dismantled(self, ocg: OrganisedCrimeGroup) -> None:
        self.ocgs_dismantled += 1
        self._forget_member_lists()
        for leg in ocg.legs:
            if ocg in self.leg_ocgs[leg]:
                self.leg_ocgs[leg].remove(ocg)

    # -- lookups for the actors -------------------------------------------------------
    def active_members(self) -> list[Smuggler]:
        """The members of the OCGs still in existence, not arrested (cached)."""
        if self._active_members is None:
            self._active_members = [m for o in self.ocgs if not o.dismantled for m in o.members]
        return self._active_members

    def members_in(self, *jurisdictions: str) -> list[Smuggler]:
        """The active members living in ``jurisdictions`` (cached)."""
        members = self._members_in.get(jurisdictions)
        if members is None:
            members = [m for m in self.active_members() if m.jurisdiction in jurisdictions]
            self._members_in[jurisdictions] = members
        return members

    def _forget_member_lists(self) -> None:
        """Members joined, left or moved: forget the cached lists of members."""
        self._active_members = None
        self._members_in.clear()

    def police_unit_for(self, ocg: OrganisedCrimeGroup) -> PoliceUnit:
        return self.police_units[ocg.route]

    # -- outputs ----------------------------------------------------------------------
    def summary(self) -> dict:
        """The run's headline figures (a stable public interface)."""
        return self.recorder.summary()

    def timeseries(self) -> pd.DataFrame:
        """One row per simulated week."""
        return self.recorder.timeseries()

    def journeys(self) -> pd.DataFrame:
        """One row per finished migrant journey."""
        return self.migrants.journeys()

    def money_balance(self) -> dict[str, float]:
        """Where every euro taken by the OCGs is now; ``residual`` is 0 up to rounding."""
        ocgs = self.ocgs
        inflow = sum(o.proceeds + o.other_income for o in ocgs)
        held = sum(o.cash + o.assets for o in ocgs)
        spent = sum(o.spent for o in ocgs)
        pros = self.prosecution
        frozen_out = sum(o.frozen_out for o in ocgs)
        released = sum(o.released for o in ocgs)
        return {
            "inflow": inflow,
            "held": held,
            "spent": spent,
            "frozen_pending": pros.frozen_pending_eur,
            "confiscated": pros.confiscated_eur,
            "residual": inflow - (held + spent + pros.frozen_pending_eur + pros.confiscated_eur),
            "frozen_residual": frozen_out
            - released
            - pros.frozen_pending_eur
            - pros.confiscated_eur,
        }
