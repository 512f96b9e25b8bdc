"""Properties of any scenario the schema accepts, drawn by hypothesis from the schema itself.

Every key of every table of :class:`Scenario` (the sections of
``smugglesim/model/parameters.py`` and each measure's ``Params``) is drawn within its declared
type and ``ge/gt/le/lt`` range, a list of names from the vocabulary its own validator accepts
(the routes or the locations of ``smugglesim/model/routes.py``), so a new key is covered
without editing this file. Combinations the schema refuses (its checks across keys) are
dropped by the schema's own validation (``assume``), not by its rules written again here.
Measures switched on start and end within the run's horizon, which the schema would refuse
otherwise.

The default run draws few examples on fixed seeds (``derandomize``), so CI is
reproducible; ``pytest -m slow`` runs the same properties with many more examples and
demand up to the calibrated level.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import types
import typing
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from smugglesim.model import SmugglingModel, outputs
from smugglesim.model.demand_schedule import shipped_schedules
from smugglesim.model.measures import MEASURES
from smugglesim.model.parameters import DemandParams, Operation, RunParams
from smugglesim.model.routes import LEGS, NODES, ROUTES
from smugglesim.model.scenario import Scenario, ScenarioError, load_scenario, scenario_from_dict
from tests.conftest import assert_migrants_conserved, assert_money_conserved
from tests.test_bad_input import errors_of, keys

# -- profiles ----------------------------------------------------------------------------
_COMMON = {
    "deadline": None,
    "derandomize": True,
    "database": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow],
}
# (settings of the schema properties, of the model runs, the largest demand.scale drawn in
# runs, the largest multiple of its default drawn for any other number in runs: None, the
# declared range)
FAST = (settings(max_examples=40, **_COMMON), settings(max_examples=8, **_COMMON), 0.1, 10.0)
SLOW = (settings(max_examples=400, **_COMMON), settings(max_examples=60, **_COMMON), 1.0, None)
PROFILES = [
    pytest.param(FAST, id="fast"),
    pytest.param(SLOW, id="slow", marks=pytest.mark.slow),
]


# -- strategies read from the schema -------------------------------------------------------
def _is_table(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _constraints(field: FieldInfo) -> dict[str, Any]:
    """The field's declared bounds (``ge``, ``gt``, ``le``, ``lt``, ``min_length``,
    ``max_length``), as pydantic keeps them in its metadata."""
    found: dict[str, Any] = {}
    for meta in field.metadata:
        for name in ("ge", "gt", "le", "lt", "min_length", "max_length"):
            if getattr(meta, name, None) is not None:
                found[name] = getattr(meta, name)
    return found


def _accepts(owner: type[BaseModel], name: str, value: Any) -> bool:
    try:
        owner.model_validate({name: value})
    except ValidationError as exc:  # the key's own errors, not those of required others
        return not any(e["loc"][:1] == (name,) for e in exc.errors())
    return True


def _names(owner: type[BaseModel], name: str, c: dict[str, Any]) -> st.SearchStrategy:
    """Lists of the names the field's own validator accepts: the routes, the locations or
    the legs of the network (or any text, if it takes several)."""
    vocabularies = [v for v in (ROUTES, NODES, LEGS) if _accepts(owner, name, list(v))]
    size = {"min_size": c.get("min_length", 0), "max_size": c.get("max_length")}
    if len(vocabularies) == 1:
        return st.lists(st.sampled_from(vocabularies[0]), unique=True, **size)
    if vocabularies:
        return st.lists(st.text(max_size=20), **size)
    return st.just(owner.model_fields[name].get_default(call_default_factory=True))


def _number(kind: type, c: dict[str, Any], cap: float | None = None) -> st.SearchStrategy:
    low = c.get("ge", c.get("gt"))
    high = c.get("le", c.get("lt"))
    if cap is not None and (high is None or cap < high) and (low is None or cap > low):
        high = cap
        c = {k: v for k, v in c.items() if k != "lt"}
    if kind is int:
        low = -(10**6) if low is None else math.floor(low) + ("gt" in c)
        high = 10**6 if high is None else math.ceil(high) - ("lt" in c)
        return st.integers(low, high)
    floats = st.floats(
        -1e12 if low is None else low,
        1e12 if high is None else high,
        exclude_min="gt" in c,
        exclude_max="lt" in c,
        allow_nan=False,
        allow_infinity=False,
    )
    # TOML users write ``years = 5``: an integer where a float is expected is valid too.
    whole_low = -(10**6) if low is None else math.floor(low) + 1
    whole_high = 10**6 if high is None else math.ceil(high) - 1
    if whole_low > whole_high:
        return floats
    return st.one_of(floats, st.integers(whole_low, whole_high))


def field_values(
    owner: type[BaseModel], name: str, field: FieldInfo, spread: float | None = None
) -> st.SearchStrategy:
    """Values of the key ``name`` of the table ``owner`` of its declared type and range;
    with ``spread``, numbers at most ``spread`` times a positive default (cheaper runs)."""
    annotation = field.annotation
    c = _constraints(field)
    # Keys whose text must name something: a month, a shipped demand schedule.
    if (owner, name) == (RunParams, "start") and annotation is str:
        return st.builds("{}-{:02}".format, st.integers(2000, 2100), st.integers(1, 12))
    if (owner, name) == (DemandParams, "schedule") and annotation is str:
        return st.sampled_from([*shipped_schedules(), "not_shipped"])
    if annotation is dt.date:
        return st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))
    if _is_table(annotation):
        return tables(annotation, spread)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        options = []
        for arg in typing.get_args(annotation):
            if arg is type(None):
                options.append(st.none())
            else:
                arg_field = FieldInfo(annotation=arg, default=field.default, **c)
                options.append(field_values(owner, name, arg_field, spread))
        return st.one_of(options)
    if annotation is bool:
        return st.booleans()
    if annotation in (int, float):
        default = field.get_default(call_default_factory=True)
        positive = isinstance(default, int | float) and default > 0
        return _number(annotation, c, spread * default if spread and positive else None)
    if annotation is str:
        # Surrogates cannot be written to a file; control characters can (and may be refused).
        chars = st.characters(exclude_categories=["Cs"])
        return st.text(chars, min_size=c.get("min_length", 0), max_size=c.get("max_length"))
    if typing.get_origin(annotation) is list and typing.get_args(annotation) == (str,):
        return _names(owner, name, c)
    if typing.get_origin(annotation) is list and _is_table(typing.get_args(annotation)[0]):
        return st.lists(tables(typing.get_args(annotation)[0], spread), max_size=1)
    if typing.get_origin(annotation) is typing.Literal:
        return st.sampled_from(typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.sampled_from([m.value for m in annotation])
    # A kind of key this file does not know yet: its default (still a valid scenario).
    return st.just(field.get_default(call_default_factory=True))


def tables(
    model: type[BaseModel], spread: float | None = None, **fixed: st.SearchStrategy
) -> st.SearchStrategy:
    """Dicts for the table ``model``: each key left out (its default) or drawn; the keys in
    ``fixed`` always drawn, from the strategies given."""
    drawn = {
        name: field_values(model, name, field, spread)
        for name, field in model.model_fields.items()
        if name not in fixed
    }
    return st.fixed_dictionaries(fixed, optional=drawn)


@st.composite
def measure_table(
    draw: st.DrawFn, params: type[BaseModel], weeks: int, spread: float | None
) -> dict[str, Any]:
    """A measure's table; if it is switched on, it starts and ends within ``weeks``."""
    table = draw(tables(params, spread))
    # A budget is valid only within the measure's cost range (tests/test_costs.py): none here.
    table.pop("budget_eur_per_year", None)
    if table.get("enabled"):
        start = draw(st.integers(0, weeks - 1))
        table["start_week"] = start
        table["end_week"] = draw(st.none() | st.integers(start + 1, weeks))
    return table


@st.composite
def scenario_dicts(
    draw: st.DrawFn,
    years: float | None = None,
    max_scale: float = 10.0,
    spread: float | None = None,
):
    """A scenario as the dict a TOML file gives, accepted by the schema. ``years`` fixes
    the horizon; ``max_scale`` caps ``demand.scale`` and ``spread`` every number with a
    positive default at that many times its default (to keep model runs cheap: a
    third-country partner reporting 10,000 leads a week slows a run a hundredfold)."""
    fixed = {"run": tables(Scenario.model_fields["run"].annotation)}
    data = draw(
        tables(
            Scenario,
            spread,
            measures=st.just({}),
            operations=st.just([]),
            events=st.just([]),  # tests/test_time_varying.py
            **fixed,
        )
    )
    # A schedule needs a run dated within it (tests/test_time_varying.py): none here; a
    # run's start_year, if written with its start, is the start's.
    data.get("demand", {}).pop("schedule", None)
    if data["run"].get("start") is not None and "start_year" in data["run"]:
        data["run"]["start_year"] = int(data["run"]["start"][:4])
    if years is not None:
        data["run"]["years"] = years
        # a warm-up of up to a quarter of the horizon, so that runs stay cheap
        data["run"]["warmup_years"] = draw(st.floats(0, years / 4))
    scale = st.floats(0, min(max_scale, 10.0))
    data["demand"] = {**data.get("demand", {}), "scale": draw(scale)}
    weeks = Scenario.model_validate({"run": data["run"]}).weeks
    measures_model = Scenario.model_fields["measures"].annotation
    for key in MEASURES:
        params = measures_model.model_fields[key].annotation
        if draw(st.booleans()):
            data["measures"][key] = draw(measure_table(params, weeks, spread))
    if draw(st.booleans()):  # a one-off operation within the horizon, on one target
        target = draw(
            st.one_of(
                st.fixed_dictionaries({"ocg": st.integers(0, 100)}),
                st.fixed_dictionaries({"route": st.sampled_from([*ROUTES, "all"])}),
            )
        )
        op = draw(tables(Operation, spread, week=st.integers(0, weeks - 1)))
        op.pop("ocg", None)
        op.pop("route", None)
        data["operations"] = [{**op, **target}]
    try:
        Scenario.model_validate(data)
    except ValidationError:
        assume(False)
    return data


def test_the_strategies_cover_every_key_of_the_schema():
    """Every key is drawn from its type, not left at its default for want of a strategy."""
    for table, key, field in keys():
        owner = Scenario
        for part in filter(None, table.split(".")):
            owner = owner.model_fields[part].annotation
        strategy = field_values(owner, key, field)
        assert "just(" not in repr(strategy), f"{table}.{key}: no strategy for {field}"


# -- TOML, written for the round trip ------------------------------------------------------
def _toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch != "\t" and (ord(ch) < 0x20 or ord(ch) == 0x7F):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)  # repr of a float (1e-05, inf, nan) is valid TOML
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):  # a table in an array ([[operations]]), written inline
        pairs = (f"{k} = {_toml_value(v)}" for k, v in value.items() if v is not None)
        return "{" + ", ".join(pairs) + "}"
    raise TypeError(f"no TOML for {value!r}")


def to_toml(data: dict[str, Any], prefix: str = "") -> str:
    """``data`` as a TOML document; a key whose value is None is left out (TOML has no
    null, and None is every such key's default)."""
    lines = [f"[{prefix}]"] if prefix else []
    for key, value in data.items():
        if value is not None and not isinstance(value, dict):
            lines.append(f"{key} = {_toml_value(value)}")
    text = "\n".join(lines) + "\n"
    for key, value in data.items():
        if isinstance(value, dict):
            text += to_toml(value, f"{prefix}.{key}" if prefix else key)
    return text


def _write(folder: Path, data: dict[str, Any], name: str = "drawn.toml") -> Path:
    path = folder / name
    path.write_text(to_toml(data), encoding="utf-8")
    return path


# -- properties of loading -----------------------------------------------------------------
@pytest.mark.parametrize("profile", PROFILES)
def test_any_valid_scenario_round_trips_through_a_toml_file(profile, tmp_path):
    @profile[0]
    @given(scenario_dicts())
    def check(data: dict[str, Any]) -> None:
        path = _write(tmp_path, data)
        # A file without a name is named after the file.
        expected = scenario_from_dict({"name": path.stem, **data})
        assert load_scenario(path) == expected
        assert scenario_from_dict(expected.to_dict()) == expected

    check()


def _any_toml_value() -> st.SearchStrategy:
    words = st.from_regex(r"[a-z_]{1,8}", fullmatch=True)
    scalars = st.one_of(st.booleans(), st.integers(), st.floats(), st.text(max_size=12))
    return st.one_of(
        scalars,
        st.lists(st.one_of(st.integers(), st.text(max_size=8), st.sampled_from(ROUTES))),
        st.dictionaries(words, st.integers(), min_size=1, max_size=2),
    )


def _outside(field: FieldInfo) -> st.SearchStrategy:
    """Numbers just outside (or far outside) the field's declared range; nothing if it
    declares none."""
    c = _constraints(field)
    options = []
    if "ge" in c or "gt" in c:
        low = c.get("ge", c.get("gt"))
        options.append(st.floats(max_value=low, exclude_max="ge" in c, allow_nan=False))
        options.append(st.integers(max_value=math.ceil(low) - 1))
    if "le" in c or "lt" in c:
        high = c.get("le", c.get("lt"))
        options.append(st.floats(min_value=high, exclude_min="le" in c, allow_nan=False))
        options.append(st.integers(min_value=math.floor(high) + 1))
    if "min_length" in c and c["min_length"] > 0:
        options.append(st.just(""))
    if "max_length" in c:
        options.append(st.text(min_size=c["max_length"] + 1, max_size=c["max_length"] + 3))
    return st.one_of(options) if options else st.nothing()


@st.composite
def one_bad_key(draw: st.DrawFn):
    """A valid scenario with one key set to a value the schema refuses on its own (out of
    its range, of the wrong type), and the dotted key."""
    data = draw(scenario_dicts())
    table, key, field = draw(st.sampled_from(list(keys())))
    owner = Scenario
    for part in filter(None, table.split(".")):
        owner = owner.model_fields[part].annotation
    value = draw(st.one_of(_outside(field), _any_toml_value()))
    # Refused on its own, whatever the other keys say (not by a check across keys).
    try:
        owner.model_validate({key: value})
    except ValidationError as exc:
        assume(all(e["loc"][:1] == (key,) for e in exc.errors()))
    else:
        assume(False)
    node = data
    for part in filter(None, table.split(".")):
        node = node.setdefault(part, {})
    node[key] = value
    return data, f"{table}.{key}".lstrip(".")


@pytest.mark.parametrize("profile", PROFILES)
def test_a_refused_value_gives_one_line_errors_naming_the_file_and_the_key(profile, tmp_path):
    @profile[0]
    @given(one_bad_key())
    def check(case: tuple[dict[str, Any], str]) -> None:
        data, dotted = case
        path = _write(tmp_path, data, "bad.toml")
        for line in errors_of(path):  # one line each, no traceback
            named = f"bad.toml: {dotted}: " in line or f"bad.toml: {dotted}." in line
            assert named, (line, to_toml(data))  # (``key.0``: an element of a list)
        with pytest.raises(ScenarioError):
            scenario_from_dict(data)

    check()


# -- properties of a run -----------------------------------------------------------------
def assert_no_negative_stocks(model: SmugglingModel) -> None:
    """Money, members, pressure and counts are never below zero (up to rounding)."""
    t = model.ocg_table
    n = t.n
    scale = max(model.money_balance()["inflow"], 1.0)
    for name in t.MONEY:
        column = getattr(t, name)[:n]
        assert np.all(column >= -1e-9 * scale), (name, column.min())
    for name in ("pressure", "adverts_down", "inactive_weeks", "roles", "transporters", "sold"):
        column = getattr(t, name)[:n]
        assert np.all(column >= 0), (name, column.min())
    assert np.all((t.risk_level[:n] >= 0) & (t.risk_level[:n] <= 1))
    assert all(count >= 0 for count in model.migrants.counts_by_state().values())
    assert model.migrants.escrow_held() >= -1e-9 * scale
    assert model.prosecution.frozen_pending_eur >= -1e-9 * scale
    assert model.prosecution.confiscated_eur >= 0
    assert model.measures_cost_eur >= 0


def _undefined_allowed(model: SmugglingModel) -> tuple[set[str], set[str]]:
    """The weekly columns and the summary keys whose declaration (``smugglesim/model/outputs.py``)
    says they are NaN when undefined (a mean fee without journeys)."""
    routes = outputs.route_names(model)
    declared = [o for o in outputs.OUTPUTS if "(NaN)" in o.definition]
    columns = {c for o in declared if o.weekly for c in o.columns(routes)}
    return columns, {o.summary_key for o in declared if o.summary}


def _finite(value: Any, nan_allowed: bool) -> bool:
    if isinstance(value, dict):
        return all(_finite(v, nan_allowed) for v in value.values())
    if isinstance(value, int | float | np.number):
        return bool(np.isfinite(value)) or (nan_allowed and bool(np.isnan(value)))
    return True


@pytest.mark.parametrize("profile", PROFILES)
def test_any_valid_one_year_scenario_conserves_migrants_and_money_every_week(profile):
    @profile[1]
    @given(scenario_dicts(1.0, profile[2], profile[3]), st.integers(0, 2**32))
    def check(data: dict[str, Any], seed: int) -> None:
        model = SmugglingModel(scenario_from_dict(data), rng=seed)
        nan_columns, nan_keys = _undefined_allowed(model)
        departed = model.migrants.next_id  # those who set out in the warm-up
        while model.running:
            model.step()
            week = model.timeseries().iloc[-1].drop("date", errors="ignore")  # a dated run's
            numbers = week.to_numpy(dtype=float)
            bad = ~np.isfinite(numbers) & ~(np.isnan(numbers) & week.index.isin(nan_columns))
            assert not bad.any(), week[bad]
            departed += int(week["migrants_departed"])
            assert_migrants_conserved(model, departed)
            assert_money_conserved(model)
            assert_no_negative_stocks(model)
        for key, value in model.summary().items():
            assert _finite(value, key in nan_keys), (key, value)

    check()


# -- each number at the ends of its range ---------------------------------------------------
def _ends(field: FieldInfo) -> list[float]:
    """The lowest and highest values the field's declared range allows (the nearest float
    inside an open end)."""
    c = _constraints(field)
    integer = field.annotation in (int, int | None)
    ends = []
    for name, inward in (("ge", 0), ("gt", math.inf), ("le", 0), ("lt", -math.inf)):
        if name in c:
            value = c[name]
            if inward:
                value = (
                    value + (1 if inward > 0 else -1) if integer else math.nextafter(value, inward)
                )
            ends.append(int(value) if integer else float(value))
    return ends


def _one_key_at_its_ends() -> list[Any]:
    cases = []
    for table, key, field in keys():
        if field.annotation not in (int, float, int | None, float | None):
            continue
        for value in _ends(field):
            cases.append(pytest.param(table, key, value, id=f"{table}.{key}={value!r}"))
    return cases


@pytest.mark.parametrize(("table", "key", "value"), _one_key_at_its_ends())
def test_every_number_alone_at_either_end_of_its_range_runs(table, key, value):
    """A scenario with one number at the lowest or the highest value its range allows (its
    measure switched on) runs a few weeks and keeps the invariants, or is refused by a check
    across keys; a gamma shape of 1e-323 once validated and then crashed."""
    data: dict[str, Any] = {"run": {"years": 0.1, "warmup_years": 0.0}, "demand": {"scale": 0.1}}
    node = data
    parts = [p for p in table.split(".") if p]
    if parts[:1] == ["measures"]:
        data["measures"] = {parts[1]: {"enabled": True}}
    for part in parts:
        node = node.setdefault(part, {})
    node[key] = value
    if (table, key) == ("run", "years"):
        node[key] = min(value, 0.1)  # the longest horizon is tested by its validation alone
    try:
        scenario = scenario_from_dict(data)
    except ScenarioError:
        return  # refused with the other keys at their defaults: the schema's own checks
    model = SmugglingModel(scenario, rng=1)
    departed = model.migrants.next_id
    while model.running:
        model.step()
        departed += int(model.timeseries().iloc[-1]["migrants_departed"])
    assert_migrants_conserved(model, departed)
    assert_money_conserved(model)
    assert_no_negative_stocks(model)
    _, nan_keys = _undefined_allowed(model)
    for name, number in model.summary().items():
        assert _finite(number, name in nan_keys), (name, number)
