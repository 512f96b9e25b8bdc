"""Joint action days of the EU Policy Cycle (EMPACT): every Member State police unit acts
on the same day.

They belong to the status quo: in 2018 the EMSC supported 53 action days against migrant
smuggling, with over 600 arrests (DESIGN.md §6), so the baseline holds
``enforcement.action_days_per_year`` of them. Measure 4 (intensify EMPACT) adds days and
deploys document-fraud experts on them; it changes this actor's attributes and nothing else.

On a day each police unit, on its route:

- arrests members already identified by its open investigations, each with
  ``action_day_arrest_prob`` (in a cooperating third country times the partners' arrest
  probability), with searches that seize cash and freeze traced assets: the same arrest
  operation as at the end of an investigation (:class:`smugglesim.model.police.Arrests`), and the
  investigation goes on;
- catches in the act transporters at work on the EU side of the route: each EU-resident
  transporter of an operating OCG with ``action_day_control_catch_prob`` times the share of
  that OCG's transporters on the leg that its cash put to work this week
  (``OcgTable.working``, at most 1), so that an OCG running fewer crossings loses fewer;
- with document-fraud experts deployed (``forger_identification_prob``, none in the
  status quo), identifies a document forger of an operating OCG, who joins the open case on
  the OCG or becomes a lead. The experts come with the days measure 4 pays for
  (``expert_days_per_year`` of the days, spread over the year as the days are), not with
  the status quo's days, which nothing in the measure pays for.

Every arrest thus comes from an open investigation or a crossing under way. A day takes
``action_day_routine_work_share`` of each unit's investigative work of the week
(:meth:`smugglesim.model.police.PoliceUnit.divert`, booked by :meth:`JointActionDays.take_routine_work`
before the units' step): the trade-off of an operation against routine work. The days fall
evenly over the year, in the weekly step after the investigations; they draw from their own
random stream (``action_days``), and the experts from theirs (``forgers``), so that adding
experts leaves the days' arrests and controls drawn as they were.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from smugglesim.model.smugglers import Role

if TYPE_CHECKING:
    from smugglesim.model.clock import Clock
    from smugglesim.model.intelligence import Emsc
    from smugglesim.model.ocg_lifecycle import OcgLifeCycle
    from smugglesim.model.parameters import EnforcementParams
    from smugglesim.model.police import Arrests, PoliceUnit
    from smugglesim.model.smugglers import OrganisedCrimeGroup, Smuggler


class JointActionDays:
    """The joint action days of the year, held in the weeks they fall in.

    Args:
        params: The enforcement parameters (the status quo's days and their intensity).
        clock: The week.
        lifecycle: The OCGs, whose members are arrested.
        police_units: The units that act on each day, by route.
        arrests: The arrest operation.
        emsc: Where leads on identified forgers go.
        rng: The days' own random stream.
        forger_rng: The document-fraud experts' stream.
    """

    def __init__(
        self,
        params: EnforcementParams,
        clock: Clock,
        lifecycle: OcgLifeCycle,
        police_units: dict[str, PoliceUnit],
        arrests: Arrests,
        emsc: Emsc,
        rng: np.random.Generator,
        forger_rng: np.random.Generator,
    ) -> None:
        self.clock = clock
        self.lifecycle = lifecycle
        self.police_units = police_units
        self.arrests = arrests
        self.emsc = emsc
        self.rng = rng
        self.forger_rng = forger_rng
        self.per_year = params.action_days_per_year
        self.arrest_prob = params.action_day_arrest_prob
        self.control_catch_prob = params.action_day_control_catch_prob
        self.routine_work_share = params.action_day_routine_work_share
        self.reliability = params.reliability_investigation
        # Document-fraud experts, on ``expert_days_per_year`` of the days: none in the status
        # quo (measure 4 adds them with the days it adds).
        self.forger_identification_prob = 0.0
        self.expert_days_per_year = 0.0
        self.held = 0
        self.held_with_experts = 0

    def days_in_week(self, week: int) -> int:
        """The days that fall in ``week``: ``per_year`` spread evenly over 52 weeks."""
        return spread(self.per_year, week)

    def take_routine_work(self) -> None:
        """The days of this week take their share of each unit's investigative work of the
        week: called before the units' step, since the days are known in advance and are
        held after it."""
        days = self.days_in_week(self.clock.week)
        if days:
            for unit in self.police_units.values():
                unit.divert(days * self.routine_work_share)

    def step(self) -> None:
        week = self.clock.week
        days = self.days_in_week(week)
        # The first of them have the experts: their own days a year, spread the same way.
        experts = 0
        if self.forger_identification_prob > 0:
            experts = min(spread(self.expert_days_per_year, week), days)
        for i in range(days):
            self.day(experts=i < experts)

    def day(self, experts: bool = False) -> None:
        """One joint action day: every police unit acts on its route (with
        document-fraud experts if ``experts``)."""
        self.held += 1
        self.held_with_experts += experts
        lifecycle = self.lifecycle
        table = lifecycle.table
        operating: dict[str, list[OrganisedCrimeGroup]] = {}
        for i in np.flatnonzero(table.operating[: table.n]).tolist():
            ocg = lifecycle.ocgs[i]
            operating.setdefault(ocg.route, []).append(ocg)
        for unit in self.police_units.values():
            self._on_route(unit, operating.get(unit.route, []), experts)

    def _on_route(self, unit: PoliceUnit, ocgs: list[OrganisedCrimeGroup], experts: bool) -> None:
        """The day on ``unit``'s route, where ``ocgs`` operate."""
        self._arrest_identified(unit)
        for driver in self.caught_in_the_act(ocgs):
            self.arrests.in_the_act(driver)
        if experts:
            self._identify_forgers(ocgs)

    def _arrest_identified(self, unit: PoliceUnit) -> None:
        """The members identified by ``unit``'s open investigations are arrested, each with
        ``arrest_prob`` (in a cooperating third country times the partners' arrest
        probability): one arrest operation per investigation with arrests, in turn."""
        arrests = self.arrests
        p_eu = self.arrest_prob
        p_coop = p_eu * arrests.partners.arrest_prob_cooperating
        # An operation arrests members of its own OCG only, and no two investigations share
        # an OCG, so the suspects would be the same after the operations before them: one
        # uniform per suspect, investigation after investigation, drawn at once (the same
        # numbers as one draw each in turn).
        cases = [(inv, [m for m in inv.identified if not m.gone]) for inv in unit.open]
        suspects = [m for _, of_inv in cases for m in of_inv]
        draws = self.rng.random(len(suspects)).tolist()
        arrested = set(arrests.among(suspects, draws, p_eu, p_coop))
        if not arrested:
            return
        for inv, of_inv in cases:
            if found := [m for m in of_inv if m in arrested]:
                arrests.operation(inv, of_inv, found)

    def caught_in_the_act(self, ocgs: list[OrganisedCrimeGroup]) -> list[Smuggler]:
        """The EU-resident transporters of ``ocgs`` whom the day's controls catch carrying
        migrants: each with ``control_catch_prob`` times the share of the OCG's transporters
        on their leg at work this week."""
        table = self.lifecycle.table
        transporters, working = table.transporters, table.working
        p_catch = self.control_catch_prob
        eu_of = [(ocg.ocg_id, eu) for ocg in ocgs if (eu := ocg.eu_transporters())]
        # One uniform per transporter, OCG after OCG, in order: the same numbers as one
        # draw at a time (nothing else draws from the stream before all are drawn).
        draws = iter(self.rng.random(sum([len(eu) for _, eu in eu_of])).tolist())
        caught = []
        for i, eu in eu_of:
            for m in eu:
                # At most all of them: ``working`` was set at the week's market refresh and
                # the week's earlier arrests may have left fewer on the leg since.
                on_leg = transporters.item(i, m.leg)
                at_work = min(working.item(i, m.leg) / on_leg, 1.0) if on_leg else 0.0
                if next(draws) < p_catch * at_work:
                    caught.append(m)
        return caught

    def _identify_forgers(self, ocgs: list[OrganisedCrimeGroup]) -> None:
        """Document-fraud experts find forged documents: a forger of the OCG is identified
        and joins its open case, or becomes a lead."""
        rng = self.forger_rng
        for ocg in ocgs:
            if ocg.dismantled or not ocg.has_role(Role.DOCUMENT_FORGER):
                continue
            if rng.random() >= self.forger_identification_prob:
                continue
            forgers = [m for m in ocg.members if m.role == Role.DOCUMENT_FORGER]
            forger = forgers[int(rng.integers(len(forgers)))]
            if ocg.investigation is not None:
                ocg.investigation.add_target(forger)
            else:
                self.emsc.new_lead(forger, "investigation", self.reliability, rng)


def spread(per_year: float, week: int) -> int:
    """How many of ``per_year`` events a year, spread evenly over 52 weeks, fall in ``week``:
    week w holds floor(r(w+1)) - floor(rw), r = ``per_year`` / 52."""
    rate = per_year / 52.0
    return math.floor(rate * (week + 1)) - math.floor(rate * week)
