"""Paired comparison of scenarios against a baseline, from a batch's runs table.

Replication ``r`` of every scenario ran on the same seed, so the effect of a scenario is
estimated from the paired differences ``d_r = scenario_r - baseline_r``: their mean and a
t-interval on that mean, and the change relative to the baseline mean with an interval on
the log of the ratio of means (:mod:`smugglesim.experiments.intervals`). Pairing removes the
between-seed noise both runs share, which makes the intervals far narrower than comparing
two independent means. The means of each scenario get intervals that stay in the range of
the figure (a ratio is never below 0).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smugglesim.experiments import intervals
from smugglesim.experiments.intervals import mean_interval, ratio_interval, t_interval
from smugglesim.experiments.outcomes import DOWNSTREAM, over_run
from smugglesim.experiments.store import ID_COLUMNS
from smugglesim.model import outputs

CONFISCATION_LINE = 0.02
"""The status quo of Council document 15250/18: under 2% of criminal proceeds confiscated."""

HEADLINE = [o.name for o in outputs.HEADLINE]
"""The figures the comparison table shows first (``headline`` in smugglesim/model/outputs.py)."""
JUDGED = [key for key, _, _ in DOWNSTREAM]
"""The outcomes every measure and package is judged on
(:data:`smugglesim.experiments.outcomes.DOWNSTREAM`); the table shows them too."""
WEEKLY_JUDGED = [key for key in JUDGED if not outputs.lookup(key).summary]
"""Those the run summary lacks: each run's figure is taken over its weekly series
(:func:`with_weekly_figures`)."""
PER_EUR_MILLION = {
    "assets_confiscated_eur": "confiscated_eur_per_eur_million",
    "members_arrested": "members_arrested_per_eur_million",
}
"""Cost-effectiveness: each figure gained per EUR million spent on the measures."""
_NOT_METRICS = {*ID_COLUMNS, *(o.name for o in outputs.OUTPUTS if o.kind == "info")}


def load_runs(source: str | Path | pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any] | None]:
    """The runs table and the manifest (None when given a DataFrame or none is there)."""
    if isinstance(source, pd.DataFrame):
        return source, None
    folder = Path(source)
    runs = pd.read_parquet(folder / "runs.parquet")
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
    return runs, manifest


def metric_columns(runs: pd.DataFrame) -> list[str]:
    """Numeric outcome columns (not identities, not swept parameter values)."""
    return [
        c
        for c in runs.columns
        if c not in _NOT_METRICS and "." not in c and pd.api.types.is_numeric_dtype(runs[c])
    ]


def with_weekly_figures(runs: pd.DataFrame, timeseries: pd.DataFrame | None) -> pd.DataFrame:
    """``runs`` with a column per outcome of :data:`WEEKLY_JUDGED` it lacks: each run's
    figure over its weeks in ``timeseries`` (the total of a flow, the mean of a stock or
    ratio, as :func:`smugglesim.experiments.outcomes.figure`)."""
    if timeseries is None:
        return runs
    names = [n for n in WEEKLY_JUDGED if n in timeseries and n not in runs]
    if not names:
        return runs
    keys = ["scenario", "replication"]
    figures = timeseries.groupby(keys, sort=False).agg({n: over_run(n) for n in names})
    return runs.merge(figures.reset_index(), on=keys, how="left")


def read_timeseries(folder: Path, columns: list[str]) -> pd.DataFrame | None:
    """The ``columns`` of a batch folder's ``timeseries.parquet`` that it has, with each
    row's ``scenario``, ``replication`` and ``week`` (None without the file)."""
    path = folder / "timeseries.parquet"
    if not path.exists():
        return None
    available = set(_parquet_columns(path))
    wanted = dict.fromkeys(["scenario", "replication", "week", *columns])
    return pd.read_parquet(path, columns=[c for c in wanted if c in available])


def _pick_baseline(labels: list[str], baseline: str | None) -> str:
    if baseline is None:
        return "baseline" if "baseline" in labels else labels[0]
    if baseline not in labels:
        raise ValueError(f"baseline {baseline!r} is not among the scenarios: {', '.join(labels)}")
    return baseline


def _years(runs: pd.DataFrame) -> float:
    """The run length in years (from the summaries' ``weeks``), NaN when not recorded."""
    return float(runs["weeks"].max()) / 52 if "weeks" in runs and len(runs) else math.nan


def compare(
    source: str | Path | pd.DataFrame,
    baseline: str | None = None,
    metrics: list[str] | None = None,
    confidence: float = 0.95,
    timeseries: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Paired effects of every scenario against ``baseline``.

    Args:
        source: A batch output folder or a runs DataFrame (columns ``scenario``,
            ``replication``, ``seed``, ``status`` and metric columns).
        baseline: Scenario label of the reference; default ``"baseline"`` if present, else
            the first scenario.
        metrics: Metric columns to compare (default: every numeric outcome).
        confidence: Level of the intervals.
        timeseries: The runs' weekly series (``scenario``, ``replication``), for the
            outcomes of :data:`WEEKLY_JUDGED`; default: a batch folder's own
            ``timeseries.parquet``.

    Returns:
        One row per (scenario, metric): ``label`` and ``unit`` (smugglesim/model/outputs.py),
        ``years``, ``n_pairs``, ``baseline_mean`` and ``scenario_mean`` with their
        intervals (``*_ci_low``, ``*_ci_high``, inside the figure's range), ``diff_mean``
        with its paired t-interval (``diff_ci_low``, ``diff_ci_high``), ``rel_change``
        (diff / baseline mean) with its log-ratio interval (``rel_ci_low``,
        ``rel_ci_high``), and ``rel_note``: why there is no relative change (the baseline
        is 0 or not distinguishable from 0), else empty. Rows with ``kind ==
        "per_eur_million"`` give cost-effectiveness: ``diff_*`` is the extra euros
        confiscated (members arrested) per extra EUR million of measure cost against the
        baseline, with its interval; ``scenario_mean`` is the scenario's own ratio.
    """
    runs, _ = load_runs(source)
    if timeseries is None and not isinstance(source, pd.DataFrame):
        timeseries = read_timeseries(Path(source), WEEKLY_JUDGED)
    runs = with_weekly_figures(runs, timeseries)
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    labels = list(dict.fromkeys(ok["scenario"]))
    if not labels:
        raise ValueError("no successful runs to compare")
    base_label = _pick_baseline(labels, baseline)
    metrics = metrics or metric_columns(ok)
    base = ok[ok["scenario"] == base_label].set_index("replication")
    rows: list[dict[str, Any]] = []
    for label in labels:
        if label == base_label:
            continue
        other = ok[ok["scenario"] == label].set_index("replication")
        common = base.index.intersection(other.index).sort_values()
        if "seed" in ok and not (base.loc[common, "seed"] == other.loc[common, "seed"]).all():
            raise ValueError(f"{label} and {base_label} did not run on the same seeds")
        b_all, s_all = base.loc[common], other.loc[common]
        ids = {"scenario": label, "baseline": base_label, "years": _years(other)}
        for metric in metrics:
            b = b_all[metric].to_numpy(dtype=float)
            s = s_all[metric].to_numpy(dtype=float)
            valid = ~(np.isnan(b) | np.isnan(s))
            rows.append(_row(ids, metric, b[valid], s[valid], confidence))
        if "measures_cost_eur" in ok:
            rows.extend(_per_eur_rows(ids, b_all, s_all, confidence))
    return pd.DataFrame(rows)


def _nan_row(**values: Any) -> dict[str, Any]:
    keys = ["baseline_mean", "scenario_mean", "diff_mean", "rel_change"]
    keys += [
        f"{k}_ci_{e}" for k in ("baseline", "scenario", "diff", "rel") for e in ("low", "high")
    ]
    return {k: math.nan for k in keys} | {"rel_note": ""} | values


def _row(ids, metric, b, s, confidence) -> dict[str, Any]:
    within = intervals.bounds(metric)
    b_mean, b_low, b_high = mean_interval(b, confidence, within)
    s_mean, s_low, s_high = mean_interval(s, confidence, within)
    diff, low, high = t_interval(s - b, confidence)
    note = intervals.no_change_reason(b, confidence) or ""
    ratio, r_low, r_high = (math.nan,) * 3 if note else ratio_interval(b, s, confidence)
    return _nan_row(
        **ids,
        metric=metric,
        label=outputs.label(metric),
        unit=_unit(metric),
        kind="metric",
        n_pairs=len(b),
        baseline_mean=b_mean,
        baseline_ci_low=b_low,
        baseline_ci_high=b_high,
        scenario_mean=s_mean,
        scenario_ci_low=s_low,
        scenario_ci_high=s_high,
        diff_mean=diff,
        diff_ci_low=low,
        diff_ci_high=high,
        rel_change=ratio - 1,
        rel_ci_low=r_low - 1,
        rel_ci_high=r_high - 1,
        rel_note=note,
    )


def _unit(metric: str) -> str:
    try:
        return outputs.lookup(metric).unit
    except KeyError:
        return ""


def _per_eur_rows(ids, b_all, s_all, confidence) -> list[dict[str, Any]]:
    extra_cost = (s_all["measures_cost_eur"] - b_all["measures_cost_eur"]).to_numpy(dtype=float)
    if not len(extra_cost) or not (extra_cost > 0).all():
        return []  # no extra cost: a ratio per euro means nothing
    rows = []
    for metric, name in PER_EUR_MILLION.items():
        if metric not in s_all:
            continue
        gain = (s_all[metric] - b_all[metric]).to_numpy(dtype=float)
        ratio, low, high = t_interval(gain / extra_cost * 1e6, confidence)
        own = float(s_all[metric].mean() / s_all["measures_cost_eur"].mean() * 1e6)
        rows.append(
            _nan_row(
                **ids,
                metric=name,
                label=metric_label(name),
                unit=_unit(metric),
                kind="per_eur_million",
                n_pairs=len(gain),
                scenario_mean=own,
                diff_mean=ratio,
                diff_ci_low=low,
                diff_ci_high=high,
            )
        )
    return rows


def confiscation_vs_line(
    source: str | Path | pd.DataFrame, line: float = CONFISCATION_LINE, confidence: float = 0.95
) -> pd.DataFrame:
    """Each scenario's confiscation ratio (mean, an interval inside [0, 1]) against the 2%
    line, with the run length and the number of runs."""
    runs, _ = load_runs(source)
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    rows = []
    for label, group in ok.groupby("scenario", sort=False):
        x = group["confiscation_ratio"].to_numpy(dtype=float)
        mean, low, high = mean_interval(x, confidence, intervals.bounds("confiscation_ratio"))
        verdict = "above" if low > line else "below" if high < line else "not distinguishable"
        rows.append(
            {
                "scenario": label,
                "years": _years(group),
                "n": len(x),
                "confiscation_ratio": mean,
                "ci_low": low,
                "ci_high": high,
                "share_of_runs_above_line": float((x > line).mean()),
                "vs_2pct_line": verdict,
            }
        )
    return pd.DataFrame(rows)


def metric_label(metric: str) -> str:
    """A metric's label, from smugglesim/model/outputs.py (a cost-effectiveness row's from the figure
    it divides; a figure over the weekly series says how it was taken)."""
    for figure, per_million in PER_EUR_MILLION.items():
        if metric == per_million:
            return f"{outputs.label(figure)} per EUR million of measures"
    if metric in WEEKLY_JUDGED:
        how = "total" if over_run(metric) == "sum" else "mean"
        return f"{outputs.label(metric)} ({how} over the weeks)"
    return outputs.label(metric)


def write_report(
    source: str | Path | pd.DataFrame,
    out: str | Path,
    baseline: str | None = None,
    timeseries: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[Path]]:
    """Write compare.csv, confiscation.csv and the PNG plots to ``out``.

    Returns the effects, the confiscation table and the paths of the plots.
    """
    from smugglesim.experiments import plots

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    runs, manifest = load_runs(source)
    if timeseries is None and not isinstance(source, pd.DataFrame):
        wanted = [*plots.TIMESERIES_METRICS, *WEEKLY_JUDGED]
        timeseries = read_timeseries(Path(source), wanted)
    effects = compare(runs, baseline, timeseries=timeseries)
    confiscation = confiscation_vs_line(runs)
    effects.to_csv(out / "compare.csv", index=False)
    confiscation.to_csv(out / "confiscation.csv", index=False)
    written = [
        plots.plot_forest(effects, out / "forest.png"),
        plots.plot_confiscation(confiscation, out / "confiscation_ratio.png"),
    ]
    if timeseries is not None and not timeseries.empty:
        starts = {k: v["measures"] for k, v in (manifest or {}).get("scenarios", {}).items()}
        written.append(plots.plot_timeseries(timeseries, out / "timeseries.png", starts))
    return effects, confiscation, written


def _parquet_columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    return pq.read_schema(path).names
