"""Finite capacity of the actors behind the measures (issue 11, trade-offs): financial
investigators run only so many strands at once, prosecutors bring only so many cases to
judgment a week, and one-off operations take police work; recovery time is measured from
the arrests to the refill of the places they left."""

from __future__ import annotations

import math

import numpy as np
import pytest

from smugglesim.model import SmugglingModel
from smugglesim.model.intelligence import Lead
from smugglesim.model.justice import Case, Prosecution
from smugglesim.model.police import Investigation
from tests.conftest import short


def _model(name: str = "baseline", years: float = 0.1, **overrides) -> SmugglingModel:
    return SmugglingModel(short(name, years, **overrides), rng=1).run()


def _investigation(model: SmugglingModel, members: int) -> Investigation:
    """An investigation (not opened by a unit) into an OCG with ``members`` identified."""
    ocg = next(o for o in model.ocgs if len(o.members) >= members and not o.dismantled)
    unit = model.police_units[ocg.route]
    inv = Investigation(unit, ocg, Lead(ocg.members[0], "investigation", 0, 1.0), 0, 10)
    for m in ocg.members[1:members]:
        inv.add_target(m)
    return inv


def test_strands_beyond_the_financial_investigators_capacity_wait_largest_case_first():
    model = _model()
    finance = model.financial_investigators
    finance.waiting, finance.running = [], 0
    finance.staff, finance.strands_per_investigator = 10, 0.1  # one strand at once
    first, small, large = (_investigation(model, n) for n in (1, 1, 3))
    for inv in (first, small, large):
        finance.ask(inv)
    assert first.financial and not small.financial and not large.financial
    finance.step()
    assert finance.running == 1 and len(finance.waiting) == 2  # no place freed
    finance.end(first)
    finance.step()
    assert large.financial and not small.financial  # the largest case known takes the place
    assert finance.waiting == [small]
    finance.end(small)  # closed while waiting: its request lapses
    finance.end(large)
    finance.step()
    assert finance.running == 0 and finance.waiting == [] and not small.financial


def test_a_request_lapsed_while_waiting_does_not_hold_up_the_next_one():
    """A free place goes at once to a request behind one that closed while waiting: the
    lapsed request is no one waiting (it used to hold the new one back until the week's
    step)."""
    model = _model()
    finance = model.financial_investigators
    finance.waiting, finance.running = [], 0
    finance.staff, finance.strands_per_investigator = 10, 0.1  # one strand at once
    first, lapsed, new = (_investigation(model, 1) for _ in range(3))
    finance.ask(first)
    finance.ask(lapsed)
    finance.end(lapsed)  # closed while waiting
    finance.end(first)  # a place is free, and no open request waits for it
    finance.ask(new)
    assert new.financial and finance.running == 1
    assert finance.waiting == []


def test_no_financial_investigators_no_strand_and_nothing_traced():
    model = _model(years=0.5, **{"finance.financial_investigators": 0.0})
    ts = model.timeseries()
    assert ts["financial_strands"].max() == 0
    assert ts["financial_strands_waiting"].max() > 0
    assert all(not inv.financial for u in model.police_units.values() for inv in u.open)


def test_measure_7_adds_the_financial_investigators_it_pays_for():
    base, fi = _model(), _model("financial_investigations")
    added = fi.financial_investigators.staff - base.financial_investigators.staff
    assert added == pytest.approx((0.6 - 0.3) * 400.0)  # the cost model's staff
    assert fi.financial_investigators.capacity > base.financial_investigators.capacity


def test_a_unit_drops_stale_leads_wherever_they_wait_and_opens_the_oldest():
    """Leads arrive out of age order (a lead checked at the border arrives before older
    leads the EMSC analyses later in the week): a stale lead behind a fresh one is dropped
    too, and the oldest lead opens first, not the first to arrive. Before, only stale leads
    at the front were dropped and the first to arrive opened (review: with measure 3, 26 of
    147 investigations opened on a lead older than 26 weeks, seed 1, 2 years)."""
    model = _model()
    unit = model.police_units["central_med"]
    member = next(o for o in model.ocgs if o.route == "central_med").members[0]
    week = model.clock.week
    fresh, stale, older = (
        Lead(member, "debriefing", w, 0.9) for w in (week, week - unit.max_wait_weeks - 1, week - 2)
    )
    unit.waiting.clear()
    unit.waiting.extend([fresh, stale, older])
    unit.capacity = 0  # no investigation opens this week: only the drop
    unit.step()
    assert list(unit.waiting) == [fresh, older]
    assert unit.next_lead() is older
    assert unit.next_lead() is fresh


def test_courts_judge_at_most_their_capacity_a_week_the_cases_due_longest_first():
    model = _model()
    # A court with no cases yet, on the model's clock.
    pros = Prosecution(model.config.justice, model.clock, np.random.default_rng(1))
    pros.prosecutors, pros.judgments_per_prosecutor_year, pros._room = 1.0, 52.0, 0.0
    ocg = model.ocgs[0]
    cases = [Case(ocg, []) for _ in range(3)]
    for case in cases:
        pros.open_case(case)
    due = [c.judgment_week for c in cases]
    first = cases[due.index(min(due))]
    model.clock.week = max(due)
    before = pros.judgments
    pros.step()
    assert pros.judgments == before + 1 and pros.waiting_judgment == 2
    assert pros.open_cases == 2 and all(c is not first for *_, c in pros._pending)
    assert first.judgment_week == max(due)  # judged in the week it found room
    model.clock.week += 1
    pros.step()
    model.clock.week += 1
    pros.step()
    assert pros.judgments == before + 3 and pros.waiting_judgment == 0


def test_without_prosecutors_nothing_is_judged_and_nothing_confiscated():
    model = _model(years=1.0, **{"justice.prosecutors": 0.0})
    s = model.summary()
    assert s["convictions"] == 0 and s["assets_confiscated_eur"] == 0.0
    assert model.timeseries()["cases_awaiting_judgment"].iloc[-1] > 0


def test_measure_8_adds_the_prosecutors_it_pays_for():
    base, jc = _model(), _model("judicial_cooperation")
    added = jc.prosecution.prosecutors - base.prosecution.prosecutors
    assert added == pytest.approx((0.78 - 0.7) * 125.0)


def test_a_one_off_operation_takes_the_units_routine_work():
    ops = [{"week": 1, "route": "all", "members_per_ocg": 1, "strategy": "random"}]
    model = SmugglingModel(short("baseline", 0.1, operations=ops), rng=1)
    model.step()  # week 0
    op = model.operations[0]
    op.run()
    for route, unit in model.police_units.items():
        targeted = sum(1 for o in op.targets() if o.route == route)
        share = model.config.enforcement.operation_routine_work_share
        assert unit.diverted == pytest.approx(min(1.0, targeted * share))


def test_recovery_time_counts_the_weeks_from_an_arrest_to_the_refill():
    model = SmugglingModel(short("baseline", 0.1), rng=1)
    model.step()
    life = model.ocg_lifecycle
    assert math.isnan(life.recovery_weeks()) or life.recovery_weeks() >= 0
    life.refilled = life.refill_weeks = 0
    for ocg in life.ocgs:
        ocg.pending_replacements.clear()
    ocg = next(o for o in life.ocgs if len(o.members) > 3 and not o.dismantled)
    ocg.cash = 1e9
    life.arrest(ocg.members[-1])
    arrested_week = model.clock.week
    assert life.recovery_weeks() == 0  # open since this week
    week = arrested_week + 1
    while ocg.pending_replacements:
        life._replace_due(ocg, week, model.rng)
        week += 1
    assert life.refilled == 1
    assert life.recovery_weeks() == week - 1 - arrested_week


def test_cases_awaiting_judgment_are_the_cases_due_and_not_judged():
    # Courts with room for a few judgments a year: a backlog of cases due builds up.
    model = SmugglingModel(short("baseline", 1.0, **{"justice.prosecutors": 0.05}), rng=2)
    pros = model.prosecution
    backlog = []
    while model.running:
        model.step()
        week = model.clock.week - 1  # the week just stepped
        due = sum(case.judgment_week <= week for *_, case in pros._pending)
        assert pros.waiting_judgment == due
        backlog.append(due)
    assert max(backlog) > 10


def test_leads_waiting_on_an_ocg_join_the_investigation_opened_on_it():
    """When a lead opens an investigation, the other leads on the same OCG waiting in the
    unit's queue join it at once, as leads arriving later do; leads on other OCGs wait on.
    Before, they stayed in the queue until they came first or grew stale (baseline, seeds 1
    and 2, 3 years: 57 of the 260 leads dropped as stale named such a member)."""
    model = _model()
    unit = model.police_units["central_med"]
    free = [o for o in model.ocgs if o.route == "central_med" and o.investigation is None]
    free = [o for o in free if not o.dismantled and len(o.members) >= 3]
    ocg, other = free[0], free[1]
    week = model.clock.week
    first, second, third = ocg.members[:3]
    elsewhere = Lead(other.members[0], "debriefing", week, 0.9)
    leads = [
        Lead(first, "debriefing", week - 3, 0.9),
        elsewhere,
        Lead(second, "liaison", week - 1, 0.9),
        Lead(third, "online", week, 0.9),
    ]
    unit.waiting.clear()
    unit.waiting.extend(leads)
    unit.open.clear()
    unit.capacity = 1  # only the oldest lead opens a case this week
    unit.step()
    assert [inv.ocg for inv in unit.open] == [ocg]
    assert list(ocg.investigation.identified) == [first, second, third]
    assert list(unit.waiting) == [elsewhere]
