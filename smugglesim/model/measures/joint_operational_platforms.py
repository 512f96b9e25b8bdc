"""Measure 6: use regional joint operational platforms.

Source: Council document 15250/18, measure 6 (Annex, section II.6): establish, case by
case, facilities like the Joint Operational Office (JOO) in Vienna in other locations, as a
functional interface for cooperation with third countries on regional challenges.

Mechanism: on each route with a platform, the Member States' police unit runs its
cross-border investigations as joint operations: they end in arrests more often
(``cross_border_factor``) and investigations take less time (``mean_weeks``), which frees
capacity for the next lead. By default the platforms are set up on the three
Mediterranean routes: the JOO Vienna already serves the Western Balkans.

Cost (ASSUMPTION): EUR 500,000 a year per platform (premises, seconded staff, meetings);
EUR 1.5 million for the default three.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from smugglesim.model.measures.base import Measure, MeasureParams
from smugglesim.model.routes import ROUTES, known

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel


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
    cost_eur_per_year: float = Field(
        1_500_000.0,
        ge=0,
        le=1e10,
        description="Yearly cost while active: EUR 500,000 per platform (ASSUMPTION), three by default.",
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

    def activate(self, model: SmugglingModel) -> None:
        p = self.params
        for route in p.routes:
            unit = model.police_units[route]
            self.raise_to(unit, "cross_border_factor", p.cross_border_factor)
            self.lower_to(unit, "mean_weeks", p.investigation_mean_weeks)
