"""What one visitor of the app runs: the settings on the page's controls, the model built
from them, and the thread that runs it and redraws its figures.

Nothing here imports solara: a :class:`Session` is driven by the page (``smugglesim.app``)
and by the tests alike. Every browser session has its own :class:`Session`; the page closes
it when the browser's tab goes, which stops its thread and lets its model be collected.
:data:`LIVE_MODELS` counts the models not yet collected, and each release is logged, so that
a server operator (and the browser test) can see that closed sessions let go of theirs.
"""

from __future__ import annotations

import dataclasses
import logging
import re
import sys
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from pydantic.fields import FieldInfo

from smugglesim.app_figures import Figures
from smugglesim.model.measures import MEASURES
from smugglesim.model.measures.base import MeasureParams
from smugglesim.model.model import SmugglingModel
from smugglesim.model.scenario import scenario_from_dict

log = logging.getLogger(__name__)
if not log.handlers:  # the page runs under `solara run`, whose logging shows warnings only
    _handler = logging.StreamHandler(sys.stderr)
    _handler.setFormatter(logging.Formatter("smugglesim app: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False

RUN_THREAD = "smugglesim-app-run"  # the name of a session's running thread
LIVE_MODELS: weakref.WeakSet[SmugglingModel] = weakref.WeakSet()
"""The app's models not yet collected, over all sessions of this process."""


# -- the model the app runs ------------------------------------------------------------------
class AppModel(SmugglingModel):
    """A SmugglingModel built from the page's settings, given as keyword arguments.

    Args:
        rng: The seed (an input field gives it as text).
        years: Horizon in years.
        start_week: Week in which the measures switched on start.
        warmup_years: Status-quo years simulated (unshown) before week 0; ``None``: the
            schema's default (``run.warmup_years``). The model is built warmed up, at week 0.
        **settings: ``<measure key>=True`` switches a measure on;
            ``<measure key>__<parameter>=value`` sets one of its parameters.
    """

    def __init__(
        self,
        rng: int | str = 1,
        years: float = 5.0,
        start_week: int = 0,
        warmup_years: float | None = None,
        **settings: Any,
    ) -> None:
        measures: dict[str, dict[str, Any]] = {}
        for name, value in settings.items():
            key, _, param = name.partition("__")
            if key not in MEASURES:
                raise ValueError(f"unknown app setting {name!r}")
            measures.setdefault(key, {})[param or "enabled"] = value
        for table in measures.values():
            table["start_week"] = int(start_week)
        run: dict[str, float] = {"years": float(years)}
        if warmup_years is not None:
            run["warmup_years"] = float(warmup_years)
        config = scenario_from_dict({"name": "app", "run": run, "measures": measures}, source="app")
        super().__init__(config, rng=int(rng))
        LIVE_MODELS.add(self)
        weakref.finalize(self, _released, self.seed).atexit = False


def live_models() -> int:
    """The app's models not yet collected (iterating skips the dead ones not yet removed)."""
    return sum(1 for _ in LIVE_MODELS)


def _released(seed: int) -> None:
    log.info("a model was released (seed %d); %d live", seed, live_models())


# -- the measures' controls, from the registry -----------------------------------------------
_STATUS_QUO = re.compile(r"\s*\(status quo ([-0-9.]+)\)")


@dataclass(frozen=True)
class Control:
    """The slider of one measure parameter: its words, range, unit and status-quo value."""

    key: str  # "<measure key>__<parameter>", as AppModel takes it
    label: str
    default: float
    low: float
    high: float
    step: float
    integer: bool
    share: bool  # a share or probability, shown as a percentage
    unit: str  # after the number: "per week", "weeks", ""
    status_quo: float | None  # the value without the measure, where the model says it

    def show(self, value: float) -> str:
        """The value in words: ``60%``, ``25 per week``, ``26 weeks``."""
        if self.share:
            text = f"{100 * value:.3g}%"
        elif self.integer:
            text = f"{int(value):,}"
        else:
            text = f"{value:,.3g}"
        return f"{text} {self.unit}".strip()

    def describe(self, value: float) -> str:
        """``label: value (status quo: value)``, for the page."""
        quo = "" if self.status_quo is None else f" (status quo: {self.show(self.status_quo)})"
        return f"{self.label}: {self.show(value)}{quo}"


def intensity_parameter(params: type[MeasureParams]) -> tuple[str, FieldInfo] | None:
    """A measure's intensity control: its first own numeric parameter (None if it has none)."""
    base = set(MeasureParams.model_fields)
    for name, info in params.model_fields.items():
        if name not in base and info.annotation in (int, float):
            return name, info
    return None


def _bounds(info: FieldInfo) -> tuple[float, float]:
    low, high = 0.0, None
    for meta in info.metadata:
        low = getattr(meta, "ge", getattr(meta, "gt", low))
        high = getattr(meta, "le", getattr(meta, "lt", high))
    # Sliders over the whole schema range (up to 10,000) would be unusable: cap at 4x default.
    top = max(4.0 * float(info.default), 1.0)
    return float(low), float(min(high, top) if high is not None else top)


def _unit(name: str, label: str) -> str:
    for suffix, unit in (("_weeks", "weeks"), ("_per_year", "per year"), ("_week", "per week")):
        if name.endswith(suffix) and unit not in label:
            return unit
    return ""


def _actors(model: SmugglingModel) -> list[Any]:
    """The actors whose attributes the measures change (see smugglesim/model/measures/)."""
    return [
        model.emsc,
        model.partners,
        model.border_guards,
        model.financial_investigators,
        model.prosecution,
        model.iru,
        model.liaison_officers,
        *model.police_units.values(),
    ]


def _status_quo(name: str, description: str, baseline: SmugglingModel) -> float | None:
    """The parameter's value without the measure: as its description gives it, else the
    value of the actor attribute of the same name in the status quo; None if neither."""
    if found := _STATUS_QUO.search(description):
        return float(found.group(1).rstrip("."))
    values = {
        getattr(a, name)
        for a in _actors(baseline)
        if isinstance(getattr(a, name, None), int | float)
    }
    return float(values.pop()) if len(values) == 1 else None


def measure_controls() -> dict[str, Control]:
    """The intensity slider of every registered measure that has one, by measure key."""
    baseline = SmugglingModel(scenario_from_dict({"name": "status quo"}, source="app"), rng=0)
    controls: dict[str, Control] = {}
    for key, cls in MEASURES.items():
        found = intensity_parameter(cls.Params)
        if found is None:
            continue
        name, info = found
        description = info.description or name.replace("_", " ")
        label = _STATUS_QUO.sub("", description).rstrip(".")
        low, high = _bounds(info)
        integer = info.annotation is int
        share = not integer and high <= 1.0
        step = 1.0 if integer else (0.01 if high <= 1 else round((high - low) / 100, 2) or 0.01)
        controls[key] = Control(
            key=f"{key}__{name}",
            label=label,
            default=info.default,
            low=low,
            high=high,
            step=step,
            integer=integer,
            share=share,
            unit=_unit(name, label),
            status_quo=_status_quo(name, description, baseline),
        )
    return controls


CONTROLS = measure_controls()


# -- the settings on the page ---------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """What a run is built from: the controls of the page (the route shown is not one)."""

    seed: int = 1
    years: int = 5
    start_week: int = 0
    measures: frozenset[str] = frozenset()
    intensity: dict[str, float] = field(default_factory=dict)  # by measure key, when not default

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    def value(self, key: str) -> float:
        """The intensity of a measure (its default unless set)."""
        return self.intensity.get(key, CONTROLS[key].default)

    def build(self) -> AppModel:
        kwargs: dict[str, Any] = {key: True for key in sorted(self.measures)}
        for key in self.measures:
            if key in CONTROLS:
                kwargs[CONTROLS[key].key] = self.value(key)
        return AppModel(rng=self.seed, years=self.years, start_week=self.start_week, **kwargs)

    def describe(self) -> str:
        """The run in a few words: ``seed 1, 5 years, no measures``."""
        names = [MEASURES[k].title for k in sorted(self.measures, key=_number)]
        measures = "; ".join(names) if names else "no measures"
        start = f" from week {self.start_week}" if names and self.start_week else ""
        return f"seed {self.seed}, {plural(self.years, 'year')}, {measures}{start}"

    def changes_from(self, other: Settings) -> list[str]:
        """What differs from ``other``, in words, for the page's notice."""
        said = []
        for name, words in (("seed", "seed"), ("years", "years"), ("start_week", "start week")):
            if getattr(self, name) != getattr(other, name):
                said.append(f"{words} {getattr(other, name)} → {getattr(self, name)}")
        for key in sorted(self.measures ^ other.measures, key=_number):
            on = "on" if key in self.measures else "off"
            said.append(f"measure {MEASURES[key].number} switched {on}")
        for key in sorted(self.measures & other.measures, key=_number):
            if key in CONTROLS and self.value(key) != other.value(key):
                control = CONTROLS[key]
                said.append(
                    f"measure {MEASURES[key].number}: {control.show(other.value(key))} → "
                    f"{control.show(self.value(key))}"
                )
        return said


def plural(n: int, noun: str) -> str:
    """``1 year``, ``5 years``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _number(key: str) -> int:
    return MEASURES[key].number


# -- one visitor's run ----------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class PreviousRun:
    """The run before the last restart, drawn beside the current one for comparison."""

    description: str
    weekly: pd.DataFrame


class Session:
    """One visitor's model, its figures and the thread that runs it.

    Args:
        settings: What the first model is built from.
        route: The route whose smuggling network is drawn.
    """

    def __init__(self, settings: Settings | None = None, route: str = "central_med") -> None:
        self.settings = settings or Settings()
        self.model = self.settings.build()
        self.figures = Figures(route)
        self.previous: PreviousRun | None = None
        self.last_run_s: float | None = None  # wall time of the last run of several weeks
        self.error: str | None = None
        self._lock = threading.Lock()  # one thread steps and draws at a time
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.closed = False
        self.redraw()
        log.info("a session opened; %d live models", live_models())

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def finished(self) -> bool:
        return not self.model.running

    def redraw(self) -> list[str]:
        """Redraw what changed; the names of the figures redrawn."""
        if self.model is None:  # closed
            return []
        return self.figures.draw(self.model, self.previous)

    def start(self, weeks: int, every: int, on_frame: Callable[[], None]) -> bool:
        """Run ``weeks`` weeks (to the horizon at most) in a thread, redrawing every ``every``
        weeks and at the end, and calling ``on_frame`` after each redraw. False if a run is
        already going or the model is at its horizon."""
        if self.running or self.finished or self.closed:
            return False
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._run,
            args=(weeks, max(1, every), on_frame),
            name=RUN_THREAD,
            daemon=True,
        )
        self._thread.start()
        return True

    def _run(self, weeks: int, every: int, on_frame: Callable[[], None]) -> None:
        model = self.model  # a restart swaps the session's model: this run then ends
        began = time.perf_counter()
        done = 0
        drawn = True
        try:
            while done < weeks and model.running and not self._stop.is_set():
                with self._lock:
                    if self.model is not model:
                        break
                    model.step()
                    done += 1
                    last = done == weeks or not model.running
                    drawn = last or done % every == 0
                    if drawn:
                        self.redraw()
                if drawn and not last and not self._stop.is_set():
                    on_frame()  # the last frame is shown below, once the run has ended
        except Exception as e:  # shown on the page: the run stops, the page stays
            log.exception("the run failed")
            self.error = f"the run stopped at week {model.week}: {e}"
        finally:
            if weeks > 1 and not self.error:
                self.last_run_s = time.perf_counter() - began
            if self._thread is threading.current_thread():
                self._thread = None
            if self.closed:
                self._release()
            elif self.model is model:
                if not drawn:  # paused between two redraws
                    with self._lock:
                        self.redraw()
                on_frame()

    def pause(self) -> None:
        """Stop the run after the week under way (its figures are redrawn)."""
        self._stop.set()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the run under way to end (not from the page's own thread: the run
        may be waiting to update the page)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def restart(self, settings: Settings) -> bool:
        """A new model from ``settings`` at week 0; the run so far is kept for comparison
        if it got anywhere. A run under way ends at the end of its week. False, with
        :attr:`error` saying why, if the settings do not make a valid scenario."""
        self.pause()
        try:
            model = settings.build()
        except ValueError as e:  # ScenarioError included: shown on the page
            self.error = f"these settings cannot run: {e}"
            return False
        with self._lock:
            if self.model.week > 0:
                self.previous = PreviousRun(self.settings.describe(), self.model.timeseries())
            self.settings = settings
            self.model = model
            self.error = None
            self.last_run_s = None
            self.figures.forget_layout()
            self.redraw()
        return True

    def show_route(self, route: str) -> None:
        """Draw the smuggling network of another route."""
        with self._lock:
            self.figures.route = route
            self.redraw()

    def close(self) -> None:
        """The page is gone: stop the run and let go of the model (at once, or when the
        week under way ends). Does not wait: the page's close must not block on a run."""
        self.closed = True
        self._stop.set()
        if not self.running:
            self._release()

    def _release(self) -> None:
        if self.model is None:
            return
        with self._lock:
            self.model = None  # type: ignore[assignment]  # nothing may step it after close
            self.previous = None
            self.figures.close()
        log.info("a session closed; %d live models until collected", live_models())
