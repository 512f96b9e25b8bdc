"""Measure 8: strengthen the judicial component.

Source: Council document 15250/18, measure 8 (Annex, section II.8): stronger involvement
of Eurojust; Member States to seek Eurojust's support early, to exchange judicial
information, avoid conflicts of jurisdiction and agree on a prosecutorial strategy, using
its judicial cooperation tools (coordination meetings and centres, joint investigation
teams); a model agreement to speed up the setting up of JITs; migrants' statements taken
at the scene of a rescue made admissible; networking of prosecutors.

Mechanism: prosecutions end in a judgment sooner (``mean_weeks``), more prosecuted
members are convicted (``conviction_prob``), and cross-border cases, where coordinated
prosecution and JITs matter most, gain a further conviction bonus. The added prosecutors
(the cost model's staff below) also bring cases to judgment, at
``justice.judgments_per_prosecutor_year`` each: the courts' capacity rises with them, and
faster judgments need it. Confiscation follows conviction, so it rises with them.

Cost: Eurojust coordination meetings and JIT funding (``judicial_coordination_eur_per_year``)
and the prosecutors and Eurojust staff that the added convictions take, ``(conviction_prob -
status quo) x prosecutors_per_conviction_prob`` at ``prosecutor_eur_per_year``: ten, EUR 2.0
million a year at the default intensity. A budget sets ``conviction_prob`` (the faster
judgments and the cross-border bonus come with it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from smugglesim.model.costs import CostItem, item
from smugglesim.model.measures.base import Measure, MeasureParams

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import Scenario


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


class JudicialCooperation(Measure):
    key = "judicial_cooperation"
    number = 8
    heading = "II. Operational tools"
    title = "Strengthen the judicial component (Eurojust, JITs)"
    source_paragraph = "15250/18, measure 8 (Annex II.8)"
    summary = "Faster prosecutions, more convictions, fewer cross-border cases lost."
    first_moved = "+convictions"
    Params = JudicialCooperationParams
    scaled = "conviction_prob"

    @classmethod
    def cost_items(cls, params: MeasureParams, scenario: Scenario) -> list[CostItem]:
        assert isinstance(params, cls.Params)
        c = scenario.costs
        return [
            item(
                "coordination meetings and JIT funding", 1, "judicial_coordination_eur_per_year", c
            ),
            item(
                "prosecutors and Eurojust staff",
                cls.added_prosecutors(params, scenario),
                "prosecutor_eur_per_year",
                c,
            ),
        ]

    @classmethod
    def added_prosecutors(cls, params: MeasureParams, scenario: Scenario) -> float:
        """The prosecutors and Eurojust staff the added convictions take."""
        assert isinstance(params, cls.Params)
        added = params.conviction_prob - scenario.justice.conviction_prob
        return max(0.0, added * scenario.costs.prosecutors_per_conviction_prob)

    def activate(self, model: SmugglingModel) -> None:
        pros = model.prosecution
        p = self.params
        self.raise_by(pros, "prosecutors", self.added_prosecutors(p, model.config))
        self.raise_to(pros, "conviction_prob", p.conviction_prob)
        self.lower_to(pros, "mean_weeks", p.prosecution_mean_weeks)
        self.raise_to(pros, "cross_border_conviction_bonus", p.cross_border_conviction_bonus)
