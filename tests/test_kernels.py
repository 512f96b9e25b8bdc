"""The compiled loops over the migrant table against the numpy they stand for.

The loops must give what the vectorised numpy passes gave, element for element, for a run
to keep its results draw for draw (``python -m smugglesim.experiments.same_results`` checks
whole runs against an earlier commit; these check the pieces on arbitrary inputs).
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from smugglesim.model import kernels
from smugglesim.model.market import Offers

FAST = settings(max_examples=60, deadline=None)


@st.composite
def offers_and_finders(draw):
    """Offers on a few legs (some legs with none), and searchers on the legs with offers,
    with a uniform each."""
    n_legs = draw(st.integers(1, 5))
    per_leg = draw(st.lists(st.integers(0, 6), min_size=n_legs, max_size=n_legs))
    leg = np.repeat(np.arange(n_legs), per_leg)
    rows = leg.size
    floats = st.floats(0.01, 1.0)
    reach = np.array(draw(st.lists(floats, min_size=rows, max_size=rows)))
    price = np.array(draw(st.lists(st.floats(100, 5000), min_size=rows, max_size=rows)))
    capacity = np.array(draw(st.lists(st.integers(0, 6), min_size=rows, max_size=rows)))
    offers = Offers(
        np.arange(rows), leg, price, reach, capacity, n_legs, 0.001, np.zeros(max(rows, 1))
    )
    sold_legs = np.flatnonzero(np.bincount(leg, minlength=n_legs))
    n = draw(st.integers(0, 40)) if sold_legs.size else 0
    legs = np.array(
        draw(st.lists(st.sampled_from(sold_legs.tolist()), min_size=n, max_size=n)) if n else [],
        dtype=np.intp,
    )
    unit = st.floats(0.0, 1.0, exclude_max=True)
    u = np.array(draw(st.lists(unit, min_size=n, max_size=n)), dtype=float)
    return offers, legs, u


@FAST
@given(offers_and_finders())
def test_pick_offers_is_a_search_of_the_cdf_then_first_come_up_to_capacity(case):
    offers, legs, u = case
    finders = np.arange(legs.size, dtype=np.intp)
    taken, pick, sold = kernels.pick_offers(
        legs, finders, u, offers.guide, offers.cdf_padded, offers.GUIDE_BINS, offers.capacity
    )
    # The numpy it stands for: a binary search, then a stable sort by offer that keeps the
    # first ``capacity`` of each offer's run. (``legs + u`` is kept below the next leg: a
    # ``u`` just under 1 rounds to it, as the strategy's floats may, and a draw of
    # ``rng.random`` can.)
    q = np.minimum(legs + u, np.nextafter(legs + 1.0, 0.0))
    want = np.searchsorted(offers.leg_cdf, q, side="right")
    n_offers = offers.price.size
    want_sold = np.bincount(want, minlength=n_offers)
    want_finders = finders
    if (want_sold > offers.capacity).any():
        order = np.argsort(want, kind="stable")
        kept = np.minimum(want_sold, offers.capacity)
        run_start = np.cumsum(want_sold) - want_sold
        kept_start = np.cumsum(kept) - kept
        ok = np.arange(kept.sum()) + np.repeat(run_start - kept_start, kept)
        want_finders = finders[order[ok]]
        want = np.repeat(np.arange(n_offers), kept)
        want_sold = kept
    assert taken.tolist() == want_finders.tolist()
    assert pick.tolist() == want.tolist()
    assert sold.tolist() == want_sold.tolist()
    assert (offers.leg[pick] == legs[taken]).all()  # an offer on the searcher's own leg


@FAST
@given(
    hnp.arrays(np.int32, st.integers(0, 60), elements=st.integers(-2, 8)),
    st.data(),
    st.integers(0, 8),
)
def test_row_selections_are_the_numpy_masks(due_week, data, week):
    n = due_week.size
    state = data.draw(hnp.arrays(np.int8, n, elements=st.integers(-9, 1)))
    leg = data.draw(hnp.arrays(np.int16, n, elements=st.integers(0, 30)))
    within = data.draw(st.integers(0, n))  # the table's rows in use
    due = kernels.travelling_due(within, week, due_week, state)
    assert (
        due.tolist() == np.flatnonzero((due_week[:within] <= week) & (state[:within] == 1)).tolist()
    )
    idx, legs = kernels.searching(within, state, leg)
    assert idx.tolist() == np.flatnonzero(state[:within] == 0).tolist()
    assert legs.tolist() == leg[idx].tolist()


@FAST
@given(st.data(), st.integers(0, 30))
def test_passages_take_the_uniforms_of_those_not_taken_in_order(data, m):
    legs = data.draw(hnp.arrays(np.intp, m, elements=st.integers(0, 3)))
    taken = np.array(
        sorted(data.draw(st.sets(st.integers(0, max(m - 1, 0)), max_size=m)) if m else []),
        dtype=np.intp,
    )
    prob = data.draw(hnp.arrays(float, 4, elements=st.floats(0.0, 1.0)))
    u = data.draw(hnp.arrays(float, m - taken.size, elements=st.floats(0, 1, exclude_max=True)))
    how, left = kernels.passages(legs, taken, prob, u)
    served = np.zeros(m, dtype=bool)
    served[taken] = True
    rest = np.flatnonzero(~served)
    alone = rest[u < prob[legs[rest]]]
    want = np.zeros(m, dtype=np.int8)
    want[taken] = 1
    want[alone] = 2
    assert how.tolist() == want.tolist()
    assert left == m - taken.size - alone.size


@FAST
@given(st.data(), st.integers(0, 40), st.booleans())
def test_journeys_ended_are_counted_logged_and_marked_gone_as_numpy_would(data, n, log):
    gone, detected, n_outcomes, n_routes = kernels.GONE, kernels.DETECTED, len(kernels.OUTCOMES), 3
    state = data.draw(
        hnp.arrays(np.int8, n, elements=st.sampled_from([gone, -5, -4, -3, -2, -1, 0, 1]))
    )
    path = data.draw(hnp.arrays(np.int16, n, elements=st.integers(0, 4)))
    route_of_path = np.array([0, 0, 1, 2, 2], dtype=np.int64)
    paid = data.draw(hnp.arrays(float, n, elements=st.floats(0, 1e4)))
    smuggled = data.draw(hnp.arrays(np.int16, n, elements=st.integers(0, 3)))
    mid = np.arange(n, dtype=np.int64) * 7
    small = hnp.arrays(np.int16, n, elements=st.integers(0, 9))
    origin, pos = data.draw(small), data.draw(small)
    depart_week = data.draw(hnp.arrays(np.int32, n, elements=st.integers(-52, 300)))
    ocg = data.draw(hnp.arrays(np.int32, n, elements=st.integers(-1, 50)))
    within = data.draw(st.integers(0, n))
    before = state.copy()
    per, fees_sum, fees_n, ended, columns = kernels.journeys_ended(
        within, state, path, route_of_path, n_routes, paid, smuggled, mid, origin,
        depart_week, pos, ocg, log,
    )  # fmt: skip
    # The numpy it stands for (MigrantPopulation.compact before the loop).
    rows = np.flatnonzero((before[:within] < 0) & (before[:within] != gone))
    outcome = (-1 - before[rows]).astype(np.int8)
    route = route_of_path[path[rows]]
    want = np.bincount(outcome * n_routes + route, minlength=n_outcomes * n_routes)
    fac = np.flatnonzero((outcome <= detected) & (smuggled[rows] > 0))
    want_sum = np.bincount(route[fac], weights=paid[rows][fac], minlength=n_routes)
    assert ended == rows.size
    assert per.tolist() == want.tolist()
    assert fees_sum.tolist() == want_sum.tolist()  # the same sums, bit for bit
    assert fees_n.tolist() == np.bincount(route[fac], minlength=n_routes).tolist()
    after = before.copy()
    after[rows] = gone
    assert state.tolist() == after.tolist()
    logged = (
        mid[rows], origin[rows], path[rows], route.astype(np.int8), outcome, depart_week[rows],
        pos[rows], smuggled[rows], paid[rows], ocg[rows],
    )  # fmt: skip
    for got, column in zip(columns, logged, strict=True):
        if log:
            assert got.dtype == column.dtype and got.tolist() == column.tolist()
        else:
            assert got.size == 0
