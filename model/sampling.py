"""Drawing from many small discrete distributions in one vectorised pass."""

from __future__ import annotations

import numpy as np


def grouped_cdf(group: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Cumulative distributions of several groups of items, laid end to end.

    Items are sorted by ``group`` (non-negative integers). The result is ``group +
    (cumulative share of the group's weight up to and including the item)``, so that
    ``searchsorted(cdf, g + u, side="right")`` with ``u`` uniform on [0, 1) draws an item of
    group ``g`` with probability proportional to its weight. The last item of each group is
    exactly ``g + 1``, so a draw never passes into the next group; a group whose weights
    are all zero gets equal shares.
    """
    n = weights.size
    if n == 0:
        return np.zeros(0)
    starts = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    ends = np.r_[starts[1:], n]
    sizes = ends - starts
    csum = np.cumsum(weights)
    before = np.repeat(np.r_[0.0, csum[ends[:-1] - 1]], sizes)
    total = np.repeat(csum[ends - 1], sizes) - before
    found = total > 0
    within = np.where(found, (csum - before) / np.where(found, total, 1.0), 0.0)
    rank = np.arange(n) - np.repeat(starts, sizes) + 1
    within[~found] = (rank / np.repeat(sizes, sizes))[~found]
    within[ends - 1] = 1.0
    return group + within
