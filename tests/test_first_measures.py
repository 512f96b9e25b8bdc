"""The three first measures move their mechanism's figures in the documented direction,
on paired seeds (same seed, same streams: only the measure differs)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from smugglesim.model import SmugglingModel
from tests.conftest import short

SEEDS = (1, 2, 3)


def paired(name: str, years: float = 2.0, **overrides) -> tuple[list, list]:
    base, other = [], []
    for seed in SEEDS:
        base.append(SmugglingModel(short("baseline", years), rng=seed).run())
        other.append(SmugglingModel(short(name, years, **overrides), rng=seed).run())
    return base, other


def test_financial_investigations_raise_frozen_confiscated_and_the_ratio():
    base, fi = paired("financial_investigations")
    for b, f in zip(base, fi, strict=True):
        sb, sf = b.summary(), f.summary()
        assert sf["assets_frozen_eur"] > sb["assets_frozen_eur"]
        assert sf["assets_confiscated_eur"] > sb["assets_confiscated_eur"]
        assert sf["confiscation_ratio"] > sb["confiscation_ratio"]
        # What is frozen is no longer the OCGs' to sell when they run short of cash (their
        # operations follow from their money: tests/test_money.py).
        held_b, held_f = (m.timeseries()["assets_held_eur"].iloc[-1] for m in (b, f))
        assert held_f < held_b
        assert sf["measures_cost_eur"] == pytest.approx(2 * 15_000_000)


def chance_to_find_a_smuggler(model: SmugglingModel) -> float:
    """Run ``model``; the weekly chance that a searching migrant finds an OCG, averaged
    over the weeks and weighted by the migrants waiting on each leg."""
    weekly = []
    while model.running:
        model.step()
        waiting = model.market.waiting_by_leg
        weekly.append((model.market.offers.p_find * waiting).sum() / waiting.sum())
    return float(np.mean(weekly))


def test_iru_takedowns_cut_live_adverts_and_make_searches_fail_more():
    base, iru = paired("iru_takedowns")
    ratios = []
    for b, i in zip(base, iru, strict=True):
        ratios.append(i.timeseries()["adverts_live"].mean() / b.timeseries()["adverts_live"].mean())
        assert i.summary()["leads_by_source"]["online"] > b.summary()["leads_by_source"]["online"]
    # Taken-down adverts are reposted after a few weeks, so the cut is partial; and since
    # demand became responsive and money binding (issue 10), the migrants left unserved
    # draw new OCGs, with adverts of their own: on seed 1 of 3, 48 OCGs enter against 34
    # in the baseline and the cut falls to 2%. Fewer adverts on every seed, 5% fewer on the
    # mean.
    assert max(ratios) < 1.0
    assert np.mean(ratios) < 0.95
    for seed in SEEDS:
        # fewer adverts: a searching migrant finds a smuggler less often
        found_base = chance_to_find_a_smuggler(SmugglingModel(short("baseline", 1), rng=seed))
        found_iru = chance_to_find_a_smuggler(SmugglingModel(short("iru_takedowns", 1), rng=seed))
        assert found_iru < found_base


@pytest.mark.slow
def test_iru_takedowns_make_more_migrants_give_up():
    """Searches that fail more often make more migrants abandon, on the mean of 12 seeds
    (on any one seed capacity, not adverts, decides most searches)."""
    seeds = range(1, 13)
    base = [SmugglingModel(short("baseline", 2), rng=s).run().summary() for s in seeds]
    iru = [SmugglingModel(short("iru_takedowns", 2), rng=s).run().summary() for s in seeds]
    assert sum(i["migrants_abandoned"] for i in iru) > sum(b["migrants_abandoned"] for b in base)


def test_lo_coordination_yields_more_liaison_leads():
    base, lo = paired("lo_coordination")
    for b, o in zip(base, lo, strict=True):
        assert o.summary()["leads_by_source"]["liaison"] > b.summary()["leads_by_source"]["liaison"]


def test_a_measure_present_but_disabled_gives_exactly_the_baseline():
    for key, extra in [
        ("financial_investigations", {"parallel_share": 0.99}),
        ("iru_takedowns", {"referrals_per_week": 500.0}),
        ("lo_coordination", {"extra_officers": 50}),
    ]:
        overrides = {
            f"measures.{key}.enabled": False,
            **{f"measures.{key}.{k}": v for k, v in extra.items()},
        }
        off = SmugglingModel(short("baseline", 1.0, **overrides), rng=5).run()
        base = SmugglingModel(short("baseline", 1.0), rng=5).run()
        a, b = off.summary(), base.summary()
        a.pop("scenario"), b.pop("scenario")
        assert json.dumps(a) == json.dumps(b)
        assert off.timeseries().equals(base.timeseries())


def test_a_measure_starts_and_stops_at_its_weeks():
    sc = short(
        "financial_investigations",
        1.0,
        **{
            "measures.financial_investigations.start_week": 10,
            "measures.financial_investigations.end_week": 30,
        },
    )
    model = SmugglingModel(sc, rng=1).run()
    cost = model.timeseries()["measures_cost_eur"].to_numpy()
    assert np.all(cost[:10] == 0) and np.all(cost[10:30] > 0) and np.all(cost[30:] == 0)
    assert model.financial_investigators.parallel_share == sc.finance.parallel_financial_share
