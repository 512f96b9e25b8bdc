"""Organised crime groups (OCGs) and their members: supply, money and adaptation.

An :class:`OrganisedCrimeGroup` operates one or more legs, prices its passages, takes fees
(:meth:`~OrganisedCrimeGroup.receive`), spends, launders cash into assets held in the EU, in
cooperating third countries or out of reach, and adapts every week
(:meth:`~OrganisedCrimeGroup.adapt`): it replaces arrested members through the remaining
members' ties after a delay and at a cost, prices in enforcement pressure, shifts to riskier
crossings, moves to an adjacent leg, and stops operating while it lacks a role it cannot do
without. Members (:class:`Smuggler`) are Mesa agents and nodes of the model's social network
(one networkx graph for all OCGs, with ties between poly-criminal groups).
"""

from __future__ import annotations

import math
from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

if TYPE_CHECKING:
    from model.model import SmugglingModel
    from model.police import Investigation


class Role(IntEnum):
    ORGANISER = 0  # leader: the High Value Target (HVT)
    COORDINATOR = 1
    RECRUITER = 2
    TRANSPORTER = 3
    DOCUMENT_FORGER = 4
    MONEY_HANDLER = 5


# How visible each role is to a migrant (debriefing) or a liaison officer; ASSUMPTION.
VISIBILITY_TO_MIGRANTS = np.array([0.3, 1.5, 4.0, 4.0, 0.5, 0.5])
VISIBILITY_TO_LIAISON = np.array([1.0, 2.0, 1.0, 1.0, 1.0, 1.0])


class Smuggler(Agent):
    """A member of an OCG, with a role and a place (which decides who can arrest them)."""

    def __init__(
        self, model: SmugglingModel, ocg: OrganisedCrimeGroup, role: Role, node: str, leg: int
    ) -> None:
        super().__init__(model)
        self.ocg = ocg
        self.role = role
        self.node = node
        self.jurisdiction = model.routes.jurisdiction(node)
        self.leg = leg
        self.arrested = False
        self.arrested_week: int | None = None

    @property
    def hvt(self) -> bool:
        return self.role == Role.ORGANISER


class OrganisedCrimeGroup(Agent):
    """A smuggling organisation: its members, legs, prices and money."""

    def __init__(
        self, model: SmugglingModel, legs: list[int], poly_criminal: bool, rng: np.random.Generator
    ) -> None:
        super().__init__(model)
        self.ocg_id = len(model.ocgs)
        routes = model.routes
        self.legs = list(legs)
        self.route = routes.legs[legs[0]].route
        self.poly_criminal = poly_criminal
        self.base_price = {
            leg: float(rng.uniform(routes.legs[leg].price_min_eur, routes.legs[leg].price_max_eur))
            for leg in legs
        }
        self.members: list[Smuggler] = []
        self._member_roles: np.ndarray | None = None  # cache of the members' roles
        self.role_counts = [0] * len(Role)
        self.transporters_by_leg: dict[int, int] = dict.fromkeys(legs, 0)
        self.n_arrested = 0
        self.demand_markup = 0.0
        self.pressure = 0.0
        self.risk_level = 0.0
        self.adverts_down = 0
        self.sold: dict[int, int] = dict.fromkeys(legs, 0)
        self.pending_replacements: list[tuple[int, Role, int, str]] = []
        self.investigation: Investigation | None = None
        self.operating = True
        self.dismantled = False
        self.dismantled_week: int | None = None
        self.inactive_weeks = 0
        self.network_dirty = True  # members changed: recompute the efficiency below
        self.efficiency = 0.0  # global efficiency of its network, recomputed quarterly if dirty
        # Money (EUR). Identity: proceeds + other_income + released
        #   == cash + assets + spent + frozen_out
        self.cash = 0.0
        self.assets_eu = 0.0
        self.assets_cooperating = 0.0
        self.assets_out_of_reach = 0.0
        self.proceeds = 0.0
        self.other_income = 0.0
        self.spent = 0.0
        self.frozen_out = 0.0
        self.released = 0.0

    # -- structure ------------------------------------------------------------------------
    def add_member(self, member: Smuggler) -> None:
        self.members.append(member)
        self._member_roles = None
        self.role_counts[member.role] += 1
        if member.role == Role.TRANSPORTER:
            self.transporters_by_leg[member.leg] = self.transporters_by_leg.get(member.leg, 0) + 1
        self.network_dirty = True

    def remove_member(self, member: Smuggler) -> None:
        self.members.remove(member)
        self._member_roles = None
        self.role_counts[member.role] -= 1
        if member.role == Role.TRANSPORTER:
            self.transporters_by_leg[member.leg] -= 1
        self.network_dirty = True

    def member_roles(self) -> np.ndarray:
        """The members' roles, in the order of ``members``."""
        if self._member_roles is None:
            self._member_roles = np.array([int(m.role) for m in self.members], dtype=np.int64)
        return self._member_roles

    def count(self, role: Role) -> int:
        return self.role_counts[role]

    def has_role(self, role: Role) -> bool:
        return self.role_counts[role] > 0

    def transporters_on(self, leg: int) -> int:
        return self.transporters_by_leg.get(leg, 0)

    def update_operating(self) -> None:
        """An OCG operates while it has a leader or coordinator and a transporter."""
        counts = self.role_counts
        lead = counts[Role.ORGANISER] + counts[Role.COORDINATOR] > 0
        self.operating = (not self.dismantled) and lead and counts[Role.TRANSPORTER] > 0

    # -- market -----------------------------------------------------------------------------
    def price(self, leg: int) -> float:
        routes = self.model.routes
        lo, hi = routes.legs[leg].price_min_eur, routes.legs[leg].price_max_eur
        params = self.model.config.smugglers
        markup = self.demand_markup + params.risk_premium * min(self.pressure, 1.0)
        return min(max(self.base_price[leg] * (1.0 + markup), 0.5 * lo), 2.0 * hi)

    def capacity(self, leg: int) -> int:
        per = self.model.routes.legs[leg].people_per_transporter_week
        return int(self.transporters_on(leg) * per)

    def reach(self) -> float:
        """Share of migrants searching on this OCG's legs who find it this week."""
        params = self.model.config.smugglers
        recruiters = self.count(Role.RECRUITER)
        live = max(0, recruiters * params.adverts_per_recruiter - self.adverts_down)
        return 1.0 - math.exp(
            -(params.online_reach_per_advert * live + params.word_of_mouth_reach * recruiters)
        )

    def adverts_live(self) -> int:
        params = self.model.config.smugglers
        return max(0, self.count(Role.RECRUITER) * params.adverts_per_recruiter - self.adverts_down)

    # -- money ------------------------------------------------------------------------------
    def receive(self, amount: float) -> None:
        """A smuggling fee (upfront or released from escrow): proceeds, part spent at once."""
        spend = amount * self.model.config.smugglers.operating_cost_share
        self.proceeds += amount
        self.spent += spend
        self.cash += amount - spend

    def weekly_finances(self) -> None:
        params = self.model.config.smugglers
        if self.poly_criminal and not self.dismantled:
            self.other_income += params.other_income_eur_week
            self.cash += params.other_income_eur_week
        consume = self.cash * params.consumption_share_week
        self.spent += consume
        self.cash -= consume
        rate = params.laundering_share_week
        if not self.has_role(Role.MONEY_HANDLER):
            rate *= 0.25  # without a money handler only crude laundering (cash purchases)
        amount = self.cash * rate
        if amount > 0:
            self.cash -= amount
            eu = amount * params.assets_in_eu_share
            coop = amount * params.assets_in_cooperating_share
            self.assets_eu += eu
            self.assets_cooperating += coop
            self.assets_out_of_reach += amount - eu - coop

    @property
    def assets(self) -> float:
        return self.assets_eu + self.assets_cooperating + self.assets_out_of_reach

    # -- adaptation -------------------------------------------------------------------------
    def add_pressure(self, amount: float) -> None:
        self.pressure += amount

    def lose_member(self, member: Smuggler, week: int, rng: np.random.Generator) -> None:
        """A member is arrested: the group plans a replacement and feels the pressure."""
        self.remove_member(member)
        self.n_arrested += 1
        self.add_pressure(2.0 / (len(self.members) + 1))
        delay = 1 + int(rng.exponential(self.model.config.smugglers.replacement_weeks))
        self.pending_replacements.append((week + delay, member.role, member.leg, member.node))
        if not self.members:
            self.dismantle(week)
        else:
            self.update_operating()

    def dismantle(self, week: int) -> None:
        if self.dismantled:
            return
        self.dismantled = True
        self.dismantled_week = week
        self.operating = False
        self.pending_replacements.clear()
        self.model.on_ocg_dismantled(self)

    def adapt(self, week: int, rng: np.random.Generator) -> None:
        """Weekly adaptation: replace, reprice, take more risk, move leg, or stop."""
        if self.dismantled:
            return
        params = self.model.config.smugglers
        self._replace_members(week, rng)
        if self.dismantled:
            return
        self.pressure *= params.pressure_decay_week
        self.risk_level = params.risk_shift * min(self.pressure, 1.0)
        if self.adverts_down:
            # Recruiters post taken-down adverts again, after advert_repost_weeks on average.
            repost = 1.0 / params.advert_repost_weeks
            self.adverts_down -= int(
                self.model.streams["adverts"].binomial(self.adverts_down, repost)
            )
        # Demand: full boats push prices up, empty ones down (bounded).
        for leg in self.legs:
            cap = self.capacity(leg)
            if cap > 0:
                util = self.sold[leg] / cap
                if util > 0.9:
                    self.demand_markup = min(self.demand_markup + 0.02, 0.5)
                elif util < 0.5:
                    self.demand_markup = max(self.demand_markup - 0.02, -0.3)
            self.sold[leg] = 0
        if self.pressure > params.reroute_pressure and rng.random() < 0.1:
            self._move_leg(rng)
        self.update_operating()
        self.inactive_weeks = 0 if self.operating else self.inactive_weeks + 1
        if self.inactive_weeks > params.inactive_exit_weeks:
            self.dismantle(week)

    def _replace_members(self, week: int, rng: np.random.Generator) -> None:
        if not self.pending_replacements:
            return
        params = self.model.config.smugglers
        still: list[tuple[int, Role, int, str]] = []
        for due, role, leg, node in self.pending_replacements:
            if due > week:
                still.append((due, role, leg, node))
            elif self.cash < params.replacement_cost_eur:
                still.append((week + 4, role, leg, node))  # cannot pay yet: try again later
            else:
                self.cash -= params.replacement_cost_eur
                self.spent += params.replacement_cost_eur
                self.model.recruit_member(self, role, leg, node, rng)
        self.pending_replacements = still

    def _move_leg(self, rng: np.random.Generator) -> None:
        """Move one leg's operations to an adjacent leg that is much less policed and
        where migrants are waiting."""
        model = self.model
        leg = self.legs[int(rng.integers(len(self.legs)))]
        waiting = model.waiting_by_leg
        options = [
            alt
            for alt in model.routes.adjacent_legs[leg]
            if alt not in self.legs
            and model.leg_pressure(alt) < 0.5 * self.pressure
            and waiting[alt] >= 0.5 * waiting[leg]
        ]
        if options:
            best = min(options, key=lambda alt: (model.leg_pressure(alt), alt))
            model.move_ocg_leg(self, leg, best, rng)


def build_ocg(
    model: SmugglingModel, legs: list[int], rng: np.random.Generator
) -> OrganisedCrimeGroup:
    """Create an OCG with its members, roles, places and internal ties."""
    params = model.config.smugglers
    poly = bool(rng.random() < params.poly_criminal_share)
    ocg = OrganisedCrimeGroup(model, legs, poly, rng)
    size = int(rng.integers(params.members_min, params.members_max + 1))
    n_coord = max(1, size // 8)
    n_money = 1 + int(size >= 12)
    n_forger = int(rng.random() < 0.6)
    n_recruit = max(1, round(0.2 * size))
    n_transport = max(len(legs), size - 1 - n_coord - n_money - n_forger - n_recruit)
    roles = (
        [Role.ORGANISER]
        + [Role.COORDINATOR] * n_coord
        + [Role.MONEY_HANDLER] * n_money
        + [Role.DOCUMENT_FORGER] * n_forger
        + [Role.RECRUITER] * n_recruit
        + [Role.TRANSPORTER] * n_transport
    )
    for i, role in enumerate(roles):
        leg = legs[i % len(legs)]
        ocg.add_member(Smuggler(model, ocg, role, place_member(model, role, leg, rng), leg))
    members = ocg.members
    # Ties: a hierarchy (leader - coordinators - the rest) with some redundant ties.
    social = model.social
    social.add_nodes_from(members)
    leader, coords = members[0], members[1 : 1 + n_coord]
    for c in coords:
        social.add_edge(leader, c)
    for i, m in enumerate(members[1 + n_coord :]):
        if m.role == Role.MONEY_HANDLER:
            social.add_edge(leader, m)
        social.add_edge(coords[i % len(coords)], m)
    extra = rng.random((len(members), len(members))) < 0.08
    for i, j in zip(*np.nonzero(np.triu(extra, 1)), strict=True):
        social.add_edge(members[i], members[j])
    ocg.update_operating()
    return ocg


def place_member(model: SmugglingModel, role: Role, leg: int, rng: np.random.Generator) -> str:
    """Where a member lives: transporters and recruiters along their leg; the others
    in the EU with probability ``eu_presence``, else at the leg's start."""
    routes = model.routes
    the_leg = routes.legs[leg]
    if role == Role.TRANSPORTER:
        # Drivers and boat pilots live where the leg starts; on legs into the EU some
        # (drivers collecting on the EU side) live at the end.
        if routes.jurisdiction(the_leg.target) == "eu" and rng.random() < 0.3:
            return the_leg.target
        return the_leg.source
    if role == Role.RECRUITER:
        return the_leg.source
    if rng.random() < model.config.smugglers.eu_presence:
        return routes.eu_node_of_route(the_leg.route)
    return the_leg.source


def link_poly_criminal(
    model: SmugglingModel, ocgs: list[OrganisedCrimeGroup], rng: np.random.Generator
) -> None:
    """Poly-criminal OCGs share contacts (money handlers, leaders) with one another."""
    poly = [o for o in ocgs if o.poly_criminal and o.members]
    if len(poly) < 2:
        return
    for ocg in poly:
        other = poly[int(rng.integers(len(poly)))]
        if other is ocg:
            continue
        a = ocg.members[int(rng.integers(len(ocg.members)))]
        b = other.members[int(rng.integers(len(other.members)))]
        model.social.add_edge(a, b)


def ocg_efficiency(model: SmugglingModel, ocg: OrganisedCrimeGroup) -> float:
    """Global efficiency of the OCG's own active network (Latora and Marchiori 2001):
    the mean of 1/distance over all pairs of members; 1 when everyone is one tie apart,
    0 when nobody can reach anybody. Same value as ``networkx.global_efficiency``."""
    members = ocg.members
    n = len(members)
    if n < 2:
        return 0.0
    pos = {m: i for i, m in enumerate(members)}
    adj = np.zeros((n, n), dtype=bool)
    social = model.social
    for m, i in pos.items():
        for other in social.adj[m]:
            j = pos.get(other)
            if j is not None:
                adj[i, j] = True
    adj |= adj.T
    # Breadth-first search from every member at once: step k reaches distance k.
    step = adj.astype(np.uint8)
    known = adj | np.eye(n, dtype=bool)
    frontier = adj.copy()
    total = float(adj.sum())  # pairs at distance 1
    for k in range(2, n):
        frontier = ((frontier.astype(np.uint8) @ step) > 0) & ~known
        if not frontier.any():
            break
        known |= frontier
        total += frontier.sum() / k
    return total / (n * (n - 1))
