"""Scenario schema and loader: TOML file -> validated :class:`Scenario`.

The schema is the sections of ``model/parameters.py`` and one table per registered measure;
every parameter of the model lives there, with its default, its range and a one-line
meaning, and the scenario reference (``docs/scenarios.md``) is generated from it.
A scenario file may ``extends = "other.toml"`` (a path relative to the file); the child's
tables are merged over the parent's, key by key.

Bad input raises :class:`ScenarioError`, whose message is one line naming the file and
the key path, e.g. ``scenarios/x.toml: measures.iru_takedowns.referrals_per_week: Input
should be greater than or equal to 0``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError, create_model

from model.measures import MEASURES
from model.parameters import (
    DemandParams,
    EnforcementParams,
    FinanceParams,
    JusticeParams,
    RoleWeights,
    RunParams,
    Section,
    SmugglerParams,
)

__all__ = [
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
    "load_scenario",
    "read_scenario",
    "scenario_from_dict",
]


class ScenarioError(ValueError):
    """A scenario file cannot be read or is invalid; the message is one line."""


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

    name: str = Field("unnamed", min_length=1, description="Short name, used in outputs.")
    description: str = Field("", description="What the scenario represents.")
    run: RunParams = Field(default_factory=RunParams)
    demand: DemandParams = Field(default_factory=DemandParams)
    smugglers: SmugglerParams = Field(default_factory=SmugglerParams)
    enforcement: EnforcementParams = Field(default_factory=EnforcementParams)
    finance: FinanceParams = Field(default_factory=FinanceParams)
    justice: JusticeParams = Field(default_factory=JusticeParams)
    measures: Measures = Field(default_factory=Measures)  # type: ignore[valid-type]

    @property
    def weeks(self) -> int:
        return round(self.run.years * 52)

    def active_measures(self) -> list[tuple[str, Any]]:
        """(key, params) of every measure switched on, in registry order."""
        return [
            (key, getattr(self.measures, key))
            for key in MEASURES
            if getattr(self.measures, key).enabled
        ]

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _deep_merge(base: dict, override: dict, origins: dict, src: Path, prefix: str = "") -> dict:
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


def _record_origins(value: Any, origins: dict, src: Path, path: str) -> None:
    origins[path] = src
    if isinstance(value, dict):
        for key, sub in value.items():
            _record_origins(sub, origins, src, f"{path}.{key}")


def _read_toml(path: Path, chain: tuple[Path, ...], origins: dict) -> dict:
    if path in chain:
        cycle = " -> ".join(str(p) for p in (*chain, path))
        raise ScenarioError(f"{chain[-1]}: extends: cyclic extends ({cycle})")
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        where = f"{chain[-1]}: extends" if chain else str(path)
        raise ScenarioError(f"{where}: file not found: {path}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: TOML syntax error: {exc}") from None
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror}") from None
    parent = data.pop("extends", None)
    if parent is None:
        return _deep_merge({}, data, origins, path)
    if not isinstance(parent, str):
        raise ScenarioError(f"{path}: extends: must be a file path string")
    base = _read_toml((path.parent / parent).resolve(), (*chain, path), origins)
    return _deep_merge(base, data, origins, path)


def _origin_of(loc: tuple, origins: dict, default: Path) -> Path:
    parts = [str(p) for p in loc]
    for n in range(len(parts), 0, -1):
        hit = origins.get(".".join(parts[:n]))
        if hit is not None:
            return hit
    return default


def _display(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def scenario_from_dict(data: dict[str, Any], source: str = "<dict>") -> Scenario:
    """Validate a plain dict (as read from TOML) into a :class:`Scenario`."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise ScenarioError(f"{source}: {key}: {err['msg']}") from None


def load_scenario(path: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Read, merge (``extends``) and validate a scenario file.

    Args:
        path: The TOML file.
        overrides: Optional dotted-key values applied last, e.g.
            ``{"measures.financial_investigations.parallel_share": 0.8}``.

    Raises:
        ScenarioError: one line naming the file and the key.
    """
    return read_scenario(path, overrides)[0]


def read_scenario(
    path: str | Path,
    overrides: dict[str, Any] | None = None,
    extra_tables: tuple[str, ...] = (),
) -> tuple[Scenario, dict[str, dict[str, Any]]]:
    """:func:`load_scenario`, also returning the tables named in ``extra_tables``.

    Tables that are not model parameters (the experiment layer's ``[sweep]``) are taken out
    of the merged data before validation and returned as they are, by name; an extra key
    that is not a table is an error naming the file that set it.
    """
    path = Path(path).resolve()
    origins: dict[str, Path] = {}
    data = _read_toml(path, (), origins)
    if origins.get("name") != path:
        data["name"] = path.stem  # a scenario is named by its own file, not its parent's
    extras: dict[str, dict[str, Any]] = {}
    for name in extra_tables:
        if name in data:
            table = data.pop(name)
            if not isinstance(table, dict):
                raise ScenarioError(f"{_display(origins.get(name, path))}: {name}: must be a table")
            extras[name] = table
    for dotted, value in (overrides or {}).items():
        node = data
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ScenarioError(f"{_display(path)}: {dotted}: not a table")
        node[leaf] = value
    try:
        return Scenario.model_validate(data), extras
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err["loc"]
        key = ".".join(str(p) for p in loc) or "(top level)"
        src = _origin_of(loc, origins, path)
        raise ScenarioError(f"{_display(src)}: {key}: {err['msg']}") from None
