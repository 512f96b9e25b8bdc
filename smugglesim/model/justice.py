"""Prosecution: arrests become judgments after a delay; confiscation only after conviction.

A :class:`Case` holds the defendants of one arrest operation and the assets frozen with it.
A case is due for judgment after a Gamma-distributed delay, and judged when the
prosecutors have room for it: they bring ``prosecutors`` x ``judgments_per_prosecutor_year``
cases a year to judgment, the cases due longest first, so that more arrests than the courts
can take lengthen every case's delay. At judgment each defendant is convicted with the
conviction probability; when at least one is, the confiscation share of the frozen assets
is confiscated and the rest released to the OCG; when none is, everything frozen is
released.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

    from smugglesim.model.clock import Clock
    from smugglesim.model.parameters import JusticeParams
    from smugglesim.model.smugglers import OrganisedCrimeGroup, Smuggler


@dataclass
class Case:
    ocg: OrganisedCrimeGroup
    defendants: list[Smuggler]
    frozen_eu_eur: float = 0.0
    frozen_cooperating_eur: float = 0.0
    cross_border: bool = False
    judgment_week: int = 0
    convicted: list[Smuggler] = field(default_factory=list)

    @property
    def frozen_eur(self) -> float:
        return self.frozen_eu_eur + self.frozen_cooperating_eur


class Prosecution:
    """Prosecutors and courts of the Member States (with Eurojust for cross-border cases).

    Args:
        params: The justice parameters.
        clock: The week.
        rng: Their random stream (delays to judgment, verdicts).
    """

    def __init__(self, params: JusticeParams, clock: Clock, rng: np.random.Generator) -> None:
        self.clock = clock
        self.rng = rng
        self.mean_weeks = params.prosecution_mean_weeks
        self.delay_shape = params.prosecution_delay_shape
        self.conviction_prob = params.conviction_prob
        self.prosecutors = params.prosecutors
        self.judgments_per_prosecutor_year = params.judgments_per_prosecutor_year
        self._room = 0.0  # this week's part of a judgment not yet used (below one)
        self.confiscation_given_conviction = params.confiscation_given_conviction
        # Added to conviction_prob in cross-border cases (Eurojust, JITs: measure 8); 0 in
        # the status quo, where cross-border cases are judged like the others.
        self.cross_border_conviction_bonus = 0.0
        self._pending: list[tuple[int, int, Case]] = []
        # The judgment weeks of the cases opened, earliest first, until their week comes:
        # each then counts as waiting until judged (``waiting_judgment``), so that the
        # cases waiting need no pass over the backlog each week.
        self._due_weeks: list[int] = []
        self._order = 0  # cases opened so far: ties in judgment week keep this order
        self.frozen_pending_eur = 0.0
        self.confiscated_eur = 0.0
        self.released_eur = 0.0
        self.convictions = 0
        self.judgments = 0
        self.waiting_judgment = 0  # cases due but not judged at the end of the week

    def open_case(self, case: Case) -> None:
        shape = self.delay_shape
        delay = max(1, round(self.rng.gamma(shape, self.mean_weeks / shape)))
        case.judgment_week = self.clock.week + delay
        self.frozen_pending_eur += case.frozen_eur
        self._order += 1
        heapq.heappush(self._pending, (case.judgment_week, self._order, case))
        heapq.heappush(self._due_weeks, case.judgment_week)

    def step(self) -> None:
        """Judge the cases due, as many as the prosecutors have room for this week."""
        week = self.clock.week
        room = self._room + self.prosecutors * self.judgments_per_prosecutor_year / 52.0
        pending = self._pending
        cases = []
        while pending and pending[0][0] <= week and len(cases) + 1 <= room:
            cases.append(heapq.heappop(pending)[2])
        judged = len(cases)
        # One uniform per defendant, case after case: the same numbers as one draw each in
        # turn (the verdicts draw nothing else).
        draws = self.rng.random(sum([len(c.defendants) for c in cases])).tolist() if cases else []
        p_conviction = self.conviction_prob
        p_cross_border = min(1.0, p_conviction + self.cross_border_conviction_bonus)
        start = 0
        for case in cases:
            case.judgment_week = week
            self.judgments += 1
            end = start + len(case.defendants)
            p = p_cross_border if case.cross_border else p_conviction
            case.convicted = [
                d for d, u in zip(case.defendants, draws[start:end], strict=True) if u < p
            ]
            start = end
            self.convictions += len(case.convicted)
            share = self.confiscation_given_conviction if case.convicted else 0.0
            confiscated = case.frozen_eur * share
            released_eu = case.frozen_eu_eur * (1 - share)
            released_coop = case.frozen_cooperating_eur * (1 - share)
            self.frozen_pending_eur -= case.frozen_eur
            self.confiscated_eur += confiscated
            self.released_eur += released_eu + released_coop
            ocg = case.ocg
            ocg.released += released_eu + released_coop
            ocg.assets_eu += released_eu
            ocg.assets_cooperating += released_coop
        # A part of a judgment carries over to next week; a whole one unused does not.
        self._room = (room - judged) % 1.0
        # The cases whose week came, less those judged (each was due when judged).
        due_weeks = self._due_weeks
        came_due = 0
        while due_weeks and due_weeks[0] <= week:
            heapq.heappop(due_weeks)
            came_due += 1
        self.waiting_judgment += came_due - judged

    @property
    def open_cases(self) -> int:
        return len(self._pending)

    @property
    def cases_opened(self) -> int:
        """Cases opened since the model was built (the warm-up included)."""
        return self._order
