"""The comparison as a table to read: the headline figures and the outcomes every measure
is judged on, of every scenario against its baseline, cost-effectiveness per EUR million,
and the confiscation ratio against the 2% line; labelled and formatted from ``smugglesim/model/outputs.py``, titled with the run length and the
replications, rendered as text, markdown or CSV (:mod:`smugglesim.experiments.tables`).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from smugglesim.experiments import tables
from smugglesim.experiments.compare import HEADLINE, JUDGED, PER_EUR_MILLION, metric_label
from smugglesim.experiments.tables import Report, Table
from smugglesim.model import outputs

_ORDER = [o.name for o in outputs.OUTPUTS]
SHOWN = sorted({*HEADLINE, *JUDGED}, key=_ORDER.index)
"""The figures of the table, in the order of smugglesim/model/outputs.py: the headline
figures and the outcomes every measure is judged on (``compare.JUDGED``)."""


def _output(metric: str) -> outputs.Output:
    figure = next((f for f, m in PER_EUR_MILLION.items() if m == metric), metric)
    return outputs.lookup(figure)


NEAR_ZERO_NOTE = (
    "n/a: the baseline mean is 0, or its interval reaches 0, so a percentage of it could be "
    "anything; read the difference instead."
)
PER_EUR_DEFINITION = (
    "The extra {figure} against the baseline per extra EUR million spent on the measures, "
    "paired by seed (the scenario column: its own {figure} per EUR million of measures)."
)


def comparison_report(
    effects: pd.DataFrame, confiscation: pd.DataFrame | None = None, confidence: float = 0.95
) -> Report:
    """The figures of :data:`SHOWN` and cost-effectiveness of every scenario against its
    baseline, and each scenario's confiscation ratio against the 2% line, labelled and
    formatted from smugglesim/model/outputs.py; titles give the run length and the
    replications."""
    level = f"{confidence:.0%}"
    shown = [*SHOWN, *PER_EUR_MILLION.values()]
    found: list[Table] = []
    data: list[dict[str, Any]] = []
    for label, group in effects.groupby("scenario", sort=False):
        rows = group.set_index("metric").reindex(shown).dropna(how="all")
        n = int(group["n_pairs"].max())
        title = (
            f"{label} vs {group['baseline'].iloc[0]}: {_length(group)}, "
            f"{tables.replications_text(n, paired=True)}"
        )
        cells, near_zero = [], False
        for metric, r in rows.iterrows():
            o = _output(str(metric))
            change = tables.with_interval(
                tables.percent_change(r.rel_change),
                tables.percent_change(r.rel_ci_low),
                tables.percent_change(r.rel_ci_high),
            )
            if r.rel_note:
                change, near_zero = f"n/a: {r.rel_note}", True
            cells.append(
                [
                    _heading(str(metric)),
                    tables.value(o, r.baseline_mean),
                    tables.value(o, r.scenario_mean),
                    tables.with_interval(
                        tables.difference(o, r.diff_mean),
                        tables.difference(o, r.diff_ci_low),
                        tables.difference(o, r.diff_ci_high),
                    ),
                    change,
                ]
            )
            data.append(_data_row(label, str(metric), r))
        headings = ["", "baseline", "scenario", f"difference [{level} CI]", f"change [{level} CI]"]
        notes = [NEAR_ZERO_NOTE] if near_zero else []
        found.append(Table(title, headings, cells, notes))
    if confiscation is not None and not confiscation.empty:
        found.append(_line_table(confiscation, level))
    derived = {
        metric_label(m): PER_EUR_DEFINITION.format(figure=outputs.label(f))
        for f, m in PER_EUR_MILLION.items()
    }
    names = [m for m in shown if m not in PER_EUR_MILLION.values()]
    return Report(found, pd.DataFrame(data), names, derived)


def _heading(metric: str) -> str:
    """The row's name: the label, with the figure's unit where the label does not name it
    (``proceeds (EUR)``, ``assets confiscated per EUR million of measures (EUR)``)."""
    o = _output(metric)
    return metric_label(metric) + o.heading.removeprefix(o.label)


def _length(group: pd.DataFrame) -> str:
    years = group["years"].max() if "years" in group else math.nan
    return tables.years_length(years)


def _data_row(label: str, metric: str, r: pd.Series) -> dict[str, Any]:
    return {
        "scenario": label,
        "baseline": r.baseline,
        "years": r.get("years", math.nan),
        "replications": int(r.n_pairs),
        "output": metric,
        "label": metric_label(metric),
        "unit": r.get("unit", ""),
        "baseline_mean": r.baseline_mean,
        "scenario_mean": r.scenario_mean,
        "difference": r.diff_mean,
        "difference_low": r.diff_ci_low,
        "difference_high": r.diff_ci_high,
        "change": r.rel_change,
        "change_low": r.rel_ci_low,
        "change_high": r.rel_ci_high,
        "note": r.rel_note,
    }


def _line_table(confiscation: pd.DataFrame, level: str) -> Table:
    o = outputs.lookup("confiscation_ratio")
    n = int(confiscation["n"].max())
    years = confiscation["years"].max() if "years" in confiscation else math.nan
    length = tables.years_length(years)
    title = (
        f"{o.label} against the 2% line (15250/18: status quo under 2%): {length}, "
        f"{tables.replications_text(n)}"
    )
    rows = [
        [
            str(r.scenario),
            tables.with_interval(
                o.format(r.confiscation_ratio), o.format(r.ci_low), o.format(r.ci_high)
            ),
            f"{r.share_of_runs_above_line:.0%}",
            str(r.vs_2pct_line),
        ]
        for r in confiscation.itertuples()
    ]
    headings = ["scenario", f"{o.label} [{level} CI]", "runs above 2%", "against the line"]
    return Table(title, headings, rows)


def format_comparison(
    effects: pd.DataFrame,
    confiscation: pd.DataFrame | None = None,
    fmt: tables.Format = "text",
    explain: bool = False,
) -> str:
    """:func:`comparison_report` as text, markdown or CSV (``explain``: with definitions)."""
    return comparison_report(effects, confiscation).render(fmt, explain)
