"""The model runs, is reproducible, and conserves migrants and money."""

from __future__ import annotations

import gc
import json
import weakref

import numpy as np
import pandas as pd
import pytest

from smugglesim.model import SmugglingModel
from smugglesim.model.routes import ROUTES
from tests.conftest import assert_migrants_conserved, assert_money_conserved, short


def test_same_scenario_and_seed_give_identical_results():
    a = SmugglingModel(short("baseline"), rng=7).run()
    b = SmugglingModel(short("baseline"), rng=7).run()
    assert json.dumps(a.summary()) == json.dumps(b.summary())
    pd.testing.assert_frame_equal(a.timeseries(), b.timeseries())
    pd.testing.assert_frame_equal(a.journeys(), b.journeys())


def test_different_seeds_give_different_runs():
    a = SmugglingModel(short("baseline"), rng=1).run().summary()
    b = SmugglingModel(short("baseline"), rng=2).run().summary()
    assert a["migrants_departed"] != b["migrants_departed"]


def test_every_migrant_is_in_exactly_one_state_every_week():
    model = SmugglingModel(short("baseline"), rng=3)
    departed = 0
    while model.running:
        model.step()
        departed += int(model.timeseries()["migrants_departed"].iloc[-1])
        assert_migrants_conserved(model, departed)
    journeys = model.journeys()
    assert journeys["migrant"].is_unique
    outcomes = {"arrived", "detected", "died", "abandoned", "returned"}
    assert set(journeys["outcome"].unique()) <= outcomes


# Members paid 20 times the default: most groups run short of cash, so that every flow of
# money (pay, transporters, asset sales, drawdown, leaving unpaid) is exercised.
SHORT_OF_CASH = {"smugglers.member_pay_eur_week": 15_000.0}


@pytest.mark.parametrize("overrides", [{}, SHORT_OF_CASH], ids=["default", "short_of_cash"])
def test_every_euro_is_accounted_for_every_week(overrides):
    model = SmugglingModel(short("financial_investigations", years=2, **overrides), rng=4)
    while model.running:
        model.step()
        # cash + assets + spent + frozen + confiscated
        #   == proceeds + other income + start-up capital
        assert_money_conserved(model)
        assert min(o.cash for o in model.ocgs) >= -1e-6  # nothing is paid on credit
    assert model.prosecution.confiscated_eur > 0
    params = model.config.smugglers
    founders = model.ocg_lifecycle.initial_ocgs
    capital = params.startup_capital_eur * len(model.ocgs) + params.initial_assets_eur * founders
    assert sum(o.capital for o in model.ocgs) == pytest.approx(capital)
    summary = model.summary()
    if overrides:
        assert summary["ocgs_short_of_cash"] > 0
        assert summary["members_left_unpaid"] > 0
        assert summary["assets_sold_eur"] > 0


def test_timeseries_has_one_row_per_week_and_stable_names():
    model = SmugglingModel(short("baseline", years=0.5), rng=1).run()
    ts = model.timeseries()
    assert len(ts) == model.n_weeks == 26
    for name in [
        "week",
        "proceeds_eur",
        "confiscation_ratio",
        "arrivals_central_med",
        "members_arrested",
    ]:
        assert name in ts.columns
    assert np.all(np.diff(ts["proceeds_cum_eur"]) >= 0)


def test_summary_has_the_public_keys():
    summary = SmugglingModel(short("baseline", years=0.5), rng=1).run().summary()
    keys = {
        "scenario",
        "seed",
        "weeks",
        "migrants_departed",
        "migrants_smuggled",
        "arrivals_by_route",
        "detections_by_route",
        "deaths_by_route",
        "proceeds_eur",
        "assets_frozen_eur",
        "assets_confiscated_eur",
        "confiscation_ratio",
        "ocgs_active_end",
        "ocgs_dismantled",
        "members_arrested",
        "hvts_arrested",
        "convictions",
        "mean_fee_eur_by_route",
        "measures_cost_eur",
    }
    assert keys <= summary.keys()
    assert list(summary["arrivals_by_route"]) == list(ROUTES)


def test_a_finished_model_is_garbage_collected():
    model = SmugglingModel(short("baseline", years=0.5), rng=1).run()
    ref = weakref.ref(model)
    del model
    gc.collect()
    assert ref() is None


def test_route_space_is_a_mesa_network_at_geographic_positions():
    model = SmugglingModel(short("baseline", years=0.1), rng=1)
    cells = list(model.space.all_cells)
    assert len(cells) == model.routes.graph.number_of_nodes()
    assert all(cell.position is not None for cell in cells)


def test_ocg_efficiency_equals_networkx_global_efficiency():
    import networkx as nx

    from smugglesim.model.smugglers import ocg_efficiency

    model = SmugglingModel(short("baseline", years=1.0), rng=2).run()
    checked = 0
    for ocg in model.ocgs:
        if len(ocg.members) >= 2:
            expected = nx.global_efficiency(model.social.subgraph(ocg.members))
            assert ocg_efficiency(model.social, ocg) == pytest.approx(expected)
            checked += 1
    assert checked > 20
