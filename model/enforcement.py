"""Law enforcement and its partners: the actors that produce leads and make arrests.

- :class:`BorderGuards` (Frontex and national border guards): debrief migrants detected at
  the EU border, which yields leads; arrest transporters caught in the act.
- :class:`PoliceUnit` (one per route, the Member States policing it): run a limited number
  of :class:`Investigation` at once; an investigation maps the OCG through its members'
  ties, and ends in arrests of identified members where the unit (or a partner) can act.
- :class:`FinancialInvestigators` (FIUs, Asset Recovery Offices): decide which
  investigations get a financial strand and how fast it traces assets; traced assets are
  frozen at the arrests.
- :class:`InternetReferralUnit` (EU IRU at Europol): refers online adverts for takedown.
- :class:`LiaisonOfficers` and :class:`ThirdCountryPartners`: leads from third countries,
  and arrests there.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

from model.intelligence import Lead
from model.justice import Case
from model.smugglers import VISIBILITY_TO_LIAISON, VISIBILITY_TO_MIGRANTS, Role

if TYPE_CHECKING:
    from model.model import SmugglingModel
    from model.smugglers import OrganisedCrimeGroup, Smuggler


def pick_member(members: list[Smuggler], weights: np.ndarray, rng: np.random.Generator) -> Smuggler:
    w = weights[[m.role for m in members]]
    return members[int(rng.choice(len(members), p=w / w.sum()))]


class BorderGuards(Agent):
    """Detection is drawn in the migrant population; this agent acts on its results."""

    def __init__(self, model: SmugglingModel) -> None:
        super().__init__(model)
        params = model.config.enforcement
        self.debrief_share = params.debrief_share
        self.lead_per_debriefing = params.lead_per_debriefing
        self.flagrante_arrest_prob = params.flagrante_arrest_prob
        self.reliability = params.reliability_debriefing
        self.detection_factor = 1.0  # multiplies every leg's detection probability

    def act_on_detections(self, detected_by_ocg: dict[int, int]) -> None:
        model = self.model
        rng = model.streams["border"]
        p_lead = self.debrief_share * self.lead_per_debriefing
        for ocg_id, n in detected_by_ocg.items():
            ocg = model.ocgs[ocg_id]
            if not ocg.members:
                continue
            for _ in range(rng.binomial(n, p_lead)):
                target = pick_member(ocg.members, VISIBILITY_TO_MIGRANTS, rng)
                model.emsc.new_lead(target, "debriefing", self.reliability, rng)
            if rng.random() < self.flagrante_arrest_prob:
                pilots = [m for m in ocg.members if m.role == Role.TRANSPORTER]
                if pilots:
                    pilot = pilots[int(rng.integers(len(pilots)))]
                    model.arrest(pilot)
                    model.prosecution.open_case(Case(ocg, [pilot]))


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

    def add_target(self, member: Smuggler) -> None:
        self.identified[member] = None

    def progress(self, rng: np.random.Generator, p_map: float) -> None:
        """Investigators follow the ties of every identified member."""
        model = self.unit.model
        social = model.social
        new: list[Smuggler] = []
        for member in self.identified:
            for contact in social.adj[member]:
                if contact in self.identified or contact.arrested or rng.random() >= p_map:
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
        for m in new:
            self.identified[m] = None
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
        self.mapping_prob_week = params.mapping_prob_week
        self.success_prob = params.investigation_success
        self.cross_border_factor = params.cross_border_success_factor
        self.arrest_prob_eu = params.arrest_prob_eu
        self.max_wait_weeks = params.lead_max_age_weeks
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
        """The lead to open next: oldest first (a measure may reorder)."""
        return self.waiting.popleft() if self.waiting else None

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

    def _open(self, lead: Lead, week: int, rng: np.random.Generator) -> None:
        shape = 3.0
        weeks = max(4, int(round(rng.gamma(shape, self.mean_weeks / shape))))
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
        self.frozen_eur = 0.0

    def freeze(self, ocg: OrganisedCrimeGroup, inv: Investigation, arrested_share: float) -> Case:
        """Freeze at the arrests: seized cash, and traced assets where they can be reached."""
        rng = self.model.streams["finance"]
        cash = ocg.cash * self.cash_seizure_share * min(1.0, arrested_share * 2.0)
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


class InternetReferralUnit(Agent):
    """The EU IRU: refers smuggling adverts to online service providers for takedown."""

    def __init__(self, model: SmugglingModel) -> None:
        super().__init__(model)
        params = model.config.enforcement
        self.referrals_per_week = params.iru_referrals_per_week
        self.takedown_success = params.iru_takedown_success
        self.mapping_lead_prob = params.iru_mapping_lead_prob
        self.reliability = params.reliability_online
        self.referrals = 0
        self.takedowns = 0

    def step(self) -> None:
        self.refer(self.referrals_per_week)

    def refer(self, expected: float) -> None:
        model = self.model
        rng = model.streams["iru"]
        n = int(rng.poisson(expected)) if expected > 0 else 0
        if n == 0:
            return
        ocgs = [o for o in model.ocgs if o.operating]
        live = np.array([o.adverts_live() for o in ocgs], dtype=float)
        total = live.sum()
        if total <= 0:
            return
        n = min(n, int(total))
        self.referrals += n
        # Referrals fall on live adverts at random: each OCG in proportion to its adverts.
        hits = rng.multivariate_hypergeometric(live.astype(np.int64), n)
        for ocg, k in zip(ocgs, hits, strict=True):
            if k == 0:
                continue
            down = int(rng.binomial(k, self.takedown_success))
            if down == 0:
                continue
            self.takedowns += down
            ocg.adverts_down += down
            ocg.add_pressure(0.02 * down)
            recruiters = [m for m in ocg.members if m.role == Role.RECRUITER]
            for _ in range(rng.binomial(down, self.mapping_lead_prob)):
                if recruiters:
                    target = recruiters[int(rng.integers(len(recruiters)))]
                    model.emsc.new_lead(target, "online", self.reliability, rng)


class LiaisonOfficers(Agent):
    """EU liaison officers in origin and transit countries: leads on members there."""

    def __init__(self, model: SmugglingModel) -> None:
        super().__init__(model)
        params = model.config.enforcement
        self.officers = params.liaison_officers
        self.leads_per_officer_week = params.lo_leads_per_officer_week
        self.duplication = params.lo_duplication
        self.reliability = params.reliability_liaison

    def step(self) -> None:
        model = self.model
        rng = model.streams["liaison"]
        n = rng.poisson(self.officers * self.leads_per_officer_week * (1.0 - self.duplication))
        if n:
            abroad = [m for m in model.active_members() if m.jurisdiction != "eu"]
            for _ in range(n):
                if not abroad:
                    break
                target = abroad[int(rng.integers(len(abroad)))]
                target = pick_member(target.ocg.members, VISIBILITY_TO_LIAISON, rng)
                model.emsc.new_lead(target, "liaison", self.reliability, rng)


class ThirdCountryPartners(Agent):
    """Police of cooperating third countries: report leads; arrest on EU investigations."""

    def __init__(self, model: SmugglingModel) -> None:
        super().__init__(model)
        params = model.config.enforcement
        self.leads_per_week = params.partner_leads_per_week
        self.observed_share = params.third_country_observed_share
        self.arrest_prob_cooperating = params.arrest_prob_cooperating
        self.reliability = params.reliability_partner

    def step(self) -> None:
        model = self.model
        rng = model.streams["partners"]
        n = rng.poisson(self.leads_per_week * self.observed_share)
        if n:
            local = [m for m in model.active_members() if m.jurisdiction == "cooperating"]
            for _ in range(n):
                if not local:
                    break
                target = local[int(rng.integers(len(local)))]
                model.emsc.new_lead(target, "partner", self.reliability, rng)
