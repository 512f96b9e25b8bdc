"""Measure 6: use regional joint operational platforms.

Source: Council document 15250/18, measure 6 (Annex, section II.6): establish, case by
case, facilities like the Joint Operational Office (JOO) in Vienna in other locations, as a
functional interface for cooperation with third countries on regional challenges.

Mechanism: the status quo has one platform, the JOO Vienna on the Western Balkans
(``enforcement.platform_routes``); the document adds "such or similar facilities" in other
locations, so this measure sets up platforms like it on ``routes`` (by default the three
Mediterranean routes), each with the JOO's effect: on a route with a platform the Member
States' police unit runs its cross-border investigations as joint operations, which end in
arrests more often (``enforcement.platform_cross_border_factor``) and take less time
(``enforcement.platform_investigation_mean_weeks``), freeing capacity for the next lead.

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
        like_the_joo = model.config.enforcement
        for route in self.params.routes:
            unit = model.police_units[route]
            self.raise_to(unit, "cross_border_factor", like_the_joo.platform_cross_border_factor)
            self.lower_to(unit, "mean_weeks", like_the_joo.platform_investigation_mean_weeks)
