"""The interactive page: its sessions, controls, figures and command (without a browser)."""

from __future__ import annotations

import gc
import threading
import time
import urllib.request
import weakref

import numpy as np
import pytest

pytest.importorskip("solara")
pytest.importorskip("mesa.visualization")

import ipyvuetify as v
import ipywidgets
import solara
from matplotlib.figure import Figure

from smugglesim import app as app_module
from smugglesim.app_cli import solara_command
from smugglesim.app_figures import Figures
from smugglesim.app_networks import (
    draw_smuggling_network,
    leg_flows,
    make_route_renderer,
    route_network,
)
from smugglesim.app_session import (
    CONTROLS,
    LIVE_MODELS,
    RUN_THREAD,
    AppModel,
    Session,
    Settings,
    live_models,
)
from smugglesim.cli import build_parser
from smugglesim.model import ScenarioError, outputs
from smugglesim.model.measures import MEASURES
from tests.app_server import serving_app

FI = "financial_investigations"
YEAR = Settings(years=1)


def _wait(condition, timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _runs_ended() -> bool:
    """No session's run thread is left (it ends after its last update of the page)."""
    return not any(t.name == RUN_THREAD for t in threading.enumerate())


def _collected(ref: weakref.ref) -> bool:
    gc.collect()
    return ref() is None


# -- settings and controls -------------------------------------------------------------------
def test_app_settings_become_a_validated_scenario():
    model = AppModel(
        rng="3",
        years=1,
        start_week=4,
        financial_investigations=True,
        financial_investigations__parallel_share=0.9,
        iru_takedowns=False,
    )
    assert model.seed == 3
    assert model.n_weeks == 52
    fi = model.config.measures.financial_investigations
    assert fi.enabled and fi.parallel_share == 0.9 and fi.start_week == 4
    assert [m.key for m in model.measures] == [FI]
    with pytest.raises(ValueError, match="unknown app setting"):
        AppModel(years=1, no_such_measure=True)
    with pytest.raises(ScenarioError, match="parallel_share"):
        AppModel(years=1, financial_investigations__parallel_share=1.5)


def test_measure_sliders_read_in_words_with_units_and_status_quo():
    assert set(CONTROLS) <= set(MEASURES)
    for key, control in CONTROLS.items():
        name = control.key.split("__", 1)[1]
        assert control.key.startswith(f"{key}__") and name in MEASURES[key].Params.model_fields
        assert "_" not in control.label and "status quo" not in control.label
        assert control.low <= control.default <= control.high
    # The status quo from the description, or from the actor the measure changes.
    assert CONTROLS[FI].describe(0.6) == (
        "Share of criminal investigations with a parallel financial investigation: 60% "
        "(status quo: 30%)"
    )
    emsc = CONTROLS["emsc_capacity"]
    assert emsc.describe(25) == (
        "Leads the reinforced EMSC and national analysts analyse per week: 25 (status quo: 15)"
    )
    assert CONTROLS["training"].show(26) == "26 weeks"
    assert CONTROLS["csdp_links"].status_quo == 0.5  # the Sophia pilot of 2018


def test_settings_build_the_model_and_name_what_changed():
    settings = Settings(seed=4, years=1, start_week=10, measures=frozenset({FI}))
    settings = settings.replace(intensity={FI: 0.8})
    model = settings.build()
    assert (model.seed, model.n_weeks) == (4, 52)
    fi = model.config.measures.financial_investigations
    assert fi.enabled and fi.parallel_share == 0.8 and fi.start_week == 10
    assert settings.describe() == (
        "seed 4, 1 year, Strengthen the financial investigation component from week 10"
    )
    assert settings.changes_from(YEAR) == [
        "seed 1 → 4",
        "start week 0 → 10",
        "measure 7 switched on",
    ]
    assert settings.replace(intensity={FI: 0.5}).changes_from(settings) == ["measure 7: 80% → 50%"]


# -- sessions: runs, pauses, isolation, release ----------------------------------------------
def test_a_run_redraws_every_n_weeks_and_once_at_the_end():
    session = Session(YEAR)
    first = dict(session.figures.images)
    frames: list[tuple[int, bool]] = []
    assert session.start(
        13, every=4, on_frame=lambda: frames.append((session.model.week, session.running))
    )
    session.wait(60)
    assert session.model.week == 13
    assert frames == [(4, True), (8, True), (12, True), (13, False)]
    assert all(session.figures.images[k] != first[k] for k in first)
    assert session.last_run_s is not None and session.last_run_s > 0


def test_a_run_pauses_and_stops_at_the_horizon():
    session = Session(YEAR)
    session.start(52, every=1, on_frame=lambda: session.model.week >= 3 and session.pause())
    session.wait(60)
    assert 3 <= session.model.week < 52
    assert session.start(100, every=13, on_frame=lambda: None)
    session.wait(60)
    assert session.model.week == 52 and session.finished
    assert not session.start(1, every=1, on_frame=lambda: None)


def test_sessions_are_isolated_and_a_closed_one_releases_its_model():
    a, b = Session(YEAR), Session(YEAR)
    assert a.model is not b.model and a.figures is not b.figures
    a.start(3, every=1, on_frame=lambda: None)
    a.wait(60)
    assert (a.model.week, b.model.week) == (3, 0)
    gc.collect()
    live = live_models()
    model = weakref.ref(a.model)
    a.close()
    del a
    assert _collected(model)
    assert live_models() == live - 1
    # Closed while running: the run stops at the end of its week, then lets go.
    b.start(52, every=1, on_frame=lambda: None)
    model = weakref.ref(b.model)
    b.close()
    b.wait(60)
    assert not b.running and b.model is None
    del b
    assert _collected(model)


def test_restart_builds_from_the_settings_and_keeps_the_run_so_far():
    session = Session(YEAR)
    session.start(5, every=5, on_frame=lambda: None)
    session.wait(60)
    session.restart(YEAR.replace(measures=frozenset({FI})))
    assert session.model.week == 0 and [m.key for m in session.model.measures] == [FI]
    assert session.previous is not None and len(session.previous.weekly) == 5
    assert session.previous.description == "seed 1, 1 year, no measures"
    suptitle = session.figures._weekly.fig.get_suptitle()
    assert suptitle == "dashed: the previous run (seed 1, 1 year, no measures)"
    model = session.model
    bad = YEAR.replace(measures=frozenset({FI}), intensity={FI: 1.5})
    assert not session.restart(bad)
    assert session.model is model and "parallel_share" in session.error


# -- figures ----------------------------------------------------------------------------------
def test_route_map_sits_at_geographic_positions_and_widens_with_flows():
    model = AppModel(years=1, warmup_years=0)
    renderer = make_route_renderer(model)
    pos = renderer.space_drawer.pos
    for node, data in model.routes.graph.nodes(data=True):
        assert tuple(pos[node]) == (data["lon"], data["lat"])
    widths = renderer.draw_space_kwargs["edge_kwargs"]["width"]
    assert set(widths) == {0.5}  # nobody is on the way before the first week
    for _ in range(8):
        model.step()
    figures = Figures()
    figures.draw(model)
    flows = leg_flows(model)
    assert flows.sum() == model.migrants.counts_by_state()["travelling"] > 0
    legs = [d["leg"] for _, _, d in model.routes.graph.edges(data=True)]
    expected = [0.5 + 0.25 * float(np.sqrt(flows[leg])) for leg in legs]
    assert list(figures._renderer.flows.get_linewidths()) == pytest.approx(expected)


def test_smuggling_network_shows_recent_arrests_and_keeps_positions():
    model = AppModel(years=2)
    while model.week < 60:
        model.step()
    graph, active, arrested = route_network(model, "central_med")
    assert active and all(m.ocg.route == "central_med" and not m.arrested for m in active)
    assert all(model.week - m.arrested_week <= 26 for m in arrested)
    assert set(graph.nodes) == set(active) | set(arrested)
    known: dict = {}
    draw_smuggling_network(Figure().subplots(), model, "central_med", known)
    before = {k: v.copy() for k, v in known.items()}
    model.step()
    draw_smuggling_network(Figure().subplots(), model, "central_med", known)
    kept = [k for k in before if k in known]
    assert kept and all(np.allclose(before[k], known[k]) for k in kept)


def test_figures_redraw_only_what_changed():
    model = AppModel(years=1)
    figures = Figures()
    assert figures.draw(model) == ["routes", "network", "weekly"]
    assert figures.draw(model) == []  # nothing moved
    for _ in range(13):
        model.step()
        assert {"routes", "weekly"} <= set(figures.draw(model))
    # The places, labels and legends are drawn once; each week only the lines change.
    assert figures._routes_blit.backgrounds == 1
    assert figures._weekly.blit.backgrounds <= 6
    figures.route = "western_balkans"
    assert figures.draw(model) == ["network"]


def test_closing_the_figures_builds_no_figure_and_the_next_draw_makes_new_ones(monkeypatch):
    """A session may close from its run's thread after the page has gone, where Solara's
    per-page matplotlib settings can no longer be read: closing must not build figures."""
    import smugglesim.app_figures as app_figures

    model = AppModel(years=1)
    figures = Figures()
    figures.draw(model)
    network, weekly = figures._network, figures._weekly

    def refused() -> None:
        raise AssertionError("a figure was built on close")

    with monkeypatch.context() as m:
        m.setattr(app_figures, "NetworkFigure", refused)
        m.setattr(app_figures, "WeeklyFigure", refused)
        figures.close()
    assert figures._network is None and figures._weekly is None  # the model is let go
    assert figures.draw(model) == ["routes", "network", "weekly"]
    assert figures._network is not network and figures._weekly is not weekly


def test_weekly_axes_are_weeks_and_labels_come_from_the_registry():
    model = AppModel(years=1)
    for _ in range(30):
        model.step()
    figures = Figures()
    figures.draw(model)
    arrivals, money, ratio = figures._weekly.axes
    assert ratio.get_xlabel() == "week (week 0 begins 1 January 2018)"
    assert "Step" not in " ".join(ax.get_xlabel() for ax in (arrivals, money, ratio))
    heading = outputs.lookup("arrivals_<route>").rate_heading("week")
    assert arrivals.get_ylabel().replace("\n", " ") == heading
    assert [t.get_text() for t in money.get_legend().get_texts()] == [
        outputs.label("proceeds_cum_eur"),
        outputs.label("confiscated_cum_eur"),
    ]
    assert ratio.get_ylabel() == outputs.label("confiscation_ratio")
    assert ratio.get_xlim() == (0, 52)


# -- the page ---------------------------------------------------------------------------------
def _render_page():
    """Render the page as a browser session would (inside the app layout); its new model."""
    before = set(LIVE_MODELS)
    _, rc = solara.render(solara.AppLayout(children=[app_module.Page()]), handle_error=False)
    (model,) = set(LIVE_MODELS) - before
    return rc, model


def _button(rc, label: str):
    return rc.find(v.Btn, children=[label]).widget


def test_each_page_has_its_own_model_and_a_closed_page_releases_it():
    rc_a, model_a = _render_page()
    rc_b, model_b = _render_page()
    assert len(rc_a.find(ipywidgets.Image).widgets) == 3  # route map, network, weekly series
    _button(rc_a, "Next week").click()
    _wait(lambda: model_a.week == 1 and _runs_ended())
    assert model_b.week == 0
    rc_a.find(v.Html, children=["Week 1 of 260"]).assert_single()
    rc_b.find(v.Html, children=["Week 0 of 260"]).assert_single()
    ref = weakref.ref(model_a)
    model_a = None
    rc_a.close()
    assert _collected(ref)
    rc_b.close()


def test_a_measure_switched_on_takes_effect_or_the_page_says_what_to_press():
    rc, model = _render_page()
    label = f"{MEASURES[FI].number}. {MEASURES[FI].title}"
    before = set(LIVE_MODELS)
    rc.find(v.Checkbox, label=label).widget.v_model = True  # at week 0: rebuilt at once
    (model,) = set(LIVE_MODELS) - before
    assert [m.key for m in model.measures] == [FI] and model.week == 0
    rc.find(v.Checkbox, label=label).widget.v_model = False
    (model,) = set(LIVE_MODELS) - before - {model}
    _button(rc, "Next week").click()
    _wait(lambda: model.week == 1 and _runs_ended())
    rc.find(v.Checkbox, label=label).widget.v_model = True  # mid-run: said, not done
    assert model.measures == []
    text = " ".join(str(w.children) for w in rc.find(v.Alert).widgets)
    assert "Not yet in this run" in text and "measure 7 switched on" in text
    before = set(LIVE_MODELS)
    _button(rc, "Restart with these settings").click()
    (model,) = set(LIVE_MODELS) - before
    assert [m.key for m in model.measures] == [FI] and model.week == 0
    assert not rc.find(v.Alert).widgets
    rc.close()


# -- the command ------------------------------------------------------------------------------
def test_app_command_binds_localhost_by_default():
    args = build_parser().parse_args(["app"])
    cmd = solara_command(args)
    assert cmd[cmd.index("--host") + 1] == "localhost"
    assert "smugglesim.app" in cmd
    assert args.session_timeout is None  # then 2m, unless SOLARA_KERNEL_CULL_TIMEOUT is set


@pytest.mark.parametrize("option", [["--session-timeout", "0"], ["--port", "70000"]])
def test_app_command_refuses_bad_options(option, capsys):
    from smugglesim.cli import main

    assert main(["app", *option]) == 2
    err = capsys.readouterr().err
    assert f"argument {option[0]}" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


@pytest.mark.slow
def test_app_command_serves_the_page_on_localhost():
    with serving_app() as server, urllib.request.urlopen(server.url, timeout=5) as r:
        assert r.status == 200
        assert b"solara" in r.read().lower()
