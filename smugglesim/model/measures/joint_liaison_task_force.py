"""Measure 5: establish a Joint Liaison Task Force on migrant smuggling (JLT-MS) at Europol.

Source: Council document 15250/18, measure 5 (Annex, section II.5): a permanent team of
liaison officers from Member States and partners, embedded in the EMSC, for the joint
identification, prioritisation and initiation of cross-border investigations, and for
multilateral, intelligence-led, coordinated actions, including operational work on High
Value Targets (HVTs) operating in the EU and third countries.

Mechanism: the task force, embedded in the EMSC, has the analysts take the leads on
leaders first, then those on coordinators and money handlers (the central members),
before the oldest lead on anyone else (``Emsc.priority``, the ranks ``priority_rank``), and
the police units open investigations in the same order (``PoliceUnit.priority``); cross-border
investigations, coordinated multilaterally through the task force, end in arrests more
often (``cross_border_factor``).

Cost: the task force's operating cost at Europol (``task_force_eur_per_year``) and its
seconded officers, ``(cross_border_factor - status quo) x officers_per_cross_border_factor``
at ``seconded_officer_eur_per_year``: twelve officers, EUR 2.0 million a year at the
default intensity. A budget sets ``cross_border_factor``; the prioritisation comes with the
task force.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from smugglesim.model.costs import CostItem, item
from smugglesim.model.measures.base import Measure, MeasureParams
from smugglesim.model.parameters import STRICT
from smugglesim.model.smugglers import Role

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import Scenario


def _rank(default: int, role: str) -> int:
    return Field(
        default, ge=0, le=5, description=f"Rank of leads on {role} (lower first; ASSUMPTION)."
    )


class PriorityRank(BaseModel):
    """The order in which the task force takes leads, by the role of the member named:
    leaders, then coordinators and money handlers (the central members), then the rest
    (15250/18, measure 5: operational work on High Value Targets)."""

    model_config = STRICT

    organiser: int = _rank(0, "an organiser (the leader, an HVT)")
    coordinator: int = _rank(1, "a coordinator")
    money_handler: int = _rank(2, "a money handler")
    recruiter: int = _rank(3, "a recruiter")
    document_forger: int = _rank(3, "a document forger")
    transporter: int = _rank(3, "a transporter")

    def by_role(self) -> dict[Role, int]:
        return {role: getattr(self, role.name.lower()) for role in Role}


class JointLiaisonTaskForceParams(MeasureParams):
    prioritise_hvts: bool = Field(
        True,
        description="Analysts and police units take leads on leaders and central members first.",
    )
    priority_rank: PriorityRank = Field(
        default_factory=PriorityRank,
        description="Rank by role of the leads taken first, when prioritise_hvts (lower first).",
    )
    cross_border_factor: float = Field(
        0.75,
        ge=0,
        le=1,
        description="Multiplier on investigation success when suspects live in several jurisdictions (status quo 0.6).",
    )


class JointLiaisonTaskForce(Measure):
    key = "joint_liaison_task_force"
    number = 5
    heading = "II. Operational tools"
    title = "Joint Liaison Task Force on migrant smuggling (JLT-MS)"
    source_paragraph = "15250/18, measure 5 (Annex II.5)"
    summary = (
        "Investigations prioritise HVTs and central members; cross-border cases succeed more often."
    )
    first_moved = "+hvts_arrested"
    Params = JointLiaisonTaskForceParams
    scaled = "cross_border_factor"

    @classmethod
    def cost_items(cls, params: MeasureParams, scenario: Scenario) -> list[CostItem]:
        assert isinstance(params, cls.Params)
        e, c = scenario.enforcement, scenario.costs
        added = params.cross_border_factor - e.cross_border_success_factor
        return [
            item("task force operating cost", 1, "task_force_eur_per_year", c),
            item(
                "seconded officers",
                added * c.officers_per_cross_border_factor,
                "seconded_officer_eur_per_year",
                c,
            ),
        ]

    def activate(self, model: SmugglingModel) -> None:
        p = self.params
        rank = p.priority_rank.by_role()
        if p.prioritise_hvts:
            self.set(model.emsc, "priority", rank)
        for unit in model.police_units.values():
            if p.prioritise_hvts:
                self.set(unit, "priority", rank)
            self.raise_to(unit, "cross_border_factor", p.cross_border_factor)
