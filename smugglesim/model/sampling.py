"""Drawing from many small discrete distributions in one vectorised pass."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Groups(NamedTuple):
    """Runs of equal values in a sorted array of group numbers."""

    starts: np.ndarray  # index of each run's first item
    ends: np.ndarray  # index one past each run's last item
    of_item: np.ndarray  # for each item, the number of its run (0, 1, ...)

    @classmethod
    def of(cls, group: np.ndarray) -> Groups:
        n = group.size
        first = np.empty(n, dtype=bool)
        first[:1] = True
        np.not_equal(group[1:], group[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        ends = np.empty_like(starts)
        ends[:-1] = starts[1:]
        ends[-1:] = n
        return cls(starts, ends, np.cumsum(first) - 1)


def grouped_cdf(group: np.ndarray, weights: np.ndarray, runs: Groups | None = None) -> np.ndarray:
    """Cumulative distributions of several groups of items, laid end to end.

    Items are sorted by ``group`` (non-negative integers; ``runs`` is ``Groups.of(group)``
    when the caller has it). The result is ``group + (cumulative share of the group's weight
    up to and including the item)``, so that ``searchsorted(cdf, g + u, side="right")`` with
    ``u`` uniform on [0, 1) draws an item of group ``g`` with probability proportional to its
    weight. The last item of each group is exactly ``g + 1``, so a draw never passes into
    the next group; a group whose weights are all zero gets equal shares.
    """
    n = weights.size
    if n == 0:
        return np.zeros(0)
    starts, ends, of_item = runs if runs is not None else Groups.of(group)
    csum = np.cumsum(weights)
    upto = csum[ends - 1]  # cumulative weight at the end of each group
    before = np.zeros(starts.size)
    before[1:] = upto[:-1]
    total = upto - before
    found = total > 0
    share = (csum - before[of_item]) / np.where(found, total, 1.0)[of_item]
    if not found.all():  # nobody can be found in such a group: equal shares will do
        rank = np.arange(n) - starts[of_item] + 1
        even = rank / (ends - starts)[of_item]
        share = np.where(found[of_item], share, even)
    share[ends - 1] = 1.0
    return group + share
