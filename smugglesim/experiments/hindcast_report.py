"""The hindcast's comparison with the observations: the model's band, two naive forecasts,
the mean absolute relative error (MARE), Markdown tables and a plot.

The naive forecasts of a predicted period (the forecasts the issue asks the model to beat):

- **persistence**: the last fitted year's figure (2016) for the route (for a quarter, the
  same quarter of 2016);
- **2016 shares**: the route's share of the four routes' total in 2016 times the observed
  total of the period. It is told the total of the year it forecasts, which the model is
  not: it measures only how well the split between routes is forecast.

The MARE of a forecast over a set of predicted periods and routes is the mean of
``|forecast - observed| / observed`` over them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from smugglesim.experiments.observed import Observed
from smugglesim.model.model import default_routes

if TYPE_CHECKING:
    from smugglesim.experiments.hindcast import Fit

FORECASTS = ("model", "persistence", "shares")
LABELS = {"model": "model", "persistence": "persistence of 2016", "shares": "2016 shares × total"}


def compare(observed: Observed, runs: pd.DataFrame, fit_years: tuple[int, ...]) -> pd.DataFrame:
    """One row per (measure, route, period) that the model or the data have: the observed
    figure, the model's mean and 5th-95th percentiles over seeds, the naive forecasts (for
    the predicted periods) and whether the period was fitted."""
    band = (
        runs.groupby(["measure", "route", "period"])["value"]
        .agg(
            model="mean", model_p05=lambda v: v.quantile(0.05), model_p95=lambda v: v.quantile(0.95)
        )
        .reset_index()
    )
    obs = observed.table[["measure", "route", "period", "value"]].rename(
        columns={"value": "observed"}
    )
    out = band.merge(obs, on=["measure", "route", "period"], how="outer")
    out["year"] = out["period"].str[:4].astype(int)
    out["quarterly"] = out["period"].str.contains("-Q")
    out["fitted"] = out["year"].isin(fit_years)
    base_year = str(max(fit_years))
    out["persistence"] = np.nan
    out["shares"] = np.nan
    for (measure, _quarterly), rows in out.groupby(["measure", "quarterly"]):
        routes = rows[rows["route"] != "all"]
        if routes.empty:
            continue
        yearly = obs[(obs["measure"] == measure) & ~obs["period"].str.contains("-Q")]
        base = yearly[yearly["period"] == base_year].set_index("route")["observed"]
        share = base / base.sum()
        totals = routes.groupby("period")["observed"].sum(min_count=len(share))
        for i, row in routes[~routes["fitted"]].iterrows():
            same = base_year + row["period"][4:]  # 2016, or 2016-Q3 for 2018-Q3
            persisted = obs[(obs["measure"] == measure) & (obs["route"] == row["route"])]
            persisted = persisted.set_index("period")["observed"]
            out.loc[i, "persistence"] = persisted.get(same, np.nan)
            out.loc[i, "shares"] = share.get(row["route"], np.nan) * totals.get(
                row["period"], np.nan
            )
    order = {r: n for n, r in enumerate([*default_routes().route_names, "all"])}
    out["_r"] = out["route"].map(order)
    return (
        out.sort_values(["measure", "quarterly", "_r", "period"])
        .drop(columns="_r")
        .reset_index(drop=True)
    )


def mare(compared: pd.DataFrame) -> pd.DataFrame:
    """MARE of each forecast over the predicted periods with an observation and a naive
    forecast: by route, by year and over all, for each measure and each of yearly and
    quarterly figures."""
    held = compared[~compared["fitted"] & compared["observed"].notna() & compared["shares"].notna()]
    held = held[held["observed"] > 0].copy()
    for f in FORECASTS:
        held[f] = (held[f] - held["observed"]).abs() / held["observed"]
    rows = []
    for (measure, quarterly), g in held.groupby(["measure", "quarterly"]):
        freq = "quarterly" if quarterly else "yearly"
        for by in ("route", "year", "all"):
            groups = [("all", g)] if by == "all" else list(g.groupby(by))
            for key, part in groups:
                rows.append(
                    {"measure": measure, "periods": freq, "by": by, "key": str(key), "n": len(part)}
                    | {f: part[f].mean() for f in FORECASTS}
                )
    return pd.DataFrame(rows)


def _num(x: float) -> str:
    return "–" if pd.isna(x) else f"{x:,.0f}"


def _pct(x: float) -> str:
    return "–" if pd.isna(x) else f"{x:.0%}"


def to_markdown(
    result: Fit,
    compared: pd.DataFrame,
    errors: pd.DataFrame,
    cost: dict,
    fit_seeds: int,
    seeds: int,
) -> str:
    labels = default_routes().route_labels | {"all": "all routes"}
    k = result.params
    lines = [
        f"Fitted on {', '.join(map(str, sorted(compared.loc[compared['fitted'], 'year'].unique())))} "
        f"(grid of {len(result.table)} points, seeds 1–{fit_seeds} each, loss {result.loss:.3f}): "
        f"sub-Saharan demand ×{k.subsaharan_demand:g}, Maghreb demand ×{k.maghreb_demand:g}, "
        f"interception to Spain {k.spain_interception if k.spain_interception is not None else 'as routes.toml'}, "
        f"secondary movement share {k.secondary_share:g}.",
        f"Predicted with seeds 1–{seeds}: model mean [5th–95th percentile over seeds]; "
        f"demand.scale {cost['scale']:g} (the model's counts divided by it).",
        f"Cost: {cost['fit_runs']} fit runs (3 simulated years each, the warm-up included) of "
        f"{cost['fit_run_s']:.1f} s, {cost['predict_runs']} prediction runs (6 years) of "
        f"{cost['predict_run_s']:.1f} s; {cost['wall_s']:.0f} s in all with {cost['workers']} "
        f"worker{'s' if cost['workers'] > 1 else ''}.",
    ]
    for measure in ("detections", "deaths"):
        rows = compared[(compared["measure"] == measure) & ~compared["quarterly"]]
        lines += [
            "",
            f"**{measure}** per route and year (fitted years marked *)",
            "",
            "| route | year | observed | model | persistence | 2016 shares |",
            "|---|---|---|---|---|---|",
        ]
        for r in rows.itertuples():
            year = f"{r.year}*" if r.fitted else str(r.year)
            band = f"{_num(r.model)} [{_num(r.model_p05)}–{_num(r.model_p95)}]"
            lines.append(
                f"| {labels[r.route]} | {year} | {_num(r.observed)} | {band} | "
                f"{_num(r.persistence)} | {_num(r.shares)} |"
            )
    lines += [
        "",
        "**Mean absolute relative error** over the predicted years (2017–2019)",
        "",
        "| measure | periods | by | | n | model | persistence of 2016 | 2016 shares × total |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in errors.itertuples():
        key = labels.get(r.key, r.key)
        lines.append(
            f"| {r.measure} | {r.periods} | {r.by} | {key} | {r.n} | {_pct(r.model)} | "
            f"{_pct(r.persistence)} | {_pct(r.shares)} |"
        )
    fac = compared[compared["measure"] == "facilitators"]
    lines += [
        "",
        "**facilitators**: Frontex's facilitators detected (all borders) against the "
        "model's OCG members arrested (core members only: not the same count)",
        "",
    ]
    lines += ["| year | observed | model members arrested |", "|---|---|---|"]
    for r in fac[~fac["quarterly"]].itertuples():
        lines.append(
            f"| {r.year} | {_num(r.observed)} | {_num(r.model)} [{_num(r.model_p05)}–{_num(r.model_p95)}] |"
        )
    return "\n".join(lines)


def plot(compared: pd.DataFrame, path: Path, seeds: int) -> None:
    """Model band against the data points per route, 2015-2019, detections and deaths, the
    fitted years shaded; log scale."""
    net = default_routes()
    fig = Figure(figsize=(12, 5.6), dpi=80, layout="constrained")
    axes = fig.subplots(2, len(net.route_names), sharex=True)
    for row, measure in enumerate(("detections", "deaths")):
        for col, route in enumerate(net.route_names):
            ax = axes[row, col]
            d = compared[
                (compared["measure"] == measure)
                & (compared["route"] == route)
                & ~compared["quarterly"]
            ]
            fitted = d.loc[d["fitted"], "year"]
            if len(fitted):
                ax.axvspan(fitted.min() - 0.5, fitted.max() + 0.5, color="0.9", label="fitted")
            colour = net.route_colours[route]
            ax.fill_between(
                d["year"],
                d["model_p05"],
                d["model_p95"],
                color=colour,
                alpha=0.25,
                label=f"model 5–95% ({seeds} seeds)",
            )
            ax.plot(d["year"], d["model"], color=colour, label="model mean")
            ax.plot(d["year"], d["observed"], "ko", ms=4, label="observed")
            ax.set_yscale("log")
            ax.set_title(f"{net.route_labels[route]}: {measure}", fontsize=9)
            ax.set_xticks(sorted(d["year"].unique()))
            ax.tick_params(labelsize=8)
    axes[0, 0].legend(fontsize=7, loc="lower left")
    fig.suptitle(
        "Hindcast: fitted on 2015–2016, predicted 2017–2019 (Frontex detections, IOM dead and missing)",
        fontsize=10,
    )
    fig.savefig(path)
