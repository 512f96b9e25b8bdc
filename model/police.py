"""Member State police and financial investigators: from leads to arrests and frozen assets.

- :class:`PoliceUnit` (one per route, the Member States policing it): runs a limited number
  of :class:`Investigation` at once; an investigation maps the OCG through its members'
  ties, and ends in arrests of identified members where the unit (or a partner) can act.
- :class:`FinancialInvestigators` (FIUs, Asset Recovery Offices): decide which
  investigations get a financial strand and how fast it traces assets; traced assets are
  frozen at the arrests.

Joint action days (EMPACT) are :meth:`PoliceUnit.joint_action_day`, run on every unit at
once by a Mesa event; they draw from their own stream so that the baseline's draws are
untouched.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

from model.intelligence import CENTRALITY, Lead
from model.justice import Case
from model.smugglers import Role

if TYPE_CHECKING:
    from model.model import SmugglingModel
    from model.smugglers import OrganisedCrimeGroup, Smuggler


class Investigation:
    """A criminal investigation into one OCG, started from one lead."""

    def __init__(
        self,
        unit: PoliceUnit,
        ocg: OrganisedCrimeGroup,
        lead: Lead,
        week: int,
        weeks: int,
        financial: bool,
    ):
        self.unit = unit
        self.ocg = ocg
        self.opened_week = week
        self.end_week = week + weeks
        self.identified: dict[Smuggler, None] = {lead.target: None}
        self.spilled: set[int] = set()
        self.financial = financial
        self.traced_share = 0.0
        # The ties investigators can still follow: the contacts of the identified members,
        # member after member, less those identified or arrested. Rebuilt when the OCG's
        # ties change (a recruit joins); identified and arrested are for good.
        self._leads_to: list[Smuggler] = []
        self._ties_version = -1

    def add_target(self, member: Smuggler) -> None:
        if member in self.identified:
            return
        self.identified[member] = None
        if self._ties_version == self.ocg.ties_version:
            self._follow(member)

    def _follow(self, member: Smuggler) -> None:
        identified = self.identified
        self._leads_to.extend(
            c
            for c in self.unit.model.social._adj[member]  # networkx's adjacency: read only
            if c not in identified and not c.arrested
        )

    def progress(self, rng: np.random.Generator, p_map: float) -> None:
        """Investigators follow the ties of every identified member: each contact not yet
        identified is mapped with probability ``p_map`` per tie and week."""
        model = self.unit.model
        identified = self.identified
        if self._ties_version != self.ocg.ties_version:
            self._ties_version = self.ocg.ties_version
            self._leads_to = []
            for member in identified:
                self._follow(member)
        draw = rng.random
        new: list[Smuggler] = []
        still: list[Smuggler] = []
        for contact in self._leads_to:
            if contact in identified or contact.arrested:
                continue
            still.append(contact)
            if draw() >= p_map:
                continue
            if contact.ocg is self.ocg:
                new.append(contact)
            elif contact.unique_id not in self.spilled:
                # A contact in another OCG: a lead for the analysts.
                self.spilled.add(contact.unique_id)
                model.emsc.new_lead(
                    contact,
                    "investigation",
                    model.config.enforcement.reliability_investigation,
                    rng,
                )
        self._leads_to = still
        for m in new:
            self.add_target(m)
        if self.financial:
            rate = model.financial_investigators.tracing_rate_week
            self.traced_share += (1.0 - self.traced_share) * rate


class PoliceUnit(Agent):
    """Member State police on one route: investigations, limited by capacity."""

    def __init__(self, model: SmugglingModel, route: str) -> None:
        super().__init__(model)
        params = model.config.enforcement
        self.route = route
        self.capacity = params.investigations_per_unit
        self.mean_weeks = params.investigation_mean_weeks
        self.duration_shape = params.investigation_duration_shape
        self.min_weeks = params.investigation_min_weeks
        self.mapping_prob_week = params.mapping_prob_week
        self.success_prob = params.investigation_success
        self.cross_border_factor = params.cross_border_success_factor
        self.arrest_prob_eu = params.arrest_prob_eu
        self.max_wait_weeks = params.lead_max_age_weeks
        self.prioritise_hvts = False  # open leads on leaders and central members first
        self.waiting: deque[Lead] = deque()
        self.open: list[Investigation] = []
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
        """The lead to open next: oldest first, or, when ``prioritise_hvts``, the oldest of
        those on the most central role (organiser, then coordinator, then money handler)."""
        waiting = self.waiting
        if not waiting:
            return None
        if not self.prioritise_hvts:
            return waiting.popleft()
        best, lead = min(enumerate(waiting), key=lambda t: (CENTRALITY[t[1].target.role], t[0]))
        del waiting[best]
        return lead

    def step(self) -> None:
        model = self.model
        week = model.week
        rng = model.streams["investigation"]
        for inv in self.open:
            inv.progress(rng, self.mapping_prob_week)
        still = []
        for inv in self.open:
            if week >= inv.end_week or inv.ocg.dismantled:
                self._close(inv, rng)
            else:
                still.append(inv)
        self.open = still
        while self.waiting and week - self.waiting[0].week > self.max_wait_weeks:
            self.waiting.popleft()
        while len(self.open) < self.capacity:
            lead = self.next_lead()
            if lead is None:
                break
            target = lead.target
            if target.arrested or target.ocg.dismantled:
                continue
            if target.ocg.investigation is not None:
                target.ocg.investigation.add_target(target)
                continue
            self._open(lead, week, rng)

    def joint_action_day(
        self,
        rng: np.random.Generator,
        arrest_prob: float,
        flagrante_expected: float,
        forger_prob: float,
    ) -> None:
        """One coordinated EMPACT action day on this unit's route.

        Args:
            rng: The action days' own stream.
            arrest_prob: Probability that an identified, not yet arrested member of an open
                investigation is arrested on the day (living in the EU; in a cooperating
                third country it is multiplied by the partners' arrest probability).
            flagrante_expected: Mean number of transporters on the EU side arrested in the
                act during the day's controls.
            forger_prob: Probability per OCG with a document forger that the deployed
                document-fraud experts identify one of them.
        """
        model = self.model
        p_coop = arrest_prob * model.partners.arrest_prob_cooperating
        for inv in list(self.open):
            suspects = [m for m in inv.identified if not m.arrested]
            arrested = [
                m
                for m in suspects
                if rng.random()
                < {"eu": arrest_prob, "cooperating": p_coop}.get(m.jurisdiction, 0.0)
            ]
            if arrested:
                # Searches at the arrests: cash seized and traced assets frozen, as at the
                # end of an investigation; the investigation goes on with the others.
                share = len(arrested) / len(inv.ocg.members)
                case = model.financial_investigators.freeze(inv.ocg, inv, share)
                case.defendants = arrested
                case.cross_border = len({m.jurisdiction for m in suspects}) > 1
                for m in arrested:
                    model.arrest(m)
                if any(m.jurisdiction == "cooperating" for m in arrested):
                    model.partners.seize_assets(inv.ocg, case)
                model.prosecution.open_case(case)
        ocgs = [o for o in model.ocgs if o.route == self.route and o.operating]
        drivers = [
            m
            for o in ocgs
            for m in o.members
            if m.role == Role.TRANSPORTER and m.jurisdiction == "eu"
        ]
        n = min(int(rng.poisson(flagrante_expected)), len(drivers))
        if n:
            for i in rng.choice(len(drivers), size=n, replace=False):
                driver = drivers[int(i)]
                model.arrest(driver)
                model.prosecution.open_case(Case(driver.ocg, [driver]))
        reliability = model.config.enforcement.reliability_investigation
        for ocg in ocgs:
            if ocg.dismantled or not ocg.has_role(Role.DOCUMENT_FORGER):
                continue
            if rng.random() >= forger_prob:
                continue
            forgers = [m for m in ocg.members if m.role == Role.DOCUMENT_FORGER]
            forger = forgers[int(rng.integers(len(forgers)))]
            if ocg.investigation is not None:
                ocg.investigation.add_target(forger)
            else:
                model.emsc.new_lead(forger, "investigation", reliability, rng)

    def _open(self, lead: Lead, week: int, rng: np.random.Generator) -> None:
        shape = self.duration_shape
        weeks = max(self.min_weeks, round(rng.gamma(shape, self.mean_weeks / shape)))
        financial = bool(rng.random() < self.model.financial_investigators.parallel_share)
        inv = Investigation(self, lead.target.ocg, lead, week, weeks, financial)
        lead.target.ocg.investigation = inv
        self.open.append(inv)
        self.opened += 1

    def _close(self, inv: Investigation, rng: np.random.Generator) -> None:
        model = self.model
        ocg = inv.ocg
        ocg.investigation = None
        self.closed += 1
        if ocg.dismantled:
            return
        suspects = [m for m in inv.identified if not m.arrested]
        places = {m.jurisdiction for m in suspects}
        p = self.success_prob * (self.cross_border_factor if len(places) > 1 else 1.0)
        if not suspects or rng.random() >= p:
            return
        p_coop = model.partners.arrest_prob_cooperating
        arrested = []
        for m in suspects:
            prob = {"eu": self.arrest_prob_eu, "cooperating": p_coop}.get(m.jurisdiction, 0.0)
            if rng.random() < prob:
                arrested.append(m)
        if not arrested:
            return
        self.successful += 1
        size_before = len(ocg.members)
        case = model.financial_investigators.freeze(ocg, inv, len(arrested) / size_before)
        case.defendants = arrested
        case.cross_border = len(places) > 1
        for m in arrested:
            model.arrest(m)
        if any(m.jurisdiction == "cooperating" for m in arrested):
            model.partners.seize_assets(ocg, case)
        model.prosecution.open_case(case)


class FinancialInvestigators(Agent):
    """Financial investigation and asset recovery: what is traced, and frozen at arrest."""

    def __init__(self, model: SmugglingModel) -> None:
        super().__init__(model)
        params = model.config.finance
        self.parallel_share = params.parallel_financial_share
        self.tracing_rate_week = params.tracing_rate_week
        self.cross_border_recovery = params.cross_border_recovery
        self.cash_seizure_share = params.cash_seizure_share
        self.cash_seizure_arrest_multiplier = params.cash_seizure_arrest_multiplier
        self.frozen_eur = 0.0

    def freeze(self, ocg: OrganisedCrimeGroup, inv: Investigation, arrested_share: float) -> Case:
        """Freeze at the arrests: seized cash, and traced assets where they can be reached."""
        rng = self.model.streams["finance"]
        scaling = min(1.0, arrested_share * self.cash_seizure_arrest_multiplier)
        cash = ocg.cash * self.cash_seizure_share * scaling
        eu = ocg.assets_eu * inv.traced_share if inv.financial else 0.0
        coop = 0.0
        if inv.financial and rng.random() < self.cross_border_recovery:
            coop = ocg.assets_cooperating * inv.traced_share
        ocg.cash -= cash
        ocg.assets_eu -= eu
        ocg.assets_cooperating -= coop
        ocg.frozen_out += cash + eu + coop
        self.frozen_eur += cash + eu + coop
        return Case(ocg, [], frozen_eu_eur=cash + eu, frozen_cooperating_eur=coop)

    def freeze_abroad(self, ocg: OrganisedCrimeGroup, case: Case, share: float) -> None:
        """Assets in a cooperating third country seized there by its police, for the case."""
        amount = ocg.assets_cooperating * share
        if amount <= 0:
            return
        ocg.assets_cooperating -= amount
        ocg.frozen_out += amount
        case.frozen_cooperating_eur += amount
        self.frozen_eur += amount
