"""Plots of runs and comparisons: weekly series with bands over replications, a forest plot
of paired differences (one panel per outcome, in the outcome's own unit), the 2% line.

Titles, axis labels and units come from the output registry (``smugglesim/model/outputs.py``); every
title gives the run length and the number of replications. Figures are built with
:class:`matplotlib.figure.Figure` (no pyplot, no global backend), so they render to PNG on a
headless machine and leave a notebook's figures alone; the ``plot_*`` functions save them.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter, StrMethodFormatter

from smugglesim.experiments import tables
from smugglesim.experiments.compare import CONFISCATION_LINE, HEADLINE
from smugglesim.model import outputs

TIMESERIES_METRICS = [
    "confiscation_ratio",
    "confiscated_cum_eur",
    "members_arrested",
    "ocgs_active",
    "arrivals",
    "deaths",
]
"""The weekly series plotted by default; their titles come from smugglesim/model/outputs.py."""
MONEY_SCALES = ((1e6, "EUR million"), (1e4, "EUR thousand"))


def bands(ts: pd.DataFrame, column: str, interval: float = 0.9) -> pd.DataFrame:
    """Per scenario and week: the median of ``column`` over replications and the central
    ``interval`` of them (``low``, ``high``: the 5th and 95th percentiles for 0.9), and how
    many replications there are (``n``). Quantiles of the runs themselves, so a band never
    leaves the range of the figure."""
    if "scenario" not in ts:
        ts = ts.assign(scenario="")
    tail = (1 - interval) / 2
    g = ts.groupby(["scenario", "week"], sort=False)[column]
    table = g.agg(median="median", n="count")
    table["low"] = g.quantile(tail)
    table["high"] = g.quantile(1 - tail)
    return table.reset_index()


def _scale(output: outputs.Output, values: np.ndarray) -> tuple[float, str]:
    """The factor to plot an output's values by, and the unit on the axis: money in
    millions (thousands) when it runs into millions (tens of thousands)."""
    biggest = float(np.nanmax(np.abs(values))) if np.isfinite(values).any() else 0.0
    for size, unit in MONEY_SCALES if output.unit.startswith("EUR") else ():
        if biggest >= size:
            return 1 / size, output.unit.replace("EUR", unit, 1)
    return 1.0, output.unit


def _axis_heading(output: outputs.Output, unit: str) -> str:
    """The weekly heading (``arrivals per week (migrants)``) with ``unit`` for the unit."""
    heading = output.rate_heading("week")
    return heading.replace(f"({output.unit})", f"({unit})") if output.unit else heading


def _format_axis(ax: Axes, output: outputs.Output, axis: str = "y") -> None:
    target = ax.yaxis if axis == "y" else ax.xaxis
    if "%" in output.fmt:
        target.set_major_formatter(PercentFormatter(xmax=1))
    elif output.fmt == outputs.COUNT:
        target.set_major_formatter(StrMethodFormatter("{x:,.0f}"))


def week_axis(week: pd.Series, first_day: dt.date | None) -> Any:
    """The weeks as they go on the x axis: the week numbers, or the first day of each week
    from ``first_day``, week 0's (the scenario's ``run.first_day``)."""
    if first_day is None:
        return week.to_numpy()
    return np.datetime64(first_day, "D") + 7 * week.to_numpy().astype("timedelta64[D]")


def series_figure(
    ts: pd.DataFrame,
    columns: list[str] | None = None,
    *,
    interval: float = 0.9,
    measure_starts: dict[str, list[dict[str, Any]]] | None = None,
    first_day: dt.date | None = None,
    title: str | None = None,
    ncols: int = 2,
) -> Figure:
    """Weekly series, one panel per column: per scenario the median over replications and a
    band holding the central ``interval`` of them (one run: its line); dashed lines where a
    scenario's measures start.

    Args:
        ts: Weekly rows with ``week``, the columns, and ``scenario`` and ``replication`` when
            there are several.
        columns: Weekly columns (default :data:`TIMESERIES_METRICS`).
        interval: The central share of replications the band holds.
        measure_starts: Scenario label -> its measures (``start_week`` each), as in a
            batch manifest.
        first_day: Dates on the x axis, week 0 beginning on this day; None: week numbers.
        title: The figure's title (default: the run length and the replications).
        ncols: Panels per row.
    """
    columns = [c for c in (columns or TIMESERIES_METRICS) if c in ts]
    if not columns:
        raise ValueError("none of the columns asked for is in the time series")
    if "scenario" not in ts:
        ts = ts.assign(scenario="")
    nrows = -(-len(columns) // ncols)
    fig = Figure(figsize=(6 * min(ncols, len(columns)), 3.2 * nrows + 0.8), layout="constrained")
    axes = fig.subplots(nrows, min(ncols, len(columns)), squeeze=False).ravel()
    scenarios = list(dict.fromkeys(ts["scenario"]))
    colours = {s: f"C{i % 10}" for i, s in enumerate(scenarios)}
    reps = _replications(ts)
    for ax, column in zip(axes, columns, strict=False):
        output = outputs.lookup(column)
        band = bands(ts, column, interval)
        factor, unit = _scale(output, band[["median", "low", "high"]].to_numpy(dtype=float))
        for label, b in band.groupby("scenario", sort=False):
            x = week_axis(b["week"], first_day)
            ax.plot(x, b["median"] * factor, color=colours[label], lw=1.2, label=label or None)
            if reps > 1:
                ax.fill_between(
                    x, b["low"] * factor, b["high"] * factor, color=colours[label], alpha=0.2, lw=0
                )
        for label, measures in (measure_starts or {}).items():
            for m in measures if label in colours else []:
                start = week_axis(pd.Series([m["start_week"]]), first_day)[0]
                ax.axvline(start, color=colours[label], ls="--", lw=0.8)
        if column == "confiscation_ratio":
            _confiscation_line(ax, float(band["high"].max()))
        name = outputs.label(column).removeprefix(output.label)  # ", central_med" in a family
        ax.set_title(_axis_heading(output, unit).replace(output.label, output.label + name, 1))
        _format_axis(ax, output)
        ax.set_xlabel("date" if first_day is not None else "week")
    for ax in axes[len(columns) :]:
        ax.set_visible(False)
    if len(scenarios) > 1 or measure_starts:
        fig.legend(
            *axes[0].get_legend_handles_labels(), loc="outside lower center", ncols=4, fontsize=8
        )
    weeks = int(ts["week"].max()) + 1
    band_text = f"median and central {interval:.0%} of replications" if reps > 1 else "one run"
    default = f"{band_text}: {tables.run_length(weeks)}, {tables.replications_text(reps)}"
    notes = "; dashed: a measure starts" if measure_starts else ""
    fig.suptitle((title or default) + notes, fontsize=10)
    return fig


def _confiscation_line(ax: Axes, highest: float) -> None:
    """The 2% line, unless it would flatten ratios far below it (then a note says where)."""
    if highest >= CONFISCATION_LINE / 4:
        ax.axhline(CONFISCATION_LINE, color="black", ls=":", lw=0.8)
    else:
        ax.text(
            0.02,
            0.95,
            "the 2% line (15250/18) is far above",
            transform=ax.transAxes,
            fontsize=8,
            va="top",
        )


def _replications(ts: pd.DataFrame) -> int:
    if "replication" not in ts:
        return 1
    return int(ts.groupby("scenario", sort=False)["replication"].nunique().max())


def plot_timeseries(
    ts: pd.DataFrame,
    path: str | Path,
    measure_starts: dict[str, list[dict[str, Any]]] | None = None,
) -> Path:
    """:func:`series_figure` of the default columns, saved to ``path``."""
    return _save(series_figure(ts, measure_starts=measure_starts), path)


def forest_figure(effects: pd.DataFrame, metrics: list[str] | None = None) -> Figure:
    """Paired differences against the baseline with their intervals, one panel per outcome,
    in the outcome's own unit (shares in percentage points, money in EUR million when it
    runs into millions), so that no outcome's scale squashes another's."""
    metrics = metrics or [m for m in HEADLINE if m != "measures_cost_eur"]
    rows = effects[(effects["kind"] == "metric") & effects["metric"].isin(metrics)]
    shown = [m for m in metrics if m in set(rows["metric"])]
    if not shown:
        raise ValueError("no effects to plot")
    scenarios = list(dict.fromkeys(rows["scenario"]))
    ncols = min(3, len(shown))
    nrows = -(-len(shown) // ncols)
    fig = Figure(
        figsize=(4.2 * ncols, (0.35 * len(scenarios) + 1.3) * nrows + 0.6), layout="constrained"
    )
    axes = fig.subplots(nrows, ncols, squeeze=False, sharey=True).ravel()
    y = np.arange(len(scenarios))
    for ax, metric in zip(axes, shown, strict=False):
        output = outputs.lookup(metric)
        r = rows[rows["metric"] == metric].set_index("scenario").reindex(scenarios)
        centre, low, high = (
            r[c].to_numpy(dtype=float) for c in ("diff_mean", "diff_ci_low", "diff_ci_high")
        )
        if "%" in output.fmt:
            factor, unit = 100.0, "percentage points"
        else:
            factor, unit = _scale(output, np.concatenate([centre, low, high]))
        err = np.vstack([centre - low, high - centre]) * factor
        for i in range(len(scenarios)):
            ax.errorbar(
                centre[i] * factor,
                y[i],
                # A list, not an array: matplotlib 3.8 warns on a (2, 1) array of errors.
                xerr=np.nan_to_num(err[:, i : i + 1]).tolist(),
                fmt="o",
                ms=4,
                capsize=3,
                color=f"C{(i + 1) % 10}",
            )
        ax.axvline(0, color="black", lw=0.8)
        if not np.nan_to_num(np.abs(np.concatenate([low, high]))).max() > 0:
            ax.set_xlim(-1, 1)  # no difference at all: a readable axis around 0
        ax.set_title(output.label, fontsize=10)
        ax.set_xlabel(f"difference ({unit})" if unit else "difference", fontsize=8)
        counts = factor == 1.0 and output.fmt == outputs.COUNT
        ax.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=counts))
        if counts:
            ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    axes[0].set_yticks(y, scenarios)
    axes[0].invert_yaxis()
    for ax in axes[len(shown) :]:
        ax.set_visible(False)
    base = rows["baseline"].iloc[0]
    years = rows["years"].max() if "years" in rows else math.nan
    length = tables.years_length(years)
    n = int(rows["n_pairs"].max())
    fig.suptitle(
        f"Paired difference against {base} (95% CI): {length}, "
        f"{tables.replications_text(n, paired=True)}",
        fontsize=10,
    )
    return fig


def plot_forest(effects: pd.DataFrame, path: str | Path, metrics: list[str] | None = None) -> Path:
    """:func:`forest_figure`, saved to ``path``."""
    return _save(forest_figure(effects, metrics), path)


def confiscation_figure(confiscation: pd.DataFrame) -> Figure:
    """Each scenario's mean confiscation ratio (95% CI) against the 2% line."""
    fig = Figure(figsize=(max(5, 1.3 * len(confiscation) + 2), 4), layout="constrained")
    ax = fig.subplots()
    x = np.arange(len(confiscation))
    mean = confiscation["confiscation_ratio"]
    err = np.vstack([mean - confiscation["ci_low"], confiscation["ci_high"] - mean])
    ax.bar(x, mean, color=[f"C{i % 10}" for i in x], alpha=0.7)
    ax.errorbar(x, mean, yerr=np.nan_to_num(err), fmt="none", color="black", capsize=4)
    ax.axhline(
        CONFISCATION_LINE,
        color="black",
        ls="--",
        lw=1,
        label="2%: status quo ceiling (Council doc. 15250/18)",
    )
    ax.set_xticks(x, confiscation["scenario"], rotation=20, ha="right")
    output = outputs.lookup("confiscation_ratio")
    ax.set_ylabel(output.label)
    _format_axis(ax, output)
    ax.legend(fontsize=8)
    years = confiscation["years"].max() if "years" in confiscation else math.nan
    length = tables.years_length(years)
    n = int(confiscation["n"].max())
    ax.set_title(f"mean and 95% CI: {length}, {tables.replications_text(n)}", fontsize=10)
    return fig


def plot_confiscation(confiscation: pd.DataFrame, path: str | Path) -> Path:
    """:func:`confiscation_figure`, saved to ``path``."""
    return _save(confiscation_figure(confiscation), path)


def _save(fig: Figure, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path
