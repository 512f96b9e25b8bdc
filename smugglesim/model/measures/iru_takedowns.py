"""Measure 10: strengthen the EU Internet Referral Unit (IRU) at Europol.

Source: Council document 15250/18, measure 10 (Annex, section III.10): increase the number
of referrals; map and disrupt the technical infrastructure used by smuggling networks;
strengthen cooperation with online service providers; joint campaigns such as Targeted
Referral Action Days.

Mechanism: the IRU refers more of the OCGs' live online adverts; service providers take
more of them down; while an advert is down the recruiter's online reach is lost, so fewer
searching migrants find that OCG, searches last longer and some migrants give up or change
path. Mapping the infrastructure behind a takedown yields leads on recruiters. Referral
action days (Mesa recurring events) add bursts of referrals.

Cost: the IRU analysts that the added referrals take, ``(referrals_per_week - status quo) /
iru_referrals_per_analyst_week`` at ``analyst_eur_per_year`` (17.5 at the default
intensity), and the referral action days at ``action_day_eur`` (none are held, or paid
for, with no ``referrals_per_action_day``): EUR 2.37 million a year at
the default intensity. Better takedowns and mapping come with the analysts. A budget sets
``referrals_per_week``; the better takedowns and mapping come with any budget, even one at
the fixed cost (the action days) that buys no analyst.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa.time import Schedule
from pydantic import Field

from smugglesim.model.costs import CostItem, item
from smugglesim.model.measures.base import Measure, MeasureParams

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import Scenario


class IruTakedownsParams(MeasureParams):
    referrals_per_week: float = Field(
        40.0, ge=0, le=10000, description="Smuggling adverts the IRU refers per week."
    )
    takedown_success: float = Field(
        0.85,
        ge=0,
        le=1,
        description="Probability that a referred advert is taken down (cooperation with providers).",
    )
    mapping_lead_prob: float = Field(
        0.15,
        ge=0,
        le=1,
        description="Probability that mapping a takedown's infrastructure yields a lead on the recruiter.",
    )
    action_days_per_year: int = Field(
        4, ge=0, le=52, description="Targeted Referral Action Days per year."
    )
    referrals_per_action_day: float = Field(
        150.0, ge=0, le=100000, description="Extra referrals made on each action day."
    )


class IruTakedowns(Measure):
    key = "iru_takedowns"
    number = 10
    heading = "III. Online communications"
    title = "Strengthen the EU Internet Referral Unit"
    source_paragraph = "15250/18, measure 10 (Annex III.10)"
    summary = "More referrals and takedowns of smuggling adverts cut recruiters' reach; mapping yields leads."
    first_moved = "-adverts_live"
    Params = IruTakedownsParams
    scaled = "referrals_per_week"

    @classmethod
    def cost_items(cls, params: MeasureParams, scenario: Scenario) -> list[CostItem]:
        assert isinstance(params, cls.Params)
        e, c = scenario.enforcement, scenario.costs
        added = params.referrals_per_week - e.iru_referrals_per_week
        return [
            item(
                "IRU analysts", added / c.iru_referrals_per_analyst_week, "analyst_eur_per_year", c
            ),
            item("referral action days", cls.days_held(params), "action_day_eur", c),
        ]

    @staticmethod
    def days_held(params: IruTakedownsParams) -> int:
        """Referral action days held a year: none without referrals to make on them."""
        return params.action_days_per_year if params.referrals_per_action_day > 0 else 0

    def activate(self, model: SmugglingModel) -> None:
        iru = self._iru = model.iru
        p = self.params
        self.raise_to(iru, "referrals_per_week", p.referrals_per_week)
        self.raise_to(iru, "takedown_success", p.takedown_success)
        self.raise_to(iru, "mapping_lead_prob", p.mapping_lead_prob)
        self._action_days = None
        if self.days_held(p) > 0:
            self._action_days = model.schedule_recurring(
                self.action_day,
                Schedule(interval=52.0 / p.action_days_per_year, start=model.time + 1),
            )

    def action_day(self) -> None:
        """A Targeted Referral Action Day: a burst of referrals on top of the weekly ones."""
        self._iru.refer(self.params.referrals_per_action_day)

    def deactivate(self, model: SmugglingModel) -> None:
        if self._action_days is not None:
            self._action_days.stop()
            self._action_days = None
        super().deactivate(model)
