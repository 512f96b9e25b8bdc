"""Measure 12: coordinate EU liaison officers in third countries.

Source: Council document 15250/18, measure 12 (Annex, section IV.12): further consolidate
and coordinate the activities of EU liaison officers (LOs) in the Middle East and North
Africa, the Sahel and the Western Balkans, including through joint trainings, to avoid
duplication and recruit from as wide a pool as possible.

Mechanism: the status quo's liaison officers (``enforcement.liaison_officers``) are pooled
and coordinated: they duplicate each other's work less, so each officer yields more
distinct leads on the OCG members operating in origin and transit countries. The document
asks to consolidate and coordinate the officers there are, recruited "from as wide a pool
as possible", not for more of them, so by default the measure adds none
(``extra_officers``, for a planner who wants to add some). Those leads go to EU analysis and open investigations whose mapping
reaches the members inside the EU.

Cost: the coordination (``lo_coordination_eur_per_year``: meetings, joint training, shared
tools), which brings the lower duplication, and any added officers at
``liaison_officer_eur_per_year``: EUR 0.9 million a year at the default intensity (no added
officer). A budget sets ``extra_officers`` (whole officers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from smugglesim.model.costs import CostItem, item
from smugglesim.model.measures.base import Measure, MeasureParams

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import Scenario


class LoCoordinationParams(MeasureParams):
    duplication: float = Field(
        0.15,
        ge=0,
        le=1,
        description="Share of liaison officers' leads that duplicate another's, once coordinated.",
    )
    extra_officers: int = Field(
        0,
        ge=0,
        le=1000,
        description="Officers added to the status quo's (none by default: the document asks for coordination, not more officers).",
    )


class LoCoordination(Measure):
    key = "lo_coordination"
    number = 12
    heading = "IV. External action"
    title = "Coordinate EU liaison officers in third countries"
    source_paragraph = "15250/18, measure 12 (Annex IV.12)"
    summary = "Pooled liaison officers duplicate less: more distinct leads from origin and transit countries."
    first_moved = "+leads_produced"
    Params = LoCoordinationParams
    scaled = "extra_officers"

    @classmethod
    def cost_items(cls, params: MeasureParams, scenario: Scenario) -> list[CostItem]:
        assert isinstance(params, cls.Params)
        c = scenario.costs
        return [
            item("coordination and joint training", 1, "lo_coordination_eur_per_year", c),
            item(
                "added liaison officers", params.extra_officers, "liaison_officer_eur_per_year", c
            ),
        ]

    def activate(self, model: SmugglingModel) -> None:
        lo = model.liaison_officers
        p = self.params
        self.lower_to(lo, "duplication", p.duplication)
        self.raise_by(lo, "officers", p.extra_officers)
