"""Interactive view of smugglesim: a Solara page built on Mesa's visualisation pieces.

Start it with ``smugglesim app`` (or ``solara run smugglesim.app``, by module name). The page
shows the route map (Mesa's ``SpaceRenderer`` on the model's ``Network`` space), one route's
smuggling network, the run's headline figures so far and its weekly series (see
:mod:`smugglesim.app_figures`), with controls to run a week, 13 weeks or 52 weeks, to redraw
every 1, 4 or 13 weeks while running, and to set the seed, the horizon and the measures.

Every browser session has a model of its own: :func:`Page` creates a
:class:`~smugglesim.app_session.Session` when the session starts and closes it when the
session ends, which stops its run and releases its model. (Mesa's ``SolaraViz`` takes one
model made when the module is imported, which every visitor would share, and redraws every
figure every week; hence this page.)

A change of seed, horizon or measures takes effect at once while the run is at week 0; later,
the page lists what changed and offers "Restart with these settings" (the run so far stays on
the weekly plots, dashed, for comparison).
"""

from __future__ import annotations

from html import escape

import solara

from smugglesim.app_figures import week_date
from smugglesim.app_networks import ROUTE_LABELS, ROUTES
from smugglesim.app_session import CONTROLS, Session, Settings, plural
from smugglesim.model.measures import MEASURES
from smugglesim.model.parameters import RunParams

TITLE = "smugglesim: smuggling networks and the measures of EU Council document 15250/18"
RUN_WEEKS = (13, 52)  # the "Run n weeks" buttons: a quarter and a year
REDRAW_EVERY = (1, 4, 13)  # weeks between redraws while running
YEARS = (1, 10)
_WARMUP = RunParams.model_fields["warmup_years"].default  # the app runs the model's default
WARMUP = plural(int(_WARMUP), "year") if float(_WARMUP).is_integer() else f"{_WARMUP:g} years"
BOLD = {"font-weight": "bold"}
BY_LABEL = {label: route for route, label in ROUTE_LABELS.items()}


def _date(session: Session, week: int) -> str:
    return f"{week_date(session.model, week):%-d %B %Y}"


@solara.component
def RunControls(session: Session, frame: int, every: solara.Reactive[int], refresh):  # noqa: N802
    """Week, date, and the buttons that run the model. (``frame``, the number of the
    session's latest redraw, makes the component render again when the model moved.)"""
    model = session.model
    busy = session.running
    status = f" · {_date(session, model.week)}"
    if busy:
        status += " · running…"
    elif session.finished:
        status += " · the run is over: Restart for another"
    with solara.Div():
        solara.Text(f"Week {model.week} of {model.n_weeks}", style=BOLD)
        solara.Text(status)

    def run(weeks: int) -> None:
        if session.start(weeks, every.value, refresh):
            refresh()  # show that it runs

    with solara.Row(gap="6px", style={"flex-wrap": "wrap"}):
        for weeks in (1, *RUN_WEEKS):
            solara.Button(
                "Next week" if weeks == 1 else f"Run {weeks} weeks",
                on_click=lambda weeks=weeks: run(weeks),
                disabled=busy or session.finished,
                color="primary",
            )
        solara.Button("Pause", on_click=session.pause, disabled=not busy)
    solara.Text("Redraw the figures every … weeks while running (fewer redraws: faster)")
    solara.ToggleButtonsSingle(value=every, values=list(REDRAW_EVERY), dense=True)
    if session.last_run_s is not None and not busy:
        solara.Text(f"The last run of several weeks took {session.last_run_s:.1f} s.")
    if session.error:
        solara.Error(session.error)


@solara.component
def RunSettings(draft: solara.Reactive[Settings], on_change):  # noqa: N802
    """Seed, horizon and the week the measures start."""
    s = draft.value
    solara.InputInt(
        "Seed (0 or more; the same seed gives the same run)",
        value=s.seed,
        on_value=lambda v: on_change(s.replace(seed=max(0, int(v or 0)))),
    )
    solara.Text(
        f"Horizon: {plural(s.years, 'year')} ({52 * s.years} weeks), after "
        f"{WARMUP} of the status quo before week 0 (the warm-up, not shown)"
    )
    solara.SliderInt(
        "", value=s.years, min=YEARS[0], max=YEARS[1],
        on_value=lambda v: on_change(s.replace(years=v, start_week=min(s.start_week, 52 * v - 1))),
    )  # fmt: skip
    solara.Text(f"The measures switched on start in week {s.start_week}")
    solara.SliderInt(
        "", value=s.start_week, min=0, max=52 * s.years - 1,
        on_value=lambda v: on_change(s.replace(start_week=v)),
    )  # fmt: skip


@solara.component
def MeasureSwitches(draft: solara.Reactive[Settings], on_change):  # noqa: N802
    """A switch for every measure of the registry, and its intensity once switched on."""
    s = draft.value
    for key, cls in MEASURES.items():
        on = key in s.measures

        def switch(value: bool, key: str = key) -> None:
            measures = s.measures | {key} if value else s.measures - {key}
            on_change(s.replace(measures=frozenset(measures)))

        solara.Checkbox(label=f"{cls.number}. {cls.title}", value=on, on_value=switch)
        control = CONTROLS.get(key)
        if on and control is not None:

            def intensity(value: float, key: str = key) -> None:
                on_change(s.replace(intensity={**s.intensity, key: value}))

            slider = solara.SliderInt if control.integer else solara.SliderFloat
            with solara.Column(style={"padding-left": "32px", "margin-top": "-12px"}):
                solara.Text(control.describe(s.value(key)), style={"font-size": "0.85em"})
                slider(
                    "", value=s.value(key), min=control.low, max=control.high,
                    step=control.step, on_value=intensity,
                )  # fmt: skip


@solara.component
def PendingChanges(  # noqa: N802
    session: Session, frame: int, draft: solara.Reactive[Settings], restart
):
    """What the controls changed since the run began, and the button that applies it."""
    changes = draft.value.changes_from(session.settings)
    if not changes:
        return
    with solara.Warning(dense=True):
        solara.Text("Not yet in this run ", style=BOLD)
        solara.Text(
            "(it began with other settings): "
            + "; ".join(changes)
            + ". Press “Restart with these settings” to run them from week 0; "
            "this run stays on the weekly plots, dashed."
        )
        with solara.Row():
            solara.Button(
                "Restart with these settings",
                on_click=restart,
                color="warning",
                disabled=session.running,
            )
            solara.Button("Undo the changes", on_click=lambda: draft.set(session.settings))


@solara.component
def Summary(session: Session, frame: int):  # noqa: N802
    """The run's headline figures so far, labelled from the output registry."""
    report = session.figures.report
    solara.Text(f"So far: {plural(report.week, 'week')} (seed {report.seed})", style=BOLD)
    switched = "; ".join(report.measures) if report.measures else "none"
    solara.Text(f"Measures switched on: {switched}")
    body = "".join(
        f"<tr><td>{escape(label)}</td><td style='text-align:right'>{escape(value)}</td></tr>"
        for label, value in report.rows
    )
    solara.HTML("table", unsafe_innerHTML=body, style="width: 100%; margin-top: 8px")


@solara.component
def Page():  # noqa: N802 (Solara components are capitalised)
    session = solara.use_memo(Session, [])  # one per browser session
    solara.use_effect(lambda: session.close, [])  # the session ended: stop, release the model
    frame = solara.use_reactive(0)  # bumped whenever the figures were redrawn
    draft = solara.use_reactive(session.settings)  # the settings on the controls
    every = solara.use_reactive(4)
    route = solara.use_reactive(session.figures.route)

    def refresh() -> None:
        frame.set(frame.value + 1)

    def restart() -> None:
        session.restart(draft.value)
        refresh()

    def change(settings: Settings) -> None:
        draft.set(settings)
        if session.model.week == 0 and not session.running:
            restart()  # nothing to lose yet: take effect at once

    def show_route(name: str) -> None:
        route.set(name)
        session.show_route(name)
        refresh()

    solara.Title("smugglesim")
    with solara.AppBar():
        solara.AppBarTitle(TITLE)
    # A fixed width: Solara's sidebar grows with its widest content, over the figures.
    with solara.Sidebar(), solara.Column(style={"width": "360px"}):
        with solara.Card("Run"):
            RunControls(session, frame.value, every, refresh)
        with solara.Card("Settings of the run"):
            RunSettings(draft, change)
            solara.Button("Restart", on_click=restart, disabled=session.running, text=True)
        with solara.Card("Measures of 15250/18"):
            MeasureSwitches(draft, change)
    images = session.figures.images
    with solara.Div(style={"position": "sticky", "top": "0", "z-index": "5"}):
        PendingChanges(session, frame.value, draft, restart)
    with solara.Columns([3, 2]):
        solara.Image(images["routes"], width="100%")
        Summary(session, frame.value)
    with solara.Columns([1, 1]):
        with solara.Column():
            solara.Select(
                "Smuggling network of the route",
                values=[ROUTE_LABELS[r] for r in ROUTES],
                value=ROUTE_LABELS[route.value],
                on_value=lambda label: show_route(BY_LABEL[label]),
            )
            solara.Image(images["network"], width="100%")
        solara.Image(images["weekly"], width="100%")
