"""Confidence intervals that stay inside the range of the figure they bound.

Every output of the model is a count, an amount of money, a share or an index: none can be
negative, and shares and indices cannot exceed 1. A t-interval on the raw scale ignores
that, and with a few skewed replications it puts the lower end of a confiscation ratio below
zero. So:

- the mean of a figure that cannot be negative gets a t-interval on the log scale, and the
  mean of a share or an index one on the logit scale, mapped back (the delta method); both
  lie inside the range and reduce to the t-interval when the spread is small;
- the ratio of two paired means (a scenario's mean over the baseline's, the relative change
  plus one) gets a t-interval on the log of the ratio, from the paired replications, so a
  relative change is never below -100%;
- a paired difference, which can have either sign, keeps the plain t-interval;
- no relative change is given when the baseline mean is zero or the runs cannot tell it
  from zero (:func:`no_change_reason`): a percentage of almost nothing says nothing.

All are deterministic: the same runs give the same intervals.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from smugglesim.model import outputs

Bounds = tuple[float, float]
UNBOUNDED: Bounds = (-math.inf, math.inf)
NON_NEGATIVE: Bounds = (0.0, math.inf)
UNIT_INTERVAL: Bounds = (0.0, 1.0)

BASELINE_ZERO = "baseline is 0"
BASELINE_NEAR_ZERO = "baseline not distinguishable from 0"


def bounds(name: str) -> Bounds:
    """The range of an output (a column or summary key), from its declaration: shares and
    indices lie in [0, 1], every other output (counts, money) cannot be negative; a name
    that is not an output (a derived figure) is unbounded."""
    try:
        output = outputs.lookup(name)
    except KeyError:
        return UNBOUNDED
    return UNIT_INTERVAL if output.unit in ("share", "index") else NON_NEGATIVE


def _clean(values: np.ndarray) -> np.ndarray:
    x = np.asarray(values, dtype=float)
    return x[~np.isnan(x)]


def _t(confidence: float, n: int) -> float:
    return float(stats.t.ppf((1 + confidence) / 2, n - 1))


def t_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and two-sided t-interval of the mean; NaN bounds with fewer than 2 values."""
    x = _clean(values)
    n = len(x)
    if n == 0:
        return math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n < 2:
        return mean, math.nan, math.nan
    half = _t(confidence, n) * x.std(ddof=1) / math.sqrt(n)
    return mean, mean - half, mean + half


def mean_interval(
    values: np.ndarray, confidence: float = 0.95, within: Bounds = UNBOUNDED
) -> tuple[float, float, float]:
    """Mean and an interval for it that lies ``within`` the figure's range.

    Log scale for a range open above, logit scale for a closed one, plain t otherwise (and
    when a value lies outside the range, so the range cannot be the figure's). When every
    value sits on a bound, so does the interval.
    """
    x = _clean(values)
    low, high = within
    if len(x) < 2 or (low, high) == UNBOUNDED or x.min() < low or x.max() > high:
        return t_interval(x, confidence)
    n, mean, sd = len(x), float(x.mean()), float(x.std(ddof=1))
    if sd == 0:
        return mean, mean, mean
    t = _t(confidence, n)
    if math.isinf(high):  # log(mean - low)
        if mean <= low:
            return mean, mean, mean
        half = t * sd / (math.sqrt(n) * (mean - low))
        return mean, low + (mean - low) * math.exp(-half), low + (mean - low) * math.exp(half)
    width = high - low
    p = (mean - low) / width
    if p <= 0 or p >= 1:
        return mean, mean, mean
    half = t * sd / (width * math.sqrt(n) * p * (1 - p))  # logit(p)
    logit = math.log(p / (1 - p))
    return mean, low + width * _expit(logit - half), low + width * _expit(logit + half)


def _expit(z: float) -> float:
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def ratio_interval(
    base: np.ndarray, other: np.ndarray, confidence: float = 0.95
) -> tuple[float, float, float]:
    """``mean(other) / mean(base)`` and a t-interval on its log from paired replications.

    By the delta method the log of the ratio of means varies as the mean of
    ``other_r / mean(other) - base_r / mean(base)``, which keeps the pairing. The interval
    is always above 0 (a relative change above -100%). NaN when the base mean is not
    positive; no bounds with fewer than two pairs or when ``other`` is all zero.
    """
    b, s = np.asarray(base, dtype=float), np.asarray(other, dtype=float)
    valid = ~(np.isnan(b) | np.isnan(s))
    b, s = b[valid], s[valid]
    n = len(b)
    if n == 0 or b.mean() <= 0:
        return math.nan, math.nan, math.nan
    mb, ms = float(b.mean()), float(s.mean())
    ratio = ms / mb
    if n < 2 or ms <= 0:
        return ratio, math.nan, math.nan
    se = float((s / ms - b / mb).std(ddof=1)) / math.sqrt(n)
    half = _t(confidence, n) * se
    return ratio, ratio * math.exp(-half), ratio * math.exp(half)


def no_change_reason(base: np.ndarray, confidence: float = 0.95) -> str | None:
    """Why a change relative to the mean of ``base`` would mislead, or None.

    The baseline mean is 0, or its plain t-interval reaches 0: the replications do not tell
    it apart from zero, and a percentage of it could be anything.
    """
    mean, low, _ = t_interval(base, confidence)
    if math.isnan(mean):
        return None
    if mean == 0:
        return BASELINE_ZERO
    if not math.isnan(low) and low <= 0 < mean:
        return BASELINE_NEAR_ZERO
    return None
