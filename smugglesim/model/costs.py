"""What the measures cost: unit costs (the ``[costs]`` table of a scenario) and cost items.

A measure's yearly cost is not set by hand: it follows from its intensity. Each measure
lists its cost items (:meth:`smugglesim.model.measures.base.Measure.cost_items`): how many
analysts, investigators, officers, action days, debriefings, ... its parameters add over the
status quo, each times a unit cost of this table. The same function, inverted, turns a
yearly budget (``budget_eur_per_year``) into the intensity it buys
(:meth:`~smugglesim.model.measures.base.Measure.resolve`).

The unit costs are full yearly costs (salary, social charges, allowances, overheads, travel).
Only one figure comes from the source document: EUR 400,000 of enhanced EMPACT funding for
the 2019 Operational Action Plan on facilitation of illegal immigration, out of EUR 3 million
of EMPACT high-value grants (15250/18, Annex II.4). The others are ASSUMPTIONs, set so
that the measures' default intensities cost what their modules' docstrings argue; for
scale: Europol's final budget for 2018 was EUR 135.7 million (European Parliament, 2018
discharge, procedure 2019/2088(DEC)), and the EMSC's budget is about EUR 10 million a year
(European Court of Auditors, special report 19/2021, as reported by Agence Europe,
30 September 2021). Every unit cost tagged ASSUMPTION is in the sensitivity screening of
``smugglesim sensitivity --assumptions``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from smugglesim.model.parameters import Section

# The document's figure: EUR 400,000 for the 2019 OAP on facilitation of illegal immigration
# (15250/18, Annex II.4), spent at the default intensity of measure 4 (six more action days).
EMPACT_FUNDING_2019_EUR = 400_000.0
EMPACT_DEFAULT_DAYS = 6


class CostParams(Section):
    """Unit costs of the measures (EUR, full cost: pay, charges, allowances, overheads,
    travel) and the productivity figures that turn an intensity into staff. Used only for the
    measures' costs and budgets: the status quo does not read them."""

    analyst_eur_per_year: float = Field(
        120_000.0,
        ge=0,
        le=1e7,
        description="Yearly cost of an analyst or specialist at Europol (EMSC, IRU, ICH) or in a national unit it supports (ASSUMPTION; for scale, the EMSC's budget is about EUR 10 million a year, ECA special report 19/2021).",
    )
    financial_investigator_eur_per_year: float = Field(
        100_000.0,
        ge=0,
        le=1e7,
        description="Yearly cost of a Member State financial investigator or asset-recovery officer (ASSUMPTION).",
    )
    seconded_officer_eur_per_year: float = Field(
        150_000.0,
        ge=0,
        le=1e7,
        description="Yearly cost of a national officer seconded to Europol, a task force, a platform, a partner country or a CSDP mission (pay and allowances; ASSUMPTION).",
    )
    liaison_officer_eur_per_year: float = Field(
        250_000.0,
        ge=0,
        le=1e7,
        description="Yearly cost of a liaison officer posted in a third country (pay, expatriation and security; ASSUMPTION).",
    )
    prosecutor_eur_per_year: float = Field(
        150_000.0,
        ge=0,
        le=1e7,
        description="Yearly cost of a prosecutor or Eurojust staff member working on smuggling cases (ASSUMPTION).",
    )
    mobile_team_eur_per_year: float = Field(
        150_000.0,
        ge=0,
        le=1e7,
        description="Yearly cost of one deployment of a Europol mobile analyst team (EMAST/EMIST) at a migration hub (ASSUMPTION).",
    )
    action_day_eur: float = Field(
        EMPACT_FUNDING_2019_EUR / EMPACT_DEFAULT_DAYS,
        ge=0,
        le=1e8,
        description="Cost of one joint (or referral) action day: the document's EUR 400,000 of enhanced EMPACT funding for 2019 (15250/18, Annex II.4) over six added days (ASSUMPTION: six days).",
    )
    debriefing_eur: float = Field(
        70.0,
        ge=0,
        le=1e5,
        description="Cost of one debriefing interview of an intercepted migrant, interpreter included (ASSUMPTION).",
    )
    trained_officer_eur: float = Field(
        1_000.0,
        ge=0,
        le=1e6,
        description="Cost of training one border guard or investigator (a CEPOL or Frontex course with travel; ASSUMPTION).",
    )
    frontline_access_eur_per_year: float = Field(
        1_500_000.0,
        ge=0,
        le=1e9,
        description="Yearly cost of front-line officers' real-time access to Europol data (QUEST connections, equipment; ASSUMPTION).",
    )
    ich_connections_eur_per_year: float = Field(
        400_000.0,
        ge=0,
        le=1e9,
        description="Yearly cost of the ICH's working arrangements and secure connections with new partners (ASSUMPTION).",
    )
    task_force_eur_per_year: float = Field(
        200_000.0,
        ge=0,
        le=1e9,
        description="Yearly operating cost of the Joint Liaison Task Force at Europol, beside its officers (ASSUMPTION).",
    )
    platform_eur_per_year: float = Field(
        200_000.0,
        ge=0,
        le=1e9,
        description="Yearly operating cost of one regional joint operational platform (premises, meetings), beside its officers (ASSUMPTION).",
    )
    asset_recovery_support_eur_per_year: float = Field(
        3_000_000.0,
        ge=0,
        le=1e9,
        description="Yearly cost of Europol and Eurojust support to financial investigations and of Asset Recovery Office cooperation (ASSUMPTION).",
    )
    judicial_coordination_eur_per_year: float = Field(
        500_000.0,
        ge=0,
        le=1e9,
        description="Yearly cost of Eurojust coordination meetings and JIT funding (ASSUMPTION).",
    )
    training_platform_eur_per_year: float = Field(
        500_000.0,
        ge=0,
        le=1e9,
        description="Yearly cost of the joint multi-stakeholder training platform and programme design (ASSUMPTION).",
    )
    csdp_connections_eur_per_year: float = Field(
        100_000.0,
        ge=0,
        le=1e9,
        description="Yearly cost of the crime information cell and SIENA connections with CSDP missions (ASSUMPTION).",
    )
    lo_coordination_eur_per_year: float = Field(
        900_000.0,
        ge=0,
        le=1e9,
        description="Yearly cost of coordinating pooled liaison officers: meetings, joint training, shared tools (ASSUMPTION).",
    )
    partnership_centres_eur_per_year: float = Field(
        2_000_000.0,
        ge=0,
        le=1e9,
        description="Yearly cost of two Police Cooperation Centres with neighbouring countries and information exchange with MAOC-N (ASSUMPTION).",
    )
    # Productivity: how much intensity one unit of staff buys.
    emsc_leads_per_analyst_week: float = Field(
        0.4,
        ge=0.004,  # a hundredth of the default: it divides the intensity a measure adds
        le=100,
        description="Leads one analyst analyses per week, cross-checks and reports included (ASSUMPTION: about 20 a year).",
    )
    ich_share_per_analyst: float = Field(
        0.04,
        ge=0.0004,  # a hundredth of the default: it divides the intensity a measure adds
        le=1,
        description="Share of third-country intelligence one ICH analyst brings to EU analysis (ASSUMPTION: five analysts raise the status quo's 0.3 to 0.5).",
    )
    checks_per_mobile_team_week: float = Field(
        2.0,
        ge=0.02,  # a hundredth of the default: it divides the intensity a measure adds
        le=1000,
        description="On-the-spot checks one mobile analyst team deployment makes a week (ASSUMPTION).",
    )
    detections_per_year: float = Field(
        150_000.0,
        gt=0,
        le=1e7,
        description="Detections of irregular crossings a year whose debriefing share measure 3 raises (Frontex, 2018: about 150,000).",
    )
    officers_per_cross_border_factor: float = Field(
        80.0,
        gt=0,
        le=10_000,
        description="Seconded officers of the task force (measure 5) per unit of cross-border success factor above the status quo (ASSUMPTION: twelve raise 0.6 to 0.75).",
    )
    platform_officers: float = Field(
        2.0,
        ge=0,
        le=1000,
        description="Seconded officers at each regional joint operational platform (measure 6; ASSUMPTION).",
    )
    financial_investigators_per_parallel_share: float = Field(
        400.0,
        gt=0,
        le=100_000,
        description="Financial investigators across the Member States per unit share of criminal investigations with a parallel financial strand (ASSUMPTION: 120 raise 0.3 to 0.6).",
    )
    prosecutors_per_conviction_prob: float = Field(
        125.0,
        gt=0,
        le=100_000,
        description="Prosecutors and Eurojust staff per unit of conviction probability above the status quo (ASSUMPTION: ten raise 0.7 to 0.78).",
    )
    trained_officers_per_detection_gain: float = Field(
        10_000.0,
        gt=0,
        le=1e7,
        description="Officers trained a year per unit of relative detection gain (ASSUMPTION: 1,000 a year for 10% more detections).",
    )
    iru_referrals_per_analyst_week: float = Field(
        2.0,
        ge=0.02,  # a hundredth of the default: it divides the intensity a measure adds
        le=1000,
        description="Smuggling adverts one IRU analyst finds and refers a week (ASSUMPTION).",
    )
    csdp_leads_per_officer_week: float = Field(
        0.5,
        ge=0.005,  # a hundredth of the default: it divides the intensity a measure adds
        le=100,
        description="Leads on persons one Europol visiting officer in a CSDP mission passes on a week (ASSUMPTION).",
    )
    partner_officers_per_arrest_prob: float = Field(
        100.0,
        gt=0,
        le=100_000,
        description="EU officers in joint investigation teams and mentoring in partner countries per unit of arrest probability there above the status quo (ASSUMPTION: twenty raise 0.1 to 0.3).",
    )


@dataclass(frozen=True)
class CostItem:
    """One line of a measure's yearly cost: ``quantity`` units at ``unit_eur`` each.

    Attributes:
        what: What is bought, in words ("additional EMSC analysts").
        quantity: How many a year (officers, days, debriefings, platforms; 1 for a lump sum).
        unit: The unit cost's key in ``[costs]`` (``analyst_eur_per_year``).
        unit_eur: The unit cost in EUR.
    """

    what: str
    quantity: float
    unit: str
    unit_eur: float

    @property
    def eur(self) -> float:
        return max(0.0, self.quantity) * self.unit_eur


def item(what: str, quantity: float, unit: str, costs: CostParams) -> CostItem:
    """A cost item priced at the unit cost ``unit`` of ``costs``."""
    return CostItem(what, max(0.0, quantity), unit, getattr(costs, unit))
