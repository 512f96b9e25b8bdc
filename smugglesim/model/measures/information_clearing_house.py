"""Measure 2: connect all relevant actors to the Information Clearing House (ICH).

Source: Council document 15250/18, measure 2 (Annex, section I.2): deepen the integration
of the current ICH partners and involve new ones; increase the flow of strategic
information from third countries, including through liaison officers and magistrates;
connect CSDP missions and operations to the ICH via SIENA.

Mechanism: a larger share of what third-country police observe about smugglers in their
countries reaches EU analysis through the ICH, so third-country partners produce more
leads on members living in cooperating third countries. (The CSDP missions' own
information on persons is measure 11.)

Cost: working arrangements and secure connections with the new partners
(``ich_connections_eur_per_year``) and the ICH analysts that the added share takes,
``(observed_share - status quo) / ich_share_per_analyst`` at ``analyst_eur_per_year``:
EUR 1.0 million a year at the default intensity (five analysts). A budget sets
``observed_share``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from smugglesim.model.costs import CostItem, item
from smugglesim.model.measures.base import Measure, MeasureParams

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import Scenario


class InformationClearingHouseParams(MeasureParams):
    observed_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of third-country intelligence that reaches EU analysis (status quo 0.3).",
    )


class InformationClearingHouse(Measure):
    key = "information_clearing_house"
    number = 2
    heading = "I. Flows of information"
    title = "Connect all relevant actors to the Information Clearing House"
    source_paragraph = "15250/18, measure 2 (Annex I.2)"
    summary = "More partners in the ICH: more third-country intelligence reaches analysis as leads."
    first_moved = "+leads_produced"
    Params = InformationClearingHouseParams
    scaled = "observed_share"

    @classmethod
    def cost_items(cls, params: MeasureParams, scenario: Scenario) -> list[CostItem]:
        assert isinstance(params, cls.Params)
        e, c = scenario.enforcement, scenario.costs
        added = params.observed_share - e.third_country_observed_share
        return [
            item("ICH working arrangements and connections", 1, "ich_connections_eur_per_year", c),
            item("ICH analysts", added / c.ich_share_per_analyst, "analyst_eur_per_year", c),
        ]

    def activate(self, model: SmugglingModel) -> None:
        partners = model.partners
        self.raise_to(partners, "observed_share", self.params.observed_share)
