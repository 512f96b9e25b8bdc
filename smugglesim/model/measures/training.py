"""Measure 9: operational needs-based training.

Source: Council document 15250/18, measure 9 (Annex, section II.9): Frontex and CEPOL,
supported by Europol, Eurojust and eu-LISA, to develop tailored training programmes for
border control units (checks and surveillance), consular offices and other services; a
joint multi-stakeholder training platform with third partners.

Mechanism: after a delay, while the first trained officers come back to work
(``effect_delay_weeks``, a Mesa event), border guards detect more crossings
(``detection_factor`` multiplies every leg's detection probability) and investigations
end in arrests more often. Consular offices are not a separate entity in the model.

Cost: the training platform (``training_platform_eur_per_year``) and the officers trained a
year, ``detection_gain x trained_officers_per_detection_gain`` at ``trained_officer_eur``:
1,000 officers, EUR 1.5 million a year at the default intensity. A budget sets
``detection_gain`` (the investigators' gain comes with the programme).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mesa.time import Event
from pydantic import Field

from smugglesim.model.costs import CostItem, item
from smugglesim.model.measures.base import Measure, MeasureParams

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import Scenario


class TrainingParams(MeasureParams):
    effect_delay_weeks: int = Field(
        26, ge=0, le=520, description="Weeks from the start of training to its effect at work."
    )
    detection_gain: float = Field(
        0.1,
        ge=0,
        le=2,
        description="Relative increase of every leg's detection probability (0.1: 10% more).",
    )
    investigation_success_gain: float = Field(
        0.05,
        ge=0,
        le=1,
        description="Added to the probability that an investigation ends in arrests (status quo 0.7).",
    )


class Training(Measure):
    key = "training"
    number = 9
    heading = "II. Operational tools"
    title = "Operational needs-based training"
    source_paragraph = "15250/18, measure 9 (Annex II.9)"
    summary = (
        "After a delay, trained border guards detect more and investigators succeed more often."
    )
    first_moved = "+detections"
    Params = TrainingParams
    scaled = "detection_gain"

    @classmethod
    def cost_items(cls, params: MeasureParams, scenario: Scenario) -> list[CostItem]:
        assert isinstance(params, cls.Params)
        c = scenario.costs
        return [
            item("training platform", 1, "training_platform_eur_per_year", c),
            item(
                "officers trained",
                params.detection_gain * c.trained_officers_per_detection_gain,
                "trained_officer_eur",
                c,
            ),
        ]

    def activate(self, model: SmugglingModel) -> None:
        self._pending: Event | None = None
        if self.params.effect_delay_weeks == 0:
            self.take_effect()
        else:
            self._pending = model.schedule_event(
                self.take_effect, after=self.params.effect_delay_weeks
            )

    def take_effect(self) -> None:
        """The trained officers are at work (Mesa event ``effect_delay_weeks`` after the start)."""
        self._pending = None
        model = self.model
        p = self.params
        bg = model.border_guards
        self.scale(bg, "detection_factor", 1.0 + p.detection_gain)
        for unit in model.police_units.values():
            self.raise_by(unit, "success_prob", p.investigation_success_gain, at_most=1.0)

    def deactivate(self, model: SmugglingModel) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        super().deactivate(model)
