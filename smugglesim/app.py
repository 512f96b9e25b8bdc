"""Interactive view of smugglesim: a Mesa SolaraViz page.

Start it with ``smugglesim app`` (or ``solara run smugglesim.app``, by module name). The page shows

- the route network at its approximate geographic positions (the model's Mesa ``Network``
  space, drawn by a :class:`RouteMapRenderer`), each leg as wide as the number of migrants
  travelling on it this week, coloured by route;
- the smuggling network of one route: the members of its OCGs by role, with members
  arrested in the last 26 weeks as grey crosses;
- weekly plots: arrivals by route, proceeds against assets confiscated, and the confiscation
  ratio against the 2% of Council document 15250/18;
- controls: the seed, the horizon, the week the measures start, and for every measure in
  the registry a switch and its first intensity parameter.

SolaraViz rebuilds the model from keyword arguments on "Reset", so the app runs an
:class:`AppModel`: a :class:`~model.model.SmugglingModel` whose keyword arguments (all with
defaults) are turned into a validated scenario.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import solara
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from mesa.visualization import Slider, SolaraViz, SpaceRenderer, make_plot_component
from mesa.visualization.space_drawers import NetworkSpaceDrawer
from mesa.visualization.utils import update_counter
from pydantic.fields import FieldInfo

from model import outputs
from model.measures import MEASURES
from model.measures.base import MeasureParams
from model.migrants import TRAVELLING
from model.model import SmugglingModel, default_routes
from model.scenario import scenario_from_dict
from model.smugglers import Role

STATUS_QUO_LINE = 0.02  # 15250/18: less than 2% of smuggling proceeds confiscated
ROUTES = default_routes().route_names  # names, labels and colours: model/data/routes.toml
ROUTE_COLOURS = default_routes().route_colours
ROUTE_LABELS = default_routes().route_labels
STATUS_QUO = " (status quo: under 2%)"
JURISDICTION_COLOURS = {"eu": "royalblue", "cooperating": "seagreen", "non_cooperating": "grey"}
ROLE_COLOURS = {
    Role.ORGANISER: "crimson",
    Role.COORDINATOR: "darkorange",
    Role.RECRUITER: "gold",
    Role.TRANSPORTER: "steelblue",
    Role.DOCUMENT_FORGER: "mediumpurple",
    Role.MONEY_HANDLER: "seagreen",
}
RECENT_ARREST_WEEKS = 26


# -- the measures' controls, from the registry -----------------------------------------------
def intensity_parameter(params: type[MeasureParams]) -> tuple[str, FieldInfo] | None:
    """A measure's intensity control: its first own numeric parameter (None if it has none)."""
    base = set(MeasureParams.model_fields)
    for name, field in params.model_fields.items():
        if name not in base and field.annotation in (int, float):
            return name, field
    return None


def _bounds(field: FieldInfo) -> tuple[float, float]:
    low, high = 0.0, None
    for meta in field.metadata:
        low = getattr(meta, "ge", getattr(meta, "gt", low))
        high = getattr(meta, "le", getattr(meta, "lt", high))
    default = float(field.default)
    # Sliders over the whole schema range (up to 10,000) would be unusable: cap at 4x default.
    top = max(4.0 * default, 1.0)
    return float(low), float(min(high, top) if high is not None else top)


def measure_controls() -> dict[str, Any]:
    """SolaraViz controls for every registered measure: a switch and an intensity slider."""
    controls: dict[str, Any] = {}
    for key, cls in MEASURES.items():
        controls[key] = {
            "type": "Checkbox",
            "value": False,
            "label": f"{cls.number}. {cls.title}",
        }
        found = intensity_parameter(cls.Params)
        if found is None:
            continue
        name, field = found
        low, high = _bounds(field)
        if field.annotation is int:
            controls[f"{key}__{name}"] = Slider(
                f"   {name}", int(field.default), int(low), int(high), 1
            )
        else:
            step = 0.01 if high <= 1 else round((high - low) / 100, 2) or 0.01
            controls[f"{key}__{name}"] = Slider(f"   {name}", float(field.default), low, high, step)
    return controls


# -- the model the app runs ------------------------------------------------------------------
# Weekly series the plots show rescaled: (unit shown, factor); named from their labels.
RESCALED = {
    "proceeds_cum_eur": ("EUR m", 1e-6),
    "confiscated_cum_eur": ("EUR m", 1e-6),
    "confiscation_ratio": ("%", 100.0),
}


def rescaled_name(column: str) -> str:
    """The plotted name of a rescaled series: ``proceeds so far (EUR m)``."""
    return f"{outputs.label(column)} ({RESCALED[column][0]})"


class RecorderFrame:
    """What Mesa's plot components read (``get_model_vars_dataframe``), served from the
    model's own recorder instead of a second DataCollector."""

    def __init__(self, model: SmugglingModel) -> None:
        self.model = model

    def get_model_vars_dataframe(self) -> pd.DataFrame:
        df = self.model.timeseries()
        for column, (_, factor) in RESCALED.items():
            df[rescaled_name(column)] = df[column] * factor
        return df


class AppModel(SmugglingModel):
    """A SmugglingModel built from keyword arguments, as SolaraViz needs.

    Args:
        rng: The seed (SolaraViz passes it as text).
        years: Horizon in years.
        start_week: Week in which the measures switched on start.
        network_route: The route whose smuggling network is drawn.
        scenario: Ignored: SolaraViz passes Mesa's own scenario object on reset.
        **settings: ``<measure key>=True`` switches a measure on;
            ``<measure key>__<parameter>=value`` sets one of its parameters.
    """

    def __init__(
        self,
        rng: int | str = 1,
        years: float = 5.0,
        start_week: int = 0,
        network_route: str = "central_med",
        scenario: object = None,
        **settings: Any,
    ) -> None:
        measures: dict[str, dict[str, Any]] = {}
        for name, value in settings.items():
            key, _, param = name.partition("__")
            if key not in MEASURES:
                raise ValueError(f"unknown app setting {name!r}")
            measures.setdefault(key, {})[param or "enabled"] = value
        for table in measures.values():
            table["start_week"] = int(start_week)
        config = scenario_from_dict(
            {"name": "app", "run": {"years": float(years)}, "measures": measures}, source="app"
        )
        super().__init__(config, rng=int(rng))
        self.network_route = network_route
        self.datacollector = RecorderFrame(self)
        self.network_positions: dict[int, np.ndarray] = {}


# -- the route map: Mesa's SpaceRenderer on the Network space ------------------------------
def geographic_layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Node positions at their approximate longitude and latitude."""
    return {node: (data["lon"], data["lat"]) for node, data in graph.nodes(data=True)}


def leg_flows(model: SmugglingModel) -> np.ndarray:
    """Migrants travelling on each leg now, indexed by leg number."""
    migrants = model.migrants
    legs = migrants.view("leg")[migrants.view("state") == TRAVELLING]
    return np.bincount(legs.astype(np.int64), minlength=len(model.routes.legs))


class RouteMapRenderer(SpaceRenderer):
    """SpaceRenderer of the route network at geographic positions, with flows as widths."""

    def __init__(self, model: SmugglingModel, backend: str = "matplotlib") -> None:
        self.model = model
        super().__init__(model, backend=backend)

    def _get_space_drawer(self) -> NetworkSpaceDrawer:
        return NetworkSpaceDrawer(self.space, layout_alg=geographic_layout, layout_kwargs={})

    def draw_structure(self, **kwargs: Any):
        model = self.model
        graph = self.space.G
        flows = leg_flows(model)
        edges = list(graph.edges(data=True))
        self.draw_space_kwargs = {
            "node_kwargs": {
                "node_color": [
                    JURISDICTION_COLOURS[graph.nodes[n]["jurisdiction"]] for n in graph.nodes
                ],
                "node_size": 60,
                "alpha": 0.9,
                "zorder": 2,
            },
            "edge_kwargs": {
                "width": [0.5 + 0.25 * float(np.sqrt(flows[d["leg"]])) for _, _, d in edges],
                "edge_color": [ROUTE_COLOURS[d["route"]] for _, _, d in edges],
                "alpha": 0.7,
                "style": "-",
                "arrows": True,
                "arrowstyle": "-|>",
                "zorder": 1,
            },
        }
        mesh = super().draw_structure(**kwargs)
        ax = self.backend_renderer.ax
        for text in list(ax.texts):  # the page clears lines and collections, not texts
            text.remove()
        for node, (x, y) in self.space_drawer.pos.items():
            ax.annotate(
                graph.nodes[node].get("label", node).split(" (")[0].split(",")[0],
                (x, y),
                xytext=(3, 3),
                textcoords="offset points",
                fontsize=6,
                color="dimgrey",
            )
        ax.set_title(
            f"Migrants travelling per leg, week {model.week} ({int(flows.sum()):,} en route)"
        )
        handles = [
            Line2D([], [], color=c, lw=3, label=ROUTE_LABELS[r]) for r, c in ROUTE_COLOURS.items()
        ]
        handles += [
            Line2D([], [], marker="o", ls="", color=c, label=f"{j} (place)")
            for j, c in JURISDICTION_COLOURS.items()
        ]
        ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7)
        return mesh


def make_route_renderer(model: SmugglingModel) -> RouteMapRenderer:
    renderer = RouteMapRenderer(model)
    renderer.setup_structure()
    renderer.draw_structure()
    return renderer


# -- the smuggling network of one route ----------------------------------------------------
def route_network(model: SmugglingModel, route: str) -> tuple[nx.Graph, list, list]:
    """The active members of the route's OCGs and those arrested in the last 26 weeks,
    with the ties among them."""
    week = model.week
    active, arrested = [], []
    for member in model.social:
        if member.ocg.route != route:
            continue
        if member.arrested:
            if week - (member.arrested_week or 0) <= RECENT_ARREST_WEEKS:
                arrested.append(member)
        elif not member.ocg.dismantled:
            active.append(member)
    return model.social.subgraph(active + arrested), active, arrested


def draw_smuggling_network(ax, model: AppModel) -> None:
    """Draw the route's smuggling network; positions persist from one week to the next."""
    graph, active, arrested = route_network(model, model.network_route)
    known = model.network_positions
    nodes = active + arrested
    fixed = [n.unique_id for n in nodes if n.unique_id in known]
    ids = nx.relabel_nodes(graph, {n: n.unique_id for n in nodes})
    if ids.number_of_nodes():
        pos = nx.spring_layout(
            ids,
            pos={i: known[i] for i in fixed} or None,
            fixed=fixed or None,
            iterations=20 if fixed else 50,
            seed=model.seed % (2**32),
        )
        known.update(pos)
    pos = {n: known[n.unique_id] for n in nodes}
    live = graph.subgraph(active)
    nx.draw_networkx_edges(live, pos, ax=ax, alpha=0.4, width=0.6)
    nx.draw_networkx_nodes(
        live,
        pos,
        ax=ax,
        nodelist=active,
        node_size=22,
        node_color=[ROLE_COLOURS[m.role] for m in active],
    )
    if arrested:
        nx.draw_networkx_nodes(
            graph, pos, ax=ax, nodelist=arrested, node_size=14, node_color="grey", node_shape="x"
        )
    ocgs = {m.ocg for m in active}
    ax.set_title(
        f"{model.network_route}: {len(active)} members in {len(ocgs)} OCGs, "
        f"{len(arrested)} arrested in the last {RECENT_ARREST_WEEKS} weeks",
        fontsize=9,
    )
    handles = [
        Line2D([], [], marker="o", ls="", color=c, label=r.name.lower())
        for r, c in ROLE_COLOURS.items()
    ]
    handles.append(Line2D([], [], marker="x", ls="", color="grey", label="arrested"))
    ax.legend(handles=handles, loc="lower left", fontsize=7)
    ax.set_axis_off()


@solara.component
def SmugglingNetwork(model: AppModel):  # noqa: N802 (Solara components are capitalised)
    update_counter.get()
    fig = Figure(figsize=(6, 5))
    draw_smuggling_network(fig.subplots(), model)
    solara.FigureMatplotlib(fig, format="png", bbox_inches="tight")


@solara.component
def RunSummary(model: AppModel):  # noqa: N802
    update_counter.get()
    s = model.summary()
    active = ", ".join(m.key for m in model.measures if m.active) or "none"
    rows = []
    for o in outputs.HEADLINE:
        note = STATUS_QUO if o.name == "confiscation_ratio" else ""
        rows.append(f"| {o.heading} | {o.format(s[o.name])}{note} |")
    solara.Markdown(
        f"**Week {model.week} of {model.n_weeks}** · seed {model.seed} · measures active: {active}"
        "\n\n| | |\n|---|---|\n" + "\n".join(rows)
    )


# -- plots ------------------------------------------------------------------------------------
def _weekly_axes(ax) -> None:
    ax.set_xlabel("week")
    ax.legend(loc="upper left", fontsize=7)


def _arrivals_axes(ax) -> None:
    ax.set_ylabel(outputs.lookup("arrivals_<route>").rate_heading("week"))
    _weekly_axes(ax)


def _money_axes(ax) -> None:
    ax.set_yscale("symlog", linthresh=0.1)
    ax.set_ylabel("EUR million")
    _weekly_axes(ax)


def _ratio_axes(ax) -> None:
    ax.axhline(100 * STATUS_QUO_LINE, color="k", ls="--", lw=1, label="2% (15250/18)")
    ax.set_ylabel(rescaled_name("confiscation_ratio"))
    _weekly_axes(ax)


arrivals_plot = make_plot_component(
    {f"arrivals_{r}": ROUTE_COLOURS[r] for r in ROUTES}, post_process=_arrivals_axes
)
money_plot = make_plot_component(
    {
        rescaled_name("proceeds_cum_eur"): "tab:red",
        rescaled_name("confiscated_cum_eur"): "tab:green",
    },
    post_process=_money_axes,
)
ratio_plot = make_plot_component(
    {rescaled_name("confiscation_ratio"): "tab:green"}, post_process=_ratio_axes
)

model_params: dict[str, Any] = {
    "rng": {"type": "InputText", "value": 1, "label": "Seed"},
    "years": Slider("Years", 5, 1, 10, 1),
    "start_week": Slider("Measures start in week", 0, 0, 260, 1),
    "network_route": {
        "type": "Select",
        "value": "central_med",
        "values": list(ROUTES),
        "label": "Smuggling network shown",
    },
    **measure_controls(),
}

model = AppModel()
renderer = make_route_renderer(model)
page = SolaraViz(
    model,
    renderer,
    components=[
        (RunSummary, 0),
        (SmugglingNetwork, 0),
        arrivals_plot,
        money_plot,
        ratio_plot,
    ],
    model_params=model_params,
    name="smugglesim: smuggling networks and the measures of 15250/18",
)
