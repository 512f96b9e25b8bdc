"""Measure 6: use regional joint operational platforms.

Source: Council document 15250/18, measure 6 (Annex, section II.6): establish, case by
case, facilities like the Joint Operational Office (JOO) in Vienna in other locations, as a
functional interface for cooperation with third countries on regional challenges.

Mechanism: on each route with a platform, the Member States' police unit runs its
cross-border investigations as joint operations: they end in arrests more often
(``cross_border_factor``) and investigations take less time (``mean_weeks``), which frees
capacity for the next lead. By default the platforms are set up on the three
Mediterranean routes: the JOO Vienna already serves the Western Balkans.

Cost: per platform, its operating cost (``platform_eur_per_year``: premises, meetings) and
its seconded officers, ``(cross_border_factor - status quo) x
platform_officers_per_cross_border_factor`` at ``seconded_officer_eur_per_year``: two per
platform, EUR 1.5 million a year for the default three. A budget sets
``cross_border_factor`` (the shorter investigations come with it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from smugglesim.model.costs import CostItem, item
from smugglesim.model.measures.base import Measure, MeasureParams
from smugglesim.model.routes import ROUTES, known

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import Scenario


class JointOperationalPlatformsParams(MeasureParams):
    routes: list[str] = Field(
        ["central_med", "eastern_med", "western_med"],
        min_length=1,
        description=f"Routes with a new regional platform ({', '.join(ROUTES)}).",
    )
    cross_border_factor: float = Field(
        0.8,
        ge=0,
        le=1,
        description="Multiplier on investigation success for cross-border cases on those routes (status quo 0.6).",
    )
    investigation_mean_weeks: float = Field(
        24.0,
        ge=1,
        le=520,
        description="Mean duration of an investigation on those routes (status quo 30).",
    )

    @field_validator("routes")
    @classmethod
    def _known_routes(cls, routes: list[str]) -> list[str]:
        return known(routes, ROUTES, "route")


class JointOperationalPlatforms(Measure):
    key = "joint_operational_platforms"
    number = 6
    heading = "II. Operational tools"
    title = "Regional joint operational platforms (like the JOO Vienna)"
    source_paragraph = "15250/18, measure 6 (Annex II.6)"
    summary = (
        "Platforms on a route: cross-border investigations there succeed more often and end sooner."
    )
    first_moved = "+investigations_opened"
    Params = JointOperationalPlatformsParams
    scaled = "cross_border_factor"

    @classmethod
    def cost_items(cls, params: MeasureParams, scenario: Scenario) -> list[CostItem]:
        assert isinstance(params, cls.Params)
        e, c = scenario.enforcement, scenario.costs
        n = len(params.routes)
        added = params.cross_border_factor - e.cross_border_success_factor
        return [
            item("platforms' operating cost", n, "platform_eur_per_year", c),
            item(
                "seconded officers",
                n * added * c.platform_officers_per_cross_border_factor,
                "seconded_officer_eur_per_year",
                c,
            ),
        ]

    def activate(self, model: SmugglingModel) -> None:
        p = self.params
        for route in p.routes:
            unit = model.police_units[route]
            self.raise_to(unit, "cross_border_factor", p.cross_border_factor)
            self.lower_to(unit, "mean_weeks", p.investigation_mean_weeks)
