"""How stable a ranking of measures is when the parameters are uncertain, not only the seeds.

A batch whose scenarios share a sweep (``smugglesim batch A B C --sweep-method lhs
--sweep-samples N --sweep-param NAME=LOW:HIGH ...``) runs every scenario at the same N
parameter draws, each on the same paired seeds. For one outcome, :func:`effects_by_draw`
gives each scenario's effect at each draw (the mean over replications of scenario minus
baseline, same draw, same seed), and :func:`beats` the share of draws in which one
scenario's effect is larger than another's: "measure A raises the confiscation ratio more
than measure B in 87% of the draws". The draws are what the user gives: ranges around the
defaults (a prior), or parameter sets drawn from the posterior of the calibration by
inference (:mod:`smugglesim.experiments.posterior`; ``batch --posterior``).

    smugglesim compare results/draws --ranking confiscation_ratio
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def effects_by_draw(runs: pd.DataFrame, outcome: str, baseline: str) -> pd.DataFrame:
    """One row per draw (sweep point; −1 without a sweep), one column per scenario other
    than ``baseline``: the mean over replications of the paired difference in ``outcome``.

    Raises:
        ValueError: an unknown outcome or baseline, or no pair of successful runs.
    """
    if outcome not in runs:
        raise ValueError(f"ranking: unknown outcome {outcome!r}")
    names = list(dict.fromkeys(runs["scenario_name"]))
    if baseline not in names:
        raise ValueError(f"ranking: baseline {baseline!r} is not among {', '.join(names)}")
    if len(names) < 2:
        raise ValueError("ranking: needs at least one scenario besides the baseline")
    ok = runs[runs["status"] == "ok"]
    wide = ok.pivot_table(
        index=["point", "replication"], columns="scenario_name", values=outcome, aggfunc="first"
    )
    others = [n for n in names if n != baseline]
    diffs = wide[others].sub(wide[baseline], axis=0).dropna()
    if diffs.empty:
        raise ValueError("ranking: no draw has successful runs of every scenario")
    return diffs.groupby(level="point").mean()


def beats(effects: pd.DataFrame) -> pd.DataFrame:
    """Share of draws in which the row's effect is larger than the column's (ties count
    half), for every pair of scenarios; the diagonal is empty."""
    names = list(effects.columns)
    out = pd.DataFrame(np.nan, index=names, columns=names)
    values = effects.to_numpy(dtype=float)
    for i, a in enumerate(names):
        for j, b in enumerate(names):
            if i != j:
                larger = (values[:, i] > values[:, j]).mean()
                tied = (values[:, i] == values[:, j]).mean()
                out.loc[a, b] = larger + tied / 2
    return out


def summary(effects: pd.DataFrame) -> pd.DataFrame:
    """Each scenario's effect over the draws: the median, the central 90% and the share of
    draws in which it is above zero."""
    return pd.DataFrame(
        {
            "draws": len(effects),
            "median": effects.median(),
            "p5": effects.quantile(0.05),
            "p95": effects.quantile(0.95),
            "share_above_zero": (effects > 0).mean(),
        }
    )
