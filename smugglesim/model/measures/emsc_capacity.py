"""Measure 1: increase the EMSC's capacity to support Member States' investigations.

Source: Council document 15250/18, measure 1 (Annex, section I.1): enhance the operational
and analytical capacities of Europol's European Migrant Smuggling Centre (EMSC), with
additional resources; reach out to national authorities; Member States to feed Europol's
databases actively and systematically.

Mechanism: the EMSC and the national analysts it supports analyse more leads per week, so
fewer leads go stale in the queue and more actionable leads reach the police units. The
queue is the analysis bottleneck of the status quo (more leads are produced than
analysed), so extra analysts translate into more leads analysed, not into more leads.

Cost: the analysts that the added analysis capacity takes, ``(leads_per_week - status quo)
/ emsc_leads_per_analyst_week`` at ``analyst_eur_per_year``: 25 analysts, EUR 3.0 million a
year at the default intensity. A budget sets ``leads_per_week``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from smugglesim.model.costs import CostItem, item
from smugglesim.model.measures.base import Measure, MeasureParams

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import Scenario


class EmscCapacityParams(MeasureParams):
    leads_per_week: float = Field(
        25.0,
        ge=0,
        le=10000,
        description="Leads the reinforced EMSC and national analysts analyse per week (status quo 15).",
    )


class EmscCapacity(Measure):
    key = "emsc_capacity"
    number = 1
    heading = "I. Flows of information"
    title = "Increase the EMSC's capacity to support Member States"
    source_paragraph = "15250/18, measure 1 (Annex I.1)"
    summary = "More EMSC analysts: more leads analysed per week, fewer lost to a stale queue."
    first_moved = "+leads_analysed"
    Params = EmscCapacityParams
    scaled = "leads_per_week"

    @classmethod
    def cost_items(cls, params: MeasureParams, scenario: Scenario) -> list[CostItem]:
        assert isinstance(params, cls.Params)
        e, c = scenario.enforcement, scenario.costs
        added = params.leads_per_week - e.emsc_leads_per_week
        return [
            item(
                "additional analysts",
                added / c.emsc_leads_per_analyst_week,
                "analyst_eur_per_year",
                c,
            )
        ]

    def activate(self, model: SmugglingModel) -> None:
        emsc = model.emsc
        self.raise_to(emsc, "leads_per_week", self.params.leads_per_week)
