"""Organised crime groups (OCGs) and their members: supply, money and adaptation.

An :class:`OrganisedCrimeGroup` operates one or more legs, prices its passages, takes fees,
pays its members and the transporters it puts to work from its cash, launders the cash
above a working reserve into assets held in the EU, in cooperating third countries or out
of reach, sells assets when short of cash, and stops operating while it lacks a role it
cannot do without. The state that all
OCGs' money, market and adaptation work on is held in one :class:`OcgTable` (numpy columns,
one row per OCG). Members (:class:`Smuggler`) are Mesa agents and nodes of the social
network (one networkx graph for all OCGs, with ties between poly-criminal groups). How OCGs
are founded, lose and replace members, adapt, move and exit is in
``smugglesim/model/ocg_lifecycle.py``.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, ClassVar, NamedTuple

import networkx as nx
import numpy as np
from mesa import Agent

if TYPE_CHECKING:
    import mesa

    from smugglesim.model.key_players import Structure
    from smugglesim.model.parameters import RoleWeights, SmugglerParams
    from smugglesim.model.police import Investigation
    from smugglesim.model.routes import RouteNetwork


class Role(IntEnum):
    ORGANISER = 0  # leader: the High Value Target (HVT)
    COORDINATOR = 1
    RECRUITER = 2
    TRANSPORTER = 3
    DOCUMENT_FORGER = 4
    MONEY_HANDLER = 5


def role_weights(weights: RoleWeights) -> np.ndarray:
    """A scenario's weights by role (``enforcement.visibility_to_migrants``, ...) as an
    array indexed by :class:`Role`."""
    return np.array([getattr(weights, role.name.lower()) for role in Role])


class OcgTable:
    """The state of every OCG that the weekly step reads or changes for all OCGs at once,
    as numpy columns indexed by ``ocg_id``: money, market state, roles and transporters.
    Fees, finances, the market and adaptation work on whole columns; each OCG reads and
    writes its own row through its attributes (``ocg.cash``, ``ocg.pressure``, ...).

    Money identity, per OCG: ``proceeds + other_income + capital + released == cash +
    assets_eu + assets_cooperating + assets_out_of_reach + spent + frozen_out`` (``capital``:
    the start-up cash it came with, from outside smuggling).
    """

    MONEY = (
        "cash",
        "assets_eu",
        "assets_cooperating",
        "assets_out_of_reach",
        "proceeds",
        "other_income",
        "capital",
        "spent",
        "frozen_out",
        "released",
    )
    COLUMNS: ClassVar[dict[str, type]] = {
        **dict.fromkeys(MONEY, np.float64),
        "pressure": np.float64,  # enforcement pressure felt; decays every week
        "risk_level": np.float64,  # 0..1: how far it has shifted to riskier crossings
        "demand_markup": np.float64,  # price markup from demand (full or empty boats)
        "adverts_down": np.int64,  # online adverts taken down and not yet reposted
        "inactive_weeks": np.int64,  # weeks in a row without operating
        "operating": np.bool_,
        "dismantled": np.bool_,
        "poly_criminal": np.bool_,
        "reach_stale": np.bool_,  # members or ties changed since ``reachable`` was counted
    }

    BY_LEG = ("roles", "transporters", "reachable", "base_price", "sold", "working")  # 2-D

    def __init__(self, n_legs: int) -> None:
        self.n = 0
        self.cap = 64
        for name, dtype in self.COLUMNS.items():
            setattr(self, name, np.zeros(self.cap, dtype=dtype))
        self.roles = np.zeros((self.cap, len(Role)), dtype=np.int64)  # members by role
        self.transporters = np.zeros((self.cap, n_legs), dtype=np.int64)  # by leg
        # Transporters linked to the command by a chain of ties, by leg: those it can put
        # to work (smugglesim/model/key_players.py).
        self.reachable = np.zeros((self.cap, n_legs), dtype=np.int64)
        self.base_price = np.zeros((self.cap, n_legs))  # by leg operated
        self.sold = np.zeros((self.cap, n_legs), dtype=np.int64)  # places sold, this week
        # Transporters at work this week, by leg: those the OCG's cash paid for.
        self.working = np.zeros((self.cap, n_legs), dtype=np.int64)

    def add(self) -> int:
        """A row for a new OCG (all zero); returns its ``ocg_id``."""
        if self.n == self.cap:
            self.cap *= 2
            for name in (*self.COLUMNS, *self.BY_LEG):
                old = getattr(self, name)
                new = np.zeros((self.cap, *old.shape[1:]), dtype=old.dtype)
                new[: self.n] = old
                setattr(self, name, new)
        self.n += 1
        return self.n - 1

    def existing(self) -> np.ndarray:
        """Ids of the OCGs not dismantled."""
        return np.flatnonzero(~self.dismantled[: self.n])

    def adverts_live(self, ids: np.ndarray, adverts_per_recruiter: int) -> np.ndarray:
        """Online adverts up, per OCG in ``ids``: its recruiters' adverts not taken down."""
        return np.maximum(
            0, self.roles[ids, Role.RECRUITER] * adverts_per_recruiter - self.adverts_down[ids]
        )

    def capacity(
        self, ids: np.ndarray, legs: np.ndarray, per_transporter: np.ndarray
    ) -> np.ndarray:
        """Places per week of OCGs ``ids`` on ``legs`` (broadcast together): transporters
        at work this week times places per transporter."""
        return (self.working[ids, legs] * per_transporter[legs]).astype(np.int64)

    def put_to_work(self, ids: np.ndarray, cost_eur_week: float) -> np.ndarray:
        """The transporters of OCGs ``ids`` that go to work this week, paid from cash at
        ``cost_eur_week`` each: all those linked to the command (``reachable``) if the cash
        covers it, else as many as it does, spread over the OCG's legs in proportion to
        those there (largest remainder, ties to the lower leg). Every other OCG works none.
        Returns, for ``ids``, whether the cash limited them."""
        have = self.reachable[ids]
        total = have.sum(axis=1)
        if cost_eur_week > 0:
            can_pay = np.floor(np.maximum(self.cash[ids], 0.0) / cost_eur_week)
            afford = np.minimum(total, can_pay.astype(np.int64))
        else:
            afford = total
        short = afford < total
        work = have.copy()
        if short.any():
            h, a = have[short], afford[short, None]
            t = np.maximum(total[short, None], 1)
            share = h * a // t
            rank = np.argsort(np.argsort(-(h * a % t), axis=1, kind="stable"), axis=1)
            work[short] = share + (rank < a - share.sum(axis=1, keepdims=True))
        self.working[: self.n] = 0
        self.working[ids] = work
        cost = work.sum(axis=1) * cost_eur_week
        self.cash[ids] -= cost
        self.spent[ids] += cost
        return short

    def paid_members(self, ids: np.ndarray) -> np.ndarray:
        """Members drawing pay, per OCG in ``ids``: all but the organisers, who live on
        the profits."""
        roles = self.roles[ids]
        return roles.sum(axis=1) - roles[:, Role.ORGANISER]

    def fixed_costs_week(self, ids: np.ndarray, params: SmugglerParams) -> np.ndarray:
        """What OCGs ``ids`` need a week to run at full strength: members' pay and the
        running cost of all their transporters."""
        return (
            self.paid_members(ids) * params.member_pay_eur_week
            + self.transporters[ids].sum(axis=1) * params.transporter_cost_eur_week
        )

    def update_operating(self, ids: np.ndarray | int) -> None:
        """An OCG operates while it has a leader or coordinator and a transporter."""
        roles = self.roles
        lead = roles[ids, Role.ORGANISER] + roles[ids, Role.COORDINATOR] > 0
        self.operating[ids] = ~self.dismantled[ids] & lead & (roles[ids, Role.TRANSPORTER] > 0)

    # -- money --------------------------------------------------------------------------
    def receive(
        self,
        ocg_ids: np.ndarray,
        amounts: np.ndarray,
        operating_cost_share: float,
        unique: bool = False,
    ) -> None:
        """Smuggling fees (upfront, or released from escrow) become proceeds; a share is
        spent at once on operations. An id may appear more than once (each adds in turn)
        unless ``unique``."""
        spend = amounts * operating_cost_share
        if unique:
            self.proceeds[ocg_ids] += amounts
            self.spent[ocg_ids] += spend
            self.cash[ocg_ids] += amounts - spend
        else:
            np.add.at(self.proceeds, ocg_ids, amounts)
            np.add.at(self.spent, ocg_ids, spend)
            np.add.at(self.cash, ocg_ids, amounts - spend)

    def weekly_finances(self, live: np.ndarray, params: SmugglerParams) -> tuple[np.ndarray, float]:
        """The week's money of the OCGs ``live``, in this order: other crime (poly-criminal
        OCGs); members' pay, as far as the cash goes; members' consumption of cash; below
        the cash reserve (``cash_reserve_weeks`` of fixed costs), a sale of assets (at most
        1/``asset_sale_weeks`` of them, at ``asset_sale_discount``); members' drawing on the
        assets; laundering of the cash above the reserve into assets in the EU, in
        cooperating third countries or out of reach (without a money handler only crude
        laundering, cash purchases, at ``crude_laundering_share`` of the rate).

        Returns the unpaid share of each OCG's pay (0 to 1, for ``live``) and the value of
        the assets sold."""
        other = np.where(self.poly_criminal[live], params.other_income_eur_week, 0.0)
        self.other_income[live] += other
        cash = self.cash[live] + other
        due = self.paid_members(live) * params.member_pay_eur_week
        pay = np.minimum(np.maximum(cash, 0.0), due)
        unpaid = np.divide(due - pay, due, out=np.zeros_like(due), where=due > 0)
        consume = (cash - pay) * params.consumption_share_week
        spent = pay + consume
        cash = cash - spent
        reserve = params.cash_reserve_weeks * self.fixed_costs_week(live, params)
        # Assets sold in a hurry (the discount is lost), then the members' drawdown.
        held = [self.assets_eu, self.assets_cooperating, self.assets_out_of_reach]
        assets = held[0][live] + held[1][live] + held[2][live]
        need = np.maximum(reserve - cash, 0.0) / (1.0 - params.asset_sale_discount)
        sale = np.minimum(assets / params.asset_sale_weeks, need)
        cash = cash + sale * (1.0 - params.asset_sale_discount)
        drawdown = (assets - sale) * params.asset_drawdown_share_week
        spent = spent + sale * params.asset_sale_discount + drawdown
        left = assets - sale - drawdown
        keep = np.divide(left, assets, out=np.zeros_like(assets), where=assets > 0)
        for column in held:  # in proportion: EU, cooperating, out of reach
            column[live] = column[live] * keep
        rate = params.laundering_share_week
        crude = rate * params.crude_laundering_share
        rate_by_ocg = np.where(self.roles[live, Role.MONEY_HANDLER] > 0, rate, crude)
        amount = np.maximum(cash - reserve, 0.0) * rate_by_ocg
        cash = cash - amount
        eu = amount * params.assets_in_eu_share
        coop = amount * params.assets_in_cooperating_share
        self.cash[live] = cash
        self.spent[live] += spent
        self.assets_eu[live] += eu
        self.assets_cooperating[live] += coop
        self.assets_out_of_reach[live] += amount - eu - coop
        return unpaid, float(sale.sum())

    def total(self, name: str) -> float:
        """The sum of one column over all OCGs, added up in ``ocg_id`` order."""
        return float(sum(getattr(self, name)[: self.n].tolist()))


class _Column:
    """An OCG attribute kept in the model's :class:`OcgTable`."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, ocg: OrganisedCrimeGroup | None, owner: type | None = None):
        if ocg is None:
            return self
        return getattr(ocg.table, self.name).item(ocg.ocg_id)

    def __set__(self, ocg: OrganisedCrimeGroup, value) -> None:
        getattr(ocg.table, self.name)[ocg.ocg_id] = value


class Smuggler(Agent):
    """A member of an OCG, with a role and a place (which decides who can arrest them)."""

    def __init__(
        self,
        model: mesa.Model,
        ocg: OrganisedCrimeGroup,
        role: Role,
        node: str,
        leg: int,
        jurisdiction: str,
    ) -> None:
        super().__init__(model)
        self.ocg = ocg
        self.role = role
        self.node = node
        self.jurisdiction = jurisdiction
        self.leg = leg
        self.arrested = False
        self.arrested_week: int | None = None
        self.left_week: int | None = None  # the week they left their OCG (unpaid, or let go)
        self.gone = False  # no longer in their OCG: arrested, or left it unpaid

    @property
    def hvt(self) -> bool:
        """A High Value Target now: the organiser, a money handler or a broker
        (:func:`smugglesim.model.key_players.is_hvt`)."""
        from smugglesim.model.key_players import is_hvt

        return is_hvt(self)


class Vacancy(NamedTuple):
    """A lost member's place that the group searches to fill (``OcgLifeCycle``)."""

    due: int  # the week the search goes on
    role: Role
    leg: int
    node: str
    contacts: tuple[Smuggler, ...]  # the lost member's ties in the group, each once
    arrested_week: int | None = None  # the week of the arrest; None: left unpaid


class OrganisedCrimeGroup(Agent):
    """A smuggling organisation: its members, legs, prices and money.

    Its money and the state its market and adaptation work on live in the model's
    :class:`OcgTable`; the attributes below read and write its row there.
    """

    cash = _Column()
    assets_eu = _Column()
    assets_cooperating = _Column()
    assets_out_of_reach = _Column()
    proceeds = _Column()
    other_income = _Column()
    capital = _Column()
    spent = _Column()
    frozen_out = _Column()
    released = _Column()
    pressure = _Column()
    risk_level = _Column()
    demand_markup = _Column()
    adverts_down = _Column()
    inactive_weeks = _Column()
    operating = _Column()
    dismantled = _Column()
    poly_criminal = _Column()

    def __init__(
        self,
        model: mesa.Model,
        table: OcgTable,
        routes: RouteNetwork,
        legs: list[int],
        poly_criminal: bool,
        rng: np.random.Generator,
    ) -> None:
        super().__init__(model)
        self.table = table
        self.ocg_id = table.add()
        self.legs = list(legs)
        self.route = routes.legs[legs[0]].route
        self.poly_criminal = poly_criminal
        for leg in legs:
            self.base_price[leg] = rng.uniform(
                routes.legs[leg].price_min_eur, routes.legs[leg].price_max_eur
            )
        self.members: list[Smuggler] = []
        self._member_roles: np.ndarray | None = None  # cache of the members' roles
        self._eu_transporters: list[Smuggler] | None = None  # cache, see eu_transporters
        self._members_in: dict[tuple[str, ...], list[Smuggler]] = {}  # cache, see members_in
        self._member_cdfs: dict[int, list[float]] = {}  # cache of member_cdf, by weights
        self.n_arrested = 0
        # Replacements sought: (week the search can succeed from, role, leg, place, the
        # lost member's contacts in the group when they were lost).
        self.pending_replacements: list[Vacancy] = []
        self.investigation: Investigation | None = None
        self.operating = True
        self.dismantled_week: int | None = None
        self.network_dirty = True  # members changed: recompute the efficiency below
        # Its members, each time one gained a tie (in the order of the ties): who was
        # investigated through ties before and since can be told apart (police.Investigation).
        self.tied: list[Smuggler] = []
        self.social: nx.Graph | None = None  # the members' ties (set by the life cycle)
        # Who is linked to the command (key_players.Structure); None once members or ties
        # changed, worked out again when next needed.
        self.structure: Structure | None = None
        self.efficiency = 0.0  # global efficiency of its network, recomputed quarterly if dirty

    @property
    def base_price(self) -> np.ndarray:
        """Its base fare by leg (a view of its row in the table; 0 on legs it does not run)."""
        return self.table.base_price[self.ocg_id]

    # -- structure ------------------------------------------------------------------------
    def add_member(self, member: Smuggler) -> None:
        self.members.append(member)
        for jurisdictions, found in self._members_in.items():
            if member.jurisdiction in jurisdictions:
                found.append(member)  # last, as in members
        self._count_member(member, +1)

    def remove_member(self, member: Smuggler) -> None:
        self.members.remove(member)
        for jurisdictions, found in self._members_in.items():
            if member.jurisdiction in jurisdictions:
                found.remove(member)
        self._count_member(member, -1)

    def _count_member(self, member: Smuggler, change: int) -> None:
        self._member_roles = None
        self._eu_transporters = None
        if self._member_cdfs:
            self._member_cdfs.clear()
        table, i, role = self.table, self.ocg_id, member.role
        table.roles[i, role] += change
        if role == Role.TRANSPORTER:
            table.transporters[i, member.leg] += change
        self.network_dirty = True
        self.structure_changed()

    def structure_changed(self) -> None:
        """Its members, their ties or their legs changed: who is linked to the command is
        worked out again when next needed."""
        self.structure = None
        self.table.reach_stale[self.ocg_id] = True

    def member_roles(self) -> np.ndarray:
        """The members' roles, in the order of ``members``."""
        if self._member_roles is None:
            self._member_roles = np.array([int(m.role) for m in self.members], dtype=np.int64)
        return self._member_roles

    def members_moved(self) -> None:
        """Some members now live elsewhere (the OCG moved a leg): forget what depends on it."""
        self._eu_transporters = None
        self._members_in.clear()

    def members_in(self, jurisdictions: tuple[str, ...]) -> list[Smuggler]:
        """Its members living in ``jurisdictions``, in the order of ``members`` (cached until
        members move; members joining or leaving are added to or taken from the lists)."""
        found = self._members_in.get(jurisdictions)
        if found is None:
            found = [m for m in self.members if m.jurisdiction in jurisdictions]
            self._members_in[jurisdictions] = found
        return found

    def eu_transporters(self) -> list[Smuggler]:
        """The transporters living in the EU, in the order of ``members``."""
        if self._eu_transporters is None:
            self._eu_transporters = [
                m for m in self.members if m.role == Role.TRANSPORTER and m.jurisdiction == "eu"
            ]
        return self._eu_transporters

    def member_cdf(self, weights: np.ndarray) -> list[float]:
        """Cumulative distribution over ``members`` with probabilities proportional to
        ``weights`` of their roles (an array by role that lives as long as the model, such
        as ``BorderGuards.visibility``: cached by identity), as a list for a binary search
        in Python (``bisect``), which is faster than numpy's on a few members."""
        cdf = self._member_cdfs.get(id(weights))
        if cdf is None:
            w = weights[self.member_roles()]
            values = np.cumsum(w / w.sum())
            values /= values[-1]
            cdf = self._member_cdfs[id(weights)] = values.tolist()
        return cdf

    def count(self, role: Role) -> int:
        return self.table.roles.item(self.ocg_id, role)

    def has_role(self, role: Role) -> bool:
        return self.table.roles.item(self.ocg_id, role) > 0

    def update_operating(self) -> None:
        """An OCG operates while it has a leader or coordinator and a transporter (as
        :meth:`OcgTable.update_operating`, for its row alone)."""
        table, i = self.table, self.ocg_id
        roles = table.roles
        table.operating[i] = (
            not table.dismantled.item(i)
            and roles.item(i, Role.ORGANISER) + roles.item(i, Role.COORDINATOR) > 0
            and roles.item(i, Role.TRANSPORTER) > 0
        )

    # -- money ------------------------------------------------------------------------------
    @property
    def assets(self) -> float:
        return self.assets_eu + self.assets_cooperating + self.assets_out_of_reach

    def add_pressure(self, amount: float) -> None:
        self.table.pressure[self.ocg_id] += amount  # as self.pressure += amount


def ocg_efficiency(social: nx.Graph, ocg: OrganisedCrimeGroup) -> float:
    """Global efficiency of the OCG's own active network (Latora and Marchiori 2001):
    the mean of 1/distance over all pairs of members; 1 when everyone is one tie apart,
    0 when nobody can reach anybody. Same value as ``networkx.global_efficiency``.

    The ordered pairs at each distance k are counted by a breadth-first search on bit sets
    and added up as count / k in increasing k: the same counts and the same sum as the
    search with boolean matrices it replaced, faster at every size of group."""
    members = ocg.members
    n = len(members)
    if n < 2:
        return 0.0
    pos = {m: i for i, m in enumerate(members)}
    ties = social._adj  # networkx's own adjacency dict: read-only use, for speed
    at = _pairs_by_distance(pos, ties)
    total = float(at[1])  # pairs at distance 1
    for k in range(2, n):
        if not at[k]:
            break
        total += at[k] / k
    return total / (n * (n - 1))


def _pairs_by_distance(pos: dict, ties: dict) -> list[int]:
    """Ordered pairs of members at distance k, by k (index 0 unused): a breadth-first
    search from every member at once, level by level, on bit sets: at level k, the
    members whose search reaches member v (bit i: member i) are those that reached one of
    v's contacts at level k - 1 and had not reached v before."""
    n = len(pos)
    contacts: list[list[int]] = [[] for _ in range(n)]
    self_ties = 0  # members tied to themselves: each a pair at distance 1 (as before)
    for m, i in pos.items():
        for other in ties[m]:
            j = pos.get(other)
            if j is None:
                continue
            if j == i:
                self_ties += 1
            else:
                contacts[i].append(j)
    reached = [1 << i for i in range(n)]  # the searches at member v at this level
    known = reached[:]  # the searches that reached member v so far
    at = [0] * (n + 1)
    members = range(n)
    unknown = n * (n - 1)  # ordered pairs of two members not yet found at some distance
    for k in range(1, n + 1):
        nxt = []
        count = 0
        for v in members:
            searches = 0
            for j in contacts[v]:
                searches |= reached[j]
            searches &= ~known[v]
            if searches:
                known[v] |= searches
                count += searches.bit_count()
            nxt.append(searches)
        if not count:
            break
        at[k] = count
        unknown -= count
        if not unknown:
            break  # every pair found: the next level would find none
        reached = nxt
    at[1] += self_ties
    return at
