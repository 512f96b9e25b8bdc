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

Cost (ASSUMPTION): EUR 900,000 a year of coordination and joint training, plus EUR 250,000
a year per extra officer, if any.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from smugglesim.model.measures.base import Measure, MeasureParams

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel


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
    cost_eur_per_year: float = Field(
        900_000.0,
        ge=0,
        le=1e10,
        description="Yearly cost while active (add EUR 250,000 per extra officer, ASSUMPTION).",
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

    def activate(self, model: SmugglingModel) -> None:
        lo = model.liaison_officers
        p = self.params
        self.lower_to(lo, "duplication", p.duplication)
        self.raise_by(lo, "officers", p.extra_officers)
