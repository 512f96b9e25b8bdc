"""The life cycle of the smuggling OCGs: founding, arrests, replacement, adaptation, exit.

:class:`OcgLifeCycle` owns the supply side as it changes over a run: the OCGs (Mesa agents)
and the legs they run, their members' social network, and every change to them.

- At the start, OCGs are founded on every leg (some also run the next leg of the route),
  each with its start-up capital; poly-criminal groups share contacts.
- Every week (:meth:`OcgLifeCycle.finances`) the groups pay their members from cash, sell
  assets when short of it, and launder the rest; members left unpaid may leave, and are
  replaced like arrested ones.
- An arrested member leaves the group, which feels the pressure and starts looking for a
  replacement through the lost member's contacts; a group without members is dismantled.
- Every week (:meth:`OcgLifeCycle.adapt`) the lost member's contacts still linked to the
  command look for a replacement (the more of them, the sooner one is found; with none
  left, the group recruits cold, over months); one found joins, taking over the lost
  member's ties, if the group can pay; pressure decays and the risk taken
  follows it; taken-down adverts are reposted; prices follow demand; groups under pressure
  may move a leg; groups unable to operate for too long exit.
- Every four weeks (:meth:`OcgLifeCycle.entry`) legs with unmet demand attract new OCGs.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from smugglesim.model.key_players import after_join, after_loss, is_hvt, structure
from smugglesim.model.smugglers import OcgTable, OrganisedCrimeGroup, Role, Smuggler, Vacancy

if TYPE_CHECKING:
    import mesa

    from smugglesim.model.clock import Clock
    from smugglesim.model.market import Market
    from smugglesim.model.parameters import SmugglerParams
    from smugglesim.model.routes import RouteNetwork
    from smugglesim.model.streams import RandomStreams


class OcgLifeCycle:
    """The OCGs, their members and ties, and every change to them.

    Args:
        model: The Mesa model, with which new OCGs and members register as agents.
        routes: The route network (legs, places, jurisdictions).
        params: The smugglers' parameters.
        streams: The run's random streams (``setup``, ``adaptation``, ``adverts``, ``entry``,
            ``payroll``).
        clock: The week.
    """

    def __init__(
        self,
        model: mesa.Model,
        routes: RouteNetwork,
        params: SmugglerParams,
        streams: RandomStreams,
        clock: Clock,
        market_scale: float = 1.0,
    ) -> None:
        self.model = model
        self.market_scale = market_scale
        self.routes = routes
        self.params = params
        self.clock = clock
        self._rng_adaptation = streams["adaptation"]
        self._rng_adverts = streams["adverts"]
        self._rng_entry = streams["entry"]
        self._rng_payroll = streams["payroll"]
        self.table = OcgTable(len(routes.legs))
        self.social = nx.Graph()
        self.ties: tuple[list[int], list[int]] = ([], [])  # every tie, by members' unique_id
        self.ocgs: list[OrganisedCrimeGroup] = []  # by ocg_id, dismantled ones included
        self.leg_ocgs: list[list[OrganisedCrimeGroup]] = [[] for _ in routes.legs]
        self._active_members: list[Smuggler] | None = None
        self._members_in: dict[tuple[str, ...], list[Smuggler]] = {}
        self.members_arrested = 0
        self.hvts_arrested = 0
        self.ocgs_dismantled = 0
        self.ocgs_entered = 0
        self.transporters_added = 0  # by OCGs expanding on sold-out legs
        self.transporters_let_go = 0  # by OCGs under-used on a leg
        self.members_left_unpaid = 0
        # Recovery from arrests made from week 0: places refilled (and the weeks it took),
        # places whose group was dismantled first (not counted).
        self.refilled = 0
        self.refill_weeks = 0
        self.assets_sold_eur = 0.0
        # The groups of the status quo at the start: None while they are being founded.
        self.initial_ocgs: int | None = None
        self._found_initial(streams["setup"])
        self.initial_ocgs = len(self.ocgs)

    def _found_initial(self, rng: np.random.Generator) -> None:
        """The leg's ``initial_ocgs`` OCGs on every leg; some (``onward_leg_share``) also run
        the next leg of the same route. Their transporters scale with demand
        (``market_scale``) so that the market at the start is sized for it."""
        onward_share = self.params.onward_leg_share
        for leg in self.routes.legs:
            for _ in range(leg.initial_ocgs):
                legs = [leg.index]
                onward = [
                    nxt.index
                    for nxt in self.routes.legs
                    if nxt.source == leg.target and nxt.route == leg.route
                ]
                if onward and rng.random() < onward_share:
                    legs.append(onward[int(rng.integers(len(onward)))])
                self._add_ocg(legs, rng)
        self._link_poly_criminal(rng)

    # -- the week -------------------------------------------------------------------------
    def finances(self) -> None:
        """Every OCG still in existence books its week (other crime, members' pay, spending,
        asset sales, laundering: :meth:`OcgTable.weekly_finances`); then each paid member of
        a group that could not pay everyone leaves with probability
        ``unpaid_leave_prob_week`` times the unpaid share of the pay."""
        table = self.table
        live = table.existing()
        unpaid, sold = table.weekly_finances(live, self.params)
        self.assets_sold_eur += sold
        owed = unpaid > 0
        if not owed.any():
            return
        rng = self._rng_payroll
        ids = live[owed]
        prob = self.params.unpaid_leave_prob_week * unpaid[owed]
        leaving = rng.binomial(table.paid_members(ids), prob)
        for i, n in zip(ids[leaving > 0].tolist(), leaving[leaving > 0].tolist(), strict=True):
            paid = [m for m in self.ocgs[i].members if m.role != Role.ORGANISER]
            for j in sorted(rng.choice(len(paid), size=n, replace=False).tolist()):
                self.leave(paid[j])

    def adapt(self, week: int, market: Market) -> None:
        """The OCGs adapt: replacements that are due join (OCG by OCG), pressure decays and
        the risk taken follows it, taken-down adverts are reposted, prices follow demand,
        OCGs under pressure may move a leg, and those that have not operated for too long
        exit."""
        table = self.table
        params = self.params
        rng = self._rng_adaptation
        live = table.existing()  # a replacement joining dismantles nobody
        ocgs = self.ocgs
        for i in live.tolist():
            if ocgs[i].pending_replacements:
                self._replace_due(ocgs[i], week, rng)
        table.pressure[live] *= params.pressure_decay_week
        table.risk_level[live] = params.risk_shift * np.minimum(table.pressure[live], 1.0)
        down = live[table.adverts_down[live] > 0]
        if down.size:
            # Recruiters post taken-down adverts again, after advert_repost_weeks on average.
            table.adverts_down[down] -= self._rng_adverts.binomial(
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
        self._expand(live, runs & (used > params.sold_out_share), rng)
        self._shrink(live, runs & (used < params.under_used_share), rng)
        move_prob = params.move_prob_week
        for i in live[table.pressure[live] > params.reroute_pressure].tolist():
            if rng.random() < move_prob:
                self._move_leg(self.ocgs[i], market.waiting_by_leg, rng)
        table.update_operating(live)
        # A week counts as inactive without the roles to operate, or without the cash to
        # put a single transporter to work.
        worked = table.operating[live] & (table.working[live].sum(axis=1) > 0)
        table.inactive_weeks[live] = np.where(worked, 0, table.inactive_weeks[live] + 1)
        for i in live[table.inactive_weeks[live] > params.inactive_exit_weeks].tolist():
            self.dismantle(self.ocgs[i], week)

    def entry(self, week: int, market: Market) -> None:
        """Every ``entry_interval_weeks``, legs with unmet demand attract new OCGs, more the
        larger it is; a leg nobody runs attracts one with the base chance ``entry_prob_month``
        (someone tries the empty market: without it, migrants who see no smuggler on a leg
        do not choose it, and a route that lost its smugglers could never come back;
        ASSUMPTION)."""
        params = self.params
        every = params.entry_interval_weeks
        if week % every != every - 1:
            return
        rng = self._rng_entry
        prob = params.entry_prob_month
        normal_share = params.entry_normal_wait_share
        normal_migrants = params.entry_normal_wait_migrants
        max_multiplier = params.entry_max_multiplier
        for leg, unserved in enumerate(market.unserved_by_leg):
            capacity = market.offers.leg_capacity[leg]
            # Mean weekly waiting beyond normal.
            unmet = unserved / every - normal_share * capacity - normal_migrants
            if unmet > 0 or capacity == 0:
                per_ocg = every * self.routes.legs[leg].people_per_transporter_week
                multiplier = min(max_multiplier, 1.0 + max(unmet, 0.0) / per_ocg)
                for _ in range(rng.poisson(prob * multiplier)):
                    self._add_ocg([leg], rng)
                    self.ocgs_entered += 1
        market.unserved_by_leg[:] = 0

    # -- arrests and exits ------------------------------------------------------------------
    def arrest(self, member: Smuggler, hvt: bool | None = None) -> None:
        """A member is arrested: the group loses them, feels the pressure and plans a
        replacement; a recruiter's adverts go down with them. ``hvt``: whether they were a
        High Value Target when the operation began (judged now if not given)."""
        member.arrested = True
        member.arrested_week = self.clock.week
        self.members_arrested += 1
        # as member.hvt, without the property's import
        self.hvts_arrested += is_hvt(member) if hvt is None else hvt
        ocg = member.ocg
        ocg.n_arrested += 1
        ocg.add_pressure(self.params.arrest_pressure / len(ocg.members))  # left, plus one
        self._lose(member)

    def leave(self, member: Smuggler) -> None:
        """An unpaid member leaves the group, which plans a replacement as for an arrest
        (no pressure: nobody was arrested)."""
        member.left_week = self.clock.week
        self.members_left_unpaid += 1
        self._lose(member)

    def _lose(self, member: Smuggler) -> None:
        """A member is gone from their group: the search for a replacement starts next
        week, through the contacts they leave in the group; a group with no member left is
        dismantled, a recruiter's adverts go down with them."""
        ocg = member.ocg
        contacts = tuple([c for c in self.social._adj[member] if c.ocg is ocg and not c.gone])
        week = self.clock.week
        arrested_week = week if member.arrested else None
        ocg.pending_replacements.append(
            Vacancy(week + 1, member.role, member.leg, member.node, contacts, arrested_week)
        )
        self._remove(member)

    def _remove(self, member: Smuggler) -> None:
        """A member is gone from their group (arrested, left, or let go): a group with no
        member left is dismantled; a recruiter's adverts go down with them."""
        member.gone = True
        self._forget_member_lists()
        ocg = member.ocg
        found = ocg.structure
        ocg.remove_member(member)
        ocg.structure = after_loss(ocg, member, found)  # who is linked to the command
        if not ocg.members:
            self.dismantle(ocg, self.clock.week)
        else:
            ocg.update_operating()
        if member.role == Role.RECRUITER:
            cap = ocg.count(Role.RECRUITER) * self.params.adverts_per_recruiter
            ocg.adverts_down = min(ocg.adverts_down, cap)

    def dismantle(self, ocg: OrganisedCrimeGroup, week: int) -> None:
        """The OCG stops for good: no members left, or unable to operate for too long."""
        if ocg.dismantled:
            return
        ocg.dismantled = True
        ocg.dismantled_week = week
        ocg.operating = False
        ocg.pending_replacements.clear()
        self.ocgs_dismantled += 1
        self._forget_member_lists()
        for leg in ocg.legs:
            if ocg in self.leg_ocgs[leg]:
                self.leg_ocgs[leg].remove(ocg)

    def recovery_weeks(self) -> float:
        """Mean weeks from an arrest (from week 0) to the refill of the member's place: the
        places refilled, and those still open counted up to now (so a lower bound while
        places are open); places of groups dismantled meanwhile are left out (they count
        in ``ocgs_dismantled``). NaN when no such place was lost."""
        week = self.clock.week
        still_open = [
            week - v.arrested_week
            for ocg in self.ocgs
            if not ocg.dismantled
            for v in ocg.pending_replacements
            if v.arrested_week is not None and v.arrested_week >= 0
        ]
        n = self.refilled + len(still_open)
        return (self.refill_weeks + sum(still_open)) / n if n else math.nan

    # -- replacement and leg moves ----------------------------------------------------------
    def _replace_due(self, ocg: OrganisedCrimeGroup, week: int, rng: np.random.Generator) -> None:
        """The search for each lost member's replacement: the lost member's contacts still
        linked to the command (they know the lost member's suppliers and clients, and the
        leaders trust whom they vouch for) each find one with probability
        1/``replacement_weeks`` a week; with none left, the group finds one with
        probability 1/``replacement_cold_weeks``. One found joins if the OCG can pay
        ``replacement_cost_eur``, else the search starts again in
        ``replacement_retry_weeks``."""
        params = self.params
        cost = params.replacement_cost_eur
        miss = 1.0 - 1.0 / params.replacement_weeks
        cold = 1.0 / params.replacement_cold_weeks
        table, i = self.table, ocg.ocg_id  # its cash read and paid from the table's row
        still: list[Vacancy] = []
        reach: set[Smuggler] | None = None  # worked out once, again after a recruit joins
        for pending in ocg.pending_replacements:
            due, role, leg, node, contacts, arrested_week = pending
            if due > week:
                still.append(pending)
                continue
            sponsors = 0
            if contacts and _has_command(table, i):  # without one, nobody is linked to it
                if reach is None:
                    reach = structure(ocg).reach
                sponsors = len(reach.intersection(contacts))  # contacts: no one twice
            if rng.random() >= (1.0 - miss**sponsors if sponsors else cold):
                still.append(pending)
            elif table.cash.item(i) < cost:
                still.append(pending._replace(due=week + params.replacement_retry_weeks))
            else:
                table.cash[i] -= cost
                table.spent[i] += cost
                self._recruit(ocg, role, leg, node, rng, contacts)
                reach = None
                if arrested_week is not None and arrested_week >= 0:
                    self.refilled += 1
                    self.refill_weeks += week - arrested_week
        ocg.pending_replacements = still

    def _expand(self, live: np.ndarray, sold_out: np.ndarray, rng: np.random.Generator) -> None:
        """OCGs sold out on a leg (``sold_out``: live OCGs x legs) take on another
        transporter there with probability ``expansion_prob_week``, if they can pay the
        recruitment (``replacement_cost_eur``) and keep their cash reserve."""
        params = self.params
        ids, legs = self._resizing(live, sold_out, rng)
        table = self.table
        reserve = params.cash_reserve_weeks * table.fixed_costs_week(ids, params)
        can_pay = table.cash[ids] - params.replacement_cost_eur >= reserve
        for i, leg, keep in zip(
            ids[can_pay].tolist(), legs[can_pay].tolist(), reserve[can_pay].tolist(), strict=True
        ):
            ocg = self.ocgs[i]
            if table.cash.item(i) - params.replacement_cost_eur < keep:
                continue  # an earlier expansion this week took it to its reserve
            table.cash[i] -= params.replacement_cost_eur
            table.spent[i] += params.replacement_cost_eur
            node = self._place_member(Role.TRANSPORTER, leg, rng)
            self._recruit(ocg, Role.TRANSPORTER, leg, node, rng)
            self.transporters_added += 1

    def _resizing(
        self, live: np.ndarray, on: np.ndarray, rng: np.random.Generator
    ) -> tuple[np.ndarray, np.ndarray]:
        """The (OCG id, leg) pairs marked in ``on`` (live OCGs x legs) that resize this week,
        each with probability ``expansion_prob_week``."""
        rows, legs = np.nonzero(on)
        if self.params.expansion_prob_week == 0:
            rows, legs = rows[:0], legs[:0]
        if rows.size == 0:
            return live[rows], legs
        keep = rng.random(rows.size) < self.params.expansion_prob_week
        return live[rows[keep]], legs[keep]

    def _shrink(self, live: np.ndarray, under_used: np.ndarray, rng: np.random.Generator) -> None:
        """OCGs under-used on a leg (``under_used``: live OCGs x legs) let one of the
        transporters there go with probability ``expansion_prob_week``, keeping at least
        one: a group does not pay for boats and drivers it has no migrants for."""
        ids, legs = self._resizing(live, under_used, rng)
        several = self.table.transporters[ids, legs] > 1
        for i, leg in zip(ids[several].tolist(), legs[several].tolist(), strict=True):
            ocg = self.ocgs[i]
            member = next(
                m for m in reversed(ocg.members) if m.role == Role.TRANSPORTER and m.leg == leg
            )
            member.left_week = self.clock.week
            self._remove(member)
            self.transporters_let_go += 1

    def _recruit(
        self,
        ocg: OrganisedCrimeGroup,
        role: Role,
        leg: int,
        node: str,
        rng: np.random.Generator,
        contacts: tuple[Smuggler, ...] = (),
    ) -> None:
        """A new member joins: a replacement takes over the ties of the member it replaces
        to ``contacts`` still in the group; otherwise (a new transporter, or nobody left of
        those contacts) it is tied to the remaining members, leaders first: one, or two with
        probability ``recruit_second_tie_prob``."""
        if leg not in ocg.legs:
            leg = ocg.legs[0]
        found = ocg.structure
        new = Smuggler(self.model, ocg, role, node, leg, self.routes.jurisdiction(node))
        present = [c for c in contacts if c.ocg is ocg and not c.gone]
        if not present:
            # A uniform for each member in turn, then one for the second tie: one vector
            # gives the same numbers as a draw each. Sorted by (not a leader, uniform),
            # ties kept in the order of members, as a sort keyed by those two would.
            members = ocg.members
            u = rng.random(len(members) + 1).tolist()
            second = u.pop() < self.params.recruit_second_tie_prob
            not_leading = [m.role > Role.COORDINATOR for m in members]
            ranked = sorted(zip(not_leading, u, range(len(u)), strict=True))
            present = [members[k] for _, _, k in ranked[: 1 + second]]
        self._tie_recruit(new, present)
        ocg.add_member(new)
        ocg.structure = after_join(ocg, new, found)  # who is linked to the command
        ocg.update_operating()
        self._forget_member_lists()

    def leg_pressure(self, leg: int) -> float:
        """Mean enforcement pressure felt by the OCGs on ``leg``."""
        table = self.table
        ids = np.array([o.ocg_id for o in self.leg_ocgs[leg]], dtype=np.int64)
        ids = ids[~table.dismantled[ids]]
        return float(np.mean(table.pressure[ids])) if ids.size else 0.0

    def _move_leg(
        self, ocg: OrganisedCrimeGroup, waiting: np.ndarray, rng: np.random.Generator
    ) -> None:
        """Move one of the OCG's legs to an adjacent leg that is much less policed
        (``move_pressure_ratio``) and where migrants are waiting (``move_waiting_ratio``;
        ``waiting``: migrants searching, by leg, this week)."""
        params = self.params
        old = ocg.legs[int(rng.integers(len(ocg.legs)))]
        options = [
            alt
            for alt in self.routes.adjacent_legs[old]
            if alt not in ocg.legs
            and waiting[alt] >= params.move_waiting_ratio * waiting[old]
            and self.leg_pressure(alt) < params.move_pressure_ratio * ocg.pressure
        ]
        if not options:
            return
        new = min(options, key=lambda alt: (self.leg_pressure(alt), alt))
        the_new = self.routes.legs[new]
        ocg.legs[ocg.legs.index(old)] = new
        table, i = self.table, ocg.ocg_id
        table.base_price[i, new] = rng.uniform(the_new.price_min_eur, the_new.price_max_eur)
        table.base_price[i, old] = 0.0
        table.sold[i, [old, new]] = 0
        table.transporters[i, new] = table.transporters[i, old]
        table.transporters[i, old] = 0
        self.leg_ocgs[old].remove(ocg)
        self.leg_ocgs[new].append(ocg)
        self._forget_member_lists()
        ocg.structure_changed()
        along = (Role.TRANSPORTER, Role.RECRUITER)  # those who live along their leg
        for m in ocg.members:
            if m.leg == old:
                m.leg = new
                if m.role in along:
                    m.node = the_new.source
                    m.jurisdiction = self.routes.jurisdiction(m.node)
        # The places still to fill on that leg move with it (a replacement joins the crew
        # where it now works).
        ocg.pending_replacements = [
            v._replace(leg=new, node=the_new.source if v.role in along else v.node)
            if v.leg == old
            else v
            for v in ocg.pending_replacements
        ]
        ocg.members_moved()

    # -- founding ---------------------------------------------------------------------------
    def _add_ocg(self, legs: list[int], rng: np.random.Generator) -> OrganisedCrimeGroup:
        """A new OCG, with its start-up capital (from outside smuggling) in cash; an OCG of
        the start-up market scaled to demand (``market_scale``) has it scaled alike."""
        ocg = self._build_ocg(legs, rng)
        founding = self.initial_ocgs is None
        scale = self.market_scale if founding else 1.0
        ocg.capital = ocg.cash = self.params.startup_capital_eur * scale
        if founding:
            # The groups of 2018 hold the assets they laundered before the run began.
            params = self.params
            assets = params.initial_assets_eur * scale
            ocg.assets_eu = eu = assets * params.assets_in_eu_share
            ocg.assets_cooperating = coop = assets * params.assets_in_cooperating_share
            ocg.assets_out_of_reach = assets - eu - coop
            ocg.capital += assets
        self.ocgs.append(ocg)
        self._forget_member_lists()
        for leg in legs:
            self.leg_ocgs[leg].append(ocg)
        return ocg

    def _build_ocg(self, legs: list[int], rng: np.random.Generator) -> OrganisedCrimeGroup:
        """Create an OCG with its members, roles, places and internal ties."""
        params = self.params
        poly = bool(rng.random() < params.poly_criminal_share)
        ocg = OrganisedCrimeGroup(self.model, self.table, self.routes, legs, poly, rng)
        ocg.social = self.social
        size = int(rng.integers(params.members_min, params.members_max + 1))
        n_coord, n_money, n_recruit = params.founding_roles(size)
        n_forger = int(rng.random() < params.forger_prob)
        n_transport = max(len(legs), size - 1 - n_coord - n_money - n_forger - n_recruit)
        if self.market_scale != 1.0 and self.initial_ocgs is None:
            n_transport = max(len(legs), round(n_transport * self.market_scale))
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
            node = self._place_member(role, leg, rng)
            ocg.add_member(
                Smuggler(self.model, ocg, role, node, leg, self.routes.jurisdiction(node))
            )
        members = ocg.members
        # Ties: a hierarchy (leader - coordinators - the rest) with some redundant ties.
        self.social.add_nodes_from(members)
        leader, coords = members[0], members[1 : 1 + n_coord]
        for c in coords:
            self.tie(leader, c)
        for i, m in enumerate(members[1 + n_coord :]):
            if m.role == Role.MONEY_HANDLER:
                self.tie(leader, m)
            self.tie(coords[i % len(coords)], m)
        extra = rng.random((len(members), len(members))) < params.extra_tie_prob
        for i, j in zip(*np.nonzero(np.triu(extra, 1)), strict=True):
            self.tie(members[i], members[j])
        ocg.update_operating()
        return ocg

    def _place_member(self, role: Role, leg: int, rng: np.random.Generator) -> str:
        """Where a member lives: transporters and recruiters along their leg; the others
        in the EU with probability ``eu_presence``, else at the leg's start."""
        routes = self.routes
        the_leg = routes.legs[leg]
        if role == Role.TRANSPORTER:
            # Drivers and boat pilots live where the leg starts; on legs into the EU some
            # (drivers collecting on the EU side) live at the end.
            if (
                routes.jurisdiction(the_leg.target) == "eu"
                and rng.random() < self.params.transporters_at_eu_end_share
            ):
                return the_leg.target
            return the_leg.source
        if role == Role.RECRUITER:
            return the_leg.source
        if rng.random() < self.params.eu_presence:
            return routes.eu_node_of_route(the_leg.route)
        return the_leg.source

    def _link_poly_criminal(self, rng: np.random.Generator) -> None:
        """Each poly-criminal OCG ties a random member of its own to a random member of
        another poly-criminal OCG (docs/ODD.md §5; a group once drew itself about once in
        thirty and got no tie)."""
        poly = [o for o in self.ocgs if o.poly_criminal and o.members]
        if len(poly) < 2:
            return
        for k, ocg in enumerate(poly):
            j = int(rng.integers(len(poly) - 1))  # any of the others
            other = poly[j + (j >= k)]
            a = ocg.members[int(rng.integers(len(ocg.members)))]
            b = other.members[int(rng.integers(len(other.members)))]
            self.tie(a, b)

    def _tie_recruit(self, new: Smuggler, contacts: list[Smuggler]) -> None:
        """A recruit joins the graph, tied to ``contacts`` of its OCG: :meth:`tie` for each,
        in one call to networkx, without marking the OCG's structure as changed (the caller
        updates it: ``after_join``)."""
        self.social.add_node(new)
        self.social.add_edges_from([(new, contact) for contact in contacts])
        for contact in contacts:
            self._log_tie(new, contact)

    def tie(self, a: Smuggler, b: Smuggler) -> None:
        """A social tie between two members (in the graph, and in the list of ties)."""
        self.social.add_edge(a, b)
        self._log_tie(a, b)
        if a.ocg is b.ocg:
            a.ocg.structure_changed()

    def _log_tie(self, a: Smuggler, b: Smuggler) -> None:
        """A new tie in the list of ties (the network measures read it) and in each end's
        OCG's log of members who gained one (investigations read it)."""
        self.ties[0].append(a.unique_id)
        self.ties[1].append(b.unique_id)
        a.ocg.tied.append(a)
        b.ocg.tied.append(b)

    def refresh_reach(self) -> None:
        """Count again, for the OCGs whose members or ties changed, the transporters by leg
        that a chain of ties links to the command (``OcgTable.reachable``: those it can put
        to work); every transporter when ``command_reach`` is off."""
        table = self.table
        stale = np.flatnonzero(table.reach_stale[: table.n])
        if not stale.size:
            return
        table.reach_stale[stale] = False
        if not self.params.command_reach:
            table.reachable[stale] = table.transporters[stale]
            return
        for i in stale.tolist():
            row = table.reachable[i]
            row[:] = 0
            if not _has_command(table, i):
                continue  # nobody is linked to a command the group does not have
            for leg, n in structure(self.ocgs[i]).reachable_by_leg.items():
                row[leg] = n

    # -- lookups for the actors -------------------------------------------------------------
    def active_members(self) -> list[Smuggler]:
        """The members of the OCGs still in existence, not arrested (cached)."""
        if self._active_members is None:
            ocgs = self.ocgs
            self._active_members = [
                m for i in self.table.existing().tolist() for m in ocgs[i].members
            ]
        return self._active_members

    def members_in(self, *jurisdictions: str) -> list[Smuggler]:
        """The active members living in ``jurisdictions``, OCG by OCG (cached; each OCG
        keeps its own list, so only the OCGs' lists are joined again after a change)."""
        members = self._members_in.get(jurisdictions)
        if members is None:
            members = []
            ocgs = self.ocgs
            for i in self.table.existing().tolist():
                members += ocgs[i].members_in(jurisdictions)
            self._members_in[jurisdictions] = members
        return members

    def _forget_member_lists(self) -> None:
        """Members joined, left or moved: forget the cached lists of members."""
        self._active_members = None
        self._members_in.clear()


def _has_command(table: OcgTable, i: int) -> bool:
    """Whether OCG ``i`` has an organiser or a coordinator (docs/ODD.md §7.12): without one,
    none of its members is linked to a command (:func:`key_players.structure` then counts
    every member in its reach, for brokerage: the last of the command cuts nobody off)."""
    roles = table.roles
    return roles.item(i, Role.ORGANISER) + roles.item(i, Role.COORDINATOR) > 0
