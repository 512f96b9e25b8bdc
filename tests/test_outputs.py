"""Every output is declared once (smugglesim/model/outputs.py); the recorder and the summary
follow."""

from __future__ import annotations

import numpy as np
import pytest

from smugglesim.experiments.measure_effects import figure
from smugglesim.model import SmugglingModel, outputs
from smugglesim.model.outputs import NETWORK_EVERY_WEEKS, Output
from tests.conftest import short


@pytest.fixture(scope="module")
def run() -> SmugglingModel:
    return SmugglingModel(short("financial_investigations", years=1), rng=2).run()


def test_timeseries_and_summary_hold_exactly_the_declared_outputs(run):
    routes = run.routes.route_names
    declared = [c for o in outputs.weekly_outputs() for c in o.columns(routes)]
    assert list(run.timeseries().columns) == ["week", *declared]
    assert list(run.summary()) == [o.summary_key for o in outputs.summary_outputs()]


def test_weekly_flows_add_up_to_the_run_totals_in_the_summary(run):
    ts, summary = run.timeseries(), run.summary()
    checked = 0
    for o in outputs.OUTPUTS:
        if not (o.kind == "flow" and o.weekly and o.summary):
            continue
        if o.family:
            for member, column in zip(o.members(), o.columns(), strict=True):
                assert ts[column].sum() == pytest.approx(summary[o.summary_key][member])
        else:
            assert ts[o.name].sum() == pytest.approx(summary[o.name], rel=1e-9), o.name
        checked += 1
    assert checked >= 10


def test_network_measures_are_read_quarterly_and_carried_forward(run):
    ts = run.timeseries()
    last = len(ts) - 1
    values = ts["network_members"].to_numpy()
    for week in range(1, len(ts)):
        if week % NETWORK_EVERY_WEEKS and week != last:
            assert values[week] == values[week - 1]
    assert len(set(values[::NETWORK_EVERY_WEEKS])) > 1


def test_network_measures_worked_out_together_equal_a_count_group_by_group(run):
    from smugglesim.model.smugglers import ocg_efficiency

    existing = [run.ocgs[i] for i in run.ocg_table.existing().tolist()]
    members = [m for o in existing for m in o.members]
    position = {m.unique_id: i for i, m in enumerate(members)}
    ends = [(position.get(a), position.get(b)) for a, b in zip(*run.ties, strict=True)]
    ties = np.array([t for t in ends if None not in t], dtype=np.int64)  # among members
    rows, cols = ties.T
    found = outputs._efficiencies(
        [len(o.members) for o in existing], list(range(len(existing))), rows, cols
    )
    assert [found[g] for g in range(len(existing))] == [
        ocg_efficiency(run.social, o) for o in existing
    ]


def test_efficiencies_count_self_ties_and_repeated_ties_as_ocg_efficiency_does():
    # Two groups: a path 0-1-2 tied twice and member 1 tied to itself; a pair 3-4.
    rows, cols = np.array([0, 1, 1, 0, 3]), np.array([1, 2, 1, 1, 4])
    found = outputs._efficiencies([3, 2], [0, 1], rows, cols)
    assert found[0] == (4 + 1 + 2 / 2) / 6  # 4 ordered pairs at distance 1, 1 self tie
    assert found[1] == 1.0


def test_a_new_declaration_is_recorded_and_summarised(monkeypatch):
    doubled = Output(
        "lead_backlog_doubled",
        "stock",
        "leads",
        "backlog, doubled",
        outputs.COUNT,
        "Twice the EMSC's backlog (only for this test).",
        state=lambda s: 2 * s.model.emsc.backlog,
        summary=int,
    )
    monkeypatch.setattr(outputs, "OUTPUTS", (*outputs.OUTPUTS, doubled))
    model = SmugglingModel(short("baseline", years=0.5), rng=1).run()
    ts = model.timeseries()
    assert np.array_equal(ts["lead_backlog_doubled"], 2 * ts["lead_backlog"])
    assert model.summary()["lead_backlog_doubled"] == ts["lead_backlog_doubled"].iloc[-1]


def test_a_declaration_without_one_source_is_refused():
    with pytest.raises(ValueError, match="'broken': give exactly one of tally, counter, state"):
        Output("broken", "flow", "leads", "broken", outputs.COUNT, "No source.")


def test_columns_and_summary_keys_lead_back_to_their_declaration():
    family = outputs.lookup("arrivals_<route>")
    assert outputs.lookup("arrivals_central_med") is family
    assert outputs.lookup("arrivals_by_route") is family
    assert outputs.label("arrivals_central_med") == "undetected entries, central_med"
    assert outputs.label("proceeds_eur", unit=True) == "proceeds (EUR)"
    assert outputs.label("not_an_output") == "not_an_output"
    with pytest.raises(KeyError, match=r"docs/metrics\.md"):
        outputs.lookup("not_an_output")


def test_a_run_figure_sums_flows_and_averages_stocks_and_ratios(run):
    ts = run.timeseries()
    assert figure(run, "members_arrested") == ts["members_arrested"].sum()
    assert figure(run, "ocgs_dismantled") == pytest.approx(ts["ocgs_dismantled"].mean())
    assert figure(run, "confiscation_ratio") == pytest.approx(ts["confiscation_ratio"].mean())
