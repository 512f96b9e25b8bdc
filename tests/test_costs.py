"""The cost model: a measure's cost follows from its intensity, a budget sets its intensity,
and the dose-response experiment runs measures at budgets on paired seeds."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from smugglesim.cli import main
from smugglesim.experiments.dose_response import (
    default_levels,
    dose_response,
    equal_budget,
    target_scenario,
    with_budget,
)
from smugglesim.experiments.measure_effects import DOWNSTREAM, PACKAGES
from smugglesim.model import ScenarioError, SmugglingModel, load_scenario
from smugglesim.model.measures import MEASURES
from smugglesim.model.measures.base import _bounds
from smugglesim.model.scenario import Scenario

DEFAULT = Scenario()
# Measure 6 buys whole platforms (its routes), not a number: tested on its own below.
NUMERIC = [key for key in MEASURES if key != "joint_operational_platforms"]


@pytest.mark.parametrize("key", NUMERIC)
def test_a_measure_s_cost_never_falls_as_its_scaled_parameter_rises(key):
    cls = MEASURES[key]
    low, high = _bounds(cls.Params, cls.scaled)
    values = np.linspace(
        low, min(high, low + 4 * (cls.Params().model_dump()[cls.scaled] - low + 1))
    )
    costs = [cls._cost_at(v, cls.Params(), DEFAULT) for v in values]
    assert all(b >= a for a, b in itertools.pairwise(costs)), key
    assert costs[-1] > costs[0], f"{key}: the cost does not move with {cls.scaled}"


def _lowest(field) -> float:
    """The lowest value a unit cost's range allows (the nearest float above an open end)."""
    from annotated_types import Ge, Gt

    for m in field.metadata:
        if isinstance(m, Ge):
            return float(m.ge)
        if isinstance(m, Gt):
            return math.nextafter(float(m.gt), math.inf)
    raise AssertionError(f"{field} has no lower bound")


@pytest.mark.parametrize("key", NUMERIC)
def test_a_measure_s_cost_is_finite_with_every_unit_cost_at_its_lowest(key):
    """Every unit cost and productivity at the lowest value its range allows, the measure at
    its highest intensity: the yearly cost is a number. A productivity (leads an analyst
    analyses a week, checks a mobile team makes) divides the intensity a measure adds: at
    the smallest positive float its range allowed, measure 3's cost was infinite (found by
    the slow property test, 4 December 2026)."""
    cls = MEASURES[key]
    costs = {name: _lowest(field) for name, field in type(DEFAULT.costs).model_fields.items()}
    scenario = Scenario.model_validate({"costs": costs})
    _, high = _bounds(cls.Params, cls.scaled)
    kind = cls.Params.model_fields[cls.scaled].annotation
    params = cls.Params.model_validate({cls.scaled: kind(min(high, 1e12))})
    assert math.isfinite(cls.yearly_cost_eur(params, scenario)), key


@pytest.mark.parametrize("key", NUMERIC)
def test_a_budget_buys_an_intensity_that_costs_that_budget(key):
    cls = MEASURES[key]
    fixed, most = cls.budget_range(cls.Params(), DEFAULT)
    integer = cls.Params.model_fields[cls.scaled].annotation is int
    for budget in np.linspace(fixed, min(most, fixed + 2e7), 7):
        params = cls.resolve(cls.Params(budget_eur_per_year=float(budget)), DEFAULT)
        cost = cls.yearly_cost_eur(params, DEFAULT)
        if integer:  # whole officers: the most that fits, and one more would not
            assert cost <= budget + 1e-6
            one_more = getattr(params, cls.scaled) + 1
            assert cls._cost_at(one_more, params, DEFAULT) > budget
        else:
            assert cost == pytest.approx(budget, rel=1e-9, abs=1e-3)


def test_a_budget_buys_whole_platforms_on_the_first_routes():
    cls = MEASURES["joint_operational_platforms"]
    costs = [
        cls.yearly_cost_eur(cls.Params(routes=r), DEFAULT)
        for r in (["central_med"], ["central_med", "eastern_med"])
    ]
    assert costs == [500_000, 1_000_000]
    for budget, routes in ((500_000, 1), (999_999, 1), (1_000_000, 2), (1_500_000, 3)):
        params = cls.resolve(cls.Params(budget_eur_per_year=budget), DEFAULT)
        assert params.routes == ["central_med", "eastern_med", "western_med"][:routes]
        assert cls.yearly_cost_eur(params, DEFAULT) <= budget


def test_a_new_platform_on_a_route_that_has_one_in_the_status_quo_is_refused(tmp_path):
    """The Western Balkans has the JOO Vienna in the status quo: measure 6 there cost EUR
    500,000 a year and changed nothing (review, 4 December 2026). Now a one-line error
    naming the file and the key; a status quo without that platform accepts it."""
    path = tmp_path / "wb.toml"
    path.write_text(
        'extends = "baseline.toml"\n[measures.joint_operational_platforms]\nenabled = true\n'
        'routes = ["central_med", "western_balkans"]\n'
    )
    (tmp_path / "baseline.toml").write_text("")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert err.value.errors == [
        f"{path}: measures.joint_operational_platforms.routes: western_balkans already has a "
        "platform in the status quo (enforcement.platform_routes): a new one there would cost "
        "and change nothing"
    ]
    elsewhere = load_scenario(path, {"enforcement.platform_routes": []})
    assert elsewhere.measures.joint_operational_platforms.routes[-1] == "western_balkans"
    off = {"measures.joint_operational_platforms.enabled": False}
    assert load_scenario(path, off).measures.joint_operational_platforms.enabled is False


def test_referral_action_days_without_referrals_are_neither_held_nor_paid_for():
    """Measure 10 with ``referrals_per_action_day`` 0 schedules no action day; it paid for
    four (EUR 266,667 of its EUR 2.37 million, review of 4 December 2026)."""
    cls = MEASURES["iru_takedowns"]
    with_days = cls.yearly_cost_eur(cls.Params(), DEFAULT)
    without = cls.yearly_cost_eur(cls.Params(referrals_per_action_day=0), DEFAULT)
    assert with_days - without == pytest.approx(4 * DEFAULT.costs.action_day_eur)
    key = "measures.iru_takedowns"
    off = {f"{key}.enabled": True, f"{key}.referrals_per_action_day": 0, "run.years": 0.1}
    model = SmugglingModel(load_scenario("scenarios/baseline.toml", off), rng=1)
    assert model.measures[0]._action_days is None


def test_without_a_budget_a_measure_runs_at_its_parameters_and_costs_its_cost_model():
    model = SmugglingModel(
        load_scenario("scenarios/emsc_capacity.toml", {"run.years": 0.25}), rng=1
    )
    (measure,) = model.measures
    assert measure.params.leads_per_week == 25.0
    model.run()
    assert model.summary()["measures_cost_eur"] == pytest.approx(3_000_000 * 13 / 52)


def test_a_budget_sets_the_scaled_parameter_and_what_the_run_spends():
    sc = load_scenario(
        "scenarios/emsc_capacity.toml",
        {"run.years": 0.25, "measures.emsc_capacity.budget_eur_per_year": 6_000_000},
    )
    model = SmugglingModel(sc, rng=1)
    (measure,) = model.measures
    # (35 - 15 leads a week) / 0.4 per analyst = 50 analysts at EUR 120,000
    assert measure.params.leads_per_week == pytest.approx(35.0)
    assert model.emsc.leads_per_week == pytest.approx(35.0)
    model.run()
    assert model.summary()["measures_cost_eur"] == pytest.approx(6_000_000 * 13 / 52)


def test_unit_costs_move_the_cost_and_with_a_budget_the_intensity():
    sc = load_scenario(
        "scenarios/emsc_capacity.toml",
        {
            "costs.analyst_eur_per_year": 240_000,
            "measures.emsc_capacity.budget_eur_per_year": 6_000_000,
        },
    )
    cls = MEASURES["emsc_capacity"]
    assert cls.resolve(sc.measures.emsc_capacity, sc).leads_per_week == pytest.approx(25.0)


def test_a_scenario_with_a_budget_round_trips_through_its_data():
    sc = load_scenario(
        "scenarios/lo_coordination.toml", {"measures.lo_coordination.budget_eur_per_year": 3e6}
    )
    again = Scenario.model_validate(sc.model_dump(mode="json"))
    assert again == sc


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            "budget_eur_per_year = 1e6",
            "bad.toml: measures.financial_investigations.budget_eur_per_year: EUR 1,000,000 is "
            "below the measure's fixed cost of EUR 3,000,000",
        ),
        (
            "budget_eur_per_year = 1e9",
            "bad.toml: measures.financial_investigations.budget_eur_per_year: EUR 1,000,000,000 "
            "is more than the measure can spend, EUR 31,000,000",
        ),
        (
            "budget_eur_per_year = 5e6\nparallel_share = 0.9",
            "bad.toml: measures.financial_investigations.parallel_share: give either "
            "budget_eur_per_year or parallel_share, not both",
        ),
        (
            "cost_eur_per_year = 5e6",
            "bad.toml: measures.financial_investigations.cost_eur_per_year: unknown key; a "
            "measure's cost follows from its intensity",
        ),
    ],
)
def test_a_bad_budget_is_one_line_naming_the_file_and_key(tmp_path, table, expected):
    path = tmp_path / "bad.toml"
    path.write_text(
        f'extends = "baseline.toml"\n[measures.financial_investigations]\nenabled = true\n{table}\n'
    )
    (tmp_path / "baseline.toml").write_text("")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    assert len(err.value.errors) == 1
    assert err.value.errors[0].endswith(expected) or expected in err.value.errors[0]
    assert err.value.errors[0].startswith("bad.toml: ") or "bad.toml: " in err.value.errors[0]


def test_the_unit_costs_are_in_the_screening_of_assumptions():
    from smugglesim.experiments.sensitivity import assumption_params

    params = assumption_params()
    for name in ("costs.analyst_eur_per_year", "costs.seconded_officer_eur_per_year"):
        assert name in params
    # the document's figure is a source, and the reference detections are Frontex's
    assert "costs.detections_per_year" not in params


def test_default_levels_are_five_budgets_within_what_a_measure_can_spend():
    sc = target_scenario("information_clearing_house")
    levels = default_levels(sc)
    assert len(levels) == 5 and levels == sorted(levels)
    assert levels[0] == pytest.approx(400_000) and levels[-1] == pytest.approx(2_500_000)


def test_a_package_s_budget_is_shared_by_default_cost_within_each_measure_s_range():
    package = target_scenario("package_external_action")
    default = {k: MEASURES[k].yearly_cost_eur(p, package) for k, p in package.active_measures()}
    sc = with_budget(package, sum(default.values()))
    shares = {k: p.budget_eur_per_year for k, p in sc.active_measures()}
    assert shares == pytest.approx(default)
    # below a measure's fixed cost its share is raised to it
    low = with_budget(package, 1_000_000)
    assert low.measures.lo_coordination.budget_eur_per_year == pytest.approx(900_000)


def test_the_dose_response_command_writes_a_table_and_a_plot(tmp_path, capsys):
    out = tmp_path / "dr"
    args = [
        "dose-response",
        "empact_action_days",
        "--levels",
        "2e5,4e5",
        "--seeds",
        "2",
        "--format",
        "md",
    ]
    assert main([*args, "--years", "0.1", "--out", str(out), "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert "| 0.20 m |" in printed and "| 0.40 m |" in printed
    import pandas as pd

    table = pd.read_csv(out / "dose_response.csv")
    assert len(table) == 2 * len(DOWNSTREAM)
    assert {"level_eur", "change", "low", "high", "spent_eur_per_year"} <= set(table.columns)
    assert (out / "dose_response.png").stat().st_size > 0


@pytest.mark.slow  # 38 runs: about 17 s
def test_the_equal_budget_table_has_one_row_per_measure_and_package():
    table = equal_budget(5e6, seeds=2, years=1 / 52)
    assert list(dict.fromkeys(table.scenario)) == [*MEASURES, *PACKAGES]
    spent = table.groupby("scenario", sort=False).spent_eur_per_year.first()
    # what each spends: 5 million, or the most it can (the clearing house, the platforms)
    assert spent["emsc_capacity"] == pytest.approx(5e6)
    assert spent["information_clearing_house"] == pytest.approx(2.5e6)
    assert spent["joint_operational_platforms"] == pytest.approx(1.5e6)
    # a package spends at least its measures' fixed costs
    fixed = sum(
        MEASURES[k].budget_range(p, DEFAULT)[0]
        for k, p in target_scenario("all_measures").active_measures()
    )
    assert spent["all_measures"] >= fixed > 5e6


@pytest.mark.slow
def test_a_larger_budget_for_financial_investigations_freezes_more():
    table = dose_response("financial_investigations", [4e6, 3e7], seeds=4, years=2.0, workers=2)
    ratio = table[table.outcome == "confiscation_ratio"].sort_values("level_eur")
    assert ratio.change.iloc[1] > ratio.change.iloc[0]
