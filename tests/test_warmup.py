"""The warm-up: the status quo runs before week 0, unreported, and the figures count from
week 0 (``run.warmup_years``)."""

from __future__ import annotations

import json
from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from smugglesim.model import SmugglingModel
from smugglesim.model.metrics import yearly
from smugglesim.model.migrants import MigrantPopulation
from tests.conftest import short

WARMUP = 0.25  # 13 weeks
FLOWS = ["migrants_departed", "proceeds_eur", "members_arrested", "assets_frozen_eur"]
STOCKS = ["migrants_travelling", "ocgs_existing", "frozen_pending_eur", "assets_held_eur"]


def warm(name: str = "baseline", years: float = 0.25, warmup: float = WARMUP, **overrides):
    return short(name, years, **{"run.warmup_years": warmup, **overrides})


def test_the_warmup_is_whole_weeks_before_week_0_and_keeps_the_calendar(monkeypatch):
    weeks: list[int] = []
    depart = MigrantPopulation.depart

    def record(self, week):
        weeks.append(week)
        depart(self, week)

    monkeypatch.setattr(MigrantPopulation, "depart", record)
    model = SmugglingModel(warm(warmup=0.1), rng=1)  # 5.2 weeks: 5
    assert weeks == [-5, -4, -3, -2, -1] and model.week == 0 and model.time == 5
    model.run()
    # the seasonality reads week % 52: week 0 is the calendar's week 0 whatever the warm-up
    assert weeks == list(range(-5, 13))


def test_the_recorder_leaves_out_the_warmup_weeks():
    model = SmugglingModel(warm(), rng=2)
    assert model.recorder.start["proceeds_eur"] > 0  # the warm-up ran: money came in
    model.run()
    ts = model.timeseries()
    assert ts["week"].tolist() == list(range(13))
    assert model.summary()["weeks"] == 13
    journeys = model.journeys()
    assert len(journeys) and journeys["end_week"].min() >= 0


def test_the_reported_weeks_are_the_status_quo_run_after_the_warmup():
    """A year of warm-up then 13 reported weeks are weeks 52-64 of a run without one."""
    warmed = SmugglingModel(warm(warmup=1), rng=3).run().timeseries()
    cold = SmugglingModel(warm(years=1.25, warmup=0), rng=3).run().timeseries()
    later = cold.iloc[52:].reset_index(drop=True)
    pd.testing.assert_frame_equal(warmed[FLOWS + STOCKS], later[FLOWS + STOCKS])
    # ratios and running totals count from week 0
    assert warmed["proceeds_cum_eur"].iloc[-1] == pytest.approx(later["proceeds_eur"].sum())
    assert (warmed["confiscation_ratio"] != later["confiscation_ratio"]).any()


def test_summary_counters_count_only_the_reported_period():
    model = SmugglingModel(warm(years=0.5), rng=4)
    start = dict(model.recorder.start)
    model.run()
    s, ts = model.summary(), model.timeseries()
    for key in ["migrants_departed", "proceeds_eur", "members_arrested", "investigations_opened"]:
        assert s[key] == pytest.approx(ts[key].sum())
    assert start["members_arrested"] > 0
    assert s["members_arrested"] == model.members_arrested - start["members_arrested"]
    assert s["ocgs_entered"] == model.ocgs_entered - start["ocgs_entered"]
    assert s["ocgs_dismantled"] == model.ocgs_dismantled - start["ocgs_dismantled"]
    assert s["ocgs_dismantled"] == ts["ocgs_dismantled"].iloc[-1]
    proceeds = s["proceeds_eur"]
    assert s["confiscation_ratio"] == pytest.approx(s["assets_confiscated_eur"] / proceeds)
    assert s["frozen_share"] == pytest.approx(s["assets_frozen_eur"] / proceeds)
    pros = model.prosecution
    cumulative = pros.confiscated_eur / model.ocg_table.total("proceeds")
    assert s["confiscation_ratio_cumulative"] == pytest.approx(cumulative)
    assert s["frozen_pending_eur"] == pros.frozen_pending_eur


def test_a_measure_with_start_week_0_starts_at_the_first_reported_week():
    model = SmugglingModel(warm("financial_investigations"), rng=5)
    (measure,) = model.measures
    # switched on as the warm-up ends (Mesa time 13, after week -1), not before
    assert model.week == 0 and measure.active and model.measures_cost_eur == 0
    base = SmugglingModel(warm(), rng=5)
    assert model.money_balance() == base.money_balance()  # a shared status-quo warm-up
    model.run()
    weekly = measure.cost_eur_per_year / 52
    assert model.summary()["measures_cost_eur"] == pytest.approx(13 * weekly)


def test_a_measure_s_weeks_count_from_week_0():
    sc = warm("emsc_capacity", **{"measures.emsc_capacity.start_week": 4})
    model = SmugglingModel(sc, rng=6)
    (measure,) = model.measures
    for week in range(6):
        assert model.week == week and measure.active == (week >= 4), week
        model.step()


def test_no_warmup_keeps_the_structure_of_a_run_from_an_empty_system():
    model = SmugglingModel(warm(warmup=0), rng=7)
    assert model.week == 0 and model.time == 0
    assert model.recorder.start["proceeds_eur"] == 0
    model.run()
    ts, s = model.timeseries(), model.summary()
    assert len(ts) == model.n_weeks == 13
    np.testing.assert_allclose(ts["confiscation_ratio"], ts["confiscation_ratio_cumulative"])
    np.testing.assert_allclose(ts["proceeds_cum_eur"], ts["proceeds_eur"].cumsum())
    assert s["members_arrested"] == model.members_arrested
    assert s["proceeds_eur"] == pytest.approx(model.ocg_table.total("proceeds"))


def test_yearly_flows_add_up_to_the_run_and_give_the_ratio_per_year():
    model = SmugglingModel(warm(years=2.5, warmup=0), rng=8).run()
    table, s = model.yearly(), model.summary()
    assert table["year"].tolist() == [0, 1, 2] and table["weeks"].tolist() == [52, 52, 26]
    for key in ["proceeds_eur", "assets_frozen_eur", "assets_confiscated_eur"]:
        assert table[key].sum() == pytest.approx(s[key])
    row = table.iloc[1]
    assert row["confiscation_ratio"] == row["assets_confiscated_eur"] / row["proceeds_eur"]
    pd.testing.assert_frame_equal(table, yearly(model.timeseries()))


def test_a_kept_warm_state_gives_the_same_run_as_a_cold_warm_up():
    """Scenarios that differ only in measures and horizon share the warm-up of a seed: the
    second takes over a copy of the first's warm state, with identical results, and running
    it leaves the kept state as it was."""
    from smugglesim.model.model import _WARM_STATES, forget_warm_states

    forget_warm_states()
    fi = short("financial_investigations", years=0.25, **{"run.warmup_years": 0.25})
    base = short("baseline", years=0.5, **{"run.warmup_years": 0.25})
    first = SmugglingModel(fi, rng=5).run()  # warms up and keeps the state
    assert len(_WARM_STATES) == 1
    kept = SmugglingModel(base, rng=5).run()  # takes the kept state
    again = SmugglingModel(base, rng=5).run()  # and again: the kept state is unchanged
    forget_warm_states()
    cold = SmugglingModel(base, rng=5).run()
    for model in (kept, again):
        assert json.dumps(model.summary()) == json.dumps(cold.summary())
        pd.testing.assert_frame_equal(model.timeseries(), cold.timeseries())
        pd.testing.assert_frame_equal(model.journeys(), cold.journeys())
    assert first.summary()["measures"] == ["financial_investigations"]
    assert kept.summary()["measures"] == []
    # a package's own name and description do not change its status quo
    SmugglingModel(short("package_operational_tools", 0.25, **{"run.warmup_years": 0.25}), rng=5)
    assert len(_WARM_STATES) == 1
    # another seed, or another status quo, warms up on its own
    SmugglingModel(base, rng=6)
    other = short("baseline", years=0.5, **{"run.warmup_years": 0.25, "demand.scale": 0.5})
    SmugglingModel(other, rng=5)
    assert len(_WARM_STATES) == 3
    forget_warm_states()


def test_replications_run_seed_by_seed_and_warm_up_once_per_seed(monkeypatch):
    """Two scenarios that differ only in a measure share each seed's warm-up, also with
    more replications than the 16 warm states a process keeps: the runs go seed by seed
    (configuration after configuration, every run warmed up again)."""
    from smugglesim.experiments.replications import run_replications
    from smugglesim.model import model as model_module

    kept: list[int] = []
    remember = model_module._remember

    def counting(key, model):
        kept.append(key[1])
        remember(key, model)

    monkeypatch.setattr(model_module, "_remember", counting)
    model_module.forget_warm_states()
    scenarios = [warm(years=0.02, warmup=0.02), warm("iru_takedowns", years=0.02, warmup=0.02)]
    reps = run_replications(scenarios, model_module.WARM_STATES_KEPT + 2, workers=1)
    model_module.forget_warm_states()
    assert len(reps.runs) == 2 * 18 and (reps.runs["status"] == "ok").all()
    assert sorted(kept) == sorted(reps.runs["seed"].unique().tolist())  # once per seed


def test_a_batch_runs_seed_by_seed_and_keeps_its_results_in_scenario_order(tmp_path, monkeypatch):
    from smugglesim.experiments import engines
    from smugglesim.experiments.batch import run_batch

    order: list[tuple[int, str]] = []
    run_one = engines.run_one

    def recording(task):
        order.append((task.replication, task.scenario))
        return run_one(task)

    monkeypatch.setattr(
        engines.InlineEngine, "imap_unordered", lambda self, tasks: map(recording, tasks)
    )
    scenarios = [warm(years=0.02, warmup=0.02), warm("iru_takedowns", years=0.02, warmup=0.02)]
    runs = run_batch(scenarios, 3, out=tmp_path / "out", progress=False)
    assert order == sorted(order, key=lambda x: x[0]) and len(order) == 6
    assert runs["replication"].tolist() == [0, 1, 2, 0, 1, 2]  # the results' order is kept


def warming_up(task):
    """A batch worker (top level, so that it pickles to worker processes) that runs
    ``task`` and says whether its process had to warm up for it."""
    from smugglesim.experiments import engines
    from smugglesim.model import model as model_module

    # A new key, not a longer cache: a forked worker starts with its parent's warm states,
    # which may be at WARM_STATES_KEPT already (the oldest then makes way).
    before = set(model_module._WARM_STATES)
    result = engines.run_one(task)
    result.metrics = {"warmed_up": bool(set(model_module._WARM_STATES) - before)}
    return result


def test_a_pool_hands_a_worker_a_seed_s_runs_together_and_each_seed_warms_up_once():
    """With 2 worker processes, the two scenarios of each seed (which differ only in a
    measure) go to one worker, which warms up once for both."""
    from smugglesim.experiments.engines import ProcessEngine
    from smugglesim.experiments.specs import RunTask, seed_by_seed

    configs = [
        warm(name, years=0.02, warmup=0.02).model_dump(mode="json")
        for name in ("baseline", "iru_takedowns")
    ]
    tasks = seed_by_seed(
        [
            RunTask(f"{k}-{rep}", str(k), rep, 100 + rep, config)
            for k, config in enumerate(configs)
            for rep in range(8)
        ]
    )
    engine = ProcessEngine(2)
    try:
        results = list(engine.imap_unordered(tasks, warming_up))
    finally:
        engine.close()
    assert sorted(r.run_id for r in results) == sorted(t.run_id for t in tasks)
    assert all(r.status == "ok" for r in results)
    assert sum(r.metrics["warmed_up"] for r in results) == 8  # once per seed


@given(
    seeds=st.lists(st.integers(1, 4), max_size=60),
    workers=st.integers(1, 8),
)
def test_bundles_are_consecutive_runs_of_one_seed_in_their_order(seeds, workers):
    from smugglesim.experiments.engines import BUNDLES_PER_WORKER, bundles
    from smugglesim.experiments.specs import RunTask

    tasks = [RunTask(str(i), "s", i, seed, {}) for i, seed in enumerate(seeds)]
    cut = bundles(tasks, workers)
    assert [t for bundle in cut for t in bundle] == tasks  # every task once, in order
    most = max(1, -(-len(tasks) // (BUNDLES_PER_WORKER * workers)))
    for bundle in cut:
        assert 1 <= len(bundle) <= most and len({t.seed for t in bundle}) == 1
    for a, b in pairwise(cut):  # a seed's run goes on in the next
        assert a[-1].seed != b[0].seed or len(a) == most  # bundle only once this one is full


def frozen_count(task):
    """A worker function: how many objects the worker's garbage collector leaves alone."""
    import gc

    from smugglesim.experiments import engines

    return engines.RunResult(task.run_id, "ok", None, {"frozen": gc.get_freeze_count()}, None, 0.0)


def test_a_pool_worker_starts_with_its_inherited_objects_frozen_and_the_caller_does_not():
    """The workers' collector leaves alone what they start with (the imports, a forked
    worker's inheritance: gc.freeze, so that full collections neither walk it nor copy the
    pages shared with the parent); the caller's collector is not changed."""
    import gc

    from smugglesim.experiments.engines import ProcessEngine
    from smugglesim.experiments.specs import RunTask

    before = gc.get_freeze_count()
    engine = ProcessEngine(2)
    try:
        tasks = [RunTask(f"r{k}", "s", k, k, {}) for k in range(4)]
        results = list(engine.imap_unordered(tasks, frozen_count))
    finally:
        engine.close()
    # A bare interpreter starts with a few hundred; numpy, pandas, Mesa and the model's
    # modules make tens of thousands.
    assert all(r.metrics["frozen"] > 10_000 for r in results)
    assert gc.get_freeze_count() == before


def test_the_dask_workers_start_with_their_objects_frozen_and_the_caller_does_not():
    """The local cluster's workers preload ``engines.dask_setup``, which puts what they
    start with out of the collector's reach, as the pool's initializer does; the caller's
    collector is not changed."""
    import gc

    pytest.importorskip("dask.distributed", reason="the Dask engine is the extra 'cluster'")
    from smugglesim.experiments.engines import DaskEngine
    from smugglesim.experiments.specs import RunTask

    before = gc.get_freeze_count()
    engine = DaskEngine(1)
    try:
        results = list(engine.imap_unordered([RunTask("r0", "s", 0, 1, {})], frozen_count))
    finally:
        engine.close()
    # A bare Dask worker freezes a few hundred (the interpreter's start-up); with Dask's,
    # numpy's, pandas', Mesa's and the model's modules it holds over a hundred thousand.
    assert [r.status for r in results] == ["ok"]
    assert results[0].metrics["frozen"] > 100_000
    assert gc.get_freeze_count() == before


def test_dask_setup_freezes_what_the_process_holds(tmp_path):
    """``--preload smugglesim.experiments.engines`` on a worker of one's own cluster: the
    hook freezes the process's objects (in a fresh interpreter, so as not to freeze the
    test's)."""
    import subprocess
    import sys

    code = (
        "import gc; from smugglesim.experiments import engines; "
        "n = gc.get_freeze_count(); engines.dask_setup(None); "
        "print(n, gc.get_freeze_count())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    ).stdout.split()
    before, after = map(int, out)
    assert after > before + 10_000
