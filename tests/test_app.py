"""The interactive page: its model, its controls, its drawings, and its command."""

from __future__ import annotations

import urllib.request

import numpy as np
import pytest

pytest.importorskip("solara")
pytest.importorskip("altair")

import ipywidgets
import solara
from matplotlib.figure import Figure
from mesa.visualization import Slider
from mesa.visualization.solara_viz import (
    _build_model_init_kwargs,
    _check_model_params,
)
from mesa.visualization.utils import force_update

from model import ScenarioError
from model.measures import MEASURES
from smugglesim import app as app_module
from smugglesim.app import AppModel, leg_flows, make_route_renderer, route_network
from smugglesim.app_cli import solara_command
from smugglesim.cli import build_parser
from tests.app_server import serving_app


def _control_value(control):
    return control.value if isinstance(control, Slider) else control["value"]


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
    assert [m.key for m in model.measures] == ["financial_investigations"]
    with pytest.raises(ValueError, match="unknown app setting"):
        AppModel(years=1, no_such_measure=True)
    with pytest.raises(ScenarioError, match="parallel_share"):
        AppModel(years=1, financial_investigations__parallel_share=1.5)


def test_controls_cover_every_registered_measure_with_schema_defaults():
    params = app_module.model_params
    for key, cls in MEASURES.items():
        assert params[key]["type"] == "Checkbox" and params[key]["value"] is False
        sliders = [name for name in params if name.startswith(f"{key}__")]
        for name in sliders:
            field = cls.Params.model_fields[name.split("__", 1)[1]]
            assert _control_value(params[name]) == field.default
            assert params[name].min <= field.default <= params[name].max
    # Every control is accepted by the model (what SolaraViz checks before it shows them).
    _check_model_params(app_module.model, params)


def test_reset_rebuilds_the_model_from_the_controls():
    """SolaraViz's reset path: controls -> keyword arguments -> a new model of the same class."""
    values = {name: _control_value(c) for name, c in app_module.model_params.items()}
    values.update(rng="11", years=1, lo_coordination=True, lo_coordination__duplication=0.05)
    kwargs = _build_model_init_kwargs(
        app_module.model, values, add_scenario_when_empty=True, require_model_accepts_scenario=True
    )
    model = type(app_module.model)(**kwargs)
    assert model.seed == 11 and model.n_weeks == 52
    assert [m.key for m in model.measures] == ["lo_coordination"]
    assert model.config.measures.lo_coordination.duplication == 0.05


def test_route_map_sits_at_geographic_positions_and_widens_with_flows():
    model = AppModel(years=1)
    renderer = make_route_renderer(model)
    pos = renderer.space_drawer.pos
    for node, data in model.routes.graph.nodes(data=True):
        assert tuple(pos[node]) == (data["lon"], data["lat"])
    widths = renderer.draw_space_kwargs["edge_kwargs"]["width"]
    assert set(widths) == {0.5}  # nobody is on the way before the first week
    for _ in range(8):
        model.step()
    renderer.draw_structure()
    flows = leg_flows(model)
    assert flows.sum() == model.migrants.counts_by_state()["travelling"] > 0
    widths = renderer.draw_space_kwargs["edge_kwargs"]["width"]
    legs = [d["leg"] for _, _, d in model.routes.graph.edges(data=True)]
    assert widths == [0.5 + 0.25 * float(np.sqrt(flows[leg])) for leg in legs]
    assert max(widths) > 0.5


def test_smuggling_network_shows_recent_arrests_and_keeps_positions():
    model = AppModel(years=2, network_route="central_med")
    while model.week < 60:
        model.step()
    graph, active, arrested = route_network(model, "central_med")
    assert active and all(m.ocg.route == "central_med" and not m.arrested for m in active)
    assert all(model.week - m.arrested_week <= 26 for m in arrested)
    assert set(graph.nodes) == set(active) | set(arrested)
    fig = Figure()
    app_module.draw_smuggling_network(fig.subplots(), model)
    before = {k: v.copy() for k, v in model.network_positions.items()}
    model.step()
    app_module.draw_smuggling_network(fig.subplots(), model)
    kept = [k for k in before if k in model.network_positions]
    assert kept and all(np.allclose(before[k], model.network_positions[k]) for k in kept)


def test_page_renders_and_redraws_after_a_step():
    _, rc = solara.render(app_module.page, handle_error=False)
    images = rc.find(ipywidgets.Image).widgets
    assert len(images) == 5  # route map, smuggling network, three plots
    first = [bytes(i.value) for i in images]
    for _ in range(3):
        app_module.model.step()
    force_update()
    again = [bytes(i.value) for i in rc.find(ipywidgets.Image).widgets]
    assert sum(a != b for a, b in zip(first, again, strict=True)) >= 4


def test_app_command_binds_localhost_by_default():
    args = build_parser().parse_args(["app"])
    cmd = solara_command(args)
    assert cmd[cmd.index("--host") + 1] == "localhost"
    assert "smugglesim.app" in cmd


@pytest.mark.slow
def test_app_command_serves_the_page_on_localhost():
    with serving_app() as url, urllib.request.urlopen(url, timeout=5) as r:
        assert r.status == 200
        assert b"solara" in r.read().lower()
