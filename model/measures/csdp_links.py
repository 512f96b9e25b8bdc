"""Measure 11: strengthen links with CSDP missions and operations.

Source: Council document 15250/18, measure 11 (Annex, section IV.11): Europol and Interpol
to receive relevant information from EU NAVFOR Operation Atalanta; building on the Crime
Information Cell in EUNAVFOR MED Operation Sophia, information exchange between CSDP
missions and JHA agencies; CSDP missions to exchange information via SIENA; rotational
support by Europol to EUCAP Sahel Mali, EUCAP Sahel Niger and EUBAM Libya.

Mechanism: the CSDP missions (:class:`model.enforcement.CsdpMissions`), which in the
status quo share strategic information only, pass information on persons to EU analysis:
leads on members living at the Libyan and Sahel nodes and on boat pilots of the central
Mediterranean sea legs. Those members mostly cannot be arrested where they are, but the
investigations their leads open map the OCG to its members inside the EU.

Cost (ASSUMPTION): EUR 1 million a year: Europol visiting officers rotating through three
missions, a crime information cell and SIENA connections.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from model.measures.base import Measure, MeasureParams

if TYPE_CHECKING:
    from model.model import SmugglingModel


class CsdpLinksParams(MeasureParams):
    leads_per_week: float = Field(
        3.0,
        ge=0,
        le=1000,
        description="Leads on persons the CSDP missions pass to EU analysis per week (status quo 0).",
    )
    reliability: float = Field(
        0.55,
        ge=0,
        le=1,
        description="Mean reliability of a lead from a CSDP mission.",
    )
    cost_eur_per_year: float = Field(
        1_000_000.0, ge=0, le=1e10, description="Yearly cost while active."
    )


class CsdpLinks(Measure):
    key = "csdp_links"
    number = 11
    heading = "IV. External action"
    title = "Strengthen links with CSDP missions and operations"
    source_paragraph = "15250/18, measure 11 (Annex IV.11)"
    summary = (
        "CSDP missions pass intelligence on Libyan and Sahel nodes and sea legs to EU analysis."
    )
    first_moved = "+leads_produced"
    Params = CsdpLinksParams

    def activate(self, model: SmugglingModel) -> None:
        csdp = model.csdp_missions
        p = self.params
        self.set(csdp, "leads_per_week", max(csdp.leads_per_week, p.leads_per_week))
        self.set(csdp, "reliability", p.reliability)
