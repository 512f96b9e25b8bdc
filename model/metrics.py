"""Per-week records and the run summary: the model's public outputs.

Names here are a stable interface (scenario comparisons, Parquet files, notebooks read
them). Flows are per week (``proceeds_eur`` is what was earned that week); stocks are the
state at the end of the week; ``confiscation_ratio`` is cumulative: everything confiscated
so far over all proceeds so far. The Mesa DataCollector deep-copies on every collect, so
the recorder writes straight into preallocated numpy arrays instead.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from model.intelligence import SOURCES
from model.smugglers import ocg_efficiency

if TYPE_CHECKING:
    from model.model import SmugglingModel

NETWORK_EVERY_WEEKS = 13  # network measures are computed quarterly and carried forward

WEEKLY = [
    "migrants_departed",
    "migrants_smuggled",
    "arrivals",
    "detections",
    "deaths",
    "abandoned",
    "migrants_searching",
    "migrants_travelling",
    "proceeds_eur",
    "assets_frozen_eur",
    "assets_confiscated_eur",
    "confiscation_ratio",
    "proceeds_cum_eur",
    "confiscated_cum_eur",
    "assets_held_eur",
    "frozen_pending_eur",
    "ocgs_active",
    "ocgs_existing",
    "ocgs_dismantled",
    "members_active",
    "members_arrested",
    "hvts_arrested",
    "convictions",
    "adverts_live",
    "takedowns",
    "leads_produced",
    "leads_analysed",
    "lead_backlog",
    "investigations_open",
    "investigations_opened",
    "investigations_closed",
    "measures_cost_eur",
    "network_members",
    "network_largest_component",
    "network_efficiency",
]
PER_ROUTE = ["departed", "arrivals", "detections", "deaths", "mean_fee_eur"]


class Recorder:
    """Collects one row per week into numpy arrays."""

    def __init__(self, model: SmugglingModel) -> None:
        self.model = model
        n = model.n_weeks
        self.routes = model.routes.route_names
        self.columns = list(WEEKLY) + [f"{m}_{r}" for m in PER_ROUTE for r in self.routes]
        self.data = {c: np.zeros(n) for c in self.columns}
        self.totals = {
            k: np.zeros(len(self.routes))
            for k in (
                "departed",
                "smuggled",
                "arrived",
                "detected",
                "died",
                "abandoned",
                "fees_sum",
                "fees_n",
            )
        }
        self._prev: dict[str, float] = {}
        self._network = (0.0, 0.0, 0.0)
        self.weeks_recorded = 0

    def _delta(self, name: str, cumulative: float) -> float:
        prev = self._prev.get(name, 0.0)
        self._prev[name] = cumulative
        return cumulative - prev

    def record(self, week: int) -> None:
        model = self.model
        d = self.data
        wc = model.migrants.week_counts
        for key in self.totals:
            self.totals[key] += wc[key]
        d["migrants_departed"][week] = wc["departed"].sum()
        d["migrants_smuggled"][week] = wc["smuggled"].sum()
        d["arrivals"][week] = wc["arrived"].sum()
        d["detections"][week] = wc["detected"].sum()
        d["deaths"][week] = wc["died"].sum()
        d["abandoned"][week] = wc["abandoned"].sum()
        for i, r in enumerate(self.routes):
            d[f"departed_{r}"][week] = wc["departed"][i]
            d[f"arrivals_{r}"][week] = wc["arrived"][i]
            d[f"detections_{r}"][week] = wc["detected"][i]
            d[f"deaths_{r}"][week] = wc["died"][i]
            n = wc["fees_n"][i]
            d[f"mean_fee_eur_{r}"][week] = wc["fees_sum"][i] / n if n else np.nan
        states = model.migrants.counts_by_state()
        d["migrants_searching"][week] = states["searching"]
        d["migrants_travelling"][week] = states["travelling"]

        table = model.ocg_table
        proceeds = table.total("proceeds")
        pros = model.prosecution
        fi = model.financial_investigators
        d["proceeds_eur"][week] = self._delta("proceeds", proceeds)
        d["assets_frozen_eur"][week] = self._delta("frozen", fi.frozen_eur)
        d["assets_confiscated_eur"][week] = self._delta("confiscated", pros.confiscated_eur)
        d["proceeds_cum_eur"][week] = proceeds
        d["confiscated_cum_eur"][week] = pros.confiscated_eur
        d["confiscation_ratio"][week] = pros.confiscated_eur / proceeds if proceeds > 0 else 0.0
        ids = table.existing()
        held = table.cash[ids] + (
            table.assets_eu[ids] + table.assets_cooperating[ids] + table.assets_out_of_reach[ids]
        )
        d["assets_held_eur"][week] = float(sum(held.tolist()))
        d["frozen_pending_eur"][week] = pros.frozen_pending_eur
        operating = ids[table.operating[ids]]
        d["ocgs_active"][week] = operating.size
        d["ocgs_existing"][week] = ids.size
        d["ocgs_dismantled"][week] = model.ocgs_dismantled
        d["members_active"][week] = table.roles[ids].sum()
        d["members_arrested"][week] = self._delta("arrested", model.members_arrested)
        d["hvts_arrested"][week] = self._delta("hvts", model.hvts_arrested)
        d["convictions"][week] = self._delta("convictions", pros.convictions)
        d["adverts_live"][week] = table.adverts_live(
            operating, model.config.smugglers.adverts_per_recruiter
        ).sum()
        d["takedowns"][week] = self._delta("takedowns", model.iru.takedowns)
        emsc = model.emsc
        d["leads_produced"][week] = self._delta("leads", sum(emsc.produced.values()))
        d["leads_analysed"][week] = self._delta("analysed", emsc.analysed)
        d["lead_backlog"][week] = emsc.backlog
        units = model.police_units.values()
        d["investigations_open"][week] = sum(len(u.open) for u in units)
        d["investigations_opened"][week] = self._delta("opened", sum(u.opened for u in units))
        d["investigations_closed"][week] = self._delta("closed", sum(u.closed for u in units))
        d["measures_cost_eur"][week] = self._delta("cost", model.measures_cost_eur)
        if week % NETWORK_EVERY_WEEKS == 0 or week == model.n_weeks - 1:
            self._network = self._network_measures([model.ocgs[i] for i in ids.tolist()])
        (
            d["network_members"][week],
            d["network_largest_component"][week],
            d["network_efficiency"][week],
        ) = self._network
        self.weeks_recorded = week + 1

    def _network_measures(self, existing: list) -> tuple[float, float, float]:
        """Size, largest connected component and mean OCG efficiency of the active networks."""
        model = self.model
        members = [m for o in existing for m in o.members]
        if not members:
            return 0.0, 0.0, 0.0
        uid = np.array([m.unique_id for m in members], dtype=np.int64)
        tie_a, tie_b = (np.array(end, dtype=np.int64) for end in model.ties)
        index = np.full(max(uid.max(), tie_a.max(initial=0), tie_b.max(initial=0)) + 1, -1)
        index[uid] = np.arange(uid.size)
        rows, cols = index[tie_a], index[tie_b]
        among = (rows >= 0) & (cols >= 0)  # ties between active members only
        rows, cols = rows[among], cols[among]
        graph = coo_matrix((np.ones(rows.size), (rows, cols)), shape=(len(members),) * 2)
        _, labels = connected_components(graph, directed=False)
        largest = int(np.bincount(labels).max())
        effs = []
        for o in existing:
            if o.network_dirty:
                o.efficiency = ocg_efficiency(model.social, o)
                o.network_dirty = False
            effs.append(o.efficiency)
        return float(len(members)), float(largest), float(np.mean(effs)) if effs else 0.0

    def timeseries(self) -> pd.DataFrame:
        n = self.weeks_recorded
        df = pd.DataFrame({c: self.data[c][:n] for c in self.columns})
        df.insert(0, "week", np.arange(n))
        return df

    def summary(self) -> dict:
        model = self.model
        t = self.totals
        routes = self.routes
        pros = model.prosecution
        proceeds = model.ocg_table.total("proceeds")
        completed = t["arrived"] + t["detected"]

        def by_route(arr: np.ndarray) -> dict[str, int]:
            return {r: int(arr[i]) for i, r in enumerate(routes)}

        def fee(i: int) -> float:
            return float(t["fees_sum"][i] / t["fees_n"][i]) if t["fees_n"][i] else math.nan

        emsc = model.emsc
        return {
            "scenario": model.config.name,
            "seed": model.seed,
            "weeks": self.weeks_recorded,
            "migrants_departed": int(t["departed"].sum()),
            "migrants_smuggled": int(t["smuggled"].sum()),
            "migrants_abandoned": int(t["abandoned"].sum()),
            "arrivals_by_route": by_route(t["arrived"]),
            "detections_by_route": by_route(t["detected"]),
            "deaths_by_route": by_route(t["died"]),
            "facilitated_share": float(t["fees_n"].sum() / completed.sum())
            if completed.sum()
            else 0.0,
            "proceeds_eur": float(proceeds),
            "assets_frozen_eur": float(model.financial_investigators.frozen_eur),
            "assets_confiscated_eur": float(pros.confiscated_eur),
            "confiscation_ratio": float(pros.confiscated_eur / proceeds) if proceeds > 0 else 0.0,
            "ocgs_active_end": int(model.ocg_table.operating.sum()),
            "ocgs_dismantled": int(model.ocgs_dismantled),
            "ocgs_entered": int(model.ocgs_entered),
            "members_arrested": int(model.members_arrested),
            "hvts_arrested": int(model.hvts_arrested),
            "convictions": int(pros.convictions),
            "leads_produced": int(sum(emsc.produced.values())),
            "leads_by_source": {s: int(emsc.produced[s]) for s in SOURCES},
            "investigations_opened": int(sum(u.opened for u in model.police_units.values())),
            "mean_fee_eur_by_route": {r: fee(i) for i, r in enumerate(routes)},
            "measures": [m.key for m in model.measures],
            "measures_cost_eur": float(model.measures_cost_eur),
        }
