"""Time-varying inputs: the calendar of a dated run, demand schedules and dated events."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from smugglesim.model import SmugglingModel
from smugglesim.model import demand_schedule as schedules
from smugglesim.model.clock import Calendar
from smugglesim.model.demand import OriginDemand
from smugglesim.model.events import InterceptionQuota
from smugglesim.model.model import default_routes
from smugglesim.model.parameters import DemandParams
from smugglesim.model.scenario import ScenarioError, load_scenario, scenario_from_dict
from smugglesim.model.shipped import SHIPPED_DIR
from tests.conftest import short

HEADER = "# reference: 2015-Q1\n# source T: a test\nperiod,origin,group,figure,source\n"


def _schedule_file(tmp_path, monkeypatch, rows: str, name: str = "test") -> str:
    """A schedule ``demand_<name>.csv`` in a folder the loader reads instead of the
    shipped one."""
    monkeypatch.setattr(schedules, "SCHEDULES_DIR", tmp_path)
    (tmp_path / f"demand_{name}.csv").write_text(rows)
    return name


def _error(path, tmp_path, monkeypatch) -> str:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return str(info.value)


def _scenario(tmp_path, text: str):
    path = tmp_path / "x.toml"
    path.write_text('[run]\nstart = "2015-01"\nyears = 1\n' + text)
    return path


def test_calendar_dates_weeks_from_the_first_of_the_start_month():
    calendar = Calendar(dt.date(2015, 4, 1))
    assert calendar.date_of(0) == dt.date(2015, 4, 1)
    assert calendar.date_of(-52) == dt.date(2014, 4, 2)
    assert calendar.week_of(dt.date(2015, 4, 1)) == 0
    assert calendar.week_of(dt.date(2015, 4, 2)) == 1  # the first week from that day on
    assert calendar.season_offset_weeks == 12
    assert Calendar().season_offset_weeks == 0


def test_run_start_sets_start_year_and_must_agree_with_it():
    assert scenario_from_dict({"run": {"start": "2015-01"}}).run.start_year == 2015
    with pytest.raises(ScenarioError, match=r"run.start_year: 2016 is not the year of start"):
        scenario_from_dict({"run": {"start": "2015-01", "start_year": 2016}})
    with pytest.raises(ScenarioError, match=r"run.start: .*month written YYYY-MM"):
        scenario_from_dict({"run": {"start": "2015/01"}})


def test_schedule_factor_is_the_figure_per_day_over_the_reference(tmp_path, monkeypatch):
    name = _schedule_file(
        tmp_path,
        monkeypatch,
        HEADER + "2015-Q1,middle_east,SY,90,T\n2015-Q2,middle_east,SY,91,T\n"
        "2015-Q1,south_asia,AF,30,T\n2015-Q2,south_asia,AF,91,T\n",
    )
    schedule = schedules.load_schedule(name)
    assert schedule.labels == ("2015-Q1", "2015-Q2")
    assert schedule.factors["middle_east"] == pytest.approx((1.0, 1.0))  # 90 days, 91 days
    assert schedule.factors["south_asia"] == pytest.approx((1.0, 3.0))


def test_a_quarter_with_twice_the_flow_departs_about_twice_as_many(tmp_path, monkeypatch):
    name = _schedule_file(
        tmp_path,
        monkeypatch,
        HEADER + "2015-Q1,middle_east,SY,900,T\n2015-Q2,middle_east,SY,1820,T\n",
    )
    routes = default_routes()
    calendar = Calendar(dt.date(2015, 1, 1))

    def departures(scheduled: bool) -> np.ndarray:
        demand = OriginDemand(routes, DemandParams(), np.random.default_rng(3))
        if scheduled:
            demand.schedule = schedules.load_schedule(name).weekly(demand.nodes, calendar)
        cost = np.ones(len(demand.nodes))
        return np.array([demand.departures(week, cost) for week in range(26)])

    plain, scheduled = departures(False), departures(True)
    east = [o["node"] for o in routes.origins].index("middle_east")
    q1, q2 = slice(2, 13), slice(15, 26)  # a week or two for the waiting to catch up
    assert scheduled[q1, east].sum() / plain[q1, east].sum() == pytest.approx(1.0, rel=0.1)
    assert scheduled[q2, east].sum() / plain[q2, east].sum() == pytest.approx(2.0, rel=0.1)
    others = [o for o in range(plain.shape[1]) if o != east]
    assert scheduled[:, others].sum() == pytest.approx(plain[:, others].sum(), rel=0.05)


def _event_model(event: dict, **run) -> SmugglingModel:
    return SmugglingModel(
        scenario_from_dict(
            {
                "run": {"start": "2015-01", "years": 1, "warmup_years": 0, **run},
                "demand": {"scale": 0.1},
                "events": [{"source": "a test", **event}],
            }
        ),
        rng=1,
    )


def test_an_event_changes_the_leg_from_its_week_and_not_before():
    model = _event_model(
        {
            "date": "2015-03-01",
            "change": "interception_prob",
            "legs": ["libya->italy"],
            "value": 0.6,
        }
    )
    leg = model.routes.leg_index[("libya", "italy")]
    week = model.calendar.week_of(dt.date(2015, 3, 1))
    assert week == 9
    seen = []
    while model.clock.week <= week:
        seen.append(model.market.interception_prob[leg])  # before the week's step
        model.step()
    assert seen[:week] == [0.35] * week
    assert seen[week] == 0.6
    assert model.events[0].replaced == [0.35]
    assert default_routes().interception_prob[leg] == 0.35  # the shared network unchanged


def test_demand_factor_event_multiplies_an_origin_flow_from_its_week():
    model = _event_model({"week": 3, "change": "demand_factor", "origin": "south_asia", "value": 2})
    origins = model.migrants.origins
    while model.clock.week < 3:
        assert origins.factor is None
        model.step()
    assert origins.factor.tolist() == [1, 1, 1, 1, 2, 1]


def test_interception_count_shares_a_weekly_quota_over_the_legs_crossed():
    quota = InterceptionQuota(4)
    quota.set([1, 2], per_week=10.0, max_share=0.9)
    legs = np.array([0, 1, 1, 2, 3] + [2] * 15)
    none_evade = np.ones(legs.size)
    p = quota.chance(legs, np.full(legs.size, 0.2), none_evade)
    assert p[0] == p[4] == 0.2  # no count on legs 0 and 3
    assert p[1] == pytest.approx(10 / 18)  # 18 crossings of legs 1 and 2 share 10
    quota.set([1], per_week=100.0, max_share=0.9)
    assert quota.chance(np.array([1]), np.array([0.2]), np.ones(1))[0] == 0.9  # max_share
    quota.end([1, 2])
    assert quota.chance(legs, np.full(legs.size, 0.2), none_evade).tolist() == [0.2] * legs.size


def test_evasion_decides_whom_a_count_stops_not_how_many():
    """Crossings whose OCG evades more are stopped less, but the count is met: the chances
    of the crossings under it add up to the week's count."""
    quota = InterceptionQuota(2)
    quota.set([1], per_week=6.0, max_share=0.9)
    legs = np.array([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
    not_evaded = np.array([0.5, 1.0] + [0.5] * 5 + [1.0] * 5)
    p = quota.chance(legs, np.full(legs.size, 0.2), not_evaded)
    assert p[:2].tolist() == [0.1, 0.2]  # no count: the leg's chance less what is evaded
    assert p[2:].sum() == pytest.approx(6.0)
    assert p[7] == pytest.approx(2 * p[2])  # twice as exposed, twice as often stopped


def test_a_count_a_year_is_met_whatever_the_smugglers_evade():
    """A run stops the count it is given (times ``demand.scale``): 8,000 a year on the
    Central Mediterranean's three intercepted legs at scale 0.1 stop about 800 in the year,
    with the riskiest crossings evading half of it (before, evasion was applied after the
    count: about 670, seeds 1-3)."""
    stopped = []
    for seed in (1, 2, 3):
        scenario = scenario_from_dict(
            {
                "run": {"start": "2015-01", "years": 1, "warmup_years": 0.25},
                "demand": {"scale": 0.1},
                "smugglers": {"risky_detection_evasion": 0.5},
                "events": [
                    {
                        "source": "a test",
                        "date": "2015-01-01",
                        "change": "interceptions_per_year",
                        "legs": ["libya->italy", "libya->malta", "tunisia->italy"],
                        "value": 8000,
                    }
                ],
            }
        )
        summary = SmugglingModel(scenario, rng=seed).run().summary()
        stopped.append(summary["interceptions_by_route"]["central_med"])
    assert np.mean(stopped) == pytest.approx(800, rel=0.05)


def test_a_dated_run_carries_the_date_of_each_week():
    model = _event_model({"week": 0, "change": "demand_factor", "origin": "maghreb", "value": 1})
    model.n_weeks = 2
    ts = model.run().timeseries()
    assert ts["date"].tolist()[:2] == [np.datetime64("2015-01-01"), np.datetime64("2015-01-08")]


# -- bad input: one line each, naming the file and the key ------------------------------
def test_unknown_origin_in_a_schedule_names_the_file_line_and_key(tmp_path, monkeypatch):
    _schedule_file(tmp_path, monkeypatch, HEADER + "2015-Q1,middle_eats,SY,90,T\n")
    message = _error(_scenario(tmp_path, '[demand]\nschedule = "test"\n'), tmp_path, monkeypatch)
    assert "\n" not in message
    assert message.startswith("x.toml: demand.schedule: ")
    assert "demand_test.csv: line 4: unknown origin 'middle_eats'" in message


@pytest.mark.parametrize(
    ("rows", "says"),
    [
        ("period,origin,figure\n", "no '# reference: <period>' line"),
        ("# reference: 2015-Q1\nperiod,origin,figure\n", "the columns must be"),
        (HEADER + "2015-Q1,middle_east,SY,lots,T\n", "line 4: figure 'lots' is not a number"),
        (HEADER + "2015-Q1,middle_east,SY,90\n", "line 4: 4 fields, not 5"),
        (HEADER + "2015-Q1,middle_east,SY,90,U\n", "line 4: source 'U' is not named"),
        (HEADER + "2015-Q5,middle_east,SY,90,T\n", "period '2015-Q5' is neither"),
        (HEADER + "2015-Q1,greece_mainland,GR,90,T\n", "fed by secondary movement"),
        (
            HEADER + "2015-Q1,middle_east,SY,90,T\n2015-Q3,middle_east,SY,90,T\n",
            "period 2015-Q3 does not follow",
        ),
    ],
)
def test_malformed_schedule_is_one_line_naming_the_file(tmp_path, monkeypatch, rows, says):
    _schedule_file(tmp_path, monkeypatch, rows)
    message = _error(_scenario(tmp_path, '[demand]\nschedule = "test"\n'), tmp_path, monkeypatch)
    assert "\n" not in message
    assert message.startswith("x.toml: demand.schedule: demand_test.csv: ")
    assert says in message


def test_unknown_schedule_names_the_key_and_the_shipped_ones(tmp_path, monkeypatch):
    message = _error(
        _scenario(tmp_path, '[demand]\nschedule = "2015_2091"\n'), tmp_path, monkeypatch
    )
    assert message.startswith("x.toml: demand.schedule: no demand schedule '2015_2091'")
    assert "shipped: 2015_2019" in message


def test_schedule_must_cover_the_reported_weeks(tmp_path, monkeypatch):
    path = tmp_path / "x.toml"
    path.write_text('[run]\nstart = "2019-06"\nyears = 1\n[demand]\nschedule = "2015_2019"\n')
    message = _error(path, tmp_path, monkeypatch)
    assert message.startswith("x.toml: demand.schedule: ")
    assert "covers 2015 to 2019" in message


@pytest.mark.parametrize(
    ("event", "key", "says"),
    [
        ('legs = ["libya->itally"]', "events.0.legs", "unknown leg 'libya->itally'; did you mean"),
        ('legs = ["libya->italy"]\ndate = 2014-12-01', "events.0.date", "is before run.start"),
        ('legs = ["libya->italy"]\nweek = 60', "events.0.week", "is not within"),
        ('legs = ["libya->italy"]\nvalue = 1.5', "events.0.value", "above 0.99"),
        ("origin = 'maghreb'", "events.0.legs", "needs the legs it changes"),
        (  # a factor on a fed origin's flow once validated and did nothing
            "change = 'demand_factor'\norigin = 'greece_mainland'",
            "events.0.origin",
            "'greece_mainland' is fed by secondary movement",
        ),
    ],
)
def test_bad_event_is_one_line_naming_the_file_and_key(tmp_path, monkeypatch, event, key, says):
    table = dict(line.split(" = ", 1) for line in event.splitlines())
    if "week" not in table:
        table.setdefault("date", "2015-03-01")
    table.setdefault("value", "0.5")
    body = "\n".join(f"{k} = {v}" for k, v in {"change": '"interception_prob"', **table}.items())
    message = _error(
        _scenario(tmp_path, f'[[events]]\nsource = "a test"\n{body}\n'), tmp_path, monkeypatch
    )
    assert message.count("\n") == 0, message
    assert message.startswith(f"x.toml: {key}: ")
    assert says in message


def test_a_dated_event_needs_run_start(tmp_path, monkeypatch):
    path = tmp_path / "x.toml"
    path.write_text(
        '[[events]]\ndate = 2016-03-20\nchange = "demand_factor"\norigin = "maghreb"\n'
        'value = 1.0\nsource = "a test"\n'
    )
    message = _error(path, tmp_path, monkeypatch)
    assert (
        message
        == "x.toml: events.0.date: needs run.start (the month of week 0) to place the run in time"
    )


def test_hindcast_scenario_validates_and_runs_a_year_at_small_scale():
    scenario = load_scenario(
        SHIPPED_DIR / "hindcast_2015_2019.toml",
        {"run.years": 1, "run.warmup_years": 0.25, "demand.scale": 0.05},
    )
    assert scenario.run.start == "2015-01" and scenario.demand.schedule == "2015_2019"
    assert all(e.source for e in scenario.events)
    model = SmugglingModel(scenario, rng=1).run()
    applied = [e.spec.date for e in model.events if e.applied]
    assert applied == [dt.date(2015, 1, 1), dt.date(2015, 6, 18)]  # the 2015 events only
    ts = model.timeseries()
    assert ts["date"].iloc[-1] == np.datetime64("2015-12-24")
    assert model.summary()["migrants_departed"] > 0


def test_evasion_is_at_most_all_of_the_detection():
    """The two falls in detection may add up to more than 1 within their ranges; an OCG
    then evades all of it, no more (a negative share not evaded would weigh a count)."""
    scenario = short(
        "baseline",
        0.1,
        **{
            "smugglers.risky_detection_evasion": 1.0,
            "smugglers.forger_detection_reduction": 1.0,
        },
    )
    model = SmugglingModel(scenario, rng=1).run()
    assert model.market.evasion.max() == 1.0  # some OCG's two falls add up to 1 or more
