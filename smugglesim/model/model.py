"""SmugglingModel: the Mesa model of smuggling networks on the EU migration routes.

One step is one week. The model builds the components, hands each the collaborators it
works with, and calls them in the order of the week, written once in
:meth:`SmugglingModel.step`; it holds no mechanism of its own. The constructor ends by
running the warm-up (``run.warmup_years`` of the status quo, weeks before 0, not reported),
so a model is handed over at week 0 with the system under way. Where each mechanism lives:

- ``smugglesim/model/market.py``: the week's offers, path attractiveness, fares (:class:`Market`);
- ``smugglesim/model/migrants.py``: departures, search, travel, deaths, detection, arrival (the
  search, the travel and the week's log as loops compiled by numba,
  ``smugglesim/model/kernels.py``);
- ``smugglesim/model/ocg_lifecycle.py``: OCGs founded, arrested members, replacement, adaptation,
  leg moves, entry and exit (:class:`OcgLifeCycle`);
- ``smugglesim/model/enforcement.py``, ``smugglesim/model/intelligence.py``, ``smugglesim/model/police.py``,
  ``smugglesim/model/justice.py``: the actors that produce leads, analyse them, investigate, arrest,
  freeze and judge;
- ``smugglesim/model/measures/``: the measures, switched on and off by Mesa events at their start and
  end weeks; each changes the actors (and may add a process of its own), never an output;
- ``smugglesim/model/events.py``, ``smugglesim/model/demand_schedule.py``: a dated run's inputs
  (``run.start``): dated events (Mesa events at their weeks) and the demand schedule.
"""

from __future__ import annotations

import bisect
import io
import json
import pickle
import secrets
import types
from collections import OrderedDict

import mesa
import pandas as pd

from smugglesim.model.action_days import JointActionDays
from smugglesim.model.clock import Clock
from smugglesim.model.demand_schedule import ScheduleError, load_schedule
from smugglesim.model.enforcement import (
    BorderGuards,
    CsdpMissions,
    InternetReferralUnit,
    LiaisonOfficers,
    ThirdCountryPartners,
)
from smugglesim.model.events import DatedEvent
from smugglesim.model.intelligence import Emsc, LeadSource
from smugglesim.model.justice import Prosecution
from smugglesim.model.market import Market
from smugglesim.model.measures import MEASURES, Measure
from smugglesim.model.measures.base import MeasureChanges
from smugglesim.model.metrics import Recorder, yearly
from smugglesim.model.migrants import MigrantPopulation
from smugglesim.model.ocg_lifecycle import OcgLifeCycle
from smugglesim.model.operations import OneOffOperation
from smugglesim.model.police import Arrests, FinancialInvestigators, PoliceUnit
from smugglesim.model.routes import RouteNetwork, load_routes
from smugglesim.model.scenario import Scenario, ScenarioError
from smugglesim.model.streams import RandomStreams

_DEFAULT_ROUTES: RouteNetwork | None = None

# Warm states kept in this process, by status quo and seed, most recently used last; each
# is a model at week 0 after its warm-up, before any measure, kept as a pickle (about
# 4 MB each at the 2018 volume).
WARM_STATES_KEPT = 16
_WARM_STATES: OrderedDict[tuple[str, int], _WarmState] = OrderedDict()


def _warm_key(scenario: Scenario, seed: int, routes: RouteNetwork | None) -> tuple[str, int] | None:
    """What a warm-up depends on: every parameter but the measures (and their unit costs,
    ``[costs]``), the one-off operations and dated events (all from week 0), the horizon,
    the name, the description and the file it extends, and the seed; None (nothing kept)
    without a warm-up or with a route network of the caller's own. Scenarios that differ
    only in their measures share one."""
    if scenario.warmup_weeks == 0 or routes is not None:
        return None
    skip = {"measures", "name", "description", "extends", "operations", "events", "costs"}
    data = scenario.model_dump(mode="json", exclude=skip)
    data["run"].pop("years", None)
    return json.dumps(data, sort_keys=True), seed


class _WarmState:
    """A model's state (its ``__dict__``) kept as a pickle, a copy that a later model takes
    over (:meth:`SmugglingModel._adopt`). Kept as bytes rather than as a deep copy because
    pickling and unpickling are several times faster than ``copy.deepcopy``, and because
    the garbage collector, which walks every object of the process, has one object to skip
    instead of a model's hundred thousand. What ``deepcopy`` would share rather than copy
    is shared here too: the route network, which no run changes, and functions (lambdas
    cannot be pickled); the model itself stands for the model that adopts the state."""

    def __init__(self, model: SmugglingModel) -> None:
        self.routes = model.routes
        self.functions: list[types.FunctionType] = []
        buffer = io.BytesIO()
        _WarmPickler(buffer, model, self).dump(model.__dict__)
        self.data = buffer.getvalue()

    def copy_for(self, model: SmugglingModel) -> dict:
        """A copy of the kept ``__dict__``, in which the kept model is ``model``."""
        return _WarmUnpickler(io.BytesIO(self.data), model, self).load()


def _kept(key: object) -> object:
    """Stands, in a kept warm state, for what the adopting run supplies (the model, the
    route network, a function); never called, since :class:`_WarmUnpickler` looks it up
    as its own :meth:`_WarmUnpickler.kept`."""
    raise RuntimeError("_kept is only a marker in a warm state")


class _WarmPickler(pickle.Pickler):
    """Pickles a model's state, leaving out what is shared (see :class:`_WarmState`): each
    of those is pickled as a call of :func:`_kept` with its key."""

    def __init__(self, file: io.BytesIO, model: SmugglingModel, state: _WarmState) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.model = model
        self.state = state

    # ``reducer_override`` rather than ``persistent_id``: pickle calls it neither for the
    # objects it has pickled already nor for exact None, bools, numbers, strings, bytes,
    # tuples, lists, dicts and sets, which are most of a model's objects; ``persistent_id``
    # it calls for every one (about a hundred thousand Python calls per warm state).
    def reducer_override(self, obj: object) -> object:
        if obj is self.model:
            return _kept, ("model",)
        if obj is self.state.routes:
            return _kept, ("routes",)
        kind = type(obj)
        if kind is types.FunctionType:
            if obj is _kept:  # the marker itself is pickled by name
                return NotImplemented
            self.state.functions.append(obj)  # type: ignore[arg-type]
            return _kept, (len(self.state.functions) - 1,)
        if kind is types.MethodType:
            # As deepcopy does: the same function bound to the copy of its object (pickle
            # would look the method up by name, and Mesa's model keeps a wrapper of its
            # ``step`` under that name).
            return _kept, (("method", obj.__func__, obj.__self__),)  # type: ignore[attr-defined]
        return NotImplemented


class _WarmUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, model: SmugglingModel, state: _WarmState) -> None:
        super().__init__(file)
        self.model = model
        self.state = state

    def find_class(self, module: str, name: str) -> object:
        if module == __name__ and name == "_kept":
            return self.kept
        return super().find_class(module, name)

    def kept(self, key: object) -> object:
        """What :func:`_kept` with ``key`` stands for, in the adopting run."""
        if key == "model":
            return self.model
        if key == "routes":
            return self.state.routes
        if isinstance(key, tuple):  # a bound method
            return types.MethodType(key[1], key[2])
        return self.state.functions[key]  # type: ignore[index]


def _remember(key: tuple[str, int], model: SmugglingModel) -> None:
    _WARM_STATES[key] = _WarmState(model)
    while len(_WARM_STATES) > WARM_STATES_KEPT:
        _WARM_STATES.popitem(last=False)


def forget_warm_states() -> None:
    """Drop the warm states kept in this process (for memory, or to time a cold start)."""
    _WARM_STATES.clear()


def raise_interrupt_behind(exc: BaseException) -> None:
    """Raise the Ctrl-C or SIGTERM (a ``KeyboardInterrupt``) that ``exc`` stands for, if
    any; else return. A signal handler that raises inside a call into compiled code can
    come back as another error caused by the interrupt, through one or more such errors:
    numba's dispatcher as a ``SystemError`` ("returned a result with an exception set"),
    Cython code (scipy's, while a kept warm state is unpickled) as a ``ValueError``. Code
    that records a failed run and goes on (``except Exception``, as a batch does) calls
    this first, so that it does not swallow the interrupt."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            raise cause from None
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__


def default_routes() -> RouteNetwork:
    """The embedded route network, read once per process (it is immutable)."""
    global _DEFAULT_ROUTES
    if _DEFAULT_ROUTES is None:
        _DEFAULT_ROUTES = load_routes()
    return _DEFAULT_ROUTES


class SmugglingModel(mesa.Model):
    """Smuggling OCGs, migrants and law enforcement on the four routes into the EU.

    Args:
        scenario: A validated scenario (see :func:`smugglesim.model.load_scenario`).
        rng: Integer seed. ``None`` draws one from the OS and records it in ``self.seed``.
        routes: The route network; the embedded default when ``None``.
    """

    def __init__(
        self, scenario: Scenario, rng: int | None = None, routes: RouteNetwork | None = None
    ) -> None:
        seed = int(rng) if rng is not None else secrets.randbits(63)
        super().__init__(rng=seed)
        # The warm-up runs the status quo only, so every scenario that differs from another
        # only in its measures and horizon shares its warm state on a seed: reuse it.
        key = _warm_key(scenario, seed, routes)
        warm = _WARM_STATES.get(key) if key is not None else None
        if warm is not None:
            _WARM_STATES.move_to_end(key)
            self._adopt(warm)
        else:
            self._build(scenario, seed, routes)
            # The warm-up: the status quo runs until week 0, unreported, so that week 0
            # finds the system under way (money laundered, investigations open, cases in
            # court).
            while self.clock.week < 0:
                self.step()
            if key is not None:
                _remember(key, self)
        self.config = scenario
        self.n_weeks = scenario.weeks
        warmup = self.warmup_weeks

        # Measures: the only place a measure is chosen is the scenario. Their weeks count
        # from week 0, which Mesa's time reaches after the warm-up's steps; a measure
        # starting in week 0 starts now, before the step of week 0.
        self.measures: list[Measure] = []
        self.measure_changes = MeasureChanges()  # what they changed, to undo one alone
        for key_, params in scenario.active_measures():
            measure = MEASURES[key_](params, self)
            self.measures.append(measure)
            if params.start_week == 0:
                measure.start()
            else:
                self.schedule_event(measure.start, at=warmup + params.start_week)
            if params.end_week is not None:
                self.schedule_event(measure.stop, at=warmup + params.end_week)
        # One-off arrest operations (an experiment's intervention), at their weeks.
        self.operations: list[OneOffOperation] = []
        routes = {*self.routes.route_names, "all"}
        for i, spec in enumerate(scenario.operations):
            if spec.route is not None and spec.route not in routes:
                raise ScenarioError(
                    f"{scenario.name}: operations.{i}.route: unknown route {spec.route!r}; "
                    f"the routes are: {', '.join(sorted(routes))}"
                )
            op = OneOffOperation(
                spec,
                self.ocg_lifecycle,
                self.arrests,
                self.police_units,
                scenario.enforcement.operation_routine_work_share,
                self.streams["operations"],
            )
            self.operations.append(op)
            if spec.week > 0:
                self.schedule_event(op.run, at=warmup + spec.week)
        # Dated events (the world around the smugglers changing from a date), at their weeks.
        self.events: list[DatedEvent] = []
        for i, spec in enumerate(scenario.events):
            problems = DatedEvent.problems(spec, self.routes)
            if problems:
                key, message = problems[0]
                raise ScenarioError(f"{scenario.name}: events.{i}.{key}: {message}")
            week = spec.week if spec.week is not None else self.calendar.week_of(spec.date)
            if week >= self.n_weeks:
                continue  # dated after the run's last week: it does not happen
            event = DatedEvent(
                spec, week, self.routes, self.market, self.migrants, scenario.demand.scale
            )
            self.events.append(event)
            if week == 0:
                event.apply()
            else:
                self.schedule_event(event.apply, at=warmup + week)
        self.recorder = Recorder(self)
        self.recorder.open_period()
        # Operations of week 0 now, so that week 0 reports them (they ran before the
        # reported period opened, and were left out of every figure).
        for op in self.operations:
            if op.spec.week == 0:
                op.run()

    def _build(self, scenario: Scenario, seed: int, routes: RouteNetwork | None) -> None:
        """Every component, at the start of the warm-up (week ``-warmup_weeks``)."""
        self.seed = seed
        self.config = scenario
        self.n_weeks = scenario.weeks
        self.warmup_weeks = warmup = scenario.warmup_weeks
        self.clock = Clock(week=-warmup)
        self.calendar = scenario.run.calendar
        self.streams = streams = RandomStreams(seed)
        self.routes = routes or default_routes()
        self.space = self.routes.space(self.random)

        # Supply: the OCGs and their life cycle, and the market they sell in.
        self.ocg_lifecycle = lifecycle = OcgLifeCycle(
            self, self.routes, scenario.smugglers, streams, self.clock, scenario.demand.scale
        )
        self.market = Market(
            self.routes,
            lifecycle.table,
            lifecycle.leg_ocgs,
            scenario.smugglers,
            scenario.demand,
        )

        # Law enforcement and justice, each with the collaborators it works with.
        enforcement = scenario.enforcement
        self.prosecution = Prosecution(scenario.justice, self.clock, streams["justice"])
        self.financial_investigators = FinancialInvestigators(scenario.finance, streams["finance"])
        self.police_units: dict[str, PoliceUnit] = {}
        self.emsc = Emsc(enforcement, self.clock, self.police_units)
        self.partners = ThirdCountryPartners(enforcement, lifecycle, self.emsc, streams["partners"])
        self.arrests = Arrests(
            lifecycle, self.financial_investigators, self.partners, self.prosecution
        )
        for route in self.routes.route_names:
            self.police_units[route] = PoliceUnit(
                route,
                enforcement,
                self.clock,
                streams["investigation"],
                self.emsc,
                self.financial_investigators,
                self.arrests,
                lifecycle.social,
            )
        # The joint action days of the status quo (EMPACT; measure 4 adds more).
        self.action_days = JointActionDays(
            enforcement,
            self.clock,
            lifecycle,
            self.police_units,
            self.arrests,
            self.emsc,
            streams["action_days"],
            streams["forgers"],
        )
        self.border_guards = BorderGuards(
            enforcement,
            lifecycle,
            self.emsc,
            self.arrests,
            streams["border"],
            streams["frontline"],
            streams["border_arrests"],
        )
        self.iru = InternetReferralUnit(
            enforcement,
            lifecycle,
            scenario.smugglers.adverts_per_recruiter,
            self.emsc,
            streams["iru"],
        )
        self.liaison_officers = LiaisonOfficers(
            enforcement, lifecycle, self.emsc, streams["liaison"]
        )
        # The crime information cell pilot in EUNAVFOR MED Sophia (measure 11 widens it).
        self.csdp = CsdpMissions(
            enforcement.csdp_leads_per_week,
            enforcement.reliability_csdp,
            frozenset(),
            frozenset({"central_med"}),
            lifecycle,
            self.routes,
            self.emsc,
            streams["csdp"],
        )
        # The sources of intelligence stepped each week, by their place in the week;
        # measures add theirs with :meth:`add_lead_source`.
        self.lead_sources: list[tuple[int, LeadSource]] = [
            (10, self.iru),
            (20, self.liaison_officers),
            (30, self.partners),
            (40, self.csdp),
        ]

        self.migrants = MigrantPopulation(
            self.routes,
            scenario.demand,
            scenario.smugglers,
            self.market,
            self.border_guards,
            streams,
            enforcement.third_country_interception_factor,
        )

        origins = self.migrants.origins
        origins.year_offset_weeks = self.calendar.season_offset_weeks
        if scenario.demand.schedule is not None:
            try:
                schedule = load_schedule(scenario.demand.schedule)
                origins.schedule = schedule.weekly(origins.nodes, self.calendar)
            except ScheduleError as exc:
                raise ScenarioError(f"{scenario.name}: demand.schedule: {exc}") from None

        self.measures = []  # none in the warm-up
        self.measures_cost_eur = 0.0

    def _adopt(self, warm: _WarmState) -> None:
        """Take over a copy of ``warm``'s state (a model at week 0 after the same warm-up):
        everything in it that referred to the warm model refers to this model; the route
        network, which no run changes, is shared."""
        self.__dict__.update(warm.copy_for(self))

    # -- the week -------------------------------------------------------------------------
    def step(self) -> None:
        """One week (:meth:`_week`). A Ctrl-C or SIGTERM that lands while a loop compiled by
        numba is called (``kernels``) can come back as a ``SystemError`` caused by it: the
        interrupt is raised in its place (:func:`raise_interrupt_behind`)."""
        try:
            self._week()
        except Exception as exc:
            raise_interrupt_behind(exc)
            raise

    def _week(self) -> None:
        """One week, always in this order."""
        week = self.clock.week
        self.ocg_lifecycle.refresh_reach()  # 0. who is linked to the command can work;
        self.market.refresh()  # the week's offers
        self.migrants.depart(week)  # 1. migrants appear and choose a path
        self.migrants.search(week)  # 2. they find smugglers and buy the next leg
        self.migrants.travel(week)  # 3. they travel; deaths, border detections, arrivals
        self.border_guards.act_on_detections(self.migrants.detected_by_ocg)  # 4. debriefing
        self.ocg_lifecycle.finances()  # 5. money: other crime, pay, asset sales, laundering
        for _, source in self.lead_sources:  # 6. intelligence: online, liaison officers,
            source.step()  # partners, and the sources measures add
        self.emsc.step()  # 7. analysis of leads, hand-over to the police
        self.action_days.take_routine_work()  # this week's action days take police work
        for unit in self.police_units.values():  # 8. investigations, arrests, freezing
            unit.step()
        self.financial_investigators.step()  # freed places go to waiting financial strands
        self.action_days.step()  # joint action days that fall this week
        self.prosecution.step()  # 9. judgments: convictions and confiscation
        self.ocg_lifecycle.adapt(week, self.market)  # 10. OCGs adapt: replace, reprice, exit
        self.ocg_lifecycle.entry(week, self.market)  # 11. new OCGs enter legs with unmet demand
        self.measures_cost_eur += sum(m.weekly_cost_eur() for m in self.measures)
        self.migrants.compact(week)  # 12. log the journeys that ended; record the week
        if week >= 0:  # the warm-up weeks are not reported
            self.recorder.record(week)
        self.migrants.reset_week()
        self.clock.week += 1
        if self.clock.week >= self.n_weeks:
            self.running = False

    def run(self) -> SmugglingModel:
        """Run to the scenario's horizon; returns ``self`` for chaining."""
        while self.running:
            self.step()
        return self

    def add_lead_source(self, source: LeadSource, order: int) -> None:
        """Step ``source`` every week in the intelligence phase, at place ``order`` (the
        status quo's sources: 10 the IRU, 20 liaison officers, 30 third-country partners);
        sources at the same place keep the order in which they were added."""
        orders = [o for o, _ in self.lead_sources]
        self.lead_sources.insert(bisect.bisect_right(orders, order), (order, source))

    def remove_lead_source(self, source: LeadSource) -> None:
        self.lead_sources = [(o, s) for o, s in self.lead_sources if s is not source]

    # -- the state, for outputs and for measures ----------------------------------------
    @property
    def week(self) -> int:
        """The week now: negative in the warm-up, 0 the first reported week."""
        return self.clock.week

    @property
    def ocgs(self):
        """Every OCG of the run, by ``ocg_id`` (dismantled ones included)."""
        return self.ocg_lifecycle.ocgs

    @property
    def ocg_table(self):
        return self.ocg_lifecycle.table

    @property
    def social(self):
        """The members' social network (all OCGs, one networkx graph)."""
        return self.ocg_lifecycle.social

    @property
    def ties(self):
        return self.ocg_lifecycle.ties

    @property
    def members_arrested(self) -> int:
        return self.ocg_lifecycle.members_arrested

    @property
    def hvts_arrested(self) -> int:
        return self.ocg_lifecycle.hvts_arrested

    @property
    def ocgs_dismantled(self) -> int:
        return self.ocg_lifecycle.ocgs_dismantled

    @property
    def ocgs_entered(self) -> int:
        return self.ocg_lifecycle.ocgs_entered

    # -- outputs ----------------------------------------------------------------------
    def summary(self) -> dict:
        """The run's headline figures (a stable public interface)."""
        return self.recorder.summary()

    def timeseries(self) -> pd.DataFrame:
        """One row per reported week (the warm-up's weeks are not in it)."""
        return self.recorder.timeseries()

    def yearly(self) -> pd.DataFrame:
        """The money flows and the confiscation ratio by reported year (see
        :func:`smugglesim.model.metrics.yearly`)."""
        return yearly(self.recorder.timeseries())

    def journeys(self) -> pd.DataFrame:
        """One row per migrant journey that ended in a reported week."""
        return self.migrants.journeys()

    def money_balance(self) -> dict[str, float]:
        """Where every euro the OCGs took (proceeds, other income, start-up capital) is now;
        ``residual`` is 0 up to rounding."""
        ocgs = self.ocgs
        inflow = sum(o.proceeds + o.other_income + o.capital for o in ocgs)
        held = sum(o.cash + o.assets for o in ocgs)
        spent = sum(o.spent for o in ocgs)
        pros = self.prosecution
        frozen_out = sum(o.frozen_out for o in ocgs)
        released = sum(o.released for o in ocgs)
        return {
            "inflow": inflow,
            "held": held,
            "spent": spent,
            "frozen_pending": pros.frozen_pending_eur,
            "confiscated": pros.confiscated_eur,
            "residual": inflow - (held + spent + pros.frozen_pending_eur + pros.confiscated_eur),
            "frozen_residual": frozen_out
            - released
            - pros.frozen_pending_eur
            - pros.confiscated_eur,
        }
