"""Measure 8: strengthen the judicial component.

Source: Council document 15250/18, measure 8 (Annex, section II.8): stronger involvement
of Eurojust; Member States to seek Eurojust's support early, to exchange judicial
information, avoid conflicts of jurisdiction and agree on a prosecutorial strategy, using
its judicial cooperation tools (coordination meetings and centres, joint investigation
teams); a model agreement to speed up the setting up of JITs; migrants' statements taken
at the scene of a rescue made admissible; networking of prosecutors.

Mechanism: prosecutions end in a judgment sooner (``mean_weeks``), more prosecuted
members are convicted (``conviction_prob``), and cross-border cases, where coordinated
prosecution and JITs matter most, gain a further conviction bonus. Confiscation follows
conviction, so it rises with them.

Cost (ASSUMPTION): EUR 2 million a year: Eurojust support and coordination meetings,
JIT funding, a prosecutors' network.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from smugglesim.model.measures.base import Measure, MeasureParams

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel


class JudicialCooperationParams(MeasureParams):
    conviction_prob: float = Field(
        0.78,
        ge=0,
        le=1,
        description="Probability that a prosecuted member is convicted (status quo 0.7).",
    )
    prosecution_mean_weeks: float = Field(
        36.0, ge=1, le=520, description="Mean delay from arrest to judgment (status quo 45)."
    )
    cross_border_conviction_bonus: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Added to the conviction probability in cross-border cases (JITs, Eurojust).",
    )
    cost_eur_per_year: float = Field(
        2_000_000.0, ge=0, le=1e10, description="Yearly cost while active."
    )


class JudicialCooperation(Measure):
    key = "judicial_cooperation"
    number = 8
    heading = "II. Operational tools"
    title = "Strengthen the judicial component (Eurojust, JITs)"
    source_paragraph = "15250/18, measure 8 (Annex II.8)"
    summary = "Faster prosecutions, more convictions, fewer cross-border cases lost."
    first_moved = "+convictions"
    Params = JudicialCooperationParams

    def activate(self, model: SmugglingModel) -> None:
        pros = model.prosecution
        p = self.params
        self.raise_to(pros, "conviction_prob", p.conviction_prob)
        self.lower_to(pros, "mean_weeks", p.prosecution_mean_weeks)
        self.raise_to(pros, "cross_border_conviction_bonus", p.cross_border_conviction_bonus)
