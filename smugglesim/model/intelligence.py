"""Intelligence: leads, and the EMSC that analyses them and passes them to the police.

A :class:`Lead` names one member of an OCG, with a source and a reliability. Every producer
(border debriefings, the IRU, liaison officers, third-country partners, investigations, and
the sources that measures add: CSDP missions, vessel information) calls
:meth:`Emsc.new_lead`. Each week the EMSC (with the national analysts it supports and
the Information Clearing House) drops leads that have grown stale, analyses as many as
its capacity allows, oldest first (or, under a targeting strategy, ``enforcement.targeting``
or the Joint Liaison Task Force of measure 5, leads on the key players it names first:
``smugglesim/model/key_players.py``), and hands the reliable ones on a live target to the
police unit responsible for the target's route. Leads checked on the spot at the border
(measure 3) are analysed at once.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from smugglesim.model.key_players import priority

if TYPE_CHECKING:
    import numpy as np

    from smugglesim.model.clock import Clock
    from smugglesim.model.parameters import EnforcementParams
    from smugglesim.model.police import PoliceUnit
    from smugglesim.model.smugglers import Smuggler

SOURCES = ("debriefing", "online", "liaison", "partner", "investigation", "csdp")


class LeadSource(Protocol):
    """An actor that produces leads each week in the intelligence phase of the step."""

    def step(self) -> None: ...


class ObservedMembersSource:
    """A source of leads on the members it observes: each week a Poisson number of leads
    (mean ``leads_per_week``), each on a member drawn at random from :meth:`observed`.

    Args:
        source: The source's name in ``SOURCES``.
        leads_per_week: Mean leads a week.
        reliability: Mean reliability of its leads.
        emsc: Where its leads go.
        rng: Its own random stream.
    """

    def __init__(
        self,
        source: str,
        leads_per_week: float,
        reliability: float,
        emsc: Emsc,
        rng: np.random.Generator,
    ) -> None:
        self.source = source
        self.leads_per_week = leads_per_week
        self.reliability = reliability
        self.emsc = emsc
        self.rng = rng
        self.leads = 0

    def observed(self) -> list[Smuggler]:
        """The active members this source can name."""
        raise NotImplementedError

    def step(self) -> None:
        if self.leads_per_week <= 0:
            return
        rng = self.rng
        n = int(rng.poisson(self.leads_per_week))
        if not n:
            return
        observed = self.observed()
        for _ in range(min(n, len(observed))):
            target = observed[int(rng.integers(len(observed)))]
            self.emsc.new_lead(target, self.source, self.reliability, rng)
            self.leads += 1


@dataclass(slots=True)
class Lead:
    target: Smuggler
    source: str
    week: int
    reliability: float


class Emsc:
    """The European Migrant Smuggling Centre (with the ICH): the analysis bottleneck.

    Args:
        params: The enforcement parameters.
        clock: The week (leads are dated, and go stale).
        police_units: The police unit of each route, to which actionable leads go (the
            model fills this mapping once the units exist: they report back to the EMSC).
    """

    def __init__(
        self, params: EnforcementParams, clock: Clock, police_units: Mapping[str, PoliceUnit]
    ) -> None:
        self.clock = clock
        self.police_units = police_units
        self.leads_per_week = params.emsc_leads_per_week
        self.max_age_weeks = params.lead_max_age_weeks
        self.reliability_threshold = params.lead_reliability_threshold
        self.reliability_concentration = params.lead_reliability_concentration
        # Whose leads to analyse first when there are more than it can take (a strategy of
        # key_players.STRATEGIES; "random": the oldest, whoever it names).
        self.targeting = params.targeting
        self.queue: deque[Lead] = deque()
        self._carry = 0.0
        # On-the-spot checks the mobile analyst teams can make a week (none in the status
        # quo; front-line information, measure 3), and those left this week.
        self.realtime_checks_per_week = 0.0
        self.checks_left = 0.0
        self._checks_carry = 0.0  # a fraction of a check, carried to the next week
        self.checked = 0
        self.produced = dict.fromkeys(SOURCES, 0)
        self.analysed = 0
        self.expired = 0
        self.actionable = 0

    def submit(self, lead: Lead) -> None:
        self.produced[lead.source] += 1
        self.queue.append(lead)

    def new_lead(
        self,
        target: Smuggler,
        source: str,
        mean_reliability: float,
        rng: np.random.Generator,
        checked: bool = False,
        checked_reliability: float | None = None,
    ) -> None:
        """Create and submit a lead; reliability ~ Beta with the source's mean and
        ``reliability_concentration``.

        A lead ``checked`` on the spot against Europol data (front-line access, mobile
        analyst teams) is analysed at once instead of queueing for the analysts, as long as
        the teams have checks left this week (``realtime_checks_per_week``); beyond that it
        queues like any other. A lead that was checked has the mean reliability
        ``checked_reliability`` (if given) in place of ``mean_reliability``; one beyond the
        checks was not cross-checked and keeps the source's.
        """
        on_the_spot = checked and self.checks_left >= 1
        if on_the_spot and checked_reliability is not None:
            mean_reliability = checked_reliability
        conc = self.reliability_concentration
        mean = min(max(mean_reliability, 1e-3), 1 - 1e-3)
        reliability = float(rng.beta(mean * conc, (1 - mean) * conc))
        lead = Lead(target, source, self.clock.week, reliability)
        if on_the_spot:
            self.checks_left -= 1
            self.checked += 1
            self.produced[source] += 1
            self._analyse(lead)
        else:
            self.submit(lead)

    def allot_checks(self) -> None:
        """The on-the-spot checks of a week: whole checks (those unused lapse); a fraction
        carries over, so 1.5 checks a week make 3 in two weeks, as the analysts' capacity
        in :meth:`step` does. Called by :meth:`step` for the week to come, and by measure 3
        when it starts, for the week it starts in."""
        self._checks_carry += self.realtime_checks_per_week
        self.checks_left = float(int(self._checks_carry))
        self._checks_carry -= self.checks_left

    def step(self) -> None:
        week = self.clock.week
        self.allot_checks()  # for the week to come
        queue = self.queue
        while queue and week - queue[0].week > self.max_age_weeks:
            queue.popleft()
            self.expired += 1
        # Fractional capacity carries over, so 12.5 leads/week analyses 25 in two weeks.
        self._carry += self.leads_per_week
        n = min(int(self._carry), len(queue))
        self._carry -= int(self._carry)
        if self.targeting != "random" and n < len(queue):
            self._analyse_by_priority(n)
            return
        for _ in range(n):
            self._analyse(queue.popleft())

    def _analyse_by_priority(self, n: int) -> None:
        """Analyse ``n`` leads: those the targeting strategy puts first, oldest first among
        equals; the others keep their place in the queue."""
        queue = list(self.queue)
        key = [(priority(lead.target, self.targeting), i) for i, lead in enumerate(queue)]
        chosen = sorted(key)[:n]
        taken = {i for _, i in chosen}
        self.queue = deque(lead for i, lead in enumerate(queue) if i not in taken)
        for _, i in chosen:
            self._analyse(queue[i])

    def _analyse(self, lead: Lead) -> None:
        """Reliable leads on a live target go to the police unit of the target's route."""
        self.analysed += 1
        target = lead.target
        if lead.reliability < self.reliability_threshold or target.gone or target.ocg.dismantled:
            return
        self.actionable += 1
        self.police_units[target.ocg.route].receive(lead)

    @property
    def backlog(self) -> int:
        return len(self.queue)
