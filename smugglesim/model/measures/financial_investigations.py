"""Measure 7: strengthen the financial investigation component.

Source: Council document 15250/18, measure 7 (Annex, section II.7): Member States to ensure
resources, expertise and judicial support for financial investigation in migrant-smuggling
cases; Europol and Eurojust to support financial investigations and asset recovery; the
document notes that "less than 2% of crime proceeds concerning migrant smuggling are
confiscated".

Mechanism: the police ask for a parallel financial investigation in more criminal
investigations, and the Member States add the financial investigators who run them (the
cost model's staff below: ``finance.strands_per_investigator`` strands each); financial
investigators trace an OCG's laundered assets faster; cross-border asset recovery freezes
more of what is traced in cooperating third countries. Strands asked for beyond the
investigators' capacity wait, the largest case known first, so the strands the added
staff take up are the smaller cases. Traced assets are frozen when the investigation ends
in arrests, and confiscated only after a conviction (``justice``).

Cost: the financial investigators that the added parallel strands take across the Member
States, ``(parallel_share - status quo) x financial_investigators_per_parallel_share`` at
``financial_investigator_eur_per_year`` (120 at the default intensity), and Europol,
Eurojust and Asset Recovery Office support (``asset_recovery_support_eur_per_year``), which
brings the faster tracing and the cross-border recovery: EUR 15 million a year at the
default intensity. A budget sets ``parallel_share``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from smugglesim.model.costs import CostItem, item
from smugglesim.model.measures.base import Measure, MeasureParams

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import Scenario


class FinancialInvestigationsParams(MeasureParams):
    parallel_share: float = Field(
        0.6,
        ge=0,
        le=1,
        description="Share of criminal investigations with a parallel financial investigation.",
    )
    tracing_rate_week: float = Field(
        0.06,
        ge=0,
        le=1,
        description="Weekly share of an OCG's untraced assets that financial investigators trace.",
    )
    cross_border_recovery: float = Field(
        0.35,
        ge=0,
        le=1,
        description="Probability that assets traced in a cooperating third country are frozen there.",
    )


class FinancialInvestigations(Measure):
    key = "financial_investigations"
    number = 7
    heading = "II. Operational tools"
    title = "Strengthen the financial investigation component"
    source_paragraph = "15250/18, measure 7 (Annex II.7)"
    summary = "More investigations run a financial strand; assets are traced faster and frozen abroad more often."
    first_moved = "+assets_frozen_eur"
    Params = FinancialInvestigationsParams
    scaled = "parallel_share"

    @classmethod
    def cost_items(cls, params: MeasureParams, scenario: Scenario) -> list[CostItem]:
        assert isinstance(params, cls.Params)
        c = scenario.costs
        return [
            item(
                "financial investigators",
                cls.added_investigators(params, scenario),
                "financial_investigator_eur_per_year",
                c,
            ),
            item("Europol, Eurojust and ARO support", 1, "asset_recovery_support_eur_per_year", c),
        ]

    @classmethod
    def added_investigators(cls, params: MeasureParams, scenario: Scenario) -> float:
        """The financial investigators the added strands take (none below the status quo)."""
        assert isinstance(params, cls.Params)
        added = params.parallel_share - scenario.finance.parallel_financial_share
        return max(0.0, added * scenario.costs.financial_investigators_per_parallel_share)

    def activate(self, model: SmugglingModel) -> None:
        fi = model.financial_investigators
        p = self.params
        # A measure strengthens; it never lowers what the baseline already does.
        self.raise_to(fi, "parallel_share", p.parallel_share)
        self.raise_by(fi, "staff", self.added_investigators(p, model.config))
        self.raise_to(fi, "tracing_rate_week", p.tracing_rate_week)
        self.raise_to(fi, "cross_border_recovery", p.cross_border_recovery)
