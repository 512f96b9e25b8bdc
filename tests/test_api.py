"""The Python API: one run in one line with labelled outputs, and replications of several
scenarios on paired seeds (in memory or through the batch layer) with bands and paired
comparisons."""

from __future__ import annotations

import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

import smugglesim
from smugglesim import MultiSim, ScenarioError, Sim
from smugglesim.experiments import run_batch
from smugglesim.model import SmugglingModel, load_scenario, outputs
from tests.conftest import NO_WARMUP

ROOT = Path(__file__).resolve().parents[1]
YEARS = 0.25  # 13 weeks: enough for every output to move


@pytest.fixture(scope="module")
def sim() -> Sim:
    return smugglesim.run("baseline", seed=2, years=YEARS, overrides=NO_WARMUP)


def test_run_a_shipped_scenario_by_name_gives_the_model_s_own_results(sim):
    model = SmugglingModel(
        load_scenario(ROOT / "scenarios" / "baseline.toml", {"run.years": YEARS, **NO_WARMUP}),
        rng=2,
    )
    model.run()
    assert sim.summary == model.summary()
    pd.testing.assert_frame_equal(sim.timeseries, model.timeseries())
    assert len(sim.journeys) == len(model.journeys())
    pd.testing.assert_frame_equal(sim.yearly, model.yearly())
    assert sim.years == YEARS and sim.scenario.weeks == 13


def test_a_scenario_is_a_path_a_name_or_an_object_with_overrides():
    by_path = Sim(ROOT / "scenarios" / "iru_takedowns.toml", years=1)
    by_name = Sim("iru_takedowns", years=1)
    assert by_path.scenario == by_name.scenario
    changed = Sim(by_name.scenario, overrides={"demand.scale": 1.5})
    assert changed.scenario.demand.scale == 1.5 and changed.scenario.run.years == 1
    assert smugglesim.scenario("baseline", years=2).run.years == 2
    assert "baseline" in smugglesim.shipped_scenarios()


def test_a_bad_name_or_override_fails_in_one_line_before_running():
    with pytest.raises(ScenarioError, match=r"basline: no such file.*did you mean baseline"):
        Sim("basline")
    with pytest.raises(ScenarioError, match=r"demand\.scale"):
        Sim("baseline", overrides={"demand.scale": -1})
    with pytest.raises(ValueError, match="seed: must be a whole number from 0"):
        Sim("baseline", seed=-1)
    with pytest.raises(RuntimeError, match=r"call \.run\(\) first"):
        Sim("baseline").summary  # noqa: B018


def test_table_labels_every_figure_from_the_registry(sim):
    table = sim.table()
    row = table.loc["confiscation_ratio"]
    assert row.label == "confiscation ratio" and row.unit == "share"
    assert row.formatted == outputs.lookup("confiscation_ratio").format(row.value)
    assert table.loc["arrivals_eastern_med", "label"] == "undetected entries, eastern_med"
    assert table.loc["proceeds_eur", "formatted"] == f"{sim.summary['proceeds_eur']:,.0f}"
    assert "baseline, seed 2: 13 weeks; whole run" in sim.report()
    assert sim._repr_markdown_().startswith("**baseline, seed 2: 13 weeks")


def test_plot_titles_come_from_the_registry_and_weeks_can_be_dates(sim):
    figure = sim.plot()
    assert isinstance(figure, Figure)
    titles = [ax.get_title() for ax in figure.axes if ax.get_visible()]
    assert titles[:3] == [
        "confiscation ratio",
        "confiscated so far (EUR)",
        "members arrested per week",
    ]
    assert figure.get_suptitle().startswith("baseline, seed 2: 13 weeks")
    assert figure.axes[0].get_xlabel() == "date"
    start = figure.axes[0].get_lines()[0].get_xdata()[0]
    assert np.datetime64(start, "D") == np.datetime64("2018-01-01")
    routes = sim.plot(["arrivals_<route>"], dates=False)
    assert routes.axes[0].get_title() == ("undetected entries, central_med per week (migrants)")
    assert routes.axes[0].get_xlabel() == "week"
    with pytest.raises(ValueError, match="did you mean arrivals"):
        sim.plot(["arrival"])


@pytest.fixture(scope="module")
def multi() -> MultiSim:
    return MultiSim(["baseline", "iru_takedowns"], replications=3, years=YEARS, seed=4).run()


def test_multisim_in_memory_gives_the_batch_layer_s_numbers(multi, tmp_path):
    files = [ROOT / "scenarios" / f"{n}.toml" for n in ("baseline", "iru_takedowns")]
    runs = run_batch(files, 3, out=tmp_path, seed=4, overrides={"run.years": YEARS}, progress=False)
    shared = [c for c in runs.columns if c in multi.runs.columns and c != "error"]
    pd.testing.assert_frame_equal(multi.runs[shared], runs[shared], check_dtype=False)
    stored = pd.read_parquet(tmp_path / "timeseries.parquet")
    pd.testing.assert_frame_equal(multi.timeseries, stored, check_dtype=False)
    assert multi.seeds == smugglesim.MultiSim.load(tmp_path).seeds
    two = MultiSim(["baseline", "iru_takedowns"], replications=3, years=YEARS, seed=4, workers=2)
    pd.testing.assert_frame_equal(two.run().runs, multi.runs)


def test_multisim_through_the_batch_layer_writes_parquet_and_loads_back(multi, tmp_path):
    on_disk = MultiSim(
        ["baseline", "iru_takedowns"], replications=3, years=YEARS, seed=4, out=tmp_path
    )
    on_disk.run()
    assert (tmp_path / "runs.parquet").exists() and (tmp_path / "manifest.json").exists()
    again = MultiSim.load(tmp_path)
    assert again.labels == ["baseline", "iru_takedowns"]
    pd.testing.assert_frame_equal(again.table(), multi.table())
    assert again.measures["iru_takedowns"][0]["measure"] == "iru_takedowns"


def test_multisim_bands_hold_the_median_and_the_runs_spread(multi):
    band = multi.bands("members_arrested", interval=0.9)
    assert set(band["scenario"]) == {"baseline", "iru_takedowns"} and len(band) == 2 * 13
    assert (band["low"] <= band["median"]).all() and (band["median"] <= band["high"]).all()
    weekly = multi.timeseries.groupby(["scenario", "week"])["members_arrested"]
    assert (band.set_index(["scenario", "week"])["high"] <= weekly.max()).all()
    figure = multi.plot(["confiscation_ratio", "members_arrested"])
    assert "median and central 90% of replications: 13 weeks, 3 replications" in (
        figure.get_suptitle()
    )


def test_multisim_table_and_summary_are_labelled(multi):
    summary = multi.summary()
    row = summary.set_index(["scenario", "output"]).loc[("iru_takedowns", "measures_cost_eur")]
    assert row.label == "cost of measures" and row.unit == "EUR" and row.n == 3
    table = multi.table()
    assert list(table.columns) == ["baseline", "iru_takedowns"]
    assert "proceeds (EUR)" in table.index and "confiscation ratio" in table.index
    assert table.index.name == "median [central 90%]: 13 weeks, 3 paired replications (same seeds)"
    assert table.loc["cost of measures (EUR)", "iru_takedowns"] == "591,667"  # EUR 2.37 m a year


def test_multisim_compares_paired_runs_against_the_baseline(multi):
    effects = multi.compare()
    assert set(effects["scenario"]) == {"iru_takedowns"} and set(effects["baseline"]) == {
        "baseline"
    }
    cost = effects.set_index("metric").loc["measures_cost_eur"]
    assert cost.diff_mean == pytest.approx(591_666.67) and cost.rel_note == "baseline is 0"
    forest = multi.plot_compare()
    assert len([ax for ax in forest.axes if ax.get_visible()]) == len(outputs.HEADLINE) - 1
    text = multi.report()
    assert text.startswith("iru_takedowns vs baseline: 13 weeks, 3 paired replications")
    assert "against the 2% line" in text
    with pytest.raises(ValueError, match="at least two scenarios"):
        MultiSim(["baseline"], replications=1, years=YEARS).run().compare()


def test_a_run_dated_from_mid_year_is_plotted_from_its_first_day(tmp_path):
    """Week 0 of a run with run.start = "2016-07" begins on 1 July 2016, in every plot (it
    began on 1 January before, half a year early); an undated run's on 1 January."""
    from smugglesim.app_figures import week_date
    from smugglesim.model.parameters import RunParams

    assert RunParams(start="2016-07").first_day == datetime.date(2016, 7, 1)
    assert RunParams(start_year=2017).first_day == datetime.date(2017, 1, 1)
    dated = {**NO_WARMUP, "run.start": "2016-07"}
    sim = Sim("baseline", years=2 / 52, seed=1, overrides=dated).run()
    first = sim.plot().axes[0].get_lines()[0].get_xdata()[0]
    assert np.datetime64(first, "D") == np.datetime64("2016-07-01")
    assert sim.timeseries["date"].iloc[0] == pd.Timestamp("2016-07-01")
    assert week_date(sim.model, 1) == datetime.date(2016, 7, 8)
    multi = MultiSim(["baseline"], replications=1, years=2 / 52, overrides=dated, out=tmp_path)
    for ms in (multi.run(), MultiSim.load(tmp_path)):
        first = ms.plot(dates=True).axes[0].get_lines()[0].get_xdata()[0]
        assert np.datetime64(first, "D") == np.datetime64("2016-07-01")
