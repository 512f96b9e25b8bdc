"""Member State police and financial investigators: from leads to arrests and frozen assets.

- :class:`PoliceUnit` (one per route, the Member States policing it): runs a limited number
  of :class:`Investigation` at once; an investigation maps the OCG through its members'
  ties, and ends in arrests of identified members where the unit (or a partner) can act.
- :class:`FinancialInvestigators` (FIUs, Asset Recovery Offices): run the financial strands
  the police ask for, as many at once as their staff allows (the others wait, the largest
  case known first), and trace assets; traced assets are frozen at the arrests.

- :class:`Arrests`: the arrest operation, written once for every actor that arrests:
  searches that seize cash and freeze traced assets, the arrests, seizures by partner
  police abroad, and the case for the prosecutors; or an arrest in the act.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import numpy as np

from smugglesim.model.intelligence import Lead
from smugglesim.model.justice import Case
from smugglesim.model.key_players import is_hvt, priority

if TYPE_CHECKING:
    import networkx as nx

    from smugglesim.model.clock import Clock
    from smugglesim.model.enforcement import ThirdCountryPartners
    from smugglesim.model.intelligence import Emsc
    from smugglesim.model.justice import Prosecution
    from smugglesim.model.ocg_lifecycle import OcgLifeCycle
    from smugglesim.model.parameters import EnforcementParams, FinanceParams
    from smugglesim.model.smugglers import OrganisedCrimeGroup, Smuggler


class Investigation:
    """A criminal investigation into one OCG, started from one lead."""

    def __init__(
        self,
        unit: PoliceUnit,
        ocg: OrganisedCrimeGroup,
        lead: Lead,
        week: int,
        weeks: int,
    ):
        self.unit = unit
        self.ocg = ocg
        self.opened_week = week
        self.end_week = week + weeks
        self.identified: dict[Smuggler, None] = {lead.target: None}
        self.spilled: set[int] = set()
        # A financial strand running beside it (FinancialInvestigators), and whether it
        # is closed (a strand still waiting for a place then lapses).
        self.financial = False
        self.closed = False
        self.traced_share = 0.0
        # The ties investigators can still follow: the contacts of the identified members,
        # member after member, less those identified or arrested. Rebuilt when an identified
        # member gained a tie (a recruit joins: the new tie is among that member's own, not
        # last), until then kept up to date; identified and arrested are for good.
        self._leads_to: list[Smuggler] = []
        self._tied_seen = -1  # how many of ``ocg.tied`` it saw at the last check; -1: none
        # Whether some of those contacts may be in other OCGs: mapping one makes a lead,
        # whose reliability is drawn between two contacts' draws (see progress).
        self._other_ocgs = False

    def add_target(self, member: Smuggler) -> None:
        if member in self.identified:
            return
        self.identified[member] = None
        if self._tied_seen >= 0:
            # Last of the identified: their ties come last, as in a rebuild (which follows
            # if they gained a tie since the last check).
            self._follow(member)

    def _follow(self, member: Smuggler) -> None:
        identified = self.identified
        # networkx's adjacency dict, read only (for speed); a list comprehension, which
        # Python runs inline, costs less than a generator here.
        contacts = [c for c in self.unit.social._adj[member] if c not in identified and not c.gone]
        self._leads_to += contacts
        self._other_ocgs = self._other_ocgs or self._in_other_ocgs(contacts)

    def _in_other_ocgs(self, contacts: list[Smuggler]) -> bool:
        ocg = self.ocg
        return any([c.ocg is not ocg for c in contacts])

    def progress(self, rng: np.random.Generator, p_map: float) -> None:
        """Investigators follow the ties of every identified member: each contact not yet
        identified is mapped with probability ``p_map`` per tie and week."""
        unit = self.unit
        identified = self.identified
        tied = self.ocg.tied
        seen = self._tied_seen
        if seen != len(tied) and (seen < 0 or any([m in identified for m in tied[seen:]])):
            # The ties of every identified member, member after member, in one pass.
            adj = unit.social._adj  # networkx's adjacency dict: read only
            self._leads_to = [
                c
                for member in identified
                for c in adj[member]
                if c not in identified and not c.gone
            ]
            self._other_ocgs = self._in_other_ocgs(self._leads_to)
        self._tied_seen = len(tied)
        still = [c for c in self._leads_to if c not in identified and not c.gone]
        self._leads_to = still
        if not still:
            new = []
        elif self._other_ocgs:
            new = self._map_one_by_one(still, rng, p_map)
        else:
            # One uniform per contact, in order: the same numbers as one draw at a time.
            draws = rng.random(len(still)).tolist()
            new = [c for c, u in zip(still, draws, strict=True) if u < p_map]
        for m in new:
            self.add_target(m)
        if self.financial:
            rate = unit.finance.tracing_rate_week
            self.traced_share += (1.0 - self.traced_share) * rate

    def _map_one_by_one(
        self, contacts: list[Smuggler], rng: np.random.Generator, p_map: float
    ) -> list[Smuggler]:
        """The ``contacts`` mapped this week, one draw each in turn; a mapped contact in
        another OCG becomes a lead for the analysts (once), with its reliability drawn
        before the next contact's draw. Returns those mapped in this OCG."""
        unit = self.unit
        new = []
        for contact in contacts:
            if rng.random() >= p_map:
                continue
            if contact.ocg is self.ocg:
                new.append(contact)
            elif contact.unique_id not in self.spilled:
                self.spilled.add(contact.unique_id)
                unit.emsc.new_lead(contact, "investigation", unit.reliability_investigation, rng)
        return new


class PoliceUnit:
    """Member State police on one route: investigations, limited by capacity.

    Args:
        route: The route it polices.
        params: The enforcement parameters.
        clock: The week.
        rng: The investigations' random stream.
        emsc: Where leads found along an investigation go (contacts in other OCGs).
        finance: The financial investigators (financial strands, tracing).
        arrests: The arrest operation.
        social: The members' social network (whose ties investigators follow).
    """

    def __init__(
        self,
        route: str,
        params: EnforcementParams,
        clock: Clock,
        rng: np.random.Generator,
        emsc: Emsc,
        finance: FinancialInvestigators,
        arrests: Arrests,
        social: nx.Graph,
    ) -> None:
        self.route = route
        self.clock = clock
        self.rng = rng
        self.emsc = emsc
        self.finance = finance
        self.arrests = arrests
        self.social = social
        self.capacity = params.investigations_per_unit
        self.mean_weeks = params.investigation_mean_weeks
        self.hvt_factor = params.hvt_investigation_factor
        self.duration_shape = params.investigation_duration_shape
        self.min_weeks = params.investigation_min_weeks
        self.mapping_prob_week = params.mapping_prob_week
        self.success_prob = params.investigation_success
        self.cross_border_factor = params.cross_border_success_factor
        if route in params.platform_routes:  # a regional platform (the JOO Vienna, 2018)
            self.cross_border_factor = params.platform_cross_border_factor
            self.mean_weeks = params.platform_investigation_mean_weeks
        self.arrest_prob_eu = params.arrest_prob_eu
        self.max_wait_weeks = params.lead_max_age_weeks
        self.reliability_investigation = params.reliability_investigation
        # Whose leads to open first (a strategy of key_players.STRATEGIES; "random": the
        # oldest, whoever it names).
        self.targeting = params.targeting
        self.waiting: deque[Lead] = deque()
        self.open: list[Investigation] = []
        # Share of this week's investigative work taken by operations (joint action days).
        self.diverted = 0.0
        self.opened = 0
        self.closed = 0
        self.successful = 0

    def receive(self, lead: Lead) -> None:
        """An actionable lead: enrich an open case on its OCG, or wait for capacity."""
        ocg = lead.target.ocg
        if ocg.investigation is not None:
            ocg.investigation.add_target(lead.target)
        else:
            self.waiting.append(lead)

    def next_lead(self) -> Lead | None:
        """The lead to open next: the oldest (the week it was made, not the week it
        arrived: a lead checked at the border arrives before older leads the EMSC analyses
        later that week; among equals, the first to arrive), or, under a targeting
        strategy, the oldest of those on the members it puts first."""
        waiting = self.waiting
        if not waiting:
            return None
        strategy = self.targeting

        def order(t: tuple[int, Lead]) -> tuple:
            first = 0 if strategy == "random" else priority(t[1].target, strategy)
            return first, t[1].week, t[0]

        best, lead = min(enumerate(waiting), key=order)
        del waiting[best]
        return lead

    def divert(self, share: float) -> None:
        """An operation (a joint action day) takes ``share`` of this week's investigative
        work: the ties followed this week are mapped that much less often."""
        self.diverted = min(1.0, self.diverted + share)

    def step(self) -> None:
        week = self.clock.week
        rng = self.rng
        p_map = self.mapping_prob_week * (1.0 - self.diverted)
        self.diverted = 0.0
        for inv in self.open:
            inv.progress(rng, p_map)
        still = []
        for inv in self.open:
            if week >= inv.end_week or inv.ocg.dismantled:
                self._close(inv, rng)
            else:
                still.append(inv)
        self.open = still
        # Stale leads go wherever they wait: the queue is in order of arrival, not of age.
        if any(week - lead.week > self.max_wait_weeks for lead in self.waiting):
            self.waiting = deque(
                lead for lead in self.waiting if week - lead.week <= self.max_wait_weeks
            )
        while len(self.open) < self.capacity:
            lead = self.next_lead()
            if lead is None:
                break
            target = lead.target
            if target.gone or target.ocg.dismantled:
                continue
            self._open(lead, week, rng)

    def _open(self, lead: Lead, week: int, rng: np.random.Generator) -> None:
        shape = self.duration_shape
        mean = self.mean_weeks
        if is_hvt(lead.target):  # a case against a High Value Target takes longer
            mean *= self.hvt_factor
        weeks = max(self.min_weeks, round(rng.gamma(shape, mean / shape)))
        ocg = lead.target.ocg
        inv = Investigation(self, ocg, lead, week, weeks)
        ocg.investigation = inv
        self.open.append(inv)
        self.opened += 1
        if rng.random() < self.finance.parallel_share:
            self.finance.ask(inv)
        # The leads on this OCG already waiting join the case now, as later ones do on
        # arrival (receive); the OCG's leads all come to this unit, its route's. So no lead
        # in the queue is on an OCG with an open case.
        keep: deque[Lead] = deque()
        for waiting in self.waiting:
            if waiting.target.ocg is not ocg:
                keep.append(waiting)
            elif not waiting.target.gone:
                inv.add_target(waiting.target)
        self.waiting = keep

    def _close(self, inv: Investigation, rng: np.random.Generator) -> None:
        ocg = inv.ocg
        ocg.investigation = None
        self.closed += 1
        self.finance.end(inv)
        if ocg.dismantled:
            return
        suspects = [m for m in inv.identified if not m.gone]
        places = {m.jurisdiction for m in suspects}
        p = self.success_prob * (self.cross_border_factor if len(places) > 1 else 1.0)
        if not suspects or rng.random() >= p:
            return
        p_coop = self.arrests.partners.arrest_prob_cooperating
        arrested = Arrests.draw(suspects, self.arrest_prob_eu, p_coop, rng)
        if not arrested:
            return
        self.successful += 1
        self.arrests.operation(inv, suspects, arrested)


class Arrests:
    """The arrest operation, written once for every actor that arrests.

    Args:
        lifecycle: Where an arrested member leaves their OCG.
        finance: Freezes cash and traced assets at the searches.
        partners: Third-country police, who seize assets held in their countries.
        prosecution: Opens the case.
    """

    def __init__(
        self,
        lifecycle: OcgLifeCycle,
        finance: FinancialInvestigators,
        partners: ThirdCountryPartners,
        prosecution: Prosecution,
    ) -> None:
        self.lifecycle = lifecycle
        self.finance = finance
        self.partners = partners
        self.prosecution = prosecution

    @staticmethod
    def draw(
        suspects: list[Smuggler], p_eu: float, p_cooperating: float, rng: np.random.Generator
    ) -> list[Smuggler]:
        """Those of ``suspects`` arrested, one draw each in turn: with ``p_eu`` in the EU,
        ``p_cooperating`` in a cooperating third country, never elsewhere."""
        if not suspects:
            return []
        # One uniform per suspect, in order: the same numbers as one draw at a time.
        return Arrests.among(suspects, rng.random(len(suspects)).tolist(), p_eu, p_cooperating)

    @staticmethod
    def among(
        suspects: list[Smuggler], draws: list[float], p_eu: float, p_cooperating: float
    ) -> list[Smuggler]:
        """Those of ``suspects`` arrested, given one uniform each in ``draws``, in order."""
        prob = {"eu": p_eu, "cooperating": p_cooperating}
        p_max = max(p_eu, p_cooperating)  # most draws are above it: no look-up for them
        return [
            m
            for m, u in zip(suspects, draws, strict=True)
            if u < p_max and u < prob.get(m.jurisdiction, 0.0)
        ]

    def operation(
        self, inv: Investigation | None, suspects: list[Smuggler], arrested: list[Smuggler]
    ) -> None:
        """Arrests of ``arrested`` (at least one, among the ``suspects`` identified by
        ``inv``, or by a one-off operation without an investigation): searches that seize
        cash and freeze traced assets (in a cooperating third country also by its own
        police when they arrest members there), the arrests, and one case for the
        prosecutors, cross-border when the suspects live in more than one jurisdiction."""
        ocg = arrested[0].ocg
        local = any(m.jurisdiction == "cooperating" for m in arrested)
        case = self.finance.freeze(
            ocg,
            inv,
            len(arrested) / len(ocg.members),
            self.partners.seizure_prob if local else 0.0,
        )
        case.defendants = arrested
        case.cross_border = len({m.jurisdiction for m in suspects}) > 1
        # Who was a High Value Target is judged on the group as the operation found it:
        # the arrests before in the same operation do not change it (a coordinator who
        # linked a crew once counted as a broker only if arrested before the organiser).
        hvts = [is_hvt(m) for m in arrested]
        for m, hvt in zip(arrested, hvts, strict=True):
            self.lifecycle.arrest(m, hvt)
        self.prosecution.open_case(case)

    def in_the_act(self, member: Smuggler) -> None:
        """An arrest in the act (a transporter at a crossing or a control): a case of its
        own, with nothing frozen."""
        self.lifecycle.arrest(member)
        self.prosecution.open_case(Case(member.ocg, [member]))


class FinancialInvestigators:
    """Financial investigation and asset recovery: what is traced, and frozen at arrest.

    A financial strand runs beside a criminal investigation from the week a financial
    investigator takes it up to the investigation's end. They run ``capacity`` strands at
    once (``staff`` x ``strands_per_investigator``); a strand asked for beyond that waits,
    and a freed place goes to the waiting investigation that has identified the most
    members (the largest case they know of), the oldest request first among equals.

    Args:
        params: The finance parameters.
        rng: Their random stream (cross-border recovery).
    """

    def __init__(self, params: FinanceParams, rng: np.random.Generator) -> None:
        self.rng = rng
        self.parallel_share = params.parallel_financial_share
        self.staff = params.financial_investigators
        self.strands_per_investigator = params.strands_per_investigator
        self.running = 0  # strands under way
        self.waiting: list[Investigation] = []  # strands asked for, oldest first
        self.tracing_rate_week = params.tracing_rate_week
        self.cross_border_recovery = params.cross_border_recovery
        self.cash_seizure_share = params.cash_seizure_share
        self.cash_seizure_arrest_multiplier = params.cash_seizure_arrest_multiplier
        self.frozen_eur = 0.0

    @property
    def capacity(self) -> int:
        """Strands the financial investigators can run at once."""
        return int(self.staff * self.strands_per_investigator + 1e-9)

    def ask(self, inv: Investigation) -> None:
        """The police ask for a financial strand beside ``inv``: it starts now if there is
        room and no open request waits before it, else it waits. Requests whose
        investigation closed while they waited have lapsed and hold no one up."""
        self.waiting = [w for w in self.waiting if not w.closed]  # lapsed requests
        if self.running < self.capacity and not self.waiting:
            self._start(inv)
        else:
            self.waiting.append(inv)

    def end(self, inv: Investigation) -> None:
        """``inv`` is closed: its strand ends (or its request lapses)."""
        inv.closed = True
        if inv.financial:
            self.running -= 1

    def step(self) -> None:
        """Places freed this week go to waiting investigations still open, the largest
        case known first."""
        waiting = [inv for inv in self.waiting if not inv.closed]
        free = self.capacity - self.running
        if free > 0 and waiting:
            order = sorted(range(len(waiting)), key=lambda i: (-len(waiting[i].identified), i))
            chosen = set(order[:free])
            for i in sorted(chosen):
                self._start(waiting[i])
            waiting = [inv for i, inv in enumerate(waiting) if i not in chosen]
        self.waiting = waiting

    def _start(self, inv: Investigation) -> None:
        inv.financial = True
        self.running += 1

    def freeze(
        self,
        ocg: OrganisedCrimeGroup,
        inv: Investigation | None,
        arrested_share: float,
        local_seizure_prob: float = 0.0,
    ) -> Case:
        """Freeze at the arrests: seized cash, and traced assets where they can be reached.

        Assets traced in a cooperating third country are recovered through mutual legal
        assistance (``cross_border_recovery``) or, where that country's police arrest
        members themselves, seized by them (``local_seizure_prob``; operational
        partnerships, measure 13): only what the financial investigation traced, either way.
        """
        rng = self.rng
        scaling = min(1.0, arrested_share * self.cash_seizure_arrest_multiplier)
        cash = ocg.cash * self.cash_seizure_share * scaling
        financial = inv is not None and inv.financial
        eu = ocg.assets_eu * inv.traced_share if financial else 0.0
        coop = 0.0
        recovery = self.cross_border_recovery
        if local_seizure_prob > 0:
            recovery = 1.0 - (1.0 - recovery) * (1.0 - local_seizure_prob)
        if financial and rng.random() < recovery:
            coop = ocg.assets_cooperating * inv.traced_share
        ocg.cash -= cash
        ocg.assets_eu -= eu
        ocg.assets_cooperating -= coop
        ocg.frozen_out += cash + eu + coop
        self.frozen_eur += cash + eu + coop
        if financial:
            # What was traced is frozen (or out of reach for now): tracing starts again on
            # what is left, so that a later arrest operation on the same case (an action
            # day) freezes only what has been traced since.
            inv.traced_share = 0.0
        return Case(ocg, [], frozen_eu_eur=cash + eu, frozen_cooperating_eur=coop)
