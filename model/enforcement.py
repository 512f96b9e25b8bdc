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
  and arrests (and, under partnerships, asset seizures) there.
- :class:`CsdpMissions` (CSDP missions and operations on the routes): leads on members in
  their areas of operation, once they exchange information with the JHA agencies.

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
        # Share of debriefing leads cross-checked on the spot against Europol data and
        # analysed at once (front-line access, mobile analyst teams); none in the status quo.
        self.realtime_check_share = 0.0

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
                checked = (
                    self.realtime_check_share > 0
                    and model.streams["frontline"].random() < self.realtime_check_share
                )
                model.emsc.new_lead(target, "debriefing", self.reliability, rng, checked)
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
        shape = 3.0
        weeks = max(4, round(rng.gamma(shape, self.mean_weeks / shape)))
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

    def freeze_abroad(self, ocg: OrganisedCrimeGroup, case: Case, share: float) -> None:
        """Assets in a cooperating third country seized there by its police, for the case."""
        amount = ocg.assets_cooperating * share
        if amount <= 0:
            return
        ocg.assets_cooperating -= amount
        ocg.frozen_out += amount
        case.frozen_cooperating_eur += amount
        self.frozen_eur += amount


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
        # Status quo: no joint seizures and no vessel intelligence (operational partnerships
        # and MAOC-N synergies, measure 13, switch them on).
        self.seizure_share = 0.0
        self.vessel_leads_per_week = 0.0

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
        if self.vessel_leads_per_week > 0:
            self._vessel_intelligence()

    def _vessel_intelligence(self) -> None:
        """Information on vessels of interest used by poly-criminal OCGs (MAOC-N): leads on
        the boat pilots of those groups on sea legs. Own stream: the baseline has none."""
        model = self.model
        rng = model.streams["vessels"]
        n = rng.poisson(self.vessel_leads_per_week)
        if not n:
            return
        legs = model.routes.legs
        pilots = [
            m
            for m in model.active_members()
            if m.role == Role.TRANSPORTER and m.ocg.poly_criminal and legs[m.leg].mode == "sea"
        ]
        for _ in range(min(n, len(pilots))):
            target = pilots[int(rng.integers(len(pilots)))]
            model.emsc.new_lead(target, "partner", self.reliability, rng)

    def seize_assets(self, ocg: OrganisedCrimeGroup, case: Case) -> None:
        """When their police arrest members of an OCG, partners seize part of its assets held
        in their countries (joint investigation teams under a partnership)."""
        if self.seizure_share > 0:
            self.model.financial_investigators.freeze_abroad(ocg, case, self.seizure_share)


# Where CSDP missions and operations work on the routes (2018): EUBAM Libya and EUNAVFOR MED
# Sophia (Libya and the central Mediterranean), EUCAP Sahel Niger (Agadez), EUCAP Sahel Mali
# and EUTM Mali (Mali lies in the West Africa origin region). Source: 15250/18, Annex IV.11.
CSDP_NODES = ("libya", "agadez", "west_africa")
CSDP_SEA_ROUTES = ("central_med",)


class CsdpMissions(Agent):
    """CSDP missions and operations: intelligence on members in their areas of operation.

    In the status quo they share strategic information only (``leads_per_week`` is 0): no
    personal data on smugglers reaches EU analysis. Measure 11 sets the rate at which their
    information (crime information cells, exchange via SIENA) names members living at
    Libyan and Sahel nodes, or piloting boats on the central Mediterranean sea legs.
    """

    def __init__(self, model: SmugglingModel) -> None:
        super().__init__(model)
        self.leads_per_week = 0.0
        self.reliability = model.config.enforcement.reliability_partner
        self.leads = 0

    def step(self) -> None:
        if self.leads_per_week <= 0:
            return
        model = self.model
        rng = model.streams["csdp"]
        n = int(rng.poisson(self.leads_per_week))
        if not n:
            return
        legs = model.routes.legs
        observed = [
            m
            for m in model.active_members()
            if m.node in CSDP_NODES
            or (
                m.role == Role.TRANSPORTER
                and legs[m.leg].mode == "sea"
                and legs[m.leg].route in CSDP_SEA_ROUTES
            )
        ]
        for _ in range(min(n, len(observed))):
            target = observed[int(rng.integers(len(observed)))]
            model.emsc.new_lead(target, "csdp", self.reliability, rng)
            self.leads += 1
