"""Named, independent random streams derived from one integer seed.

Each subsystem draws from its own stream, derived from the run's seed and the stream's
name with :class:`numpy.random.SeedSequence`. Switching a measure on therefore does not
shift the draws of processes on other streams, which keeps paired comparisons low-noise,
and a stream's draws do not depend on which other streams exist. Two processes that a
measure can change apart draw from separate streams (the debriefings' leads and the arrests
in the act at the border; the joint action days and their document-fraud experts), so that
a measure's added draws do not shift another process's (docs/ODD.md, "Order within a
process").
"""

from __future__ import annotations

import zlib

import numpy as np


class RandomStreams:
    """``streams["market"]`` is the generator of the smuggler market, and so on."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        rng = self._streams.get(name)
        if rng is None:
            key = zlib.crc32(name.encode())
            rng = np.random.Generator(
                np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=(key,)))
            )
            self._streams[name] = rng
        return rng
