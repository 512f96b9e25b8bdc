"""Measure 5: establish a Joint Liaison Task Force on migrant smuggling (JLT-MS) at Europol.

Source: Council document 15250/18, measure 5 (Annex, section II.5): a permanent team of
liaison officers from Member States and partners, embedded in the EMSC, for the joint
identification, prioritisation and initiation of cross-border investigations, and for
multilateral, intelligence-led, coordinated actions, including operational work on High
Value Targets (HVTs) operating in the EU and third countries.

Mechanism: the task force, embedded in the EMSC, has the analysts take the leads on High
Value Targets first, as the network shows them (``smugglesim/model/key_players.py``): the
organisers, then the coordinators and the brokers (members whose arrest cuts others off
the command), then the money handlers, before the oldest lead on anyone else
(``Emsc.targeting`` set to ``hvt_first``); the police units open investigations in the same
order (``PoliceUnit.targeting``); cross-border investigations, coordinated multilaterally
through the task force, end in arrests more often (``cross_border_factor``).

Cost: the task force's operating cost at Europol (``task_force_eur_per_year``) and its
seconded officers, ``(cross_border_factor - status quo) x officers_per_cross_border_factor``
at ``seconded_officer_eur_per_year``: twelve officers, EUR 2.0 million a year at the
default intensity. A budget sets ``cross_border_factor``; the prioritisation comes with the
task force.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field

from smugglesim.model.costs import CostItem, item
from smugglesim.model.measures.base import Measure, MeasureParams

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import Scenario


class JointLiaisonTaskForceParams(MeasureParams):
    prioritise_hvts: bool = Field(
        True,
        description="Analysts and police units take leads on High Value Targets first (organisers, then coordinators and brokers, then money handlers: targeting hvt_first).",
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
        if p.prioritise_hvts:
            self.set(model.emsc, "targeting", "hvt_first")
        for unit in model.police_units.values():
            if p.prioritise_hvts:
                self.set(unit, "targeting", "hvt_first")
            self.raise_to(unit, "cross_border_factor", p.cross_border_factor)
