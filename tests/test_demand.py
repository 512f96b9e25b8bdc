"""Demand responds to the journey's cost, third countries intercept, and routes connect."""

from __future__ import annotations

import numpy as np
import pytest

from smugglesim.model import SmugglingModel
from smugglesim.model.demand import OriginDemand
from smugglesim.model.parameters import DemandParams
from smugglesim.model.routes import default_routes_path, load_routes
from tests.conftest import short


def _departures(cost_ratio: float, weeks: int = 30, **params) -> int:
    routes = load_routes()
    demand = OriginDemand(routes, DemandParams(**params), np.random.default_rng(5))
    base = np.full(len(routes.origins), 3000.0)
    demand.departures(0, base)  # the reference cost: the first week's
    return int(sum(demand.departures(w, base * cost_ratio).sum() for w in range(1, weeks)))


def test_a_dearer_journey_means_fewer_departures_and_more_giving_up():
    same, dearer = _departures(1.0), _departures(1.5)
    assert dearer < 0.95 * same
    # no response without an elasticity
    assert _departures(1.5, departure_elasticity=0.0) == same


def test_the_response_grows_with_the_elasticity():
    low = _departures(1.5, departure_elasticity=0.2)
    high = _departures(1.5, departure_elasticity=1.0)
    assert high < low


def test_a_cheaper_journey_adds_no_departures_beyond_the_would_be_migrants():
    assert _departures(0.5) == _departures(1.0)


def test_giving_up_grows_with_waiting():
    routes = load_routes()
    demand = OriginDemand(routes, DemandParams(give_up_doubling_weeks=4), np.random.default_rng(1))
    chance = demand._give_up_by_wait
    assert chance[0] == 0.5 and chance[4] == 1.0 and np.all(np.diff(chance) >= 0)


def test_a_fee_rise_in_the_model_lowers_departures():
    """Same seed; in week 8 every OCG's base prices rise 60% in one run."""

    def departed(raise_fees: bool) -> int:
        model = SmugglingModel(short("baseline", years=0.5), rng=11)
        while model.running:
            if raise_fees and model.week == 8:
                model.ocg_table.base_price *= 1.6
            model.step()
        return int(model.timeseries()["migrants_departed"].iloc[10:].sum())

    assert departed(True) < 0.97 * departed(False)


def test_more_entries_into_greece_raise_western_balkans_departures(tmp_path):
    """A route file with twice the departures from the Middle East: more migrants enter
    Greece, and more of them move on through the Western Balkans."""
    text = default_routes_path().read_text()
    marker = 'node = "middle_east"\ndepartures_per_week = '
    start = text.index(marker) + len(marker)
    end = text.index("\n", start)
    rate = int(text[start:end])
    doubled = tmp_path / "routes.toml"
    doubled.write_text(text[:start] + str(2 * rate) + text[end:])

    def balkans(routes) -> int:
        model = SmugglingModel(short("baseline", years=0.75), rng=3, routes=routes).run()
        return int(model.timeseries()["departed_western_balkans"].iloc[20:].sum())

    assert balkans(load_routes(doubled)) > 1.1 * balkans(load_routes())


def test_the_pool_moving_on_from_greece_starts_at_the_run_s_scale():
    """``demand.scale`` multiplies every origin's departures, the start of the pool of
    migrants moving on from Greece too (once left out: at scale 0 the Western Balkans saw
    1,429 departures in a year, and no other route any)."""
    routes = load_routes()
    fed = np.array([bool(o.get("fed_by")) for o in routes.origins])
    rng = np.random.default_rng(1)
    full = OriginDemand(routes, DemandParams(), rng).moving_on
    tenth = OriginDemand(routes, DemandParams(scale=0.1), rng).moving_on
    assert fed.any() and np.all(full[fed] > 0)
    np.testing.assert_allclose(tenth[fed], full[fed] * 0.1, atol=0.5)
    assert not OriginDemand(routes, DemandParams(scale=0.0), rng).moving_on.any()
    model = SmugglingModel(short("baseline", years=0.25, **{"demand.scale": 0.0}), rng=1).run()
    assert model.timeseries()["migrants_departed"].sum() == 0


def test_interceptions_return_migrants_and_are_counted_apart():
    model = SmugglingModel(short("baseline", years=0.5), rng=2).run()
    s = model.summary()
    j = model.journeys()
    assert s["interceptions"] > 0
    assert s["interceptions_by_route"]["western_balkans"] == 0  # no third-country coast guard
    assert s["returned"] == (j["outcome"] == "returned").sum() > 0
    # a detection is an entry: entries are detected and undetected ones together
    entered = j["outcome"].isin(["arrived", "detected"])
    assert s["entries"] == int(entered.sum())
    # ... with every leg of the path done (a detected one once counted one leg short)
    path_len = model.routes.path_len[j.loc[entered, "path"].to_numpy()]
    assert (j.loc[entered, "legs_completed"].to_numpy() == path_len).all()


def test_the_fees_a_journey_paid_leave_out_the_escrow_refunded():
    """An intercepted migrant who buys the crossing again paid one fare and the upfront
    part of the first, not two fares: the journey log's fees (and the mean fee) once
    counted the refunded escrow too, about 5% above what was kept."""
    model = SmugglingModel(short("baseline", years=0.5), rng=2).run()
    migrants = model.migrants
    assert migrants.escrow_refunded > 0
    logged = model.journeys()["fee_paid_eur"].sum()
    en_route = migrants.view("paid")[migrants.view("state") >= 0].sum()
    kept = migrants.fees_paid - migrants.escrow_refunded
    assert logged + en_route == pytest.approx(kept, rel=1e-9)


def test_detection_probability_is_capped_at_one():
    sc = short("baseline", years=0.25)
    model = SmugglingModel(sc, rng=1)
    model.border_guards.detection_factor = 3.0
    model.run()
    outlook = model.market.outlook(3.0)
    assert np.isfinite(outlook.utility).all() and np.isfinite(outlook.cost).all()


def test_the_journey_log_has_the_declared_column_types():
    model = SmugglingModel(short("baseline", years=0.1), rng=1).run()
    from smugglesim.model.migrants import MigrantPopulation

    chunk = model.migrants._log[0]
    assert {k: v.dtype for k, v in chunk.items()} == {
        k: np.dtype(t) for k, t in MigrantPopulation.LOG_TYPES.items()
    }
