"""Measure 3: enhance the direct link between front-line information and analysis.

Source: Council document 15250/18, measure 3 (Annex, section I.3): front-line officers to
get direct, real-time access to Europol data for cross-checking on the spot (QUEST);
deployments of Europol's mobile teams of analysts (EMAST/EMIST) to migration hubs,
aligned with Frontex debriefing; Frontex to expand its PeDRA project and debriefing, and
obstacles to information flows between Europol and Frontex to be overcome.

Mechanism: at the border more intercepted migrants are debriefed (PeDRA, expanded
debriefing) and a debriefing names a member of the smuggling OCG more often; a share of
the debriefing leads is cross-checked on the spot against Europol data (front-line access,
mobile analyst teams at the hubs) and analysed at once, without queueing for the EMSC's
analysts, as far as the teams' capacity goes (``realtime_checks_per_week``; beyond it the
leads queue like any other); and cross-checked information is more reliable
(``reliability``: only the leads checked on the spot), so more of them pass the analysts'
reliability threshold. Without the on-the-spot checks, extra debriefing leads
only lengthen the analysts' queue, in which leads go stale.

Cost: mobile analyst team deployments, ``realtime_checks_per_week /
checks_per_mobile_team_week`` at ``mobile_team_eur_per_year`` (ten at the default
intensity); front-line access to Europol systems (``frontline_access_eur_per_year``); the
added debriefings, ``(debrief_share - status quo) x detections_per_year`` at
``debriefing_eur``: EUR 4.05 million a year at the default intensity. More reliable and
more productive debriefings come with the teams, at no cost of their own. A budget sets
``realtime_checks_per_week``; the more productive debriefings come with any budget, even
one at the fixed cost that buys no team (``lead_per_debriefing`` is raised all the same).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from smugglesim.model.costs import CostItem, item
from smugglesim.model.measures.base import Measure, MeasureParams

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import Scenario


class FrontlineInformationParams(MeasureParams):
    debrief_share: float = Field(
        0.4,
        ge=0,
        le=1,
        description="Share of migrants detected at the border who are debriefed (status quo 0.3).",
    )
    lead_per_debriefing: float = Field(
        0.025,
        ge=0,
        le=1,
        description="Probability that a debriefing names a member of the OCG (status quo 0.02).",
    )
    realtime_check_share: float = Field(
        0.5,
        ge=0,
        le=1,
        description="Share of debriefing leads cross-checked on the spot and analysed at once (status quo 0).",
    )
    realtime_checks_per_week: float = Field(
        20.0,
        ge=0,
        le=10_000,
        description="On-the-spot checks the mobile analyst teams can make a week; leads beyond them queue for the EMSC's analysts (ASSUMPTION: ten EMAST/EMIST deployments, two checks a week each).",
    )
    reliability: float = Field(
        0.6,
        ge=0,
        le=1,
        description="Mean reliability of a debriefing lead cross-checked on the spot (status quo 0.5, as any debriefing lead); a lead beyond the week's checks keeps enforcement.reliability_debriefing.",
    )


class FrontlineInformation(Measure):
    key = "frontline_information"
    number = 3
    heading = "I. Flows of information"
    title = "Link front-line information directly to analysis"
    source_paragraph = "15250/18, measure 3 (Annex I.3)"
    summary = (
        "More debriefing and on-the-spot checks: more, faster, more reliable leads from the border."
    )
    first_moved = "+leads_analysed"
    Params = FrontlineInformationParams
    scaled = "realtime_checks_per_week"

    @classmethod
    def cost_items(cls, params: MeasureParams, scenario: Scenario) -> list[CostItem]:
        assert isinstance(params, cls.Params)
        e, c = scenario.enforcement, scenario.costs
        debriefings = (params.debrief_share - e.debrief_share) * c.detections_per_year
        return [
            item(
                "mobile analyst team deployments",
                params.realtime_checks_per_week / c.checks_per_mobile_team_week,
                "mobile_team_eur_per_year",
                c,
            ),
            item("front-line access to Europol data", 1, "frontline_access_eur_per_year", c),
            item("added debriefings", debriefings, "debriefing_eur", c),
        ]

    def activate(self, model: SmugglingModel) -> None:
        bg = model.border_guards
        p = self.params
        self.raise_to(bg, "debrief_share", p.debrief_share)
        self.raise_to(bg, "lead_per_debriefing", p.lead_per_debriefing)
        self.raise_to(bg, "realtime_check_share", p.realtime_check_share)
        self.raise_to(bg, "checked_reliability", p.reliability)
        self.raise_to(model.emsc, "realtime_checks_per_week", p.realtime_checks_per_week)
        model.emsc.allot_checks()  # this week's, as the EMSC's step allots the next's
