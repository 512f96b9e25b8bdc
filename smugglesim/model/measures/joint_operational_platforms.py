"""Measure 6: use regional joint operational platforms.

Source: Council document 15250/18, measure 6 (Annex, section II.6): establish, case by
case, facilities like the Joint Operational Office (JOO) in Vienna in other locations, as a
functional interface for cooperation with third countries on regional challenges.

Mechanism: the status quo has one platform, the JOO Vienna on the Western Balkans
(``enforcement.platform_routes``); the document adds "such or similar facilities" in other
locations, so this measure sets up platforms like it on ``routes`` (by default the three
Mediterranean routes), each with the JOO's effect: on a route with a platform the Member
States' police unit runs its investigations as joint operations, whose cross-border cases
end in arrests more often (``enforcement.platform_cross_border_factor``) and all of which
take less time (``enforcement.platform_investigation_mean_weeks``, the mean drawn for every
investigation the unit opens, as ODD 7.8 says), freeing capacity for the next lead.

Cost: per platform, its operating cost (``platform_eur_per_year``: premises, meetings) and
its seconded officers (``platform_officers`` at ``seconded_officer_eur_per_year``): EUR
500,000 a platform, EUR 1.5 million a year for the default three. A budget sets how many
platforms there are: the first of ``routes``, in the order given, as many as it pays for
(whole platforms); a platform's effect is the status quo JOO's, so there is no other
intensity to buy. A route that has a platform in the status quo already (the Western
Balkans, unless ``enforcement.platform_routes`` says otherwise) is refused in ``routes``.
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
    scaled = "routes"

    @classmethod
    def cost_items(cls, params: MeasureParams, scenario: Scenario) -> list[CostItem]:
        assert isinstance(params, cls.Params)
        c = scenario.costs
        n = len(params.routes)
        return [
            item("platforms' operating cost", n, "platform_eur_per_year", c),
            item("seconded officers", n * c.platform_officers, "seconded_officer_eur_per_year", c),
        ]

    # A budget buys whole platforms, on the first of ``routes``: not a number to bisect.
    @classmethod
    def _per_platform(cls, scenario: Scenario) -> float:
        c = scenario.costs
        return c.platform_eur_per_year + c.platform_officers * c.seconded_officer_eur_per_year

    @classmethod
    def budget_range(cls, params: MeasureParams, scenario: Scenario) -> tuple[float, float]:
        assert isinstance(params, cls.Params)
        return cls._per_platform(scenario), len(params.routes) * cls._per_platform(scenario)

    @classmethod
    def resolve(cls, params: MeasureParams, scenario: Scenario) -> MeasureParams:
        assert isinstance(params, cls.Params)
        budget = params.budget_eur_per_year
        if budget is None:
            return params
        fixed, most = cls.budget_range(params, scenario)
        if not fixed * (1 - 1e-9) <= budget <= most * (1 + 1e-9):
            raise ValueError(cls._out_of_range(budget, fixed, most))
        n = min(len(params.routes), int(budget * (1 + 1e-12) // cls._per_platform(scenario)))
        return params.model_copy(update={"routes": params.routes[:n]})

    @classmethod
    def budget_problems(cls, params: MeasureParams, scenario: Scenario) -> list[tuple[str, str]]:
        """A budget out of range, as for every measure; and, when the measure is on, a route
        given that has a platform in the status quo already (``enforcement.platform_routes``):
        a second one there would be paid for and change nothing."""
        assert isinstance(params, cls.Params)
        problems = []
        existing = [r for r in params.routes if r in scenario.enforcement.platform_routes]
        if params.enabled and existing:
            one = len(existing) == 1
            problems.append(
                (
                    "routes",
                    f"{', '.join(existing)} already {'has a platform' if one else 'have platforms'}"
                    " in the status quo (enforcement.platform_routes): "
                    f"{'a new one' if one else 'new ones'} there would cost and change nothing",
                )
            )
        budget = params.budget_eur_per_year
        fixed, most = cls.budget_range(params, scenario)
        if budget is None or fixed * (1 - 1e-9) <= budget <= most * (1 + 1e-9):
            return problems
        return [*problems, ("budget_eur_per_year", cls._out_of_range(budget, fixed, most))]

    @classmethod
    def _out_of_range(cls, budget: float, fixed: float, most: float) -> str:
        if budget < fixed:
            return f"EUR {budget:,.0f} does not pay for one platform, EUR {fixed:,.0f} a year"
        return (
            f"EUR {budget:,.0f} is more than the platforms on routes can spend, "
            f"EUR {most:,.0f} (add routes for more)"
        )

    def activate(self, model: SmugglingModel) -> None:
        like_the_joo = model.config.enforcement
        for route in self.params.routes:
            unit = model.police_units[route]
            self.raise_to(unit, "cross_border_factor", like_the_joo.platform_cross_border_factor)
            self.lower_to(unit, "mean_weeks", like_the_joo.platform_investigation_mean_weeks)
