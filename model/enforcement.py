"""Law enforcement and its partners: the actors that produce leads and make arrests.

- :class:`BorderGuards` (Frontex and national border guards): debrief migrants detected at
  the EU border, which yields leads; arrest transporters caught in the act.
- :class:`InternetReferralUnit` (EU IRU at Europol): refers online adverts for takedown.
- :class:`LiaisonOfficers` and :class:`ThirdCountryPartners`: leads from third countries,
  and arrests (and, under partnerships, asset seizures) there.
- :class:`CsdpMissions` (CSDP missions and operations on the routes): leads on members in
  their areas of operation, once they exchange information with the JHA agencies.

Investigations, and the financial investigators who trace and freeze assets along them,
are in ``model/police.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from mesa import Agent

from model.justice import Case
from model.smugglers import Role, role_weights

if TYPE_CHECKING:
    from model.model import SmugglingModel
    from model.smugglers import OrganisedCrimeGroup, Smuggler


def pick_member(
    ocg: OrganisedCrimeGroup, weights: np.ndarray, rng: np.random.Generator
) -> Smuggler:
    """A member of ``ocg`` drawn with probability proportional to its role's weight.

    The same draw as ``rng.choice(len(members), p=w / w.sum())`` (one uniform, inverse
    cumulative distribution), without ``choice``'s checks of ``p``, which cost more here
    than the draw."""
    cdf = ocg.member_cdf(weights)
    return ocg.members[int(cdf.searchsorted(rng.random(), side="right"))]


class BorderGuards(Agent):
    """Detection is drawn in the migrant population; this agent acts on its results."""

    def __init__(self, model: SmugglingModel) -> None:
        super().__init__(model)
        params = model.config.enforcement
        self.debrief_share = params.debrief_share
        self.lead_per_debriefing = params.lead_per_debriefing
        self.flagrante_arrest_prob = params.flagrante_arrest_prob
        self.reliability = params.reliability_debriefing
        self.visibility = role_weights(params.visibility_to_migrants)
        self.detection_factor = 1.0  # multiplies every leg's detection probability
        # Share of debriefing leads cross-checked on the spot against Europol data and
        # analysed at once (front-line access, mobile analyst teams); none in the status quo.
        self.realtime_check_share = 0.0

    def act_on_detections(self, detected_by_ocg: np.ndarray) -> None:
        """Debrief migrants detected this week (``detected_by_ocg``: how many, by OCG id)."""
        model = self.model
        rng = model.streams["border"]
        p_lead = self.debrief_share * self.lead_per_debriefing
        for ocg_id in np.flatnonzero(detected_by_ocg).tolist():
            n = int(detected_by_ocg[ocg_id])
            ocg = model.ocgs[ocg_id]
            if not ocg.members:
                continue
            for _ in range(rng.binomial(n, p_lead)):
                target = pick_member(ocg, self.visibility, rng)
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


class InternetReferralUnit(Agent):
    """The EU IRU: refers smuggling adverts to online service providers for takedown."""

    def __init__(self, model: SmugglingModel) -> None:
        super().__init__(model)
        params = model.config.enforcement
        self.referrals_per_week = params.iru_referrals_per_week
        self.takedown_success = params.iru_takedown_success
        self.mapping_lead_prob = params.iru_mapping_lead_prob
        self.reliability = params.reliability_online
        self.pressure_per_takedown = params.iru_pressure_per_takedown
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
        table = model.ocg_table
        ids = np.flatnonzero(table.operating[: table.n])
        ocgs = [model.ocgs[i] for i in ids.tolist()]
        live = table.adverts_live(ids, model.config.smugglers.adverts_per_recruiter)
        total = live.sum()
        if total <= 0:
            return
        n = min(n, int(total))
        self.referrals += n
        # Referrals fall on live adverts at random: each OCG in proportion to its adverts.
        hits = rng.multivariate_hypergeometric(live, n)
        for ocg, k in zip(ocgs, hits, strict=True):
            if k == 0:
                continue
            down = int(rng.binomial(k, self.takedown_success))
            if down == 0:
                continue
            self.takedowns += down
            ocg.adverts_down += down
            ocg.add_pressure(self.pressure_per_takedown * down)
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
        self.visibility = role_weights(params.visibility_to_liaison)

    def step(self) -> None:
        model = self.model
        rng = model.streams["liaison"]
        n = rng.poisson(self.officers * self.leads_per_officer_week * (1.0 - self.duplication))
        if n:
            abroad = model.members_in("cooperating", "non_cooperating")
            for _ in range(n):
                if not abroad:
                    break
                target = abroad[int(rng.integers(len(abroad)))]
                target = pick_member(target.ocg, self.visibility, rng)
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
            local = model.members_in("cooperating")
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
