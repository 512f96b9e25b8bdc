"""Compiled loops over the migrant table (numba), for the weekly passes of
:mod:`smugglesim.model.migrants`.

A pass in numpy makes a temporary array for every step (a gather, a mask, a product) and
reads the table's columns once for each; these loops do a pass's steps row by row, in one
read. They do the same arithmetic in the same order as the numpy they replace, and draw the
same random numbers in the same order: each takes the uniforms it needs as an array drawn
by numpy, as the numpy passes drew them, so that a loop is a function of its arguments
alone (``tests/test_kernels.py`` gives it uniforms of its own) and a pass that draws twice
is two loops with the draw between them. Sums whose rounding depends on the order of their
terms (numpy adds pairwise) stay in numpy. A run's results are those of the numpy passes
they replaced, draw for draw (checked with ``python -m smugglesim.experiments.same_results``).

The loops check their indices (``boundscheck``): an index out of range raises an error
instead of writing over memory.
"""

from __future__ import annotations

import numba
import numpy as np

_jit = numba.njit(cache=True, nogil=True, boundscheck=True)

# The migrant table's states (its ``state`` column), read by the loops as constants.
SEARCHING, TRAVELLING = 0, 1
GONE = -9  # a finished journey, logged; the row is reused at the next compaction
# A journey that ended, not yet logged, has the state -1 - outcome. arrived: entered the EU
# unseen; detected: entered the EU and was detected (registered) at the border, as Frontex
# counts detections of illegal border-crossing; returned: gave up after a third country
# intercepted the crossing and returned them.
OUTCOMES = ("arrived", "detected", "died", "abandoned", "returned")
ARRIVED, DETECTED, DIED, ABANDONED, RETURNED = range(5)


@_jit
def travelling_due(n, week, due_week, state):
    """The rows (of the first ``n``) travelling a leg that ends by ``week``, in order."""
    done = np.empty(n, dtype=np.intp)
    count = 0
    for r in range(n):  # without a branch: a row's test is often true, at random
        done[count] = r
        count += (due_week[r] <= week) & (state[r] == TRAVELLING)
    return done[:count]


@_jit
def searching(n, state, leg):
    """The rows (of the first ``n``) searching for a passage, in order, and their legs."""
    idx = np.empty(n, dtype=np.intp)
    count = 0
    for r in range(n):
        idx[count] = r
        count += state[r] == SEARCHING
    idx = idx[:count]
    legs = np.empty(count, dtype=np.intp)
    for k in range(count):
        legs[k] = leg[idx[k]]
    return idx, legs


@_jit
def leg_ends(done, leg, ocg, death_risk, death_mult_of, exposed, u):
    """The legs and OCGs (-1: alone, read as the last entry of ``death_mult_of``) of the
    travellers in ``done``, who died (``u`` against the leg's death risk times the OCG's
    multiplier), and the positions in ``done`` of those alive on a leg ``exposed`` to
    interception."""
    m = done.size
    legs = np.empty(m, dtype=np.intp)
    ocgs = np.empty(m, dtype=np.intp)
    died = np.empty(m, dtype=np.bool_)
    at_risk = np.empty(m, dtype=np.intp)
    n_risk = 0
    last = death_mult_of.size - 1
    for k in range(m):
        r = done[k]
        g = leg[r]
        o = ocg[r]
        legs[k] = g
        ocgs[k] = o
        d = u[k] < death_risk[g] * death_mult_of[o if o >= 0 else last]
        died[k] = d
        at_risk[n_risk] = k
        n_risk += exposed[g] & (not d)
    return legs, ocgs, died, at_risk[:n_risk]


@_jit
def leg_outcomes(
    done,
    legs,
    ocgs,
    died,
    stopped,
    u_home,
    u_detect,
    escrow,
    paid,
    state,
    pos,
    path,
    leg,
    ocg,
    route_of_path,
    n_routes,
    is_border,
    detection_prob,
    detection_factor,
    not_evaded_of,
    give_up_after_return_prob,
    path_len,
    path_legs_flat,
    path_width,
    n_ocgs,
):
    """The end of the legs in ``done`` (from :func:`leg_ends`, with who was ``stopped``
    by a third country): escrow refunded to the family of the dead and the stopped (the
    refunds, in order, returned for numpy to add) or released to the OCG (summed by OCG,
    in order, as ``np.bincount`` does); the stopped go home (``u_home``, one for each in
    order, against ``give_up_after_return_prob``) or search again; of the others, those
    crossing the EU border are detected (``u_detect``, one for each in order) and enter,
    or pass unseen and arrive at the path's end or search for the next leg. Journeys that
    end are marked in ``state`` (-1 - outcome).

    Returns the refunds, the escrow released by OCG id, those intercepted by route, those
    who entered the EU by path, whether anyone was detected, and the detections by OCG id
    (up to the highest with one)."""
    m = done.size
    refunds = np.empty(m, dtype=np.float64)
    n_refunds = 0
    released = np.zeros(n_ocgs, dtype=np.float64)
    intercepted = np.zeros(n_routes, dtype=np.int64)
    entered = np.zeros(path_len.size, dtype=np.int64)
    for k in range(m):
        r = done[k]
        e = escrow[r]
        if died[k] or stopped[k]:
            refunds[n_refunds] = e
            n_refunds += 1
            paid[r] = paid[r] - e
        elif ocgs[k] >= 0:
            released[ocgs[k]] += e
        escrow[r] = 0.0
        if died[k]:
            state[r] = -1 - DIED
    j = 0
    for k in range(m):
        if stopped[k]:
            r = done[k]
            intercepted[route_of_path[path[r]]] += 1
            if u_home[j] < give_up_after_return_prob:
                state[r] = -1 - RETURNED
            else:
                state[r] = SEARCHING
                ocg[r] = -1
            j += 1
    last = not_evaded_of.size - 1
    detected = np.zeros(m, dtype=np.bool_)
    top = -1
    j = 0
    for k in range(m):
        if is_border[legs[k]] and not (died[k] or stopped[k]):
            o = ocgs[k]
            p = min(detection_prob[legs[k]] * detection_factor, 1.0)
            p = p * not_evaded_of[o if o >= 0 else last]
            if u_detect[j] < p:
                detected[k] = True
                top = max(top, o)
            j += 1
    by_ocg = np.zeros(top + 1, dtype=np.int64)
    caught = False
    for k in range(m):
        r = done[k]
        if detected[k]:
            caught = True
            if ocgs[k] >= 0:
                by_ocg[ocgs[k]] += 1
            pos[r] = pos[r] + 1
            state[r] = -1 - DETECTED
            entered[path[r]] += 1
        elif not (died[k] or stopped[k]):
            p_ = path[r]
            q = pos[r] + 1
            pos[r] = q
            if q >= path_len[p_]:
                state[r] = -1 - ARRIVED
                entered[p_] += 1
            else:
                state[r] = SEARCHING
                leg[r] = path_legs_flat[p_ * path_width + q]
                ocg[r] = -1
    return refunds[:n_refunds], released, intercepted, entered, caught, by_ocg


@_jit
def pick_offers(legs, finders, u, guide, cdf_padded, guide_bins, capacity):
    """The offer each finder (positions in ``legs``) picks with its uniform ``u``: the
    offer on its leg whose span of ``cdf_padded`` (``leg + cumulative weight``, then an
    infinite end) holds ``leg + u``, stepped to from the guide table; then each offer
    takes those who picked it, in turn, up to its ``capacity``.

    Returns the finders taken and the offers taking them (in the order of the offers when
    some were turned away, as a stable sort by offer puts them), and the places sold by
    offer."""
    n_found = finders.size
    pick = np.empty(n_found, dtype=np.intp)
    for j in range(n_found):
        g = legs[finders[j]]
        # A ``u`` within a rounding of 1 would make ``g + u`` equal to ``g + 1``, the end of
        # the leg's span, and pass into the next leg's offers: kept just below it.
        q = min(g + u[j], np.nextafter(g + 1.0, 0.0))
        o = guide[int(q * guide_bins)]
        while cdf_padded[o] <= q:
            o += 1
        pick[j] = o
    n_offers = capacity.size
    sold = np.zeros(n_offers, dtype=np.int64)
    for j in range(n_found):
        sold[pick[j]] += 1
    over = False
    for o in range(n_offers):
        over |= sold[o] > capacity[o]
    if not over:
        return finders, pick, sold
    # A stable counting sort by offer, keeping the first ``capacity`` of each offer.
    kept = np.minimum(sold, capacity)
    start = np.empty(n_offers, dtype=np.int64)
    total = 0
    for o in range(n_offers):
        start[o] = total
        total += kept[o]
    taken = np.zeros(n_offers, dtype=np.int64)
    out_finders = np.empty(total, dtype=np.intp)
    out_pick = np.empty(total, dtype=np.intp)
    for j in range(n_found):
        o = pick[j]
        if taken[o] < kept[o]:
            at = start[o] + taken[o]
            out_finders[at] = finders[j]
            out_pick[at] = o
            taken[o] += 1
    return out_finders, out_pick, kept


@_jit
def passages(legs, taken, self_travel_prob, u):
    """Of the searchers on ``legs``: 1 for those ``taken`` by an OCG; of the others, in
    order, 2 for those who go on alone (their uniform ``u`` below the leg's
    ``self_travel_prob``), 0 for those left searching. Returns the codes and how many are
    left searching."""
    m = legs.size
    how = np.zeros(m, dtype=np.int8)
    for j in range(taken.size):
        how[taken[j]] = 1
    j = 0
    left = 0
    for k in range(m):
        if how[k] == 0:
            if u[j] < self_travel_prob[legs[k]]:
                how[k] = 2
            else:
                left += 1
            j += 1
    return how, left


@_jit
def board(
    week,
    idx,
    legs,
    how,
    taken,
    pick,
    u_abandon,
    offer_ocg,
    offer_price,
    upfront_share,
    duration,
    route_of_path,
    n_routes,
    n_legs,
    abandon_prob_week,
    reroute_after_weeks,
    state,
    ocg,
    due_week,
    wait,
    legs_smuggled,
    paid,
    escrow,
    path,
):
    """The searchers ``idx`` (on ``legs``, with their codes ``how`` from :func:`passages`):
    those ``taken`` board their offer's OCG, paying its price (the rest into escrow); those
    going alone board with nobody; those still searching wait a week longer, give up
    (``u_abandon``, one for each in order, against ``abandon_prob_week``: ``state``
    -1 - abandoned), or, after ``reroute_after_weeks``, are stuck.

    Returns the migrants searching by leg, those left without a passage by leg, those who
    bought their first smuggled leg by route, and the rows of those stuck."""
    m = idx.size
    waiting = np.zeros(n_legs, dtype=np.int64)
    unserved = np.zeros(n_legs, dtype=np.int64)
    smuggled = np.zeros(n_routes, dtype=np.int64)
    for j in range(taken.size):
        k = taken[j]
        r = idx[k]
        o = pick[j]
        price = offer_price[o]
        state[r] = TRAVELLING
        ocg[r] = offer_ocg[o]
        due_week[r] = week - 1 + duration[legs[k]]
        wait[r] = 0
        before = legs_smuggled[r]
        if before == 0:
            smuggled[route_of_path[path[r]]] += 1
        legs_smuggled[r] = before + 1
        paid[r] = paid[r] + price
        escrow[r] = price * (1.0 - upfront_share)
    stuck = np.empty(m, dtype=np.intp)
    n_stuck = 0
    j = 0
    for k in range(m):
        g = legs[k]
        waiting[g] += 1
        r = idx[k]
        if how[k] == 2:
            state[r] = TRAVELLING
            ocg[r] = -1
            due_week[r] = week - 1 + duration[g]
            wait[r] = 0
        elif how[k] == 0:
            unserved[g] += 1
            w = wait[r] + 1
            wait[r] = w
            if u_abandon[j] < abandon_prob_week:
                state[r] = -1 - ABANDONED
            elif w >= reroute_after_weeks:
                stuck[n_stuck] = r
                n_stuck += 1
            j += 1
    return waiting, unserved, smuggled, stuck[:n_stuck]


@_jit
def journeys_ended(
    n,
    state,
    path,
    route_of_path,
    n_routes,
    paid,
    legs_smuggled,
    mid,
    origin,
    depart_week,
    pos,
    ocg,
    log,
):
    """The journeys that ended this week (rows of the first ``n`` whose ``state`` is
    -1 - outcome, not yet ``GONE``), in table order: counted by outcome and route (outcome
    times ``n_routes`` plus route), the fees of those who entered (arrived or
    detected) after a smuggled leg summed and counted by route (in order, as
    ``np.bincount`` adds), their rows marked ``GONE``; and, when ``log``, their columns of
    the journey log (``legs_completed`` is ``pos``, ``last_ocg`` is ``ocg``).

    Returns the counts, the fees' sums and counts, how many ended, and the log's columns:
    migrant, origin, path, route, outcome, depart week, legs completed, legs smuggled, fee
    paid, last OCG (empty when not ``log``)."""
    rows = np.empty(n, dtype=np.intp)
    count = 0
    for r in range(n):  # without a branch
        rows[count] = r
        s = state[r]
        count += (s < 0) & (s != GONE)
    per = np.zeros(len(OUTCOMES) * n_routes, dtype=np.int64)
    fees_sum = np.zeros(n_routes, dtype=np.float64)
    fees_n = np.zeros(n_routes, dtype=np.int64)
    m = count if log else 0
    l_mid = np.empty(m, dtype=mid.dtype)
    l_origin = np.empty(m, dtype=origin.dtype)
    l_path = np.empty(m, dtype=path.dtype)
    l_route = np.empty(m, dtype=np.int8)
    l_outcome = np.empty(m, dtype=np.int8)
    l_depart = np.empty(m, dtype=depart_week.dtype)
    l_pos = np.empty(m, dtype=pos.dtype)
    l_smuggled = np.empty(m, dtype=legs_smuggled.dtype)
    l_paid = np.empty(m, dtype=paid.dtype)
    l_ocg = np.empty(m, dtype=ocg.dtype)
    for k in range(count):
        r = rows[k]
        outcome = -1 - state[r]
        route = route_of_path[path[r]]
        per[outcome * n_routes + route] += 1
        if outcome <= DETECTED and legs_smuggled[r] > 0:
            fees_sum[route] += paid[r]
            fees_n[route] += 1
        if log:
            l_mid[k] = mid[r]
            l_origin[k] = origin[r]
            l_path[k] = path[r]
            l_route[k] = route
            l_outcome[k] = outcome
            l_depart[k] = depart_week[r]
            l_pos[k] = pos[r]
            l_smuggled[k] = legs_smuggled[r]
            l_paid[k] = paid[r]
            l_ocg[k] = ocg[r]
        state[r] = GONE
    columns = (
        l_mid, l_origin, l_path, l_route, l_outcome, l_depart, l_pos, l_smuggled, l_paid, l_ocg
    )  # fmt: skip
    return per, fees_sum, fees_n, count, columns
