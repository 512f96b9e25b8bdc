"""The model's clock: the week now, shared by every component that dates what it does."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Clock:
    """The current week: negative in the warm-up, 0 the first reported week; the model
    advances it at the end of each step."""

    week: int = 0
