"""Plots of a comparison: time series with 95% bands, a forest plot, the 2% line.

Figures are built with :class:`matplotlib.figure.Figure` (no pyplot, no global backend), so
they render to PNG on a headless machine and leave a notebook's backend alone.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats

from experiments.compare import CONFISCATION_LINE, HEADLINE
from model import outputs

TIMESERIES_METRICS = [
    "confiscation_ratio",
    "confiscated_cum_eur",
    "members_arrested",
    "ocgs_active",
    "arrivals",
    "deaths",
]
"""The weekly series plotted; their titles come from model/outputs.py."""


def timeseries_bands(ts: pd.DataFrame, metric: str, confidence: float = 0.95) -> pd.DataFrame:
    """Per scenario and week: mean of ``metric`` over replications and its t-interval."""
    g = ts.groupby(["scenario", "week"], sort=False)[metric].agg(["mean", "std", "count"])
    df = (g["count"] - 1).clip(lower=1)
    half = stats.t.ppf((1 + confidence) / 2, df) * g["std"].fillna(0) / np.sqrt(g["count"])
    return g.assign(low=g["mean"] - half, high=g["mean"] + half).reset_index()


def plot_timeseries(
    ts: pd.DataFrame,
    path: str | Path,
    measure_starts: dict[str, list[dict[str, Any]]] | None = None,
) -> Path:
    """Mean trajectories with 95% bands; dashed lines where a scenario's measures start."""
    metrics = [m for m in TIMESERIES_METRICS if m in ts]
    ncols = 2
    nrows = max(1, -(-len(metrics) // ncols))
    fig = Figure(figsize=(12, 3.2 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    scenarios = list(dict.fromkeys(ts["scenario"]))
    colors = {s: f"C{i % 10}" for i, s in enumerate(scenarios)}
    for ax, metric in zip(axes, metrics, strict=False):
        bands = timeseries_bands(ts, metric)
        for label, b in bands.groupby("scenario", sort=False):
            ax.plot(b["week"], b["mean"], color=colors[label], lw=1.2, label=label)
            ax.fill_between(b["week"], b["low"], b["high"], color=colors[label], alpha=0.2, lw=0)
        for label, measures in (measure_starts or {}).items():
            for m in measures:
                if label in colors:
                    ax.axvline(m["start_week"], color=colors[label], ls="--", lw=0.8)
        if metric == "confiscation_ratio":
            ax.axhline(CONFISCATION_LINE, color="black", ls=":", lw=0.8)
        ax.set_title(outputs.lookup(metric).rate_heading("week"), fontsize=10)
        ax.set_xlabel("week")
    for ax in axes[len(metrics) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=8, title="mean, 95% band; -- measure starts", title_fontsize=8)
    return _save(fig, path)


def plot_forest(effects: pd.DataFrame, path: str | Path, metrics: list[str] | None = None) -> Path:
    """Relative paired effect (diff / baseline mean) with its 95% interval, per scenario."""
    metrics = metrics or [m for m in HEADLINE if m != "measures_cost_eur"]
    rows = effects[
        (effects["kind"] == "metric")
        & effects["metric"].isin(metrics)
        & (effects["baseline_mean"] != 0)
    ]
    scenarios = list(dict.fromkeys(rows["scenario"]))
    shown = [m for m in metrics if m in set(rows["metric"])]
    fig = Figure(
        figsize=(8, 0.25 * max(1, len(shown)) * max(1, len(scenarios)) + 1.5), layout="constrained"
    )
    ax = fig.subplots()
    step = 1.0 / (len(scenarios) + 1)
    for i, label in enumerate(scenarios):
        r = rows[rows["scenario"] == label].set_index("metric").reindex(shown)
        y = np.arange(len(shown)) + i * step
        scale = 100 / r["baseline_mean"].abs()
        centre = r["diff_mean"] * scale
        err = np.vstack(
            [
                (r["diff_mean"] - r["diff_ci_low"]) * scale,
                (r["diff_ci_high"] - r["diff_mean"]) * scale,
            ]
        )
        ax.errorbar(centre, y, xerr=err, fmt="o", ms=4, capsize=3, color=f"C{i % 10}", label=label)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(
        np.arange(len(shown)) + step * (len(scenarios) - 1) / 2, [outputs.label(m) for m in shown]
    )
    ax.invert_yaxis()
    base = rows["baseline"].iloc[0] if len(rows) else "baseline"
    ax.set_xlabel(f"paired difference against {base}, % of the baseline mean (95% CI)")
    ax.legend(fontsize=8)
    return _save(fig, path)


def plot_confiscation(confiscation: pd.DataFrame, path: str | Path) -> Path:
    """Each scenario's mean confiscation ratio (95% CI) against the 2% line."""
    fig = Figure(figsize=(max(5, 1.3 * len(confiscation) + 2), 4), layout="constrained")
    ax = fig.subplots()
    x = np.arange(len(confiscation))
    mean = confiscation["confiscation_ratio"] * 100
    err = np.vstack([mean - confiscation["ci_low"] * 100, confiscation["ci_high"] * 100 - mean])
    ax.bar(x, mean, color=[f"C{i % 10}" for i in x], alpha=0.7)
    ax.errorbar(x, mean, yerr=np.nan_to_num(err), fmt="none", color="black", capsize=4)
    ax.axhline(
        CONFISCATION_LINE * 100,
        color="black",
        ls="--",
        lw=1,
        label="2%: status quo ceiling (Council doc. 15250/18)",
    )
    ax.set_xticks(x, confiscation["scenario"], rotation=20, ha="right")
    ax.set_ylabel(f"{outputs.label('confiscation_ratio')} (%)")
    ax.legend(fontsize=8)
    return _save(fig, path)


def _save(fig: Figure, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    return path
