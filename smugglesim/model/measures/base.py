"""What every measure shares: its scenario parameters and its life cycle in a run.

A measure is one module of this package with one :class:`Measure` subclass and its nested
``Params`` (the table ``[measures.<key>]`` of a scenario file). Its mechanism is
:meth:`Measure.activate`, which changes the model's actors through the helpers below
(:meth:`Measure.set`, :meth:`Measure.raise_to`, :meth:`Measure.lower_to`,
:meth:`Measure.scale`, :meth:`Measure.raise_by`, :meth:`Measure.add_to`), and fails loudly on
an attribute the actor does not have. Measures may change the same attribute (measures 5 and
6 both raise a unit's ``cross_border_factor``): :class:`MeasureChanges` keeps each changed
attribute's value before any measure and the active measures' changes in the order made,
and the attribute is those changes applied in turn, so that :meth:`Measure.deactivate`
takes away its own change and no other's, whatever the order in which measures start and
stop. A measure that adds a process of its own (action days, a new source of leads)
schedules and runs it itself, with Mesa events or :meth:`Measure.add_lead_source`,
and stops it in ``deactivate``. A measure never writes an output metric; the outputs move
only because the actors behave differently.

The model schedules ``start`` at ``start_week`` and ``stop`` at ``end_week`` as Mesa events,
and charges ``cost_eur_per_year / 52`` for every week the measure is active. That cost is
not a parameter: it follows from the measure's intensity through its cost items
(:meth:`Measure.cost_items`: staff, days, platforms, ... times the unit costs of the
scenario's ``[costs]`` table, :mod:`smugglesim.model.costs`). A measure may instead be given
a yearly budget (``budget_eur_per_year``): its one scaled parameter (:attr:`Measure.scaled`)
is then the most that budget buys (:meth:`Measure.resolve`), its other parameters stay as
given, and any diminishing return is the model's, not the cost model's (the cost is linear
in the staff it buys).
"""

from __future__ import annotations

import sys
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, Field, model_validator

from smugglesim.model.parameters import STRICT, cross_field_errors

if TYPE_CHECKING:
    from smugglesim.model.costs import CostItem
    from smugglesim.model.intelligence import LeadSource
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.scenario import Scenario


def _plain(value: Any) -> Any:
    """A default as plain data (a nested table as a dict), for JSON and the docs."""
    return value.model_dump() if isinstance(value, BaseModel) else value


class MeasureParams(BaseModel):
    """Parameters every measure has (validated strictly, as every table of a scenario)."""

    model_config = STRICT

    enabled: bool = Field(False, description="Switch the measure on.")
    start_week: int = Field(
        0, ge=0, le=5200, description="Week (from 0) in which the measure starts."
    )
    end_week: int | None = Field(
        None, ge=1, le=5200, description="Week in which it stops; none: it runs to the end."
    )
    budget_eur_per_year: float | None = Field(
        None,
        ge=0,
        le=1e10,
        description="Yearly budget; when given, the measure's scaled parameter is the most this buys at the unit costs of [costs] (docs/measures.md); none: the cost follows from the parameters.",
    )

    @model_validator(mode="after")
    def _end_after_start(self) -> MeasureParams:
        if self.end_week is not None and self.end_week <= self.start_week:
            message = f"must be greater than start_week ({self.start_week}), got {self.end_week}"
            cross_field_errors(self, [("end_week", message)])
        return self


@dataclass
class _Changed:
    obj: Any
    attr: str
    before: Any  # the value before any measure changed it
    changes: list[tuple[Measure, Callable[[Any], Any]]] = field(default_factory=list)


class MeasureChanges:
    """The actors' attributes that active measures changed, in one run.

    Each changed attribute keeps its value before any measure and each measure's change
    (a function of the value below it) in the order the changes were made; the attribute
    holds those changes applied in turn. A measure that stops takes its changes away and
    the attribute is worked out again from the rest, so stopping one measure never undoes
    another's, nor brings back a change of a measure that stopped before."""

    def __init__(self) -> None:
        self._changed: dict[tuple[int, str], _Changed] = {}

    def change(self, measure: Measure, obj: Any, attr: str, how: Callable[[Any], Any]) -> None:
        """``measure`` changes ``obj.attr`` by ``how`` (applied to the value below it)."""
        key = (id(obj), attr)
        if key not in self._changed:
            self._changed[key] = _Changed(obj, attr, getattr(obj, attr))
        changed = self._changed[key]
        changed.changes.append((measure, how))
        self._apply(changed)

    def made_by(self, measure: Measure) -> list[tuple[Any, str, Any]]:
        """The attributes ``measure`` changes now: (actor, attribute, value before any
        measure)."""
        return [
            (c.obj, c.attr, c.before)
            for c in self._changed.values()
            if any(m is measure for m, _ in c.changes)
        ]

    def undo(self, measure: Measure) -> None:
        """Take away every change ``measure`` made."""
        for key, changed in list(self._changed.items()):
            kept = [(m, how) for m, how in changed.changes if m is not measure]
            if len(kept) < len(changed.changes):
                changed.changes = kept
                self._apply(changed)
                if not kept:
                    del self._changed[key]

    @staticmethod
    def _apply(changed: _Changed) -> None:
        value = changed.before
        for _, how in changed.changes:
            value = how(value)
        setattr(changed.obj, changed.attr, value)


class Measure(ABC):
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
    scaled: ClassVar[str]
    """The parameter that a budget sets (``budget_eur_per_year``); the cost rises with it."""

    def __init__(self, params: MeasureParams, model: SmugglingModel) -> None:
        scenario = model.config
        self.params = type(self).resolve(params, scenario)
        self.cost_eur_per_year = type(self).yearly_cost_eur(self.params, scenario)
        self.model = model
        self.active = False
        self._sources: list[LeadSource] = []

    # -- life cycle, driven by the model's event schedule ------------------------------
    def start(self) -> None:
        """Mesa event at ``start_week``."""
        self.active = True
        self.activate(self.model)

    def stop(self) -> None:
        """Mesa event at ``end_week``."""
        self.deactivate(self.model)
        self.active = False

    @abstractmethod
    def activate(self, model: SmugglingModel) -> None:
        """Change the actors (through the helpers below) and start any process of its own."""

    def deactivate(self, model: SmugglingModel) -> None:
        """Undo :meth:`activate`: by default take away every change the helpers made (other
        measures' changes to the same attributes stay, :class:`MeasureChanges`) and every
        source of leads it added. A measure with another process of its own (a Mesa event)
        stops it here, then calls this."""
        model.measure_changes.undo(self)
        for source in self._sources:
            model.remove_lead_source(source)
        self._sources.clear()

    def add_lead_source(self, model: SmugglingModel, source: LeadSource, order: int) -> None:
        """Step ``source`` in the intelligence phase of every week (at place ``order``, see
        :meth:`SmugglingModel.add_lead_source`) until the measure stops."""
        model.add_lead_source(source, order)
        self._sources.append(source)

    # -- the only ways a measure changes an actor --------------------------------------
    def _change(self, obj: Any, attr: str, how: Callable[[Any], Any]) -> None:
        """Change ``obj.attr`` by ``how`` until the measure stops (:class:`MeasureChanges`).

        Raises:
            AttributeError: ``obj`` has no attribute ``attr`` (a misspelled name would
                otherwise add a new attribute that nothing reads).
        """
        if not hasattr(obj, attr):
            raise AttributeError(
                f"measure {self.key}: {type(obj).__name__} has no attribute {attr!r} to change"
            )
        self.model.measure_changes.change(self, obj, attr, how)

    def set(self, obj: Any, attr: str, value: Any) -> None:
        """Set ``obj.attr`` to ``value``."""
        self._change(obj, attr, lambda _: value)

    def raise_to(self, obj: Any, attr: str, value: Any) -> None:
        """Raise ``obj.attr`` to ``value``; a measure never lowers what is already done."""
        self._change(obj, attr, lambda old: max(old, value))

    def lower_to(self, obj: Any, attr: str, value: Any) -> None:
        """Lower ``obj.attr`` to ``value`` (a delay, a duplication); never raise it."""
        self._change(obj, attr, lambda old: min(old, value))

    def raise_by(self, obj: Any, attr: str, amount: Any, at_most: Any = None) -> None:
        """Add ``amount`` to ``obj.attr``, capped at ``at_most`` when given."""
        if at_most is None:
            self._change(obj, attr, lambda old: old + amount)
        else:
            self._change(obj, attr, lambda old: min(at_most, old + amount))

    def scale(self, obj: Any, attr: str, factor: float) -> None:
        """Multiply ``obj.attr`` by ``factor``."""
        self._change(obj, attr, lambda old: old * factor)

    def add_to(self, obj: Any, attr: str, items: frozenset) -> None:
        """Add ``items`` to the set ``obj.attr``."""
        self._change(obj, attr, lambda old: old | items)

    def weekly_cost_eur(self) -> float:
        return self.cost_eur_per_year / 52.0 if self.active else 0.0

    # -- the cost model -------------------------------------------------------------------
    @classmethod
    @abstractmethod
    def cost_items(cls, params: MeasureParams, scenario: Scenario) -> list[CostItem]:
        """What the measure buys a year at intensity ``params`` over the status quo of
        ``scenario``, priced at its ``[costs]``; non-decreasing in :attr:`scaled`."""

    @classmethod
    def yearly_cost_eur(cls, params: MeasureParams, scenario: Scenario) -> float:
        """The yearly cost of the measure at ``params`` (the sum of its cost items)."""
        return sum(i.eur for i in cls.cost_items(params, scenario))

    @classmethod
    def resolve(cls, params: MeasureParams, scenario: Scenario) -> MeasureParams:
        """``params`` with the scaled parameter bought by ``budget_eur_per_year`` (the same
        ``params`` when there is no budget).

        Raises:
            ValueError: the budget is below the measure's fixed cost or above what it can
                spend (:meth:`budget_problems` says so first in a scenario).
        """
        budget = params.budget_eur_per_year
        if budget is None:
            return params
        return params.model_copy(
            update={cls.scaled: cls.intensity_for_budget(budget, params, scenario)}
        )

    @classmethod
    def _cost_at(cls, value: float, params: MeasureParams, scenario: Scenario) -> float:
        return cls.yearly_cost_eur(params.model_copy(update={cls.scaled: value}), scenario)

    @classmethod
    def budget_range(cls, params: MeasureParams, scenario: Scenario) -> tuple[float, float]:
        """The least (fixed cost, at the scaled parameter's lowest value) and the most (at
        its highest) the measure can spend a year, its other parameters as in ``params``."""
        low, high = _bounds(cls.Params, cls.scaled)
        return cls._cost_at(low, params, scenario), cls._cost_at(high, params, scenario)

    @classmethod
    def intensity_for_budget(
        cls, budget: float, params: MeasureParams, scenario: Scenario
    ) -> float:
        """The largest value of the scaled parameter whose yearly cost is at most ``budget``
        (cost is non-decreasing in it; an integer parameter is rounded down)."""
        fixed, most = cls.budget_range(params, scenario)
        tolerance = 1e-9 * max(1.0, budget)
        if budget < fixed - tolerance or budget > most + tolerance:
            raise ValueError(cls._out_of_range(budget, fixed, most))
        low, high = _bounds(cls.Params, cls.scaled)
        integer = cls.Params.model_fields[cls.scaled].annotation is int
        if cls._cost_at(high, params, scenario) <= budget + 1e-12 * budget:
            return int(high) if integer else high
        for _ in range(200):  # invariant: cost(low) <= budget < cost(high)
            mid = (low + high) // 2 if integer else (low + high) / 2
            if mid in (low, high):
                break
            if cls._cost_at(mid, params, scenario) <= budget + 1e-12 * budget:
                low = mid
            else:
                high = mid
        return int(low) if integer else low

    @classmethod
    def _out_of_range(cls, budget: float, fixed: float, most: float) -> str:
        high = _bounds(cls.Params, cls.scaled)[1]
        if budget < fixed:
            return (
                f"EUR {budget:,.0f} is below the measure's fixed cost of EUR {fixed:,.0f} "
                f"(what it costs before its budget buys any {cls.scaled}; docs/measures.md)"
            )
        return (
            f"EUR {budget:,.0f} is more than the measure can spend, EUR {most:,.0f} "
            f"(at {cls.scaled} = {high:g}, its highest value)"
        )

    @classmethod
    def budget_problems(cls, params: MeasureParams, scenario: Scenario) -> list[tuple[str, str]]:
        """(key, message) of what is wrong with the measure's budget in ``scenario``: both a
        budget and the scaled parameter given, or a budget out of the measure's range."""
        budget = params.budget_eur_per_year
        if budget is None:
            return []
        field = cls.Params.model_fields[cls.scaled]
        value = getattr(params, cls.scaled)
        if cls.scaled in params.model_fields_set and value != field.default:
            return [
                (
                    cls.scaled,
                    f"give either budget_eur_per_year or {cls.scaled}, not both: the budget "
                    f"sets {cls.scaled} (got {value:g})",
                )
            ]
        fixed, most = cls.budget_range(params, scenario)
        tolerance = 1e-9 * max(1.0, budget)
        if budget < fixed - tolerance or budget > most + tolerance:
            return [("budget_eur_per_year", cls._out_of_range(budget, fixed, most))]
        return []

    @classmethod
    def paragraph(cls, label: str) -> str:
        """The paragraph of the measure's module docstring that starts with ``label``
        (``"Mechanism"``, ``"Cost"``), on one line; empty if there is none."""
        doc = sys.modules[cls.__module__].__doc__ or ""
        for paragraph in doc.split("\n\n"):
            if paragraph.strip().startswith(label):
                return " ".join(paragraph.split())
        return ""

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
            "mechanism": cls.paragraph("Mechanism").removeprefix("Mechanism:").strip(),
            "cost": cls.paragraph("Cost"),
            "scaled": cls.scaled,
            "first_moved": cls.first_moved,
            "parameters": {
                name: {
                    "default": _plain(field.get_default(call_default_factory=True)),
                    "description": field.description,
                }
                for name, field in cls.Params.model_fields.items()
            },
        }


def _bounds(params: type[MeasureParams], name: str) -> tuple[float, float]:
    """The declared range (``ge``, ``le``) of the numeric parameter ``name``."""
    from annotated_types import Ge, Le

    low, high = 0.0, float("inf")
    for m in params.model_fields[name].metadata:
        if isinstance(m, Ge):
            low = float(m.ge)
        if isinstance(m, Le):
            high = float(m.le)
    return low, high
