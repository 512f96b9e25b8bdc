"""Law enforcement and its partners: the actors that produce leads and make arrests.

- :class:`BorderGuards` (Frontex and national border guards): debrief migrants detected at
  the EU border, which yields leads; arrest transporters caught in the act.
- :class:`InternetReferralUnit` (EU IRU at Europol): refers online adverts for takedown.
- :class:`LiaisonOfficers` and :class:`ThirdCountryPartners`: leads from third countries,
  and arrests (and, under partnerships, asset seizures) there.

Each receives the collaborators it works with (the EMSC to which its leads go, the OCGs it
observes, the arrest operation) and its own random stream. Investigations, and the
financial investigators who trace and freeze assets along them, are in
``smugglesim/model/police.py``. Sources of leads that only a measure adds (CSDP missions, vessel
information) live in the measure's module.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

import numpy as np

from smugglesim.model.intelligence import ObservedMembersSource
from smugglesim.model.smugglers import Role, role_weights

if TYPE_CHECKING:
    from smugglesim.model.intelligence import Emsc
    from smugglesim.model.ocg_lifecycle import OcgLifeCycle
    from smugglesim.model.parameters import EnforcementParams
    from smugglesim.model.police import Arrests
    from smugglesim.model.routes import RouteNetwork
    from smugglesim.model.smugglers import OrganisedCrimeGroup, Smuggler


def pick_member(
    ocg: OrganisedCrimeGroup, weights: np.ndarray, rng: np.random.Generator
) -> Smuggler:
    """A member of ``ocg`` drawn with probability proportional to its role's weight.

    The same draw as ``rng.choice(len(members), p=w / w.sum())`` (one uniform, inverse
    cumulative distribution), without ``choice``'s checks of ``p``, which cost more here
    than the draw."""
    cdf = ocg.member_cdf(weights)
    u = rng.random()
    if cdf[-1] != cdf[-1]:  # NaN (every weight 0): numpy's search, as it always was
        return ocg.members[int(np.searchsorted(cdf, u, side="right"))]
    return ocg.members[bisect_right(cdf, u)]  # as searchsorted(side="right")


class BorderGuards:
    """Detection is drawn in the migrant population; this actor acts on its results.

    Args:
        params: The enforcement parameters.
        lifecycle: The OCGs (by id), whose members the debriefings name.
        emsc: Where debriefing leads go.
        arrests: The arrest operation (transporters arrested in the act).
        rng: The debriefings' random stream (the leads they yield).
        frontline_rng: The stream of on-the-spot checks (none in the status quo).
        arrest_rng: The stream of arrests in the act, apart from the debriefings' so that a
            measure that adds leads (measure 3) leaves those arrests' draws as they were.
    """

    def __init__(
        self,
        params: EnforcementParams,
        lifecycle: OcgLifeCycle,
        emsc: Emsc,
        arrests: Arrests,
        rng: np.random.Generator,
        frontline_rng: np.random.Generator,
        arrest_rng: np.random.Generator,
    ) -> None:
        self.lifecycle = lifecycle
        self.emsc = emsc
        self.arrests = arrests
        self.rng = rng
        self.frontline_rng = frontline_rng
        self.arrest_rng = arrest_rng
        self.debrief_share = params.debrief_share
        self.lead_per_debriefing = params.lead_per_debriefing
        self.flagrante_arrest_prob = params.flagrante_arrest_prob
        self.reliability = params.reliability_debriefing
        self.visibility = role_weights(params.visibility_to_migrants)
        self.detection_factor = 1.0  # multiplies every leg's detection probability
        # Share of debriefing leads cross-checked on the spot against Europol data and
        # analysed at once (front-line access, mobile analyst teams); none in the status quo.
        # A lead so checked has the mean reliability ``checked_reliability`` (measure 3).
        self.realtime_check_share = 0.0
        self.checked_reliability = self.reliability

    def act_on_detections(self, detected_by_ocg: np.ndarray) -> None:
        """Debrief migrants detected this week (``detected_by_ocg``: how many, by OCG id)."""
        rng = self.rng
        arrest_rng = self.arrest_rng
        ocgs = self.lifecycle.ocgs
        p_lead = self.debrief_share * self.lead_per_debriefing
        check_share = self.realtime_check_share
        ids = np.flatnonzero(detected_by_ocg)
        for ocg_id, n in zip(ids.tolist(), detected_by_ocg[ids].tolist(), strict=True):
            ocg = ocgs[ocg_id]
            if not ocg.members:
                continue
            for _ in range(rng.binomial(n, p_lead)):
                target = pick_member(ocg, self.visibility, rng)
                checked = check_share > 0 and self.frontline_rng.random() < check_share
                self.emsc.new_lead(
                    target, "debriefing", self.reliability, rng, checked, self.checked_reliability
                )
            if arrest_rng.random() < self.flagrante_arrest_prob:
                pilots = [m for m in ocg.members if m.role == Role.TRANSPORTER]
                if pilots:
                    self.arrests.in_the_act(pilots[int(arrest_rng.integers(len(pilots)))])


class InternetReferralUnit:
    """The EU IRU: refers smuggling adverts to online service providers for takedown.

    Args:
        params: The enforcement parameters.
        lifecycle: The OCGs, whose recruiters' adverts it refers.
        adverts_per_recruiter: Online adverts each recruiter keeps live.
        emsc: Where leads from infrastructure mapping go.
        rng: Its random stream.
    """

    def __init__(
        self,
        params: EnforcementParams,
        lifecycle: OcgLifeCycle,
        adverts_per_recruiter: int,
        emsc: Emsc,
        rng: np.random.Generator,
    ) -> None:
        self.lifecycle = lifecycle
        self.adverts_per_recruiter = adverts_per_recruiter
        self.emsc = emsc
        self.rng = rng
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
        rng = self.rng
        n = int(rng.poisson(expected)) if expected > 0 else 0
        if n == 0:
            return
        table = self.lifecycle.table
        ids = np.flatnonzero(table.operating[: table.n])
        live = table.adverts_live(ids, self.adverts_per_recruiter)
        total = live.sum()
        if total <= 0:
            return
        n = min(n, int(total))
        self.referrals += n
        # Referrals fall on live adverts at random: each OCG in proportion to its adverts.
        hits = rng.multivariate_hypergeometric(live, n)
        hit = np.flatnonzero(hits)  # the OCGs referred, in order
        for ocg_id, k in zip(ids[hit].tolist(), hits[hit].tolist(), strict=True):
            ocg = self.lifecycle.ocgs[ocg_id]
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
                    self.emsc.new_lead(target, "online", self.reliability, rng)


class LiaisonOfficers:
    """EU liaison officers in origin and transit countries: leads on members there.

    Args:
        params: The enforcement parameters.
        lifecycle: The OCGs' members, by where they live.
        emsc: Where their leads go.
        rng: Their random stream.
    """

    def __init__(
        self,
        params: EnforcementParams,
        lifecycle: OcgLifeCycle,
        emsc: Emsc,
        rng: np.random.Generator,
    ) -> None:
        self.lifecycle = lifecycle
        self.emsc = emsc
        self.rng = rng
        self.officers = params.liaison_officers
        self.leads_per_officer_week = params.lo_leads_per_officer_week
        self.duplication = params.lo_duplication
        self.reliability = params.reliability_liaison
        self.visibility = role_weights(params.visibility_to_liaison)

    def step(self) -> None:
        rng = self.rng
        n = rng.poisson(self.officers * self.leads_per_officer_week * (1.0 - self.duplication))
        if n:
            abroad = self.lifecycle.members_in("cooperating", "non_cooperating")
            for _ in range(n):
                if not abroad:
                    break
                target = abroad[int(rng.integers(len(abroad)))]
                target = pick_member(target.ocg, self.visibility, rng)
                self.emsc.new_lead(target, "liaison", self.reliability, rng)


class ThirdCountryPartners:
    """Police of cooperating third countries: report leads; arrest on EU investigations.

    Args:
        params: The enforcement parameters.
        lifecycle: The OCGs' members, by where they live.
        emsc: Where their leads go.
        rng: Their random stream.
    """

    def __init__(
        self,
        params: EnforcementParams,
        lifecycle: OcgLifeCycle,
        emsc: Emsc,
        rng: np.random.Generator,
    ) -> None:
        self.lifecycle = lifecycle
        self.emsc = emsc
        self.rng = rng
        self.leads_per_week = params.partner_leads_per_week
        self.observed_share = params.third_country_observed_share
        self.arrest_prob_cooperating = params.arrest_prob_cooperating
        self.reliability = params.reliability_partner
        # Probability that their police, arresting members, seize the assets traced in their
        # country (joint investigation teams; operational partnerships, measure 13, raise it).
        self.seizure_prob = params.partner_seizure_prob

    def step(self) -> None:
        rng = self.rng
        n = rng.poisson(self.leads_per_week * self.observed_share)
        if n:
            local = self.lifecycle.members_in("cooperating")
            for _ in range(n):
                if not local:
                    break
                target = local[int(rng.integers(len(local)))]
                self.emsc.new_lead(target, "partner", self.reliability, rng)


class CsdpMissions(ObservedMembersSource):
    """CSDP missions and operations: leads on persons in their areas of operation (source
    ``csdp``), naming members living at the ``nodes`` where missions work or piloting boats
    on the sea legs of ``sea_routes``.

    In the status quo only the crime information cell pilot in EUNAVFOR MED Sophia passes
    information on persons: boat pilots of the central Mediterranean sea legs, at
    ``enforcement.csdp_leads_per_week``. Measure 11 (links with CSDP missions) adds the
    civilian missions' nodes and raises the rate.

    Args:
        leads_per_week: Mean leads a week.
        reliability: Mean reliability of its leads.
        nodes: Locations whose resident members can be named.
        sea_routes: Routes on whose sea legs boat pilots can be named.
        lifecycle: The OCGs' members.
        routes: The route network.
        emsc: Where its leads go.
        rng: Its own random stream (``csdp``).
    """

    def __init__(
        self,
        leads_per_week: float,
        reliability: float,
        nodes: frozenset[str],
        sea_routes: frozenset[str],
        lifecycle: OcgLifeCycle,
        routes: RouteNetwork,
        emsc: Emsc,
        rng: np.random.Generator,
    ) -> None:
        super().__init__("csdp", leads_per_week, reliability, emsc, rng)
        self.nodes = nodes
        self.sea_routes = sea_routes
        self.lifecycle = lifecycle
        self.routes = routes

    def observed(self) -> list[Smuggler]:
        nodes = self.nodes
        # The legs whose boat pilots can be named (a measure may add routes to them).
        sea_legs = {
            i
            for i, leg in enumerate(self.routes.legs)
            if leg.mode == "sea" and leg.route in self.sea_routes
        }
        transporter = Role.TRANSPORTER
        if not nodes:
            return self._pilots(sea_legs)
        return [
            m
            for m in self.lifecycle.active_members()
            if m.node in nodes or (m.role == transporter and m.leg in sea_legs)
        ]

    def _pilots(self, legs: set[int]) -> list[Smuggler]:
        """The active transporters on ``legs``, in the order of ``active_members``: only
        the OCGs with transporters on those legs (by the table's count) are looked through."""
        lifecycle = self.lifecycle
        table, ocgs = lifecycle.table, lifecycle.ocgs
        ids = table.existing()
        ids = ids[table.transporters[ids][:, sorted(legs)].any(axis=1)]
        transporter = Role.TRANSPORTER
        return [
            m
            for i in ids.tolist()
            for m in ocgs[i].members
            if m.role == transporter and m.leg in legs
        ]
