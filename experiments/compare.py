"""Paired comparison of scenarios against a baseline, from a batch's runs table.

Replication ``r`` of every scenario ran on the same seed, so the effect of a scenario is
estimated from the paired differences ``d_r = scenario_r - baseline_r``: their mean, a
t-interval on that mean, and the change relative to the baseline mean. Pairing removes the
between-seed noise both runs share, which makes the intervals far narrower than comparing
two independent means.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from experiments.store import ID_COLUMNS
from model import outputs

CONFISCATION_LINE = 0.02
"""The status quo of Council document 15250/18: under 2% of criminal proceeds confiscated."""

HEADLINE = [o.name for o in outputs.HEADLINE]
"""The figures the comparison table shows first (``headline`` in model/outputs.py)."""
PER_EUR = {
    "assets_confiscated_eur": "confiscated_eur_per_eur_cost",
    "members_arrested": "members_arrested_per_eur_cost",
}
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


def mean_ci(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided t-interval of the mean; NaN bounds with fewer than 2 values."""
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    if n == 0:
        return float("nan"), float("nan"), float("nan")
    mean = float(x.mean())
    if n < 2:
        return mean, float("nan"), float("nan")
    half = stats.t.ppf((1 + confidence) / 2, n - 1) * x.std(ddof=1) / np.sqrt(n)
    return mean, float(mean - half), float(mean + half)


def _pick_baseline(labels: list[str], baseline: str | None) -> str:
    if baseline is None:
        return "baseline" if "baseline" in labels else labels[0]
    if baseline not in labels:
        raise ValueError(f"baseline {baseline!r} is not among the scenarios: {', '.join(labels)}")
    return baseline


def compare(
    source: str | Path | pd.DataFrame,
    baseline: str | None = None,
    metrics: list[str] | None = None,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Paired effects of every scenario against ``baseline``.

    Args:
        source: A batch output folder or a runs DataFrame (columns ``scenario``,
            ``replication``, ``seed``, ``status`` and metric columns).
        baseline: Scenario label of the reference; default ``"baseline"`` if present, else
            the first scenario.
        metrics: Metric columns to compare (default: every numeric outcome).
        confidence: Level of the intervals.

    Returns:
        One row per (scenario, metric): ``n_pairs``, ``baseline_mean``, ``scenario_mean``,
        ``diff_mean``, ``diff_ci_low``, ``diff_ci_high``, ``rel_change`` (diff / baseline
        mean). Rows with ``kind == "per_eur_cost"`` give cost-effectiveness: ``diff_*`` is the
        extra euros confiscated (members arrested) per extra euro of measure cost against
        the baseline, with its interval; ``scenario_mean`` is the scenario's own ratio.
    """
    runs, _ = load_runs(source)
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
        for metric in metrics:
            b = b_all[metric].to_numpy(dtype=float)
            s = s_all[metric].to_numpy(dtype=float)
            valid = ~(np.isnan(b) | np.isnan(s))
            rows.append(_row(label, base_label, metric, b[valid], s[valid], confidence))
        if "measures_cost_eur" in ok:
            rows.extend(_per_eur_rows(label, base_label, b_all, s_all, confidence))
    return pd.DataFrame(rows)


def _row(label, base_label, metric, b, s, confidence, kind="metric") -> dict[str, Any]:
    diff, low, high = mean_ci(s - b, confidence)
    b_mean = float(b.mean()) if len(b) else float("nan")
    _, s_low, s_high = mean_ci(s, confidence)
    return {
        "scenario": label,
        "baseline": base_label,
        "metric": metric,
        "kind": kind,
        "n_pairs": len(b),
        "baseline_mean": b_mean,
        "scenario_mean": float(s.mean()) if len(s) else float("nan"),
        "scenario_ci_low": s_low,
        "scenario_ci_high": s_high,
        "diff_mean": diff,
        "diff_ci_low": low,
        "diff_ci_high": high,
        "rel_change": diff / b_mean if b_mean else float("nan"),
    }


def _per_eur_rows(label, base_label, b_all, s_all, confidence) -> list[dict[str, Any]]:
    extra_cost = (s_all["measures_cost_eur"] - b_all["measures_cost_eur"]).to_numpy(dtype=float)
    if not len(extra_cost) or not (extra_cost > 0).all():
        return []  # no extra cost: a ratio per euro means nothing
    rows = []
    for metric, name in PER_EUR.items():
        if metric not in s_all:
            continue
        gain = (s_all[metric] - b_all[metric]).to_numpy(dtype=float)
        ratio, low, high = mean_ci(gain / extra_cost, confidence)
        own = float(s_all[metric].mean() / s_all["measures_cost_eur"].mean())
        rows.append(
            {
                "scenario": label,
                "baseline": base_label,
                "metric": name,
                "kind": "per_eur_cost",
                "n_pairs": len(gain),
                "baseline_mean": float("nan"),
                "scenario_mean": own,
                "scenario_ci_low": float("nan"),
                "scenario_ci_high": float("nan"),
                "diff_mean": ratio,
                "diff_ci_low": low,
                "diff_ci_high": high,
                "rel_change": float("nan"),
            }
        )
    return rows


def confiscation_vs_line(
    source: str | Path | pd.DataFrame, line: float = CONFISCATION_LINE, confidence: float = 0.95
) -> pd.DataFrame:
    """Each scenario's confiscation ratio (mean, interval) against the 2% line."""
    runs, _ = load_runs(source)
    ok = runs[runs["status"] == "ok"] if "status" in runs else runs
    rows = []
    for label, group in ok.groupby("scenario", sort=False):
        x = group["confiscation_ratio"].to_numpy(dtype=float)
        mean, low, high = mean_ci(x, confidence)
        verdict = "above" if low > line else "below" if high < line else "not distinguishable"
        rows.append(
            {
                "scenario": label,
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
    """A metric's table heading, from model/outputs.py (a cost-effectiveness row's from the
    figure it divides)."""
    for figure, per_eur in PER_EUR.items():
        if metric == per_eur:
            return f"{outputs.label(figure)} per EUR of cost"
    return outputs.label(metric, unit=True)


def _fmt(value: float) -> str:
    if np.isnan(value):
        return "-"
    if abs(value) >= 1e6:
        return f"{value / 1e6:,.2f}m"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.4g}"


def format_comparison(effects: pd.DataFrame, confiscation: pd.DataFrame | None = None) -> str:
    """A readable table of the headline metrics, cost-effectiveness and the 2% line."""
    lines: list[str] = []
    shown = [*HEADLINE, *PER_EUR.values()]
    for label, group in effects.groupby("scenario", sort=False):
        base = group["baseline"].iloc[0]
        lines.append(f"{label} vs {base}  ({int(group['n_pairs'].max())} paired replications)")
        lines.append(
            f"  {'metric':<36}{'baseline':>12}{'scenario':>12}{'difference [95% CI]':>34}{'change':>9}"
        )
        for _, r in group.set_index("metric").reindex(shown).dropna(how="all").iterrows():
            ci = f"{_fmt(r.diff_mean)} [{_fmt(r.diff_ci_low)}, {_fmt(r.diff_ci_high)}]"
            rel = "-" if np.isnan(r.rel_change) else f"{r.rel_change:+.1%}"
            lines.append(
                f"  {metric_label(r.name):<36}{_fmt(r.baseline_mean):>12}{_fmt(r.scenario_mean):>12}"
                f"{ci:>34}{rel:>9}"
            )
        lines.append("")
    if confiscation is not None and not confiscation.empty:
        lines.append("confiscation ratio against the 2% line (status quo: under 2%)")
        for _, r in confiscation.iterrows():
            lines.append(
                f"  {r.scenario:<32}{r.confiscation_ratio:>9.2%}  [{r.ci_low:.2%}, {r.ci_high:.2%}]"
                f"  {r.vs_2pct_line}"
            )
    return "\n".join(lines)


def write_report(
    source: str | Path | pd.DataFrame,
    out: str | Path,
    baseline: str | None = None,
    timeseries: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, list[Path]]:
    """Write compare.csv, confiscation.csv and the PNG plots to ``out``.

    Returns the effects, the confiscation table and the paths of the plots.
    """
    from experiments import plots

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    runs, manifest = load_runs(source)
    effects = compare(runs, baseline)
    confiscation = confiscation_vs_line(runs)
    effects.to_csv(out / "compare.csv", index=False)
    confiscation.to_csv(out / "confiscation.csv", index=False)
    written = [
        plots.plot_forest(effects, out / "forest.png"),
        plots.plot_confiscation(confiscation, out / "confiscation_ratio.png"),
    ]
    if timeseries is None and not isinstance(source, pd.DataFrame):
        ts_path = Path(source) / "timeseries.parquet"
        if ts_path.exists():
            wanted = ["scenario", "replication", "week", *plots.TIMESERIES_METRICS]
            available = set(_parquet_columns(ts_path))
            timeseries = pd.read_parquet(ts_path, columns=[c for c in wanted if c in available])
    if timeseries is not None and not timeseries.empty:
        starts = {k: v["measures"] for k, v in (manifest or {}).get("scenarios", {}).items()}
        written.append(plots.plot_timeseries(timeseries, out / "timeseries.png", starts))
    return effects, confiscation, written


def _parquet_columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    return pq.read_schema(path).names
