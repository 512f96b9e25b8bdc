"""Measure 11: strengthen links with CSDP missions and operations.

Source: Council document 15250/18, measure 11 (Annex, section IV.11): Europol and Interpol
to receive relevant information from EU NAVFOR Operation Atalanta; building on the Crime
Information Cell in EUNAVFOR MED Operation Sophia, information exchange between CSDP
missions and JHA agencies; CSDP missions to exchange information via SIENA; rotational
support by Europol to EUCAP Sahel Mali, EUCAP Sahel Niger and EUBAM Libya.

Mechanism: the CSDP missions (:class:`CsdpMissions`, a source of leads this measure adds to
the intelligence phase of the week), which in the status quo share strategic information
only, pass information on persons to EU analysis: leads on members living at the Libyan and
Sahel nodes and on boat pilots of the central Mediterranean sea legs. Those members mostly cannot be arrested where they are, but the
investigations their leads open map the OCG to its members inside the EU.

Cost: the crime information cell and SIENA connections (``csdp_connections_eur_per_year``)
and the Europol visiting officers rotating through the missions, ``leads_per_week /
csdp_leads_per_officer_week`` at ``seconded_officer_eur_per_year``: six officers, EUR 1.0
million a year at the default intensity. A budget sets ``leads_per_week``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from smugglesim.model.costs import CostItem, item
from smugglesim.model.intelligence import ObservedMembersSource
from smugglesim.model.measures.base import Measure, MeasureParams
from smugglesim.model.routes import NODES, ROUTES, known
from smugglesim.model.smugglers import Role

if TYPE_CHECKING:
    import numpy as np

    from smugglesim.model.intelligence import Emsc
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.ocg_lifecycle import OcgLifeCycle
    from smugglesim.model.routes import RouteNetwork
    from smugglesim.model.scenario import Scenario
    from smugglesim.model.smugglers import Smuggler

# Its place in the intelligence phase of the week: after the third-country partners (30).
LEAD_SOURCE_ORDER = 40


class CsdpMissions(ObservedMembersSource):
    """CSDP missions and operations: intelligence on members in their areas of operation.

    Their information (crime information cells, exchange via SIENA) names members living at
    the ``nodes`` where missions work, or piloting boats on the sea legs of ``sea_routes``.
    """

    def __init__(
        self,
        params: CsdpLinksParams,
        lifecycle: OcgLifeCycle,
        routes: RouteNetwork,
        emsc: Emsc,
        rng: np.random.Generator,
    ) -> None:
        super().__init__("csdp", params.leads_per_week, params.reliability, emsc, rng)
        self.nodes = frozenset(params.nodes)
        self.sea_routes = frozenset(params.sea_routes)
        self.lifecycle = lifecycle
        self.routes = routes

    def observed(self) -> list[Smuggler]:
        legs = self.routes.legs
        return [
            m
            for m in self.lifecycle.active_members()
            if m.node in self.nodes
            or (
                m.role == Role.TRANSPORTER
                and legs[m.leg].mode == "sea"
                and legs[m.leg].route in self.sea_routes
            )
        ]


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
        c = scenario.costs
        return [
            item("crime information cell and SIENA", 1, "csdp_connections_eur_per_year", c),
            item(
                "Europol visiting officers",
                params.leads_per_week / c.csdp_leads_per_officer_week,
                "seconded_officer_eur_per_year",
                c,
            ),
        ]

    def activate(self, model: SmugglingModel) -> None:
        p = self.params
        self.missions = CsdpMissions(
            p,
            model.ocg_lifecycle,
            model.routes,
            model.emsc,
            model.streams["csdp"],
        )
        self.add_lead_source(model, self.missions, LEAD_SOURCE_ORDER)
