"""Key players derived from the network, what they hold, their replacement through ties,
targeting strategies and one-off operations (smugglesim/model/key_players.py)."""

from __future__ import annotations

import numpy as np
import pytest

from smugglesim.model.key_players import COMMAND, brokerage, is_hvt, priority, structure
from smugglesim.model.model import SmugglingModel
from smugglesim.model.scenario import ScenarioError, scenario_from_dict
from smugglesim.model.smugglers import Role, Vacancy
from tests.conftest import short


def _thin(model, ocg):
    """Rewire ``ocg`` as a pure hierarchy: the organiser tied to the coordinators and money
    handlers, the first coordinator to everyone else (no redundant tie)."""
    life = model.ocg_lifecycle
    members = ocg.members
    for a in members:
        for b in list(model.social._adj[a]):
            if b in members:
                model.social.remove_edge(a, b)
    organiser = next(m for m in members if m.role == Role.ORGANISER)
    coordinator = next(m for m in members if m.role == Role.COORDINATOR)
    for m in members:
        if m.role in (Role.COORDINATOR, Role.MONEY_HANDLER):
            life.tie(organiser, m)
        elif m is not organiser:
            life.tie(coordinator, m)
    ocg.structure_changed()
    return organiser, coordinator


def _model_and_ocg():
    model = SmugglingModel(short("baseline", 0.2), rng=3)
    ocg = next(o for o in model.ocgs if o.count(Role.COORDINATOR) == 1 and len(o.members) >= 8)
    return model, ocg


def test_key_players_follow_from_the_ties():
    model, ocg = _model_and_ocg()
    organiser, coordinator = _thin(model, ocg)
    others = [m for m in ocg.members if m.role not in (Role.ORGANISER, Role.COORDINATOR)]
    hangers = [m for m in others if m.role != Role.MONEY_HANDLER]
    assert brokerage(coordinator) == len(hangers)  # everyone hanging off it is cut off
    assert is_hvt(organiser) and is_hvt(coordinator)
    assert all(is_hvt(m) for m in others if m.role == Role.MONEY_HANDLER)
    assert not any(is_hvt(m) for m in hangers)
    # A redundant tie to the organiser makes a member reachable without the coordinator.
    model.ocg_lifecycle.tie(organiser, hangers[0])
    assert brokerage(coordinator) == len(hangers) - 1
    assert priority(coordinator, "broker_first") < priority(organiser, "broker_first")
    assert priority(organiser, "leaders_first") < priority(coordinator, "leaders_first")
    money = next(m for m in others if m.role == Role.MONEY_HANDLER)
    assert priority(money, "money_first") < priority(coordinator, "money_first")


def test_a_leader_with_one_tie_can_be_the_only_link_of_a_member_to_the_command():
    model, ocg = _model_and_ocg()
    organiser, coordinator = _thin(model, ocg)
    hangers = [m for m in ocg.members if m.role not in (*COMMAND, Role.MONEY_HANDLER)]
    social = model.social
    for m in hangers[1:]:  # every member but one hangs off the organiser instead
        social.remove_edge(coordinator, m)
        model.ocg_lifecycle.tie(organiser, m)
    social.remove_edge(organiser, coordinator)
    ocg.structure_changed()
    # The coordinator's one tie in the group is the first hanger's only link to the command.
    assert [c for c in social._adj[coordinator] if c.ocg is ocg] == [hangers[0]]
    assert brokerage(coordinator) == 1
    assert is_hvt(coordinator)
    # A member outside the command with one tie to a present member links nobody, whatever
    # ties it kept to members gone.
    gone = hangers[1]
    model.ocg_lifecycle.tie(gone, hangers[0])
    model.ocg_lifecycle._remove(gone)
    assert brokerage(hangers[0]) == 0
    # Without the coordinator the first hanger is cut off; the organiser, now the whole
    # command, cuts nobody off from a command that would no longer exist.
    model.ocg_lifecycle._remove(coordinator)
    assert hangers[0] not in structure(ocg).reach
    assert brokerage(organiser) == 0


def test_losing_the_only_broker_idles_the_leg_until_a_replacement_with_its_ties_joins():
    model, ocg = _model_and_ocg()
    _, coordinator = _thin(model, ocg)
    life, table, i = model.ocg_lifecycle, model.ocg_table, ocg.ocg_id
    life.refresh_reach()
    assert (table.reachable[i] == table.transporters[i]).all()
    life.arrest(coordinator)
    life.refresh_reach()
    assert table.transporters[i].sum() > 0
    assert table.reachable[i].sum() == 0  # every crew cut off the command: no capacity
    table.put_to_work(np.array([i]), 0.0)
    assert table.working[i].sum() == 0
    ocg.cash = 1e6
    rng = np.random.default_rng(0)
    week = model.week + 1
    while ocg.pending_replacements:
        life._replace_due(ocg, week, rng)
        week += 1
    life.refresh_reach()
    assert ocg.count(Role.COORDINATOR) == 1
    assert (table.reachable[i] == table.transporters[i]).all()


def _weeks_to_replace(model, ocg, lost, trials=40):
    """Mean weeks until ``lost``'s replacement is found, over ``trials`` searches."""
    life = model.ocg_lifecycle
    contacts = tuple(c for c in model.social._adj[lost] if c.ocg is ocg and not c.gone)
    life._remove(lost)
    rng = np.random.default_rng(1)
    ocg.cash = 1e9
    weeks = []
    for _ in range(trials):
        ocg.pending_replacements = [Vacancy(0, lost.role, lost.leg, lost.node, contacts)]
        week = 0
        while ocg.pending_replacements:
            life._replace_due(ocg, week, rng)
            week += 1
        weeks.append(week)
        life._remove(ocg.members[-1])  # the recruit leaves again: the same search anew
    return float(np.mean(weeks))


def test_replacement_takes_longer_without_redundant_ties():
    model, ocg = _model_and_ocg()
    organiser, coordinator = _thin(model, ocg)
    thin = _weeks_to_replace(model, ocg, coordinator)
    model, ocg = _model_and_ocg()
    organiser, coordinator = _thin(model, ocg)
    for m in ocg.members:
        if m.role not in (Role.ORGANISER, Role.COORDINATOR, Role.MONEY_HANDLER):
            model.ocg_lifecycle.tie(organiser, m)  # every member also knows the leader
    redundant = _weeks_to_replace(model, ocg, coordinator)
    assert redundant < thin / 2, (redundant, thin)
    assert thin > 4


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"enforcement": {"targeting": "brokers"}}, "enforcement.targeting"),
        ({"operations": [{"week": 2, "route": "all", "strategy": "x"}]}, "operations.0.strategy"),
        ({"operations": [{"week": 2}]}, "operations.0.week"),
        ({"run": {"years": 1.0}, "operations": [{"week": 60, "ocg": 0}]}, "operations.0.week"),
    ],
)
def test_bad_targeting_settings_give_one_line_naming_the_key(data, key):
    with pytest.raises(ScenarioError) as err:
        scenario_from_dict(data)
    assert len(err.value.errors) == 1
    assert f": {key}: " in err.value.errors[0]


def test_an_operation_on_an_unknown_route_names_it():
    with pytest.raises(ScenarioError, match=r"operations\.0\.route: unknown route 'nowhere'"):
        SmugglingModel(short("baseline", 0.1, operations=[{"week": 1, "route": "nowhere"}]))


def test_a_one_off_operation_arrests_members_at_its_week():
    op = {"week": 3, "ocg": 0, "strategy": "leaders_first", "members_per_ocg": 2}
    model = SmugglingModel(short("baseline", 0.2, operations=[op]), rng=2)
    organiser = next(m for m in model.ocgs[0].members if m.role == Role.ORGANISER)
    while model.week < 2:
        model.step()
        assert model.operations[0].arrested == 0
    model.step()  # week 2; the operation follows it, before week 3's step
    assert model.week == 3
    assert model.operations[0].arrested == 2
    assert organiser.arrested and organiser.arrested_week == 3


@pytest.mark.parametrize("week", [0, 1])
def test_an_operation_s_arrests_are_reported_in_its_week(week):
    """Week 0's operation runs before week 0's step, inside the reported period: its
    arrests were once left out of every reported figure (they ran before the period
    opened), so that the run reported fewer arrests than the same run without it."""
    op = {"week": week, "route": "all", "strategy": "hvt_first", "members_per_ocg": 2}
    model = SmugglingModel(short("baseline", 2 / 52, operations=[op]), rng=1)
    model.run()
    arrested = model.operations[0].arrested
    assert arrested > 100
    weekly = model.timeseries()["members_arrested"].to_numpy()
    assert weekly[week] >= arrested
    assert model.summary()["members_arrested"] >= arrested


def test_the_hvts_an_operation_arrests_do_not_depend_on_the_order_of_its_arrests():
    """The organiser and the coordinator who links the crew, arrested in one operation:
    both were HVTs when it began. Judged arrest by arrest, the coordinator counted as a
    broker only if arrested first (the last of the command cuts nobody off)."""
    counted = []
    for organiser_first in (True, False):
        model = SmugglingModel(short("baseline", 0.1), rng=1)
        ocg = next(
            o
            for o in model.ocgs
            if o.count(Role.COORDINATOR) == 1 and brokerage(_of(o, Role.COORDINATOR)) > 0
        )
        leaders = [_of(ocg, Role.ORGANISER), _of(ocg, Role.COORDINATOR)]
        assert all(is_hvt(m) for m in leaders)
        if not organiser_first:
            leaders.reverse()
        before = model.hvts_arrested
        model.arrests.operation(None, leaders, leaders)
        counted.append(model.hvts_arrested - before)
    assert counted == [2, 2]


def test_a_group_without_command_searches_cold_and_links_no_crew():
    """Once its organiser and coordinators are all arrested, none of a group's members is
    linked to a command: their contacts sponsor no replacement (a sponsor here finds one
    at once, a cold search in 520 weeks on average), and no transporter counts as linked.
    Both once counted every present contact and transporter as linked."""
    scenario = short(
        "baseline",
        0.2,
        **{"smugglers.replacement_weeks": 1, "smugglers.replacement_cold_weeks": 520},
    )
    model = SmugglingModel(scenario, rng=1)
    lifecycle = model.ocg_lifecycle
    ocg = next(
        o
        for o in model.ocgs
        if o.count(Role.COORDINATOR) >= 1 and o.count(Role.TRANSPORTER) >= 2 and o.cash > 1e5
    )
    command = [m for m in ocg.members if m.role in COMMAND]
    for m in command:
        lifecycle.arrest(m)
    assert not ocg.dismantled
    assert any(v.contacts for v in ocg.pending_replacements)  # contacts are left in the group
    for _ in range(3):
        model.step()
        assert ocg.count(Role.ORGANISER) + ocg.count(Role.COORDINATOR) == 0
        assert model.ocg_table.reachable[ocg.ocg_id].sum() == 0
    assert len(ocg.pending_replacements) == len(command)


def test_a_moved_leg_takes_its_crew_its_recruiters_and_its_open_places(monkeypatch):
    """An OCG moves its second leg to one starting elsewhere: the transporters and the
    recruiters on it move to the new leg's start, and the place of a transporter arrested
    there is filled on the new leg. The place and the recruiters once stayed behind (the
    replacement joined the first leg, at the old leg's start)."""
    model = SmugglingModel(short("baseline", 0.1), rng=1)
    lifecycle, routes = model.ocg_lifecycle, model.routes

    def elsewhere(leg: int) -> list[int]:
        return [
            a for a in routes.adjacent_legs[leg] if routes.legs[a].source != routes.legs[leg].source
        ]

    def on(ocg, role, leg):
        return [m for m in ocg.members if m.role == role and m.leg == leg]

    ocg = next(
        o
        for o in model.ocgs
        if len(o.legs) == 2
        and elsewhere(o.legs[1])
        and len(on(o, Role.TRANSPORTER, o.legs[1])) >= 2
        and on(o, Role.RECRUITER, o.legs[1])
    )
    old = ocg.legs[1]
    lifecycle.arrest(on(ocg, Role.TRANSPORTER, old)[0])
    monkeypatch.setattr(lifecycle, "leg_pressure", lambda leg: 0.0)
    ocg.pressure = 10.0

    class SecondLeg:  # a generator that moves the second leg
        def integers(self, n):
            return 1

        def uniform(self, low, high):
            return (low + high) / 2

    waiting = np.full(len(routes.legs), 100)
    adjacent = list(routes.adjacent_legs)
    adjacent[old] = elsewhere(old)  # only legs starting elsewhere to move to
    monkeypatch.setattr(routes, "adjacent_legs", adjacent)
    lifecycle._move_leg(ocg, waiting, SecondLeg())
    new = ocg.legs[1]
    assert new != old and routes.legs[new].source != routes.legs[old].source
    start = routes.legs[new].source
    for role in (Role.TRANSPORTER, Role.RECRUITER):
        assert on(ocg, role, new) and all(m.node == start for m in on(ocg, role, new))
    (vacancy,) = ocg.pending_replacements
    assert (vacancy.leg, vacancy.node) == (new, start)
    lifecycle._recruit(ocg, vacancy.role, vacancy.leg, vacancy.node, np.random.default_rng(0))
    assert (ocg.members[-1].leg, ocg.members[-1].node) == (new, start)


def test_a_group_sold_out_on_two_legs_keeps_its_reserve_through_both_expansions():
    """Cash for one transporter above the reserve: it takes on one, not one per leg (the
    reserve was once checked only before the first)."""
    model = SmugglingModel(short("baseline", 0.1, **{"smugglers.expansion_prob_week": 1.0}), rng=1)
    lifecycle, table = model.ocg_lifecycle, model.ocg_table
    params = model.config.smugglers
    ocg = next(o for o in model.ocgs if len(o.legs) == 2)
    i = ocg.ocg_id
    reserve = params.cash_reserve_weeks * table.fixed_costs_week(np.array([i]), params)[0]
    table.cash[i] = reserve + params.replacement_cost_eur + 1.0
    live = table.existing()
    sold_out = np.zeros((live.size, len(model.routes.legs)), dtype=bool)
    sold_out[np.flatnonzero(live == i)[0], ocg.legs] = True
    before = table.transporters[i].sum()
    lifecycle._expand(live, sold_out, np.random.default_rng(0))
    assert table.transporters[i].sum() == before + 1
    assert table.cash[i] >= reserve


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_poly_criminal_group_ties_one_member_to_another_group(seed):
    """ODD §5: each poly-criminal OCG ties a random member to a random member of another;
    one that drew itself once got no tie."""
    model = SmugglingModel(short("baseline", 0.1), rng=seed)
    by_id = {m.unique_id: m for o in model.ocgs for m in o.members}
    a_ids, b_ids = model.ocg_lifecycle.ties
    across = [
        (by_id[a], by_id[b])
        for a, b in zip(a_ids, b_ids, strict=True)
        if by_id[a].ocg is not by_id[b].ocg
    ]
    poly = [o for o in model.ocgs if o.poly_criminal]
    assert len(poly) > 10
    assert sorted(a.ocg.ocg_id for a, _ in across) == [o.ocg_id for o in poly]


def _of(ocg, role):
    return next(m for m in ocg.members if m.role == role)


def test_random_targeting_is_the_status_quo_and_key_players_are_counted():
    model = SmugglingModel(short("baseline", 0.1), rng=1)
    assert model.emsc.targeting == "random"
    assert all(u.targeting == "random" for u in model.police_units.values())
    ocg = model.ocgs[0]
    assert structure(ocg).reach == set(ocg.members)  # a new group: everyone linked


@pytest.mark.slow
def test_removing_brokers_first_costs_more_places_than_random_removal():
    from smugglesim.experiments.targeting import capacity, outcomes

    diffs = []
    for seed in range(1, 7):
        base, _ = capacity(seed, 1.0, None)
        lost = {}
        for strategy in ("random", "broker_first"):
            op = {"week": 20, "route": "all", "strategy": strategy, "members_per_ocg": 1}
            lost[strategy] = outcomes(base, capacity(seed, 1.0, op)[0], 20)["lost_week"]
        diffs.append(lost["broker_first"] - lost["random"])
    assert min(diffs) > 0, diffs


def test_key_players_followed_through_joins_and_losses_match_a_fresh_count():
    """``structure`` is kept up to date as recruits join and members are lost
    (``after_join``, ``after_loss``): week by week, it matches a count from scratch."""
    model = SmugglingModel(short("all_measures", 1.0), rng=2)
    kept = 0
    while model.running:
        model.step()
        for ocg in model.ocgs:
            found = ocg.structure
            if found is None or ocg.dismantled:
                continue
            ocg.structure = None
            fresh = structure(ocg)
            ocg.structure = found
            assert found.reach == fresh.reach
            by_leg = {leg: n for leg, n in found.reachable_by_leg.items() if n}
            assert by_leg == fresh.reachable_by_leg
            kept += 1
    assert kept > 1000
