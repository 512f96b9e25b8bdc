"""Measure 4: intensify the use of the EU Policy Cycle / EMPACT.

Source: Council document 15250/18, measure 4 (Annex, section II.4): synergies between
EMPACT operational actions; deploy document-fraud experts more systematically during
operational activities such as Joint Action Days (JADs); optimal EMPACT funding; engage
third countries in EMPACT actions.

Mechanism: extra joint action days, Mesa recurring events scheduled by this measure. On each
day every Member State police unit acts at once (:meth:`EmpactActionDays.action_day`): it
arrests members already identified by its open investigations (in cooperating third
countries through their police), with searches that seize cash and freeze traced assets
(the same arrest operation as at the end of an investigation, ``smugglesim.model.police.Arrests``);
arrests transporters on the EU side in the act; and the document-fraud experts identify
document forgers, who join the open case on their OCG or become leads. The days draw from
their own random stream. The default intensity gives about 10 arrests per action day
across the four routes, the order of the EMSC's 2018 record (53 action days, over 600
arrests; DESIGN.md §6).

Cost: EUR 400,000 a year, the document's own figure: the enhanced EMPACT funding made
available for the 2019 Operational Action Plan on facilitation of illegal immigration
(out of EUR 3 million of EMPACT high-value grants). The document says this does not
finance all planned operations, so it is a lower bound for the default intensity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa.time import Schedule
from pydantic import Field

from smugglesim.model.measures.base import Measure, MeasureParams
from smugglesim.model.smugglers import Role

if TYPE_CHECKING:
    import numpy as np

    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.police import PoliceUnit


class EmpactActionDaysParams(MeasureParams):
    action_days_per_year: int = Field(
        6, ge=1, le=52, description="Additional joint action days per year, on every route at once."
    )
    arrest_prob: float = Field(
        0.2,
        ge=0,
        le=1,
        description="Probability that a member identified by an open investigation is arrested on the day.",
    )
    flagrante_per_unit: float = Field(
        1.0,
        ge=0,
        le=100,
        description="Mean transporters on the EU side arrested in the act per police unit and day.",
    )
    forger_identification_prob: float = Field(
        0.3,
        ge=0,
        le=1,
        description="Probability per OCG with a forger that document-fraud experts identify one on the day.",
    )
    cost_eur_per_year: float = Field(
        400_000.0, ge=0, le=1e10, description="Yearly cost while active."
    )


class EmpactActionDays(Measure):
    key = "empact_action_days"
    number = 4
    heading = "II. Operational tools"
    title = "Intensify EMPACT: joint action days with document-fraud experts"
    source_paragraph = "15250/18, measure 4 (Annex II.4)"
    summary = "Coordinated action days: bursts of arrests across Member States; forgers identified."
    first_moved = "+members_arrested"
    Params = EmpactActionDaysParams

    def __init__(self, params: EmpactActionDaysParams, model: SmugglingModel) -> None:
        super().__init__(params, model)
        self.days_held = 0

    def activate(self, model: SmugglingModel) -> None:
        self._days = model.schedule_recurring(
            self.action_day,
            Schedule(interval=52.0 / self.params.action_days_per_year, start=model.time + 1),
        )

    def action_day(self) -> None:
        """A joint action day: every police unit acts on the same day. The days draw from
        their own stream, so that the baseline's draws are untouched."""
        rng = self.model.streams["action_days"]
        self.days_held += 1
        for unit in self.model.police_units.values():
            self._on_route(unit, rng)

    def _on_route(self, unit: PoliceUnit, rng: np.random.Generator) -> None:
        """The day on ``unit``'s route: arrests of identified members (an identified member
        in a cooperating third country with the partners' arrest probability on top), the
        EU-side transporters arrested in the act, and forgers identified."""
        model = self.model
        p = self.params
        arrests = model.arrests
        p_coop = p.arrest_prob * model.partners.arrest_prob_cooperating
        for inv in list(unit.open):
            suspects = [m for m in inv.identified if not m.gone]
            arrested = [
                m
                for m in suspects
                if rng.random()
                < {"eu": p.arrest_prob, "cooperating": p_coop}.get(m.jurisdiction, 0.0)
            ]
            if arrested:
                # The investigation goes on with the others.
                arrests.operation(inv, suspects, arrested)
        ocgs = [o for o in model.ocgs if o.route == unit.route and o.operating]
        drivers = [
            m
            for o in ocgs
            for m in o.members
            if m.role == Role.TRANSPORTER and m.jurisdiction == "eu"
        ]
        n = min(int(rng.poisson(p.flagrante_per_unit)), len(drivers))
        if n:
            for i in rng.choice(len(drivers), size=n, replace=False):
                arrests.in_the_act(drivers[int(i)])
        reliability = model.config.enforcement.reliability_investigation
        for ocg in ocgs:
            if ocg.dismantled or not ocg.has_role(Role.DOCUMENT_FORGER):
                continue
            if rng.random() >= p.forger_identification_prob:
                continue
            forgers = [m for m in ocg.members if m.role == Role.DOCUMENT_FORGER]
            forger = forgers[int(rng.integers(len(forgers)))]
            if ocg.investigation is not None:
                ocg.investigation.add_target(forger)
            else:
                model.emsc.new_lead(forger, "investigation", reliability, rng)

    def deactivate(self, model: SmugglingModel) -> None:
        self._days.stop()
        super().deactivate(model)
