"""The app's figures, drawn with matplotlib and kept as PNG images between weeks.

- the route map: the model's Mesa ``Network`` space at the places' approximate longitude
  and latitude, drawn by a :class:`RouteMapRenderer` (Mesa's ``SpaceRenderer``), each leg as
  wide as the number of migrants travelling on it, coloured by route;
- the smuggling network of one route: the members of its OCGs by role, with members arrested
  in the last 26 weeks as grey crosses;
- the weekly series, on one week axis: arrivals by route, proceeds against assets
  confiscated, and the confiscation ratio against the 2% of Council document 15250/18; a
  previous run, when there is one, as dashed lines.

Labels and units come from the output registry (``model/outputs.py``). :class:`Figures`
keeps one matplotlib figure of each for the whole session and redraws one only when what it
shows changed: rendering a figure to PNG costs 50-200 ms, a week of the model about 15 ms.
"""

from __future__ import annotations

import datetime
import io
from typing import TYPE_CHECKING, Any

import networkx as nx
import numpy as np
import PIL.Image
from matplotlib.artist import Artist
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.text import Text
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter
from mesa.visualization import SpaceRenderer
from mesa.visualization.space_drawers import NetworkSpaceDrawer

from model import outputs
from model.migrants import TRAVELLING
from model.model import SmugglingModel, default_routes
from model.smugglers import Role

if TYPE_CHECKING:
    from smugglesim.app_session import PreviousRun

DPI = 80  # the page shows the images at about this size; more only costs encoding time
STATUS_QUO_LINE = 0.02  # 15250/18: less than 2% of smuggling proceeds confiscated
ROUTES = default_routes().route_names  # names, labels and colours: model/data/routes.toml
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


def week_date(model: SmugglingModel, week: int) -> datetime.date:
    """The first day of a week, week 0 starting on 1 January of ``run.start_year``."""
    start = datetime.date(model.config.run.start_year, 1, 1)
    return start + datetime.timedelta(weeks=week)


def png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


class Blit:
    """A figure rendered as a background drawn once and artists drawn over it each week.

    Text (ticks, labels, legends) is most of what matplotlib spends on a figure; the weekly
    change is a few lines and widths. The background is drawn again only when ``static``
    (whatever else the figure shows: axis limits, the model) changes.
    """

    def __init__(self, fig: Figure) -> None:
        fig.set_dpi(DPI)
        self.fig = fig
        self.canvas = FigureCanvasAgg(fig)
        self._background = None
        self._static: Any = object()
        self.backgrounds = 0  # how often the background was drawn

    def render(self, static: Any, dynamic: list[Artist]) -> bytes:
        """The figure as PNG, the ``dynamic`` artists drawn over the cached background."""
        if static != self._static or self._background is None:
            # Hidden from the background; texts by transparency, so that the layout still
            # leaves room for them.
            texts = [a for a in dynamic if isinstance(a, Text)]
            alphas = [t.get_alpha() for t in texts]
            for artist in dynamic:
                if isinstance(artist, Text):
                    artist.set_alpha(0)
                else:
                    artist.set_visible(False)
            self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._static = static
            self.backgrounds += 1
            for artist in dynamic:
                artist.set_visible(True)
            for text, alpha in zip(texts, alphas, strict=True):
                text.set_alpha(alpha)
        self.canvas.restore_region(self._background)
        for artist in dynamic:
            self.fig.draw_artist(artist)
        image = PIL.Image.frombuffer(
            "RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba()
        )
        buffer = io.BytesIO()
        image.save(buffer, format="png", compress_level=1)  # fast; sent over localhost
        return buffer.getvalue()


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
        elif not member.ocg.dismantled:
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


# -- the weekly series ------------------------------------------------------------------------
MONEY = ("proceeds_cum_eur", "confiscated_cum_eur")
MONEY_COLOURS = ("tab:red", "tab:green")
HEADROOM = 1.5  # an axis grows to 1.5 times what it must show, so that it grows rarely


class WeeklyFigure:
    """Arrivals by route, money, and the confiscation ratio, one panel each, by week.

    Built once per model (and previous run); each week only the lines' data change, and the
    axes only when a line outgrows them.
    """

    def __init__(self) -> None:
        self.fig = Figure(figsize=(7.2, 6.8), layout="constrained")
        self.blit = Blit(self.fig)
        self._built_for: tuple | None = None  # the model and previous run it was built for
        self._generation = 0
        self._series: list[tuple[Any, Line2D, str, float]] = []  # axes, line, column, scale

    def _build(self, model: SmugglingModel, previous: PreviousRun | None) -> None:
        fig = self.fig
        fig.clear()
        self._series = []
        arrivals_ax, money_ax, ratio_ax = self.axes = fig.subplots(3, 1, sharex=True)
        before = previous.weekly if previous is not None else None

        def series(ax, column: str, colour: str, label: str, scale: float = 1.0) -> None:
            (line,) = ax.plot([], [], color=colour, label=label)
            self._series.append((ax, line, column, scale))
            if before is not None:
                ax.plot(
                    before["week"], before[column] * scale, color=colour, ls="--", lw=1, alpha=0.6
                )

        arrivals = outputs.lookup("arrivals_<route>")
        for route in model.routes.route_names:
            series(arrivals_ax, f"arrivals_{route}", ROUTE_COLOURS[route], ROUTE_LABELS[route])
        arrivals_ax.set_ylabel(arrivals.rate_heading("week").replace(" (", "\n("), fontsize=9)
        arrivals_ax.set_title(arrivals.definition, fontsize=9, loc="left")
        arrivals_ax.legend(loc="upper left", fontsize=7, ncols=2)

        for name, colour in zip(MONEY, MONEY_COLOURS, strict=True):
            series(money_ax, name, colour, outputs.label(name), 1e-6)
        money_ax.set_yscale("symlog", linthresh=0.1)
        money_ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,g}"))
        money_ax.set_ylabel(f"{outputs.lookup(MONEY[0]).unit} million", fontsize=9)
        money_ax.legend(loc="lower right", fontsize=7)

        ratio = outputs.lookup("confiscation_ratio")
        series(ratio_ax, ratio.name, "tab:green", ratio.label)
        ratio_ax.axhline(
            STATUS_QUO_LINE, color="k", ls=":", lw=1, label="2%: the status quo (15250/18)"
        )
        ratio_ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
        self._above = ratio_ax.annotate(
            "↑ the 2% line is above this scale", (1, 1), xycoords="axes fraction",
            xytext=(-4, -12), textcoords="offset points", ha="right", fontsize=7,
        )  # fmt: skip
        ratio_ax.set_ylabel(ratio.label, fontsize=9)
        ratio_ax.legend(loc="upper left", fontsize=7)

        start = model.config.run.start_year
        ratio_ax.set_xlabel(f"week (week 0 begins 1 January {start})")
        ratio_ax.set_xlim(0, max(model.n_weeks, 1))
        ratio_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        years = arrivals_ax.secondary_xaxis(
            "top", functions=(lambda w: start + w / 52, lambda y: (y - start) * 52)
        )
        years.xaxis.set_major_locator(MaxNLocator(integer=True))
        years.xaxis.set_major_formatter(FuncFormatter(lambda y, _: f"{y:.0f}"))
        years.tick_params(labelsize=8)
        if model.measures:
            first = min(m.params.start_week for m in model.measures)
            for ax in self.axes:
                ax.axvline(first, color="dimgrey", lw=1, ls="-.")
            money_ax.annotate(
                "measures start", (first, 1), xycoords=("data", "axes fraction"),
                xytext=(3, -12), textcoords="offset points", fontsize=7, color="dimgrey",
            )  # fmt: skip
        if previous is not None:
            fig.suptitle(f"dashed: the previous run ({previous.description})", fontsize=8)
        for ax in self.axes:
            ax.set_ylim(0, self._room(ax, self._top(ax, before)))

    def _room(self, ax, needed: float) -> float:
        """A top for an axis that must show ``needed``, with room to grow into. The least
        tops are about what the baseline reaches in its first year, so that the axes (and
        the figure's background) rarely change during a run."""
        if ax is self.axes[1]:  # money, cumulative, on a log scale: a power of ten
            return float(10 ** np.ceil(np.log10(max(needed * HEADROOM, 1000.0))))
        if ax is self.axes[2]:  # the ratio: the 2% line only when the ratio nears it
            return max(0.001, HEADROOM * needed)
        return max(1000.0, HEADROOM * needed)

    def _top(self, ax, frame) -> float:
        """The top an axis needs for ``frame`` (a weekly table) and its lines now."""
        top = 0.0
        for axis, line, column, scale in self._series:
            if axis is ax:
                if len(line.get_ydata()):
                    top = max(top, float(np.nanmax(line.get_ydata())))
                if frame is not None and len(frame):
                    top = max(top, float(frame[column].max()) * scale)
        return top

    def frame(self, model: SmugglingModel, previous: PreviousRun | None) -> bytes:
        """The figure now, as PNG."""
        if self._built_for is None or not (
            self._built_for[0] is model and self._built_for[1] is previous
        ):
            self._build(model, previous)
            self._built_for = (model, previous)
            self._generation += 1
        df = model.timeseries()
        for _, line, column, scale in self._series:
            line.set_data(df["week"], df[column] * scale)
        for ax in self.axes:
            bottom, top = ax.get_ylim()
            if (needed := self._top(ax, None)) > top:
                ax.set_ylim(bottom, self._room(ax, needed))
        self._above.set_visible(self.axes[2].get_ylim()[1] < STATUS_QUO_LINE)
        static = (self._generation, tuple(ax.get_ylim() for ax in self.axes))
        return self.blit.render(static, [line for _, line, _, _ in self._series])


# -- one session's figures ------------------------------------------------------------------
class Figures:
    """A session's figures as PNG images, each redrawn only when what it shows changed.

    Args:
        route: The route whose smuggling network is drawn.
    """

    def __init__(self, route: str = "central_med") -> None:
        self.route = route
        self.images: dict[str, bytes] = {}
        self._renderer: RouteMapRenderer | None = None
        self._routes_blit: Blit | None = None
        self._network = NetworkFigure()
        self._weekly = WeeklyFigure()
        self._positions: dict[int, np.ndarray] = {}
        self._seen: dict[str, Any] = {}  # what each image shows, to skip unchanged ones

    def forget_layout(self) -> None:
        """A new model: members and their positions start afresh."""
        self._positions.clear()
        self._seen.clear()

    def close(self) -> None:
        """Let go of the model (the figures refer to it until redrawn for another)."""
        self.forget_layout()
        self._renderer = self._routes_blit = None
        self._network = NetworkFigure()
        self._weekly = WeeklyFigure()

    def draw(self, model: SmugglingModel, previous: PreviousRun | None = None) -> list[str]:
        """Redraw the figures whose content changed; the names of those redrawn."""
        redrawn = []
        week = (model, model.week)
        if self._seen.get("routes") != week:
            if self._renderer is None or self._renderer.model is not model:
                self._renderer = make_route_renderer(model)
                self._routes_blit = Blit(self._renderer.canvas.figure)
            self.images["routes"] = self._renderer.frame(self._routes_blit)
            self._seen["routes"] = week
            redrawn.append("routes")
        signature = (week[0], network_signature(model, self.route))
        if self._seen.get("network") != signature:
            self.images["network"] = self._network.frame(model, self.route, self._positions)
            self._seen["network"] = signature
            redrawn.append("network")
        weekly = (*week, previous)
        if self._seen.get("weekly") != weekly:
            self.images["weekly"] = self._weekly.frame(model, previous)
            self._seen["weekly"] = weekly
            redrawn.append("weekly")
        return redrawn
