"""What every measure shares: its scenario parameters and its life cycle in a run.

A measure is one class with a nested ``Params`` (the table ``[measures.<key>]`` of a scenario
file) and a mechanism: :meth:`Measure.activate` changes the state of the model's entities
(analyst capacity, the share of investigations with a financial strand, how liaison officers
work...) and :meth:`Measure.deactivate` restores it. A measure never writes an output
metric; the outputs move only because the entities behave differently.

The model schedules ``activate`` at ``start_week`` and ``deactivate`` at ``end_week`` as Mesa
events, and charges ``cost_eur_per_year / 52`` for every week the measure is active.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

if TYPE_CHECKING:
    from model.model import SmugglingModel


class MeasureParams(BaseModel):
    """Parameters every measure has."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    enabled: bool = Field(False, description="Switch the measure on.")
    start_week: int = Field(
        0, ge=0, le=5200, description="Week (from 0) in which the measure starts."
    )
    end_week: int | None = Field(
        None, ge=1, le=5200, description="Week in which it stops; none: it runs to the end."
    )
    cost_eur_per_year: float = Field(0.0, ge=0, le=1e10, description="Yearly cost while active.")

    @model_validator(mode="after")
    def _end_after_start(self) -> MeasureParams:
        if self.end_week is not None and self.end_week <= self.start_week:
            raise ValueError("end_week must be greater than start_week")
        return self


class Measure:
    """A measure of Council document 15250/18 and its mechanism in the model."""

    key: ClassVar[str]
    number: ClassVar[int]
    heading: ClassVar[str]
    title: ClassVar[str]
    source_paragraph: ClassVar[str]
    summary: ClassVar[str]
    first_moved: ClassVar[str]
    """The output figure the mechanism moves first, with its direction, e.g. ``"+assets_frozen_eur"``."""
    Params: ClassVar[type[MeasureParams]] = MeasureParams

    def __init__(self, params: MeasureParams, model: SmugglingModel) -> None:
        self.params = params
        self.model = model
        self.active = False
        self._saved: list[tuple[Any, str, Any]] = []

    # -- life cycle, driven by the model's event schedule ------------------------------
    def start(self) -> None:
        """Mesa event at ``start_week``."""
        self.active = True
        self.activate(self.model)

    def stop(self) -> None:
        """Mesa event at ``end_week``."""
        self.deactivate(self.model)
        self.active = False

    def activate(self, model: SmugglingModel) -> None:
        """Change the entities; override in each measure."""
        raise NotImplementedError

    def deactivate(self, model: SmugglingModel) -> None:
        """Undo :meth:`activate`: by default restore every attribute set with :meth:`set`."""
        for obj, attr, old in reversed(self._saved):
            setattr(obj, attr, old)
        self._saved.clear()

    def set(self, obj: Any, attr: str, value: Any) -> None:
        """Set ``obj.attr`` to ``value``, remembering the old value for :meth:`deactivate`."""
        self._saved.append((obj, attr, getattr(obj, attr)))
        setattr(obj, attr, value)

    def weekly_cost_eur(self) -> float:
        return self.params.cost_eur_per_year / 52.0 if self.active else 0.0

    @classmethod
    def describe(cls) -> dict[str, Any]:
        """The measure as data: for ``smugglesim measures`` and the docs."""
        return {
            "key": cls.key,
            "number": cls.number,
            "heading": cls.heading,
            "title": cls.title,
            "source_paragraph": cls.source_paragraph,
            "summary": cls.summary,
            "first_moved": cls.first_moved,
            "parameters": {
                name: {
                    "default": field.default,
                    "description": field.description,
                }
                for name, field in cls.Params.model_fields.items()
            },
        }
