"""The app's figures, drawn with matplotlib and kept as PNG images between weeks.

- the route map and the smuggling network of one route (:mod:`smugglesim.app_networks`);
- the weekly series, on one week axis: arrivals by route, proceeds against assets
  confiscated, and the confiscation ratio against the 2% of Council document 15250/18; a
  previous run, when there is one, as dashed lines.

Labels and units come from the output registry (``smugglesim/model/outputs.py``). :class:`Figures`
keeps one matplotlib figure of each for the whole session and redraws one only when what it
shows changed, and then only what changed in it (:class:`~smugglesim.app_render.Blit`):
rendering a whole figure to PNG costs 50-250 ms, a week of the model about 15 ms.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator, PercentFormatter

from smugglesim.app_networks import (
    ROUTE_COLOURS,
    ROUTE_LABELS,
    NetworkFigure,
    RouteMapRenderer,
    make_route_renderer,
    network_signature,
)
from smugglesim.app_render import Blit
from smugglesim.model import outputs
from smugglesim.model.model import SmugglingModel

if TYPE_CHECKING:
    from smugglesim.app_session import PreviousRun

STATUS_QUO_LINE = 0.02  # 15250/18: less than 2% of smuggling proceeds confiscated


def week_date(model: SmugglingModel, week: int) -> datetime.date:
    """The first day of a week (week 0's is ``run.first_day``)."""
    return model.config.run.first_day + datetime.timedelta(weeks=week)


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

        first = model.config.run.first_day
        start = first.year + (first - datetime.date(first.year, 1, 1)).days / 365.25
        ratio_ax.set_xlabel(f"week (week 0 begins {first.day} {first:%B %Y})")
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


# -- the headline figures so far -----------------------------------------------------------
NOW = {"ocgs_active_end": "ocgs_active"}  # figures of the end of a run: shown as now


@dataclass(frozen=True)
class RunReport:
    """What the page says about the run at the last redraw (read from the model then, not
    while a run steps it): the week, the measures, the headline figures with their labels."""

    week: int
    seed: int
    measures: list[str]
    rows: list[tuple[str, str]]


def run_report(model: SmugglingModel) -> RunReport:
    s = model.summary()
    weekly = model.timeseries()
    rows = []
    for o in outputs.HEADLINE:
        if o.name in NOW:
            o = outputs.lookup(NOW[o.name])
            value = weekly[o.name].iloc[-1] if len(weekly) else 0
            rows.append((f"{o.heading} (now)", o.format(value)))
            continue
        note = " (status quo: under 2%)" if o.name == "confiscation_ratio" else ""
        rows.append((o.heading, o.format(s[o.name]) + note))
    measures = [
        f"{m.number}. {m.title} ({'from' if m.active else 'starts in'} week {m.params.start_week})"
        for m in model.measures
    ]
    return RunReport(model.week, model.seed, measures, rows)


# -- one session's figures ------------------------------------------------------------------
class Figures:
    """A session's figures as PNG images, each redrawn only when what it shows changed.

    Args:
        route: The route whose smuggling network is drawn.
    """

    def __init__(self, route: str = "central_med") -> None:
        self.route = route
        self.images: dict[str, bytes] = {}
        self.report: RunReport | None = None
        self._renderer: RouteMapRenderer | None = None
        self._routes_blit: Blit | None = None
        # Made when first drawn, so in the thread that draws (under the page's context).
        self._network: NetworkFigure | None = None
        self._weekly: WeeklyFigure | None = None
        self._positions: dict[int, np.ndarray] = {}
        self._seen: dict[str, Any] = {}  # what each image shows, to skip unchanged ones

    def forget_layout(self) -> None:
        """A new model: members and their positions start afresh."""
        self._positions.clear()
        self._seen.clear()

    def close(self) -> None:
        """Let go of the model: drop the figures, which refer to it (the next draw makes new
        ones). Builds nothing: it may run in the run's thread after the page has closed, where
        Solara's per-page matplotlib settings are no longer there to read."""
        self.forget_layout()
        self._renderer = self._routes_blit = self._network = self._weekly = None

    def draw(self, model: SmugglingModel, previous: PreviousRun | None = None) -> list[str]:
        """Redraw the figures whose content changed; the names of those redrawn."""
        redrawn = []
        week = (model, model.week)
        self.report = run_report(model)
        if self._seen.get("routes") != week:
            if self._renderer is None or self._renderer.model is not model:
                self._renderer = make_route_renderer(model)
                self._routes_blit = Blit(self._renderer.canvas.figure)
            self.images["routes"] = self._renderer.frame(self._routes_blit)
            self._seen["routes"] = week
            redrawn.append("routes")
        signature = (week[0], network_signature(model, self.route))
        if self._seen.get("network") != signature:
            self._network = self._network or NetworkFigure()
            self.images["network"] = self._network.frame(model, self.route, self._positions)
            self._seen["network"] = signature
            redrawn.append("network")
        weekly = (*week, previous)
        if self._seen.get("weekly") != weekly:
            self._weekly = self._weekly or WeeklyFigure()
            self.images["weekly"] = self._weekly.frame(model, previous)
            self._seen["weekly"] = weekly
            redrawn.append("weekly")
        return redrawn
