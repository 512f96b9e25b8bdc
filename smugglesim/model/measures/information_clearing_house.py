"""Measure 2: connect all relevant actors to the Information Clearing House (ICH).

Source: Council document 15250/18, measure 2 (Annex, section I.2): deepen the integration
of the current ICH partners and involve new ones; increase the flow of strategic
information from third countries, including through liaison officers and magistrates;
connect CSDP missions and operations to the ICH via SIENA.

Mechanism: a larger share of what third-country police observe about smugglers in their
countries reaches EU analysis through the ICH, so third-country partners produce more
leads on members living in cooperating third countries. (The CSDP missions' own
information on persons is measure 11.)

Cost (ASSUMPTION): EUR 1 million a year: five ICH staff at EUR 120,000 each and EUR 400,000
of working arrangements and secure connections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from smugglesim.model.measures.base import Measure, MeasureParams

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel


class InformationClearingHouseParams(MeasureParams):
    observed_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of third-country intelligence that reaches EU analysis (status quo 0.3).",
    )
    cost_eur_per_year: float = Field(
        1_000_000.0, ge=0, le=1e10, description="Yearly cost while active."
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

    def activate(self, model: SmugglingModel) -> None:
        partners = model.partners
        self.raise_to(partners, "observed_share", self.params.observed_share)
