"""The app's two network drawings: the routes on a map, and one route's smuggling network.

- the route map: the model's Mesa ``Network`` space at the places' approximate longitude
  and latitude, drawn by a :class:`RouteMapRenderer` (Mesa's ``SpaceRenderer``), each leg as
  wide as the number of migrants travelling on it, coloured by route;
- the smuggling network of one route: the members of its OCGs by role, with members arrested
  in the last 26 weeks as grey crosses, each member staying where it was from week to week.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from mesa.visualization import SpaceRenderer
from mesa.visualization.space_drawers import NetworkSpaceDrawer

from smugglesim.app_render import Blit
from smugglesim.model import outputs
from smugglesim.model.migrants import TRAVELLING
from smugglesim.model.model import SmugglingModel, default_routes
from smugglesim.model.smugglers import Role

# names, labels and colours: smugglesim/model/data/routes.toml
ROUTES = default_routes().route_names
ROUTE_COLOURS = default_routes().route_colours
ROUTE_LABELS = default_routes().route_labels
JURISDICTION_COLOURS = {"eu": "royalblue", "cooperating": "seagreen", "non_cooperating": "grey"}
JURISDICTION_LABELS = {
    "eu": "EU member state",
    "cooperating": "cooperating third country",
    "non_cooperating": "non-cooperating third country",
}
ROLE_COLOURS = {
    Role.ORGANISER: "crimson",
    Role.COORDINATOR: "darkorange",
    Role.RECRUITER: "gold",
    Role.TRANSPORTER: "steelblue",
    Role.DOCUMENT_FORGER: "mediumpurple",
    Role.MONEY_HANDLER: "seagreen",
}
RECENT_ARREST_WEEKS = 26


# -- the route map: Mesa's SpaceRenderer on the Network space ------------------------------
def geographic_layout(graph: nx.Graph) -> dict[str, tuple[float, float]]:
    """Node positions at their approximate longitude and latitude."""
    return {node: (data["lon"], data["lat"]) for node, data in graph.nodes(data=True)}


def leg_flows(model: SmugglingModel) -> np.ndarray:
    """Migrants travelling on each leg now, indexed by leg number."""
    migrants = model.migrants
    legs = migrants.view("leg")[migrants.view("state") == TRAVELLING]
    return np.bincount(legs.astype(np.int64), minlength=len(model.routes.legs))


def leg_widths(model: SmugglingModel, edges: list[tuple]) -> list[float]:
    """Line widths of the legs (``graph.edges(data=True)``): wider with more migrants."""
    flows = leg_flows(model)
    return [0.5 + 0.25 * float(np.sqrt(flows[d["leg"]])) for _, _, d in edges]


class RouteMapRenderer(SpaceRenderer):
    """SpaceRenderer of the route network at geographic positions, with flows as widths.

    :meth:`draw_structure` draws the whole map (Mesa's drawer: places and legs);
    :meth:`frame` draws only the legs' widths and the title over the rest.
    """

    def __init__(self, model: SmugglingModel, backend: str = "matplotlib") -> None:
        self.model = model
        self.flows: LineCollection | None = None  # the legs' widths, drawn by frame()
        super().__init__(model, backend=backend)

    def _get_space_drawer(self) -> NetworkSpaceDrawer:
        return NetworkSpaceDrawer(self.space, layout_alg=geographic_layout, layout_kwargs={})

    def draw_structure(self, **kwargs: Any):
        graph = self.space.G
        edges = list(graph.edges(data=True))
        ax = self.backend_renderer.ax
        for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts]:
            artist.remove()  # a drawing before
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
                "width": leg_widths(self.model, edges),
                "edge_color": [ROUTE_COLOURS[d["route"]] for _, _, d in edges],
                "alpha": 0.7,
                "style": "-",
                "arrows": True,
                "arrowstyle": "-|>",
                "zorder": 1,
            },
        }
        mesh = super().draw_structure(**kwargs)
        for node, (x, y) in self.space_drawer.pos.items():
            ax.annotate(
                graph.nodes[node].get("label", node).split(" (")[0].split(",")[0],
                (x, y),
                xytext=(3, 3),
                textcoords="offset points",
                fontsize=7,
                color="dimgrey",
            )
        self._set_title()
        if not ax.figure.legends:
            handles = [
                Line2D([], [], color=c, lw=3, label=ROUTE_LABELS[r])
                for r, c in ROUTE_COLOURS.items()
            ]
            handles += [
                Line2D([], [], marker="o", ls="", color=c, label=JURISDICTION_LABELS[j])
                for j, c in JURISDICTION_COLOURS.items()
            ]
            ax.figure.legend(handles=handles, loc="outside right upper", fontsize=8)
        return mesh

    def _set_title(self) -> None:
        travelling = int(leg_flows(self.model).sum())
        self.backend_renderer.ax.set_title(
            f"The routes in week {self.model.week}: {travelling:,} "
            f"{outputs.label('migrants_travelling')}\n(a leg is wider with more migrants on it)",
            fontsize=10,
        )

    def frame(self, blit: Blit) -> bytes:
        """The map now, as PNG: the legs as wide as their flows, and the title, drawn over
        the places and the thin arrows of the first drawing (arrows cost 3 ms each to draw)."""
        ax = self.backend_renderer.ax
        edges = list(self.space.G.edges(data=True))
        if self.flows is None:
            pos = self.space_drawer.pos
            self.flows = LineCollection(
                [(pos[a], pos[b]) for a, b, _ in edges],
                colors=[ROUTE_COLOURS[d["route"]] for _, _, d in edges],
                alpha=0.7,
                zorder=1.5,
                capstyle="round",
            )
            ax.add_collection(self.flows)
        self.flows.set_linewidths(leg_widths(self.model, edges))
        self._set_title()
        places = [c for c in ax.collections if c is not self.flows]  # over the legs again
        return blit.render(None, [self.flows, *places, ax.title])


def make_route_renderer(model: SmugglingModel) -> RouteMapRenderer:
    renderer = RouteMapRenderer(model)
    renderer.setup_structure()
    renderer.canvas.figure.set_size_inches(9.5, 5.0)
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
        elif not member.gone and not member.ocg.dismantled:
            active.append(member)
    return model.social.subgraph(active + arrested), active, arrested


def place_new_members(graph: nx.Graph, new: list, known: dict, model: SmugglingModel) -> None:
    """Positions for members not yet drawn (``known``: positions by member id).

    The first time, a spring layout of the whole network; then of the new members and their
    neighbours only, the neighbours held where they are (a layout of all members costs about
    0.1 s a week, most of a redraw). A new group tied to nobody drawn is laid out small, at a
    random place.
    """
    if not new:
        return
    seed = (model.seed + model.week) % (2**32)
    if not known:
        ids = nx.relabel_nodes(graph, {n: n.unique_id for n in graph})
        known.update(nx.spring_layout(ids, iterations=50, seed=seed))
        return
    around = set(new) | {tie for n in new for tie in graph.neighbors(n)}
    ids = nx.relabel_nodes(graph.subgraph(around), {n: n.unique_id for n in around})
    fixed = [i for i in ids if i in known]
    if fixed:
        pos = nx.spring_layout(
            ids, pos={i: known[i] for i in fixed}, fixed=fixed, iterations=20, seed=seed
        )
    else:
        centre = np.random.default_rng(seed).uniform(-0.9, 0.9, size=2)
        pos = nx.spring_layout(ids, iterations=50, seed=seed, center=centre, scale=0.15)
    known.update(pos)


def draw_members(ax, model: SmugglingModel, route: str, known: dict) -> None:
    """Draw the route's members and ties, titled; positions (``known``, by member id)
    persist from one week to the next, so that members stay where they were."""
    graph, active, arrested = route_network(model, route)
    nodes = active + arrested
    place_new_members(graph, [n for n in nodes if n.unique_id not in known], known, model)
    pos = {n: known[n.unique_id] for n in nodes}
    # Drawn with matplotlib directly: networkx's drawing functions take longer than the layout.
    ties = [(pos[a], pos[b]) for a, b in graph.subgraph(active).edges()]
    ax.add_collection(LineCollection(ties, colors="k", alpha=0.4, linewidths=0.6, zorder=1))
    if active:
        xy = np.array([pos[m] for m in active])
        colours = [ROLE_COLOURS[m.role] for m in active]
        ax.scatter(xy[:, 0], xy[:, 1], s=22, c=colours, zorder=2)
    if arrested:
        xy = np.array([pos[m] for m in arrested])
        ax.scatter(xy[:, 0], xy[:, 1], s=14, c="grey", marker="x", zorder=2)
    ocgs = {m.ocg for m in active}
    ax.set_title(
        f"Smuggling network, {ROUTE_LABELS[route]}:\n"
        f"{len(active)} members in {len(ocgs)} OCGs, "
        f"{len(arrested)} arrested in the last {RECENT_ARREST_WEEKS} weeks",
        fontsize=10,
    )
    if nodes:  # limits in steps of 0.5, so that they (and the background) change rarely
        xy = np.array([pos[n] for n in nodes])
        low, high = np.floor(xy.min(axis=0) * 2 - 0.2) / 2, np.ceil(xy.max(axis=0) * 2 + 0.2) / 2
        ax.set_xlim(low[0], high[0])
        ax.set_ylim(low[1], high[1])


def network_legend(ax) -> None:
    handles = [
        Line2D([], [], marker="o", ls="", color=c, label=r.name.lower().replace("_", " "))
        for r, c in ROLE_COLOURS.items()
    ]
    handles.append(Line2D([], [], marker="x", ls="", color="grey", label="arrested"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_axis_off()


def draw_smuggling_network(ax, model: SmugglingModel, route: str, known: dict) -> None:
    """Draw the route's smuggling network with its legend (see :func:`draw_members`)."""
    draw_members(ax, model, route, known)
    network_legend(ax)


class NetworkFigure:
    """The smuggling network: the legend drawn once, the members and ties over it."""

    def __init__(self) -> None:
        self.fig = Figure(figsize=(6.4, 5.0), layout="constrained")
        self.blit = Blit(self.fig)
        self.ax = self.fig.subplots()
        network_legend(self.ax)
        self._drawn: tuple | None = None  # the model and route drawn last

    def frame(self, model: SmugglingModel, route: str, known: dict) -> bytes:
        ax = self.ax
        before = (ax.get_xlim(), ax.get_ylim()) if self._drawn == (model, route) else None
        for collection in list(ax.collections):
            collection.remove()
        draw_members(ax, model, route, known)
        if before is not None:  # the same network: its limits only grow
            (x0, x1), (y0, y1) = before
            ax.set_xlim(min(x0, ax.get_xlim()[0]), max(x1, ax.get_xlim()[1]))
            ax.set_ylim(min(y0, ax.get_ylim()[0]), max(y1, ax.get_ylim()[1]))
        self._drawn = (model, route)
        static = (ax.get_xlim(), ax.get_ylim())
        return self.blit.render(static, [*ax.collections, ax.title])


def network_signature(model: SmugglingModel, route: str) -> tuple:
    """What the network drawing shows: it is redrawn only when this changes."""
    _, active, arrested = route_network(model, route)
    return (
        route,
        tuple(sorted(m.unique_id for m in active)),
        tuple(sorted(m.unique_id for m in arrested)),
        len({m.ocg for m in active}),
    )
