"""Measure 11: strengthen links with CSDP missions and operations.

Source: Council document 15250/18, measure 11 (Annex, section IV.11): Europol and Interpol
to receive relevant information from EU NAVFOR Operation Atalanta; building on the Crime
Information Cell in EUNAVFOR MED Operation Sophia, information exchange between CSDP
missions and JHA agencies; CSDP missions to exchange information via SIENA; rotational
support by Europol to EUCAP Sahel Mali, EUCAP Sahel Niger and EUBAM Libya.

Mechanism: in the status quo only the crime information cell pilot in EUNAVFOR MED Sophia
passes information on persons to EU analysis, on boat pilots of the central Mediterranean
sea legs (``enforcement.csdp_leads_per_week``; :class:`smugglesim.model.enforcement.CsdpMissions`).
Building on it, this measure has the civilian missions pass information on persons too:
the source also names members living at the Libyan and Sahel nodes (``nodes``), and its
rate rises to ``leads_per_week``. Those members mostly cannot be arrested where they are, but the
investigations their leads open map the OCG to its members inside the EU.

Cost: the crime information cell and SIENA connections with the civilian missions
(``csdp_connections_eur_per_year``) and the Europol visiting officers rotating through the
missions for the leads added to the status quo's, ``(leads_per_week -
enforcement.csdp_leads_per_week) / csdp_leads_per_officer_week`` at
``seconded_officer_eur_per_year``. A budget sets ``leads_per_week``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from smugglesim.model.costs import CostItem, item
from smugglesim.model.measures.base import Measure, MeasureParams
from smugglesim.model.routes import NODES, ROUTES, known

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import Scenario


class CsdpLinksParams(MeasureParams):
    leads_per_week: float = Field(
        3.0,
        ge=0,
        le=1000,
        description="Leads on persons the CSDP missions pass to EU analysis per week (ASSUMPTION; without the measure, those of the crime information cell pilot in Sophia) (status quo 0.5).",
    )
    reliability: float = Field(
        0.55,
        ge=0,
        le=1,
        description="Mean reliability of a lead from a CSDP mission, raised to this value if above the status quo's (enforcement.reliability_csdp, 0.55: so the default changes nothing, and a lower value is not applied) (ASSUMPTION).",
    )
    # Where CSDP missions and operations worked on the routes in 2018 (15250/18, Annex IV.11):
    # EUBAM Libya and EUNAVFOR MED Sophia (Libya, the central Mediterranean), EUCAP Sahel
    # Niger (Agadez), EUCAP Sahel Mali and EUTM Mali (Mali lies in the West Africa region).
    nodes: list[str] = Field(
        ["libya", "agadez", "west_africa"],
        description="Locations where the missions work: members living there can be named (15250/18, Annex IV.11).",
    )
    sea_routes: list[str] = Field(
        ["central_med"],
        description="Routes on whose sea legs the naval operations name boat pilots (EUNAVFOR MED Sophia).",
    )

    @field_validator("nodes")
    @classmethod
    def _known_nodes(cls, nodes: list[str]) -> list[str]:
        return known(nodes, NODES, "location")

    @field_validator("sea_routes")
    @classmethod
    def _known_routes(cls, routes: list[str]) -> list[str]:
        return known(routes, ROUTES, "route")


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
    scaled = "leads_per_week"

    @classmethod
    def cost_items(cls, params: MeasureParams, scenario: Scenario) -> list[CostItem]:
        assert isinstance(params, cls.Params)
        e, c = scenario.enforcement, scenario.costs
        added = params.leads_per_week - e.csdp_leads_per_week
        return [
            item("crime information cell and SIENA", 1, "csdp_connections_eur_per_year", c),
            item(
                "Europol visiting officers",
                added / c.csdp_leads_per_officer_week,
                "seconded_officer_eur_per_year",
                c,
            ),
        ]

    def activate(self, model: SmugglingModel) -> None:
        csdp = model.csdp
        p = self.params
        self.raise_to(csdp, "leads_per_week", p.leads_per_week)
        self.raise_to(csdp, "reliability", p.reliability)
        self.add_to(csdp, "nodes", frozenset(p.nodes))
        self.add_to(csdp, "sea_routes", frozenset(p.sea_routes))
