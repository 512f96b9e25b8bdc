"""Every output of the model, declared once: what it counts, how it is shown, how it is read.

An :class:`Output` is one figure the model reports: a column of the weekly time series
(``SmugglingModel.timeseries()``), a key of the run summary (``SmugglingModel.summary()``),
or both under the same name. Its declaration is the only place the figure is defined: its
stable name, kind, unit, label and number format (for tables, plots, the app and the
command), a one-line definition (docs/metrics.md is generated from it), and how it is read
from the model. The recorder (:mod:`smugglesim.model.metrics`) loops over these declarations, so adding
an output is adding one declaration to :data:`OUTPUTS`.

Each output is read from exactly one source:

- ``tally``: a function of the migrants' journey counts by route; it is given this week's
  counts for the weekly column and the run's counts so far for the summary;
- ``counter``: a function of the model giving a running total; the weekly column is its
  change over the week, the summary its change over the reported weeks;
- ``state``: a function of the model giving the value now (at the end of the week, or when
  the summary is asked for); a ``running`` state is a running total shown as it grows
  (``ocgs_dismantled``), reported as its change since week 0.

The model simulates a warm-up before week 0 (``run.warmup_years``) and reports only the
weeks from 0: every running total (a counter, a ``running`` state) is reported net of its
value at the end of the warm-up (:func:`period_start`; :meth:`Snapshot.in_period`).

A family of outputs (one per route, or per lead source) is declared once, with ``<route>``
(``<source>``) in its name: ``arrivals_<route>`` is the columns ``arrivals_central_med``,
... and the summary key ``arrivals_by_route`` (a dict by route); its function returns one
value per route, in the model's route order.

Every read of the model's state for the outputs is in this module (the declarations and
:class:`Snapshot`), so that it can be re-pointed in one place when the core changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from smugglesim.model.intelligence import SOURCES
from smugglesim.model.routes import ROUTES
from smugglesim.model.smugglers import ocg_efficiency

if TYPE_CHECKING:
    from smugglesim.model.model import SmugglingModel
    from smugglesim.model.police import PoliceUnit

Kind = Literal["flow", "stock", "ratio", "info"]
Tally = dict[str, np.ndarray]

KINDS: dict[str, str] = {
    "flow": "counted over the week (the summary: over the reported weeks); summed over a run",
    "stock": "the state at the end of the week (the summary: at the end); averaged over a run",
    "ratio": "one figure over another, as defined; averaged over a run",
    "info": "describes the run rather than measuring it",
}
FAMILIES = {"<route>": ROUTES, "<source>": SOURCES}

NETWORK_EVERY_WEEKS = 13  # network measures are computed quarterly and carried forward

COUNT = EUR = "{:,.0f}"
SHARE = "{:.2%}"
INDEX = "{:.3f}"
TEXT = "{}"


@dataclass(frozen=True)
class Output:
    """One output of the model (see the module docstring for the sources)."""

    name: str
    kind: Kind
    unit: str
    label: str
    fmt: str
    definition: str
    tally: Callable[[Tally], Any] | None = None
    counter: Callable[[Snapshot], Any] | None = None
    state: Callable[[Snapshot], Any] | None = None
    weekly: bool = True  # a column (or columns) of the weekly time series
    summary: type | None = None  # the type of its value in the run summary; None: not there
    every_weeks: int = 1  # read every n weeks (and in the last week), carried forward between
    headline: bool = False  # one of the figures comparisons show first
    running: bool = False  # a state that is a running total: reported from week 0

    def __post_init__(self) -> None:
        sources = [s for s in (self.tally, self.counter, self.state) if s is not None]
        if len(sources) != 1:
            raise ValueError(f"output {self.name!r}: give exactly one of tally, counter, state")
        if self.kind not in KINDS:
            raise ValueError(f"output {self.name!r}: kind {self.kind!r} is not one of {[*KINDS]}")
        if not (self.weekly or self.summary):
            raise ValueError(f"output {self.name!r}: neither weekly nor in the summary")
        if self.every_weeks != 1 and self.state is None:
            raise ValueError(f"output {self.name!r}: only a state can be read every n weeks")
        if self.running and self.state is None:
            raise ValueError(f"output {self.name!r}: only a state can be a running total")

    @property
    def total(self) -> Callable[[Snapshot], Any] | None:
        """The running total behind a counter or a ``running`` state (None for the others)."""
        return self.counter or (self.state if self.running else None)

    @property
    def family(self) -> str | None:
        """``"<route>"`` or ``"<source>"`` for a family of outputs, else None."""
        return next((f for f in FAMILIES if f in self.name), None)

    def members(self, routes: list[str] | tuple[str, ...] = ROUTES) -> tuple[str, ...]:
        """What a family is expanded over (the model's routes, or the lead sources)."""
        return tuple(routes) if self.family == "<route>" else FAMILIES[self.family]

    def columns(self, routes: list[str] | tuple[str, ...] = ROUTES) -> list[str]:
        """The weekly columns: the name, or one per member of a family."""
        if self.family is None:
            return [self.name]
        return [self.name.replace(self.family, m) for m in self.members(routes)]

    @property
    def summary_key(self) -> str:
        """The summary's key: the name, or ``arrivals_by_route`` for ``arrivals_<route>``."""
        if self.family is None:
            return self.name
        return self.name.replace(self.family, "by_" + self.family.strip("<>"))

    @property
    def heading(self) -> str:
        """The label with its unit, for tables: ``proceeds (EUR)``, ``members arrested``; no
        unit when the label names it or the number shows it (a percentage)."""
        shown = self.unit and self.unit not in self.label.split() and "%" not in self.fmt
        return f"{self.label} ({self.unit})" if shown else self.label

    def rate_heading(self, per: str = "week") -> str:
        """The heading of a flow counted per week (or per year): ``arrivals per week
        (migrants)``; other kinds have their plain heading."""
        if self.kind != "flow":
            return self.heading
        return self.heading.replace(self.label, f"{self.label} per {per}", 1)

    def format(self, value: Any, mean: bool = False) -> str:
        """A value as text; ``mean``: a mean over runs, where a count under 100 (not an
        amount of money) gets a decimal."""
        if isinstance(value, list | tuple):
            return ", ".join(map(str, value)) or "none"
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "-"
        if mean and self.fmt == COUNT and not self.unit.startswith("EUR") and abs(value) < 100:
            return f"{value:,.1f}"
        return self.fmt.format(value)


class Snapshot:
    """The model as the outputs read it, now; values that several outputs use are computed
    once. ``tally`` is this week's journey counts when recording a week, the run's counts so
    far for the summary; ``start`` the running totals at week 0 (:func:`period_start`);
    ``ties`` the recorder's :class:`TieArrays`, if any."""

    def __init__(
        self,
        model: SmugglingModel,
        tally: Tally,
        weeks: int,
        start: dict[str, Any] | None = None,
        ties: TieArrays | None = None,
    ) -> None:
        self.model = model
        self.tally = tally
        self.weeks = weeks
        self.start = start or {}
        self.ties = ties  # the model's ties as arrays, kept from one snapshot to the next

    def in_period(self, name: str) -> Any:
        """The running total of output ``name`` (a counter or a ``running`` state) over the
        reported weeks so far: its value now less its value at week 0."""
        total = lookup(name).total
        assert total is not None, f"{name} is not a running total"
        now = total(self)
        if name not in self.start:
            return now
        before = self.start[name]
        if isinstance(now, list | tuple | np.ndarray):
            return [a - b for a, b in zip(now, before, strict=True)]
        return now - before

    @cached_property
    def existing(self) -> np.ndarray:
        """Ids of the OCGs not dismantled."""
        return self.model.ocg_table.existing()

    @cached_property
    def operating(self) -> np.ndarray:
        ids = self.existing
        return ids[self.model.ocg_table.operating[ids]]

    @cached_property
    def by_state(self) -> dict[str, int]:
        return self.model.migrants.counts_by_state()

    @cached_property
    def proceeds(self) -> float:
        return self.model.ocg_table.total("proceeds")

    @cached_property
    def network(self) -> tuple[float, float, float]:
        """Members, largest connected component and mean OCG efficiency of the OCGs in
        existence (an OCG's efficiency is worked out again only when its members changed)."""
        model = self.model
        existing = [model.ocgs[i] for i in self.existing.tolist()]
        members = [m for o in existing for m in o.members]
        if not members:
            return 0.0, 0.0, 0.0
        uid = np.array([m.unique_id for m in members], dtype=np.int64)
        tie_a, tie_b = (self.ties or TieArrays()).arrays(model.ties)
        index = np.full(max(uid.max(), tie_a.max(initial=0), tie_b.max(initial=0)) + 1, -1)
        index[uid] = np.arange(uid.size)
        rows, cols = index.take(tie_a), index.take(tie_b)
        among = np.flatnonzero((rows >= 0) & (cols >= 0))  # ties between active members only
        rows, cols = rows.take(among), cols.take(among)
        graph = coo_matrix((np.ones(rows.size), (rows, cols)), shape=(len(members),) * 2)
        _, labels = connected_components(graph, directed=False)
        largest = int(np.bincount(labels).max())
        sizes = [len(o.members) for o in existing]
        dirty = [g for g, o in enumerate(existing) if o.network_dirty]
        if dirty:
            found = _efficiencies(sizes, dirty, rows, cols)
            for g in dirty:
                o = existing[g]
                o.efficiency = found[g] if g in found else ocg_efficiency(model.social, o)
                o.network_dirty = False
        effs = [o.efficiency for o in existing]
        return float(len(members)), float(largest), float(np.mean(effs)) if effs else 0.0


class TieArrays:
    """The model's ties (``model.ties``: two lists of members' ids that only grow) as numpy
    arrays, converting only the ties made since the last call."""

    def __init__(self) -> None:
        self._lists: tuple[list[int], list[int]] | None = None
        self._a = self._b = np.zeros(0, dtype=np.int64)

    def arrays(self, ties: tuple[list[int], list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Both ends of every tie, in the order of the lists."""
        done = self._a.size
        if ties is not self._lists or len(ties[0]) < done:  # other lists: start again
            self._lists, done = ties, 0
            self._a = self._b = np.zeros(0, dtype=np.int64)
        if len(ties[0]) > done:
            self._a = np.concatenate([self._a, np.array(ties[0][done:], dtype=np.int64)])
            self._b = np.concatenate([self._b, np.array(ties[1][done:], dtype=np.int64)])
        return self._a, self._b


def _efficiencies(
    sizes: list[int], groups: list[int], rows: np.ndarray, cols: np.ndarray
) -> dict[int, float]:
    """The global efficiency (:func:`smugglesim.model.smugglers.ocg_efficiency`) of the
    networks of several OCGs at once, by OCG number: the OCGs' members laid end to end
    (``sizes``: members per OCG), ties between members' positions (``rows``, ``cols``), and
    ``groups``, the OCGs to work out. An OCG of more than 64 members is left out.

    The same breadth-first search on bit sets as ``ocg_efficiency``, each member's set one
    unsigned 64-bit integer, run for every member of these OCGs together (the searches stay
    within an OCG, since only the ties inside an OCG are followed); the ordered pairs at
    each distance are counted per OCG and added up in the same order, so the values are the
    same to the last bit."""
    n_groups = len(sizes)
    size = np.array(sizes, dtype=np.int64)
    wanted = np.zeros(n_groups, dtype=bool)
    wanted[groups] = True
    wanted &= size <= 64
    group_of = np.repeat(np.arange(n_groups), size)
    local = np.arange(group_of.size) - (np.cumsum(size) - size).take(group_of)
    group_a = group_of.take(rows)
    inside = np.flatnonzero((group_a == group_of.take(cols)) & wanted.take(group_a))
    a, b = rows.take(inside), cols.take(inside)
    loop = a == b  # a member tied to itself: a pair at distance 1 (as ocg_efficiency)
    self_ties = np.bincount(group_of.take(np.unique(a[loop])), minlength=n_groups)
    a, b = a[~loop], b[~loop]
    # Each member gathers the searches at its contacts: the ties both ways, by member.
    src, dst = np.concatenate([a, b]), np.concatenate([b, a])
    order = np.argsort(dst, kind="stable")
    src, dst = src.take(order), dst.take(order)
    starts = np.flatnonzero(np.diff(dst, prepend=-1))
    gathers = dst.take(starts)
    reached = np.left_shift(np.uint64(1), local.astype(np.uint64))
    known = reached.copy()
    at: list[np.ndarray] = []  # pairs at distance 1, 2, ..., by OCG
    while src.size:
        nxt = np.zeros_like(reached)
        nxt[gathers] = np.bitwise_or.reduceat(reached.take(src), starts)
        nxt &= ~known
        known |= nxt
        count = np.bincount(group_of, weights=np.bitwise_count(nxt), minlength=n_groups)
        if not count.any():
            break
        at.append(count.astype(np.int64))
        reached = nxt
    pairs = np.array(at, dtype=np.int64).reshape(len(at), n_groups).T.tolist()
    ones = self_ties.tolist()
    found: dict[int, float] = {}
    for g in np.flatnonzero(wanted).tolist():
        n = sizes[g]
        if n < 2:
            found[g] = 0.0
            continue
        by_k = pairs[g]
        total = float((by_k[0] if by_k else 0) + ones[g])  # pairs at distance 1
        for k in range(2, min(n, len(by_k) + 1)):
            if not by_k[k - 1]:
                break
            total += by_k[k - 1] / k
        found[g] = total / (n * (n - 1))
    return found


def period_start(model: SmugglingModel) -> dict[str, Any]:
    """Every running total (counters and ``running`` states) now, by output name: taken at
    the end of the warm-up, it is what the reported figures are counted from."""
    s = Snapshot(model, {}, 0)
    return {o.name: o.total(s) for o in OUTPUTS if o.total is not None}


def week_counts(model: SmugglingModel) -> Tally:
    """This week's journey counts by route (departed, smuggled, outcomes, fees)."""
    return model.migrants.week_counts


def route_names(model: SmugglingModel) -> list[str]:
    return model.routes.route_names


def _ratio(total: float, n: int) -> float:
    return total / n if n else math.nan


def _mean_fee(t: Tally) -> list[float]:
    return [fees / n if n else math.nan for fees, n in zip(t["fees_sum"], t["fees_n"], strict=True)]


def _facilitated_share(t: Tally) -> float:
    completed = (t["arrived"] + t["detected"]).sum()
    return t["fees_n"].sum() / completed if completed else 0.0


def _share_of_proceeds(s: Snapshot, name: str) -> float:
    """Output ``name`` over the proceeds, both over the reported weeks so far (0 before any
    proceeds)."""
    proceeds = s.in_period("proceeds_eur")
    return s.in_period(name) / proceeds if proceeds > 0 else 0.0


def _confiscation_ratio_cumulative(s: Snapshot) -> float:
    confiscated = s.model.prosecution.confiscated_eur
    return confiscated / s.proceeds if s.proceeds > 0 else 0.0


def _assets_held(s: Snapshot) -> float:
    t, ids = s.model.ocg_table, s.existing
    held = t.cash[ids] + (t.assets_eu[ids] + t.assets_cooperating[ids] + t.assets_out_of_reach[ids])
    return float(sum(held.tolist()))


def _adverts_live(s: Snapshot) -> int:
    per_recruiter = s.model.config.smugglers.adverts_per_recruiter
    return s.model.ocg_table.adverts_live(s.operating, per_recruiter).sum()


def _police(s: Snapshot) -> Iterable[PoliceUnit]:
    return s.model.police_units.values()


# The order is the order of the summary's keys; the weekly columns are the weekly outputs in
# this order, the families after the single columns. Each declaration is one table row:
# name, kind, unit, label, format, definition, then how it is read and where it appears.
# fmt: off
OUTPUTS: tuple[Output, ...] = (
    # -- the run ---------------------------------------------------------------------------
    Output("scenario", "info", "", "scenario", TEXT, "The scenario's `name`.",
           state=lambda s: s.model.config.name, weekly=False, summary=str),
    Output("seed", "info", "", "seed", TEXT, "The seed of the run's random streams.",
           state=lambda s: s.model.seed, weekly=False, summary=int),
    Output("weeks", "info", "weeks", "weeks", TEXT,
           "Weeks reported so far, from week 0 (the warm-up's weeks, `run.warmup_years`, "
           "not counted).",
           state=lambda s: s.weeks, weekly=False, summary=int),
    # -- migrants --------------------------------------------------------------------------
    Output("migrants_departed", "flow", "migrants", "migrants departed", COUNT,
           "Migrants who set out from their origin on a path into the EU.",
           tally=lambda t: t["departed"].sum(), summary=int),
    Output("migrants_smuggled", "flow", "migrants", "migrants smuggled", COUNT,
           "Migrants who bought a leg from a smuggler, counted once, at their first purchase.",
           tally=lambda t: t["smuggled"].sum(), summary=int, headline=True),
    Output("entries", "flow", "migrants", "entries into the EU", COUNT,
           "Journeys that reached the EU, detected at the border or not (a detection or a "
           "rescue at sea is an entry, not a failed journey).",
           tally=lambda t: t["arrived"].sum() + t["detected"].sum(), summary=int,
           headline=True),
    Output("arrivals", "flow", "migrants", "undetected entries", COUNT,
           "Entries into the EU that the border guards did not detect.",
           tally=lambda t: t["arrived"].sum()),
    Output("detections", "flow", "migrants", "detections", COUNT,
           "Entries into the EU detected at the external border (Frontex's detections of "
           "illegal border-crossing).",
           tally=lambda t: t["detected"].sum()),
    Output("interceptions", "flow", "migrants", "interceptions by third countries", COUNT,
           "Crossings stopped by a third country's coast guard or border police, the "
           "migrants returned to where the leg started (one migrant can be stopped twice).",
           tally=lambda t: t["intercepted"].sum(), summary=int),
    Output("returned", "flow", "migrants", "journeys ended by return", COUNT,
           "Journeys given up after an interception and return by a third country.",
           tally=lambda t: t["returned"].sum(), summary=int),
    Output("departures_forgone", "flow", "migrants", "departures given up", COUNT,
           "Would-be migrants who gave up at their origin before setting out, because the "
           "journey cost more than at the start and they had waited.",
           counter=lambda s: s.model.migrants.origins.gave_up_total, summary=int),
    Output("migrants_postponing", "stock", "migrants", "would-be migrants postponing", COUNT,
           "Would-be migrants at the origins who have not yet decided to set out.",
           state=lambda s: s.model.migrants.origins.waiting_total()),
    Output("migrants_moving_on", "stock", "migrants", "migrants in Greece moving on", COUNT,
           "Migrants who entered the EU where the Western Balkans route starts and will set "
           "out again (secondary movement).",
           state=lambda s: int(s.model.migrants.origins.moving_on.sum())),
    Output("deaths", "flow", "migrants", "deaths", COUNT,
           "Journeys ended by death on the way.",
           tally=lambda t: t["died"].sum(), summary=int, headline=True),
    Output("abandoned", "flow", "migrants", "journeys abandoned", COUNT,
           "Journeys given up while waiting for a smuggler.",
           tally=lambda t: t["abandoned"].sum()),
    Output("migrants_abandoned", "flow", "migrants", "journeys abandoned", COUNT,
           "Journeys given up while waiting for a smuggler (the run's `abandoned`).",
           tally=lambda t: t["abandoned"].sum(), weekly=False, summary=int),
    Output("migrants_searching", "stock", "migrants", "migrants searching", COUNT,
           "Migrants waiting at a place for their next leg.",
           state=lambda s: s.by_state["searching"]),
    Output("migrants_travelling", "stock", "migrants", "migrants travelling", COUNT,
           "Migrants on a leg.",
           state=lambda s: s.by_state["travelling"]),
    Output("departed_<route>", "flow", "migrants", "migrants departed", COUNT,
           "Migrants who set out on a path of the route.",
           tally=lambda t: t["departed"]),
    Output("arrivals_<route>", "flow", "migrants", "undetected entries", COUNT,
           "Entries into the EU on the route that the border guards did not detect.",
           tally=lambda t: t["arrived"], summary=int),
    Output("detections_<route>", "flow", "migrants", "detections", COUNT,
           "Entries into the EU on the route detected at the external border.",
           tally=lambda t: t["detected"], summary=int),
    Output("interceptions_<route>", "flow", "migrants", "interceptions by third countries",
           COUNT, "Crossings on the route stopped and returned by a third country.",
           tally=lambda t: t["intercepted"], summary=int),
    Output("deaths_<route>", "flow", "migrants", "deaths", COUNT,
           "Journeys on the route ended by death.",
           tally=lambda t: t["died"], summary=int),
    Output("facilitated_share", "ratio", "share", "facilitated share", "{:.1%}",
           "Completed journeys (arrived or detected) smuggled on at least one leg, over all "
           "completed journeys.",
           tally=_facilitated_share, weekly=False, summary=float),
    # -- money -----------------------------------------------------------------------------
    Output("proceeds_eur", "flow", "EUR", "proceeds", EUR,
           "Smuggling fees received by the OCGs (upfront or released from escrow).",
           counter=lambda s: s.proceeds, summary=float, headline=True),
    Output("assets_frozen_eur", "flow", "EUR", "assets frozen", EUR,
           "Cash and assets frozen at arrests, in the EU and in cooperating countries.",
           counter=lambda s: s.model.financial_investigators.frozen_eur, summary=float,
           headline=True),
    Output("assets_confiscated_eur", "flow", "EUR", "assets confiscated", EUR,
           "Frozen assets confiscated at a judgment with at least one conviction.",
           counter=lambda s: s.model.prosecution.confiscated_eur, summary=float, headline=True),
    Output("net_proceeds_eur", "flow", "EUR", "proceeds less confiscated", EUR,
           "Smuggling proceeds less assets confiscated, both over the reported weeks: the "
           "proceeds confiscation did not take back (the OCGs' costs not deducted).",
           state=lambda s: s.in_period("proceeds_eur") - s.in_period("assets_confiscated_eur"),
           weekly=False, summary=float, headline=True),
    Output("confiscation_ratio", "ratio", "share", "confiscation ratio", SHARE,
           "A flow: assets confiscated from week 0 over smuggling proceeds from week 0, in "
           "the same weeks (the warm-up excluded; weekly: up to that week; 0 before any "
           "proceeds). Assets of cases still in court at the end are not in it "
           "(`frozen_pending_eur`); per reported year: `SmugglingModel.yearly()`. 15250/18 "
           "and Europol put the status quo under 2% a year.",
           state=lambda s: _share_of_proceeds(s, "assets_confiscated_eur"), summary=float,
           headline=True),
    Output("frozen_share", "ratio", "share", "frozen share of proceeds", SHARE,
           "A flow: assets frozen from week 0 over smuggling proceeds from week 0, in the "
           "same weeks (weekly: up to that week; 0 before any proceeds); Europol 2016: 2.2%.",
           state=lambda s: _share_of_proceeds(s, "assets_frozen_eur"), summary=float),
    Output("confiscation_ratio_cumulative", "ratio", "share",
           "confiscation ratio since the simulation began", SHARE,
           "Assets confiscated since the simulation began over proceeds since then, the "
           "warm-up included (weekly: up to that week): depends on how long the system has "
           "run; `confiscation_ratio` is the figure to compare with the status quo.",
           state=_confiscation_ratio_cumulative, summary=float),
    Output("proceeds_cum_eur", "stock", "EUR", "proceeds so far", EUR,
           "Proceeds from week 0 to the end of the week.",
           state=lambda s: s.proceeds, running=True),
    Output("confiscated_cum_eur", "stock", "EUR", "confiscated so far", EUR,
           "Assets confiscated from week 0 to the end of the week.",
           state=lambda s: s.model.prosecution.confiscated_eur, running=True),
    Output("assets_held_eur", "stock", "EUR", "assets held by OCGs", EUR,
           "Cash and laundered assets (EU, cooperating countries, out of reach) of the OCGs "
           "in existence.",
           state=_assets_held),
    Output("frozen_pending_eur", "stock", "EUR", "assets frozen awaiting judgment", EUR,
           "Frozen assets of cases not yet judged (the summary: still in court at the end, "
           "frozen in the warm-up or after).",
           state=lambda s: s.model.prosecution.frozen_pending_eur, summary=float),
    # -- OCGs and their members ------------------------------------------------------------
    Output("ocgs_active", "stock", "OCGs", "OCGs operating", COUNT,
           "OCGs operating: with an organiser or coordinator and a transporter.",
           state=lambda s: s.operating.size),
    Output("ocgs_existing", "stock", "OCGs", "OCGs in existence", COUNT,
           "OCGs not dismantled, operating or not.",
           state=lambda s: s.existing.size),
    Output("ocgs_active_end", "stock", "OCGs", "OCGs operating at the end", COUNT,
           "OCGs operating at the end of the run.",
           state=lambda s: s.model.ocg_table.operating.sum(), weekly=False, summary=int,
           headline=True),
    Output("ocgs_dismantled", "stock", "OCGs", "OCGs dismantled", COUNT,
           "OCGs dismantled from week 0 to the end of the week: every member arrested, or out "
           "of operation longer than `smugglers.inactive_exit_weeks`.",
           state=lambda s: s.model.ocgs_dismantled, summary=int, headline=True, running=True),
    Output("ocgs_entered", "flow", "OCGs", "OCGs entered", COUNT,
           "New OCGs that entered a leg with unmet demand.",
           counter=lambda s: s.model.ocgs_entered, weekly=False, summary=int),
    Output("members_active", "stock", "members", "members active", COUNT,
           "Members (all roles, not arrested) of the OCGs in existence.",
           state=lambda s: s.model.ocg_table.roles[s.existing].sum()),
    Output("members_arrested", "flow", "members", "members arrested", COUNT,
           "OCG members arrested, high-value targets included.",
           counter=lambda s: s.model.members_arrested, summary=int, headline=True),
    Output("hvts_arrested", "flow", "HVTs", "HVTs arrested", COUNT,
           "High Value Targets arrested: organisers, brokers and money handlers "
           "(docs/ODD.md §7.17), as the arrest operation found them.",
           counter=lambda s: s.model.hvts_arrested, summary=int, headline=True),
    Output("capacity_offered", "stock", "places per week", "places offered", COUNT,
           "Places a week the operating OCGs offer: the transporters they put to work (as "
           "many as their cash pays for) times places per transporter.",
           state=lambda s: s.model.market.offers.capacity.sum()),
    Output("capacity_place_weeks", "flow", "place-weeks", "capacity offered", COUNT,
           "Places offered by the operating OCGs, summed over the weeks: what the smuggling "
           "networks could carry; a measure's change in it is the capacity it took away.",
           counter=lambda s: s.model.market.capacity_place_weeks, summary=int, headline=True,
           weekly=False),
    Output("ocgs_short_of_cash", "flow", "OCG-weeks", "OCGs short of cash", COUNT,
           "Operating OCGs whose cash could not pay all their transporters in the week, so "
           "that they offered less (the summary: OCG-weeks over the run).",
           counter=lambda s: s.model.market.short_of_cash_weeks, summary=int),
    Output("recovery_weeks", "ratio", "weeks", "recovery time", "{:,.1f}",
           "Mean weeks from an arrest (from week 0) to the refill of the member's place by "
           "a replacement found through the group's ties and paid for: places refilled, and "
           "places still open at the end counted up to the end (a lower bound); places of "
           "groups dismantled meanwhile are left out; none (NaN) when no place was lost.",
           state=lambda s: s.model.ocg_lifecycle.recovery_weeks(), weekly=False,
           summary=float, headline=True),
    Output("members_left_unpaid", "flow", "members", "members left unpaid", COUNT,
           "Members who left their OCG because it could not pay them (not arrested).",
           counter=lambda s: s.model.ocg_lifecycle.members_left_unpaid, summary=int),
    Output("assets_sold_eur", "flow", "EUR", "assets sold by OCGs", EUR,
           "Laundered assets OCGs short of cash sold (at their value before the discount).",
           counter=lambda s: s.model.ocg_lifecycle.assets_sold_eur, summary=float),
    Output("convictions", "flow", "convictions", "convictions", COUNT,
           "Defendants convicted at judgment.",
           counter=lambda s: s.model.prosecution.convictions, summary=int, headline=True),
    Output("adverts_live", "stock", "adverts", "adverts online", COUNT,
           "Online adverts of the operating OCGs' recruiters not taken down.",
           state=_adverts_live),
    Output("takedowns", "flow", "adverts", "adverts taken down", COUNT,
           "Adverts taken down after EU IRU referrals.",
           counter=lambda s: s.model.iru.takedowns),
    # -- leads and investigations ----------------------------------------------------------
    Output("leads_produced", "flow", "leads", "leads produced", COUNT,
           "Leads on OCG members submitted to the EMSC, from every source.",
           counter=lambda s: sum(s.model.emsc.produced.values()), summary=int),
    Output("leads_<source>", "flow", "leads", "leads produced", COUNT,
           "Leads submitted to the EMSC from the source.",
           counter=lambda s: [s.model.emsc.produced[x] for x in SOURCES], weekly=False,
           summary=int),
    Output("leads_analysed", "flow", "leads", "leads analysed", COUNT,
           "Leads analysed by the EMSC.",
           counter=lambda s: s.model.emsc.analysed),
    Output("lead_backlog", "stock", "leads", "leads awaiting analysis", COUNT,
           "Leads queued at the EMSC.",
           state=lambda s: s.model.emsc.backlog),
    Output("investigations_open", "stock", "investigations", "investigations open", COUNT,
           "Police investigations open, all routes.",
           state=lambda s: sum(len(u.open) for u in _police(s))),
    Output("investigations_opened", "flow", "investigations", "investigations opened", COUNT,
           "Police investigations opened on an actionable lead.",
           counter=lambda s: sum(u.opened for u in _police(s)), summary=int, headline=True),
    Output("investigations_closed", "flow", "investigations", "investigations closed", COUNT,
           "Police investigations closed, with arrests or without.",
           counter=lambda s: sum(u.closed for u in _police(s))),
    Output("financial_strands", "stock", "strands", "financial strands running", COUNT,
           "Financial investigations running beside criminal investigations, all routes: "
           "at most what the financial investigators can run at once.",
           state=lambda s: s.model.financial_investigators.running),
    Output("financial_strands_waiting", "stock", "strands", "financial strands waiting", COUNT,
           "Financial strands the police asked for that wait for a financial investigator "
           "(requests of closed investigations lapse).",
           state=lambda s: len(s.model.financial_investigators.waiting)),
    Output("cases_awaiting_judgment", "stock", "cases", "cases awaiting judgment", COUNT,
           "Cases due for judgment that the prosecutors had no room for this week.",
           state=lambda s: s.model.prosecution.waiting_judgment),
    # -- prices ----------------------------------------------------------------------------
    Output("mean_fee_eur", "ratio", "EUR per migrant", "mean fee", EUR,
           "Fees paid over the smuggled journeys on all routes that arrived or were "
           "detected (escrow refunded after a death or an interception not counted); none "
           "(NaN) without such journeys.",
           tally=lambda t: _ratio(t["fees_sum"].sum(), t["fees_n"].sum()), summary=float,
           headline=True),
    Output("mean_fee_eur_<route>", "ratio", "EUR per migrant", "mean fee", EUR,
           "Fees paid over the smuggled journeys on the route that arrived or were detected "
           "(escrow refunded not counted); none (NaN) without such journeys.",
           tally=_mean_fee, summary=float),
    # -- the measures ----------------------------------------------------------------------
    Output("measures", "info", "", "measures", TEXT,
           "Keys of the measures switched on in the scenario.",
           state=lambda s: [m.key for m in s.model.measures], weekly=False, summary=list),
    Output("measures_cost_eur", "flow", "EUR", "cost of measures", EUR,
           "Cost of the measures, charged weekly while each is active.",
           counter=lambda s: s.model.measures_cost_eur, summary=float, headline=True),
    # -- the smuggling network, quarterly --------------------------------------------------
    Output("network_members", "stock", "members", "members in the network", COUNT,
           "Members of the OCGs in existence (the nodes of the smuggling network).",
           state=lambda s: s.network[0], every_weeks=NETWORK_EVERY_WEEKS),
    Output("network_largest_component", "stock", "members", "largest connected group", COUNT,
           "Members in the largest group connected by ties among those members.",
           state=lambda s: s.network[1], every_weeks=NETWORK_EVERY_WEEKS),
    Output("network_efficiency", "stock", "index", "network efficiency", INDEX,
           "Mean global efficiency of each OCG's own network (1: everyone one tie apart, "
           "0: nobody reaches anybody).",
           state=lambda s: s.network[2], every_weeks=NETWORK_EVERY_WEEKS),
)
# fmt: on

WEEKLY = [o.name for o in OUTPUTS if o.weekly and o.family is None]
"""The names of the weekly single columns (the per-route columns follow them)."""
HEADLINE = tuple(o for o in OUTPUTS if o.headline)
"""The summary figures comparisons show first."""


def weekly_outputs() -> list[Output]:
    """The weekly outputs in column order: single columns first, then the families."""
    weekly = [o for o in OUTPUTS if o.weekly]
    return [o for o in weekly if o.family is None] + [o for o in weekly if o.family]


def summary_outputs() -> list[Output]:
    """The outputs in the run summary, in the order of its keys."""
    return [o for o in OUTPUTS if o.summary]


def _index() -> dict[str, tuple[Output, str | None]]:
    """Every name (declared, weekly column, summary key, flattened summary key) to its output
    and, in a family, its member; fails on a column or summary key declared twice."""
    columns = [c for o in OUTPUTS if o.weekly for c in o.columns()]
    keys = [o.summary_key for o in OUTPUTS if o.summary]
    for names in (columns, keys):
        if twice := sorted({n for n in names if names.count(n) > 1}):
            raise ValueError(f"outputs declared twice: {', '.join(twice)}")
    index: dict[str, tuple[Output, str | None]] = {}
    for o in OUTPUTS:
        index.setdefault(o.name, (o, None))
        index.setdefault(o.summary_key, (o, None))
        for member, column in zip(o.members() if o.family else [None], o.columns(), strict=True):
            index.setdefault(column, (o, member))
    return index


_INDEX = _index()


def lookup(name: str) -> Output:
    """The output behind a column or summary key (``arrivals_central_med`` is ``arrivals_<route>``)."""
    try:
        return _INDEX[name][0]
    except KeyError:
        raise KeyError(f"{name!r} is not an output of the model: see docs/metrics.md") from None


def label(name: str, unit: bool = False) -> str:
    """The plain-words label of a column or summary key (``arrivals, central_med``); with
    ``unit``, the table heading. A name that is not an output is returned as it is."""
    if name not in _INDEX:
        return name
    o, member = _INDEX[name]
    text = o.heading if unit else o.label
    return f"{text}, {member}" if member else text
