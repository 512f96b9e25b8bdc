"""Measure 4: intensify the use of the EU Policy Cycle / EMPACT.

Source: Council document 15250/18, measure 4 (Annex, section II.4): synergies between
EMPACT operational actions; deploy document-fraud experts more systematically during
operational activities such as Joint Action Days (JADs); optimal EMPACT funding; engage
third countries in EMPACT actions.

Mechanism: the status quo already has joint action days, 53 in 2018
(``enforcement.action_days_per_year``; :mod:`smugglesim.model.action_days`); this measure adds what
the document adds: more days from the enhanced funding (``action_days_per_year`` on top of
the status quo's), with document-fraud experts on each of them, who identify a document
forger of an operating OCG with ``forger_identification_prob`` (none in the status quo);
the forger joins the open case on the OCG or becomes a lead. Every arrest on a day comes
from an open investigation or from a crossing under way, and every day takes routine
investigative work from the police units, as in the status quo
(:class:`smugglesim.model.action_days.JointActionDays`).

Cost: ``action_days_per_year x action_day_eur``, the document-fraud experts' deployments
included. At the default intensity that is EUR 400,000 a year, the document's own figure:
the enhanced EMPACT funding made available for the 2019 Operational Action Plan on
facilitation of illegal immigration (out of EUR 3 million of EMPACT high-value grants); the
unit cost is that figure over six days (ASSUMPTION). The document says this does not
finance all planned operations, so it is a lower bound for the default intensity. A budget
sets ``action_days_per_year``. The experts come only with the days the measure pays for,
not on the status quo's 53 (ASSUMPTION: the document asks to deploy them "more
systematically", without a cost for the status quo's days; until 4 December 2026 they
joined those days too, unpriced, and identified 612 forgers a year at 0 added days, seed 1,
docs/measures.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from smugglesim.model.costs import CostItem, item
from smugglesim.model.measures.base import Measure, MeasureParams

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import Scenario


class EmpactActionDaysParams(MeasureParams):
    action_days_per_year: float = Field(
        6.0,
        ge=0,
        le=312,
        description="Joint action days added per year to those already held (ASSUMPTION: what EUR 400,000 of enhanced EMPACT funding buys, about EUR 67,000 a day) (status quo 0).",
    )
    forger_identification_prob: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Probability per operating OCG with a forger that document-fraud experts identify one on an action day the measure adds (ASSUMPTION; status quo 0).",
    )


class EmpactActionDays(Measure):
    key = "empact_action_days"
    number = 4
    heading = "II. Operational tools"
    title = "Intensify EMPACT: more joint action days, with document-fraud experts"
    source_paragraph = "15250/18, measure 4 (Annex II.4)"
    summary = "More joint action days, with document-fraud experts who identify forgers."
    first_moved = "+members_arrested"
    Params = EmpactActionDaysParams
    scaled = "action_days_per_year"

    @classmethod
    def cost_items(cls, params: MeasureParams, scenario: Scenario) -> list[CostItem]:
        assert isinstance(params, cls.Params)
        c = scenario.costs
        return [item("added joint action days", params.action_days_per_year, "action_day_eur", c)]

    def activate(self, model: SmugglingModel) -> None:
        days = model.action_days
        p = self.params
        self.raise_by(days, "per_year", p.action_days_per_year)
        self.raise_by(days, "expert_days_per_year", p.action_days_per_year)
        self.raise_to(days, "forger_identification_prob", p.forger_identification_prob)
