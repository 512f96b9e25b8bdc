"""Scenario schema and loader: TOML file -> validated :class:`Scenario`.

The schema is the sections of ``smugglesim/model/parameters.py`` and one table per registered measure;
every parameter of the model lives there, with its default, its range and a one-line
meaning, and the scenario reference (``docs/scenarios.md``) is generated from it. Values are
taken strictly as written (``enabled = "yes"`` or ``years = "5"`` are errors), and the
checks that involve several keys (``members_min`` against ``members_max``, shares that
must not add up to more than 1, a measure's weeks within the horizon) are part of it.
A scenario file may ``extends = "other.toml"`` (a path relative to the file); the child's
tables are merged over the parent's, key by key. How files are read, and the limits on
them, is :mod:`smugglesim.model.scenario_files`.

Bad input raises :class:`ScenarioError`, whose message has one line per error, each
naming the file (or ``command line (--set)`` for an override) and the dotted key, e.g.
``scenarios/x.toml: measures.iru_takedowns.referals_per_week: unknown key; did you mean
'referrals_per_week'?``. Every error of a scenario is reported at once.
"""

from __future__ import annotations

import difflib
import json
import unicodedata
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    Field,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from smugglesim.model.costs import CostParams
from smugglesim.model.demand_schedule import load_schedule
from smugglesim.model.events import Event
from smugglesim.model.measures import MEASURES
from smugglesim.model.parameters import (
    DemandParams,
    EnforcementParams,
    FinanceParams,
    JusticeParams,
    Operation,
    RoleWeights,
    RunParams,
    Section,
    SmugglerParams,
    cross_field_errors,
)
from smugglesim.model.scenario_files import ScenarioFileError, display, extends_anywhere, read_chain

__all__ = [
    "CostParams",
    "DemandParams",
    "EnforcementParams",
    "FinanceParams",
    "JusticeParams",
    "RoleWeights",
    "RunParams",
    "Scenario",
    "ScenarioError",
    "Section",
    "SmugglerParams",
    "extends_anywhere",
    "load_scenario",
    "read_scenario",
    "scenario_from_dict",
]


class ScenarioError(ValueError):
    """A scenario cannot be read or is invalid.

    The message has one line per error (``errors``), each naming the file or option and
    the key.
    """

    def __init__(self, *errors: str) -> None:
        self.errors = [line for e in errors for line in str(e).splitlines() if line.strip()]
        super().__init__("\n".join(self.errors))


def _measures_model() -> type[BaseModel]:
    """One optional table per registered measure; unknown measure keys are errors."""
    fields: dict[str, Any] = {
        key: (cls.Params, Field(default_factory=cls.Params, description=cls.title))
        for key, cls in MEASURES.items()
    }
    return create_model("Measures", __base__=Section, **fields)


Measures = _measures_model()


class Scenario(Section):
    """A validated scenario: the whole configuration of one model run."""

    name: str = Field(
        "unnamed", min_length=1, max_length=100, description="Short name, used in outputs."
    )
    description: str = Field("", description="What the scenario represents.")
    run: RunParams = Field(default_factory=RunParams)
    demand: DemandParams = Field(default_factory=DemandParams)
    smugglers: SmugglerParams = Field(default_factory=SmugglerParams)
    enforcement: EnforcementParams = Field(default_factory=EnforcementParams)
    finance: FinanceParams = Field(default_factory=FinanceParams)
    justice: JusticeParams = Field(default_factory=JusticeParams)
    costs: CostParams = Field(default_factory=CostParams)
    measures: Measures = Field(default_factory=Measures)  # type: ignore[valid-type]
    operations: list[Operation] = Field(
        default_factory=list,
        description="One-off arrest operations ([[operations]] tables), each at its week.",
    )
    events: list[Event] = Field(
        default_factory=list,
        max_length=1000,
        description="Dated events ([[events]] tables): a change of a leg or an origin from a date or week on, with its source (smugglesim/model/events.py).",
    )

    @field_validator("name")
    @classmethod
    def _printable(cls, name: str) -> str:
        # The name heads tables and labels rows; a line break or a control character in it
        # would break both.
        if any(unicodedata.category(ch).startswith("C") for ch in name):
            raise ValueError("must not contain line breaks or other control characters")
        return name

    @property
    def weeks(self) -> int:
        """The reported weeks, 0 to ``weeks - 1``."""
        return round(self.run.years * 52)

    @property
    def warmup_weeks(self) -> int:
        """The status-quo weeks simulated before week 0 and not reported, whole weeks so
        that the calendar (``week % 52``) stays in phase."""
        return round(self.run.warmup_years * 52)

    def active_measures(self) -> list[tuple[str, Any]]:
        """(key, params) of every measure switched on, in registry order."""
        return [
            (key, getattr(self.measures, key))
            for key in MEASURES
            if getattr(self.measures, key).enabled
        ]

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @model_validator(mode="after")
    def _consistent(self) -> Scenario:
        """The checks that span sections (once every section is valid)."""
        problems: list[tuple[str, str]] = []
        horizon = f"the run's horizon of {self.weeks} weeks (run.years = {self.run.years:g})"
        for key, params in self.active_measures():
            if params.start_week >= self.weeks:
                problems.append(
                    (f"measures.{key}.start_week", f"{params.start_week} is not within {horizon}")
                )
            if params.end_week is not None and params.end_week > self.weeks:
                problems.append(
                    (f"measures.{key}.end_week", f"{params.end_week} is beyond {horizon}")
                )
        for i, op in enumerate(self.operations):
            if op.week >= self.weeks:
                problems.append((f"operations.{i}.week", f"{op.week} is not within {horizon}"))
        problems += self._calendar_problems(horizon)
        for key, cls in MEASURES.items():
            params = getattr(self.measures, key)
            for name, message in cls.budget_problems(params, self):
                problems.append((f"measures.{key}.{name}", message))
        cross_field_errors(self, problems)
        return self

    def _calendar_problems(self, horizon: str) -> list[tuple[str, str]]:
        """A demand schedule or an event's date without ``run.start``, or a date before
        it; an event's week beyond the horizon; a schedule that does not cover the
        reported weeks. (An event dated after the last week is no error: it does not
        happen, so that a dated scenario can run a shorter horizon, e.g. the fitted years.)"""
        problems = []
        calendar = self.run.calendar
        undated = "needs run.start (the month of week 0) to place the run in time"
        if self.demand.schedule is not None:
            if not calendar.dated:
                problems.append(("demand.schedule", undated))
            else:
                gap = load_schedule(self.demand.schedule).coverage_problem(calendar, self.weeks)
                if gap:
                    problems.append(("demand.schedule", gap))
        for i, event in enumerate(self.events):
            if event.week is not None:
                if event.week >= self.weeks:
                    problems.append((f"events.{i}.week", f"{event.week} is not within {horizon}"))
            elif not calendar.dated:
                problems.append((f"events.{i}.date", undated))
            elif event.date < calendar.date_of(0):
                problems.append(
                    (f"events.{i}.date", f"{event.date} is before run.start ({self.run.start})")
                )
        return problems


# -- merging files and overrides, remembering who set each key ---------------------------
Origin = Path | str  # a file, or a label such as "command line (--set)"


def _deep_merge(base: dict, override: dict, origins: dict, src: Origin, prefix: str = "") -> dict:
    """Merge ``override`` over ``base``; record in ``origins`` which file set each key."""
    merged = dict(base)
    for key, value in override.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value, origins, src, path + ".")
        else:
            merged[key] = value
            _record_origins(value, origins, src, path)
    return merged


def _record_origins(value: Any, origins: dict, src: Origin, path: str) -> None:
    origins[path] = src
    if isinstance(value, dict):
        for key, sub in value.items():
            _record_origins(sub, origins, src, f"{path}.{key}")


def _origin_of(loc: tuple, origins: Mapping[str, Origin], default: Origin) -> str:
    parts = [str(p) for p in loc]
    for n in range(len(parts), 0, -1):
        hit = origins.get(".".join(parts[:n]))
        if hit is not None:
            return display(hit) if isinstance(hit, Path) else hit
    return display(default) if isinstance(default, Path) else default


# -- error messages ----------------------------------------------------------------------
TOML_KINDS = {bool: "a boolean", int: "an integer", float: "a float", str: "a string"}


def _as_written(value: Any) -> str:
    """A value as TOML would show it, briefly: ``a string ("yes")``, ``an array``."""
    for kind, words in TOML_KINDS.items():
        if type(value) is kind:
            shown = json.dumps(value) if kind is not str else json.dumps(value[:40])
            return f"{words} ({shown}{'...' if kind is str and len(value) > 40 else ''})"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__.replace('datetime', 'date-time')}"


def _tables(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, type[BaseModel]]]:
    """Every table of the schema, as (dotted name, model), from ``model`` down."""
    yield prefix, model
    for name, field in model.model_fields.items():
        if isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel):
            yield from _tables(field.annotation, f"{prefix}{name}.")


def _table_at(path: tuple) -> type[BaseModel] | None:
    model: type[BaseModel] = Scenario
    for part in path:
        field = model.model_fields.get(str(part))
        if field is None or not (
            isinstance(field.annotation, type) and issubclass(field.annotation, BaseModel)
        ):
            return None
        model = field.annotation
    return model


def _unknown_key(loc: tuple) -> str:
    """'unknown key', with the closest valid key of the same table, or the table where
    the key belongs."""
    *table, key = (str(p) for p in loc)
    model = _table_at(tuple(table))
    if model is None:
        return "unknown key"
    if not table and key == "sweep":
        return "unknown key; a [sweep] table is read only by smugglesim batch and compare"
    if not table and key == "extends":
        return "unknown key; extends is read only from scenario files"
    if table[:1] == ["measures"] and key == "cost_eur_per_year":
        return (
            "unknown key; a measure's cost follows from its intensity and the unit costs of "
            "[costs] (docs/measures.md): to fix what it spends, set budget_eur_per_year"
        )
    valid = list(model.model_fields) + ([] if table else ["extends"])
    close = difflib.get_close_matches(key, valid, n=1) or difflib.get_close_matches(
        key.lower(), valid, n=1
    )
    if close:
        return f"unknown key; did you mean '{close[0]}'?"
    homes = [name.rstrip(".") for name, m in _tables(Scenario) if name and key in m.model_fields]
    if homes:
        return f"unknown key in [{'.'.join(table)}]; '{key}' is a key of [{homes[0]}]"
    return f"unknown key; the keys of this table are: {', '.join(valid)}"


def _message(err: Mapping[str, Any]) -> str:
    """One pydantic error in words, with the value as written where that helps."""
    kind, msg, value = err["type"], err["msg"], err.get("input")
    if kind == "extra_forbidden":
        return _unknown_key(err["loc"])
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"must be a table, not {_as_written(value)}"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    if kind == "cross_field":
        return msg
    for bound in ("ge", "gt", "le", "lt"):
        limit = (err.get("ctx") or {}).get(bound)
        if isinstance(limit, float):
            note = " (one week)" if limit == 1 / 52 else ""
            msg = msg.replace(str(limit), f"{limit:.6g}{note}")
    return f"{msg}, not {_as_written(value)}" if "input" in err else msg


def error_lines(exc: ValidationError, origins: Mapping[str, Origin], default: Origin) -> list[str]:
    """Every error of ``exc`` as one line: ``source: dotted.key: message``."""
    lines = []
    for err in exc.errors(include_url=False):
        loc = err["loc"]
        key = ".".join(str(p) for p in loc) or "(top level)"
        lines.append(_one_line(f"{_origin_of(loc, origins, default)}: {key}: {_message(err)}"))
    return lines


def _one_line(text: str) -> str:
    """``text`` with line breaks and other control characters escaped (a quoted TOML key
    may hold them)."""
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


# -- loading -----------------------------------------------------------------------------
def scenario_from_dict(data: dict[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a plain dict (as read from TOML) into a :class:`Scenario`.

    Raises:
        ScenarioError: one line per error, naming ``source`` and the key.
    """
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(*error_lines(exc, {}, source)) from None


def load_scenario(
    path: str | Path,
    overrides: dict[str, Any] | None = None,
    *,
    overrides_source: str | Mapping[str, str] = "overrides",
) -> Scenario:
    """Read, merge (``extends``) and validate a scenario file.

    Args:
        path: The TOML file.
        overrides: Optional dotted-key values applied last, e.g.
            ``{"measures.financial_investigations.parallel_share": 0.8}``.
        overrides_source: What errors in an override name instead of a file: one label
            (``"command line (--set)"``), or one per dotted key.

    Raises:
        ScenarioError: one line per error, naming the file (or the override) and the key.
    """
    return read_scenario(path, overrides, overrides_source=overrides_source)[0]


def read_scenario(
    path: str | Path,
    overrides: dict[str, Any] | None = None,
    extra_tables: tuple[str, ...] = (),
    *,
    overrides_source: str | Mapping[str, str] = "overrides",
) -> tuple[Scenario, dict[str, dict[str, Any]]]:
    """:func:`load_scenario`, also returning the tables named in ``extra_tables``.

    Tables that are not model parameters (the experiment layer's ``[sweep]``) are taken out
    of the merged data before validation and returned as they are, by name; an extra key
    that is not a table is an error naming the file that set it.
    """
    path = Path(path)
    try:
        chain = read_chain(path)
    except ScenarioFileError as exc:
        raise ScenarioError(str(exc)) from None
    path = chain[0][0]
    origins: dict[str, Origin] = {}
    data: dict[str, Any] = {}
    for file, table in reversed(chain):
        data = _deep_merge(data, table, origins, file)
    if origins.get("name") != path:
        data["name"] = path.stem  # a scenario is named by its own file, not its parent's
    extras: dict[str, dict[str, Any]] = {}
    for name in extra_tables:
        if name in data:
            table = data.pop(name)
            if not isinstance(table, dict):
                raise ScenarioError(
                    f"{_origin_of((name,), origins, path)}: {name}: must be a table"
                )
            extras[name] = table
    problems = _apply_overrides(data, overrides or {}, origins, overrides_source)
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(*problems, *error_lines(exc, origins, path)) from None
    if problems:
        raise ScenarioError(*problems)
    return scenario, extras


def _apply_overrides(
    data: dict[str, Any],
    overrides: Mapping[str, Any],
    origins: dict[str, Origin],
    source: str | Mapping[str, str],
) -> list[str]:
    """Set each dotted override in ``data``, recording its source; the lines of those that
    cannot be set (a key below a value that is not a table)."""
    problems = []
    for dotted, value in overrides.items():
        label = source if isinstance(source, str) else source.get(dotted, "overrides")
        node = data
        *parents, leaf = dotted.split(".")
        for i, part in enumerate(parents):
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                above = ".".join(parents[: i + 1])
                problems.append(_one_line(f"{label}: {dotted}: {above} is not a table"))
                break
        else:
            node[leaf] = value
            _record_origins(value, origins, label, dotted)
    return problems
