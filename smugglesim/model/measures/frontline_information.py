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
leads queue like any other); and cross-checked information is more reliable, so more leads pass the
analysts' reliability threshold. Without the on-the-spot checks, extra debriefing leads
only lengthen the analysts' queue, in which leads go stale.

Cost (ASSUMPTION): EUR 4 million a year: ten EMAST/EMIST deployments at EUR 150,000 each,
EUR 1.5 million for front-line access to Europol systems, EUR 1 million for expanded
debriefing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from smugglesim.model.measures.base import Measure, MeasureParams

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel


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
        description="Mean reliability of a debriefing lead cross-checked in real time (status quo 0.5).",
    )
    cost_eur_per_year: float = Field(
        4_000_000.0, ge=0, le=1e10, description="Yearly cost while active."
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

    def activate(self, model: SmugglingModel) -> None:
        bg = model.border_guards
        p = self.params
        self.raise_to(bg, "debrief_share", p.debrief_share)
        self.raise_to(bg, "lead_per_debriefing", p.lead_per_debriefing)
        self.raise_to(bg, "realtime_check_share", p.realtime_check_share)
        self.raise_to(bg, "reliability", p.reliability)
        self.raise_to(model.emsc, "realtime_checks_per_week", p.realtime_checks_per_week)
        model.emsc.checks_left = model.emsc.realtime_checks_per_week
