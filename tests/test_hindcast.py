"""The hindcast (smugglesim/experiments/hindcast.py): its observations, the split between
fitted and predicted years, the calendar sums and the naive forecasts."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from smugglesim.experiments import hindcast as hc
from smugglesim.experiments import hindcast_report as report
from smugglesim.experiments.observed import Observed, read_observed, split


def test_observed_rows_name_declared_sources_and_quarters_sum_to_years():
    obs = read_observed()
    assert set(obs.table["source"]) <= set(obs.sources)
    years = obs.yearly("detections")
    quarters = obs.quarterly("detections")
    for year in range(2015, 2020):
        cols = [c for c in quarters.columns if c.startswith(str(year))]
        np.testing.assert_allclose(quarters[cols].sum(axis=1), years[year])
    # The routes of the route network, nothing else (facilitators are EU-wide: "all").
    assert set(obs.table["route"]) == {*hc.ROUTES, "all"}


def _fake_simulate(asked: list[int]) -> hc.Simulate:
    """Detections that depend on the params, route and year, with no model run; records the
    number of years it is asked for."""

    def simulate(points, seeds, years):
        asked.append(years)
        rows = []
        for i, k in enumerate(points):
            for seed in seeds:
                for n, route in enumerate(hc.ROUTES):
                    for year in range(2015, 2015 + years):
                        value = (
                            1e4 * (n + 1) * k.subsaharan_demand * k.secondary_share * (year - 2013)
                        )
                        rows.append(("detections", route, str(year), value + seed, i, seed))
        return pd.DataFrame(rows, columns=["measure", "route", "period", "value", "point", "seed"])

    return simulate


def _with_predicted_years(obs: Observed, value: float) -> Observed:
    table = obs.table.copy()
    table.loc[table["year"] >= 2017, "value"] = value
    return dataclasses.replace(obs, table=table)


def test_fit_never_reads_a_predicted_year():
    obs = read_observed()
    points = hc.grid_points(hc.QUICK_GRID)
    fits = []
    for held_out in (None, np.nan, 1e12, -5.0):
        altered = obs if held_out is None else _with_predicted_years(obs, held_out)
        asked: list[int] = []
        fitted, _ = split(altered, hc.FIT_YEARS)
        assert set(fitted.table["year"]) == set(hc.FIT_YEARS)
        fits.append(hc.fit(fitted, _fake_simulate(asked), points, [1, 2]))
        # The fit runs the model over the fitted years only.
        assert asked == [len(hc.FIT_YEARS)]
    for other in fits[1:]:
        assert other.params == fits[0].params
        assert other.loss == fits[0].loss
        pd.testing.assert_frame_equal(other.table, fits[0].table)


def test_hindcast_fit_is_the_same_whatever_the_predicted_years_say():
    obs = read_observed()
    points = hc.grid_points(hc.QUICK_GRID)[:4]
    results = [
        hc.hindcast(o, _fake_simulate([]), points, [1], [1, 2])
        for o in (obs, _with_predicted_years(obs, 1e12))
    ]
    assert results[0][0].params == results[1][0].params
    pd.testing.assert_frame_equal(results[0][1], results[1][1])


def test_calendar_totals_spread_each_week_over_its_days():
    dates = pd.date_range("2015-01-01", periods=260, freq="7D")
    ts = pd.DataFrame({"date": dates, "x": 7.0})  # one a day
    years = hc.calendar_totals(ts, ["x"], quarterly=False)["x"]
    # 2016 is a leap year; 2019 is covered to 25 December and scaled to its 365 days.
    assert years.to_dict() == pytest.approx(
        {"2015": 365, "2016": 366, "2017": 365, "2018": 365, "2019": 365}
    )
    quarters = hc.calendar_totals(ts, ["x"], quarterly=True)["x"]
    assert quarters["2016-Q1"] == pytest.approx(91)
    assert "2020-Q1" not in quarters  # one day of 2020: left out


def test_naive_forecasts_are_persistence_and_2016_shares():
    obs = read_observed()
    runs = pd.DataFrame(
        [("detections", r, "2017", 1.0, 0, 1) for r in hc.ROUTES],
        columns=["measure", "route", "period", "value", "point", "seed"],
    )
    c = report.compare(obs, runs, hc.FIT_YEARS)
    det = obs.yearly("detections")
    row = c[
        (c["measure"] == "detections") & (c["route"] == "central_med") & (c["period"] == "2018")
    ]
    assert row["persistence"].item() == det.loc["central_med", 2016]
    share = det.loc["central_med", 2016] / det[2016].sum()
    assert row["shares"].item() == pytest.approx(share * det[2018].sum())
    fitted = c[c["fitted"]]
    assert fitted["persistence"].isna().all() and fitted["shares"].isna().all()
    errors = report.mare(c)
    yearly = errors[(errors["measure"] == "detections") & (errors["periods"] == "yearly")]
    assert yearly.loc[yearly["by"] == "all", "n"].item() == 12


@pytest.mark.slow
def test_tiny_hindcast_runs_end_to_end(tmp_path):
    code = hc.main(
        ["--quick", "--scale", "0.05", "--seeds", "2", "--fit-seeds", "1", "--out", str(tmp_path)]
    )
    assert code == 0
    compared = pd.read_csv(tmp_path / "hindcast.csv")
    predicted = compared[~compared["fitted"] & (compared["measure"] == "detections")]
    assert predicted["model"].notna().all()
    assert (tmp_path / "hindcast.png").stat().st_size > 0
