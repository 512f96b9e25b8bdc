"""Measure 13: common operational partnerships (COP) with third countries.

Source: Council document 15250/18, measure 13 (Annex, section IV.13): common operational
partnerships with third countries to support joint investigation teams (as the JIT in
Niger), capacity building and the exchange of liaison officers; enhanced exchange of
information through AFIC and similar platforms; Police (and Customs) Cooperation Centres
with neighbouring countries; synergies with MAOC-N on vessels of interest used by
poly-criminal OCGs.

Mechanism: the police of cooperating third countries arrest the members that EU
investigations identify on their territory more often (``arrest_prob_cooperating``);
when they do, they seize for the case, with probability ``seizure_prob`` (status quo
``enforcement.partner_seizure_prob``: joint investigation teams such as the JIT in Niger
existed in 2018), the assets held in
their country that the EU financial investigation traced (where mutual legal assistance,
``finance.cross_border_recovery``, has not already recovered them): nothing untraced is
seized, and nothing without a financial strand; the seized assets are confiscated after
conviction like any frozen asset; vessel
information names boat pilots of poly-criminal OCGs on sea legs (``vessel_leads_per_week``;
:class:`VesselIntelligence`, a source of leads this measure adds beside the partners').

Cost: two Police Cooperation Centres and the exchange with MAOC-N
(``partnership_centres_eur_per_year``) and the EU officers in joint investigation teams and
mentoring in partner countries, ``(arrest_prob_cooperating - status quo) x
partner_officers_per_arrest_prob`` at ``seconded_officer_eur_per_year``: twenty, EUR 5.0
million a year at the default intensity. A budget sets ``arrest_prob_cooperating`` (the
seizures and the vessel leads come with the partnership).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from smugglesim.model.costs import CostItem, item
from smugglesim.model.intelligence import ObservedMembersSource
from smugglesim.model.measures.base import Measure, MeasureParams
from smugglesim.model.smugglers import Role

if TYPE_CHECKING:
    import numpy as np

    from smugglesim.model.intelligence import Emsc
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.ocg_lifecycle import OcgLifeCycle
    from smugglesim.model.routes import RouteNetwork
    from smugglesim.model.scenario import Scenario
    from smugglesim.model.smugglers import Smuggler

# Its place in the intelligence phase of the week: with the third-country partners' (30),
# before the sources that come after them.
LEAD_SOURCE_ORDER = 35


class VesselIntelligence(ObservedMembersSource):
    """Information on vessels of interest used by poly-criminal OCGs (MAOC-N): leads on the
    boat pilots of those groups on sea legs (source ``partner``). Own stream ``vessels``:
    the baseline has none."""

    def __init__(
        self,
        leads_per_week: float,
        reliability: float,
        lifecycle: OcgLifeCycle,
        routes: RouteNetwork,
        emsc: Emsc,
        rng: np.random.Generator,
    ) -> None:
        super().__init__("partner", leads_per_week, reliability, emsc, rng)
        self.lifecycle = lifecycle
        self.routes = routes

    def observed(self) -> list[Smuggler]:
        legs = self.routes.legs
        return [
            m
            for m in self.lifecycle.active_members()
            if m.role == Role.TRANSPORTER and m.ocg.poly_criminal and legs[m.leg].mode == "sea"
        ]


class OperationalPartnershipsParams(MeasureParams):
    arrest_prob_cooperating: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Probability that an identified member in a cooperating third country is arrested there (status quo 0.1).",
    )
    seizure_prob: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Probability that a cooperating country's police, arresting members there, seize the OCG's assets that the financial investigation traced in that country (ASSUMPTION) (status quo 0.1).",
    )
    vessel_leads_per_week: float = Field(
        1.0,
        ge=0,
        le=1000,
        description="Leads per week on boat pilots of poly-criminal OCGs from vessel information (MAOC-N).",
    )


class OperationalPartnerships(Measure):
    key = "operational_partnerships"
    number = 13
    heading = "IV. External action"
    title = "Common operational partnerships with third countries"
    source_paragraph = "15250/18, measure 13 (Annex IV.13)"
    summary = "Arrests and asset seizures in cooperating third countries; vessel intelligence on sea legs."
    first_moved = "+members_arrested"
    Params = OperationalPartnershipsParams
    scaled = "arrest_prob_cooperating"

    @classmethod
    def cost_items(cls, params: MeasureParams, scenario: Scenario) -> list[CostItem]:
        assert isinstance(params, cls.Params)
        e, c = scenario.enforcement, scenario.costs
        added = params.arrest_prob_cooperating - e.arrest_prob_cooperating
        return [
            item("Police Cooperation Centres and MAOC-N", 1, "partnership_centres_eur_per_year", c),
            item(
                "EU officers in partner countries",
                added * c.partner_officers_per_arrest_prob,
                "seconded_officer_eur_per_year",
                c,
            ),
        ]

    def activate(self, model: SmugglingModel) -> None:
        partners = model.partners
        p = self.params
        self.raise_to(partners, "arrest_prob_cooperating", p.arrest_prob_cooperating)
        self.raise_to(partners, "seizure_prob", p.seizure_prob)
        self.vessels = VesselIntelligence(
            p.vessel_leads_per_week,
            partners.reliability,
            model.ocg_lifecycle,
            model.routes,
            model.emsc,
            model.streams["vessels"],
        )
        self.add_lead_source(model, self.vessels, LEAD_SOURCE_ORDER)
