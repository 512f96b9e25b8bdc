"""The route network: routes, locations, legs and the paths migrants take, read from data.

The routes (their names, order, labels and colours) come from the ``[routes.*]`` tables of
the data file, like everything else about the network. The network is a directed networkx
graph wrapped in Mesa's ``Network`` space (one cell per location, positioned at approximate
longitude and latitude for drawing). Leg attributes are also held as numpy arrays indexed
by leg number, which is what the vectorised migrant population uses in the hot path.
"""

from __future__ import annotations

import difflib
import itertools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from random import Random

import networkx as nx
import numpy as np
from mesa.discrete_space import Network

JURISDICTIONS = ("eu", "cooperating", "non_cooperating")


def default_routes_path() -> Path:
    return Path(str(resources.files("smugglesim.model") / "data" / "routes.toml"))


def _read(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


# The route names of the embedded network, in its order. A network read from another file
# has its own: ``RouteNetwork.route_names``.
def known(names: list[str], known: tuple[str, ...], what: str) -> list[str]:
    """``names`` if each is one of ``known``, once; else a ValueError naming the first
    unknown one (with the closest known name) or the first repeated one (for the validators
    of parameters that name routes or locations)."""
    unknown = [n for n in names if n not in known]
    if unknown:
        close = difflib.get_close_matches(unknown[0], known, n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(f"unknown {what} {unknown[0]!r}; {hint}known: {', '.join(known)}")
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{what} {name!r} is listed twice")
        seen.add(name)
    return names


_EMBEDDED = _read(default_routes_path())
ROUTES: tuple[str, ...] = tuple(_EMBEDDED["routes"])
NODES: tuple[str, ...] = tuple(node["id"] for node in _EMBEDDED["nodes"])
# Legs named "source->target", and the origins (those fed by secondary movement apart).
LEGS: tuple[str, ...] = tuple(f"{leg['source']}->{leg['target']}" for leg in _EMBEDDED["legs"])
ORIGINS: tuple[str, ...] = tuple(o["node"] for o in _EMBEDDED["origins"])
FED_ORIGINS: tuple[str, ...] = tuple(o["node"] for o in _EMBEDDED["origins"] if o.get("fed_by"))


@dataclass(frozen=True)
class Leg:
    index: int
    source: str
    target: str
    route: str
    mode: str
    price_min_eur: float
    price_max_eur: float
    duration_weeks: int
    death_risk: float
    detection_prob: float
    people_per_transporter_week: float
    self_travel_prob_week: float
    initial_ocgs: int
    interception_prob: float = 0.0


@dataclass(frozen=True)
class MigrationPath:
    index: int
    origin: str
    nodes: tuple[str, ...]
    legs: tuple[int, ...]
    route: str
    preference: float


@dataclass
class RouteNetwork:
    """Routes, locations, legs, origins and paths, as objects and as arrays.

    ``route_names`` lists the routes in the data file's order (the order of per-route
    outputs); ``route_labels`` and ``route_colours`` map each name to its label and its
    (matplotlib) colour, in the same order.
    """

    nodes: dict[str, dict]
    legs: list[Leg]
    paths: list[MigrationPath]
    origins: list[dict]
    routes: dict[str, dict]
    graph: nx.DiGraph = field(repr=False)
    leg_index: dict[tuple[str, str], int] = field(repr=False)

    # -- arrays for the hot path --------------------------------------------------------
    def __post_init__(self) -> None:
        legs = self.legs
        self.route_names = list(self.routes)
        self.route_labels = {name: r["label"] for name, r in self.routes.items()}
        self.route_colours = {name: r["colour"] for name, r in self.routes.items()}
        self.duration = np.array([leg.duration_weeks for leg in legs], dtype=np.int32)
        self.death_risk = np.array([leg.death_risk for leg in legs])
        self.detection_prob = np.array([leg.detection_prob for leg in legs])
        self.interception_prob = np.array([leg.interception_prob for leg in legs])
        self.self_travel_prob = np.array([leg.self_travel_prob_week for leg in legs])
        self.price_min = np.array([leg.price_min_eur for leg in legs])
        self.price_max = np.array([leg.price_max_eur for leg in legs])
        self.people_per_transporter = np.array([leg.people_per_transporter_week for leg in legs])
        self.is_border = self.detection_prob > 0
        n_paths = len(self.paths)
        max_len = max(len(p.legs) for p in self.paths)
        self.path_legs = np.full((n_paths, max_len + 1), -1, dtype=np.int16)
        for p in self.paths:
            self.path_legs[p.index, : len(p.legs)] = p.legs
        # The same, flat, for :meth:`leg_at` (a lookup in one dimension is faster).
        self._path_legs_flat = self.path_legs.ravel()
        self.path_len = np.array([len(p.legs) for p in self.paths], dtype=np.int16)
        self.route_of_path = np.array(
            [self.route_names.index(p.route) for p in self.paths], dtype=np.int64
        )
        self.path_preference = np.array([p.preference for p in self.paths])
        self.path_leg_incidence = np.zeros((n_paths, len(legs)))
        for p in self.paths:
            self.path_leg_incidence[p.index, list(p.legs)] = 1.0
        # Paths a migrant on path p, standing before leg k, can still switch to: same origin,
        # same nodes so far.
        self.compatible: dict[tuple[int, int], np.ndarray] = {}
        for p in self.paths:
            for k in range(len(p.legs)):
                prefix = p.nodes[: k + 1]
                self.compatible[(p.index, k)] = np.array(
                    [
                        q.index
                        for q in self.paths
                        if q.origin == p.origin and q.nodes[: k + 1] == prefix
                    ],
                    dtype=np.int16,
                )
        # Legs sharing a start or an end with a leg: where an OCG under pressure can move.
        self.adjacent_legs: list[list[int]] = [
            [
                other.index
                for other in legs
                if other.index != leg.index
                and other.route == leg.route
                and (other.source == leg.source or other.target == leg.target)
            ]
            for leg in legs
        ]

    def jurisdiction(self, node: str) -> str:
        return self.nodes[node]["jurisdiction"]

    def leg_at(self, paths: np.ndarray, pos: np.ndarray | int) -> np.ndarray:
        """The leg at position ``pos`` of each path (-1 past a path's last leg)."""
        flat = np.asarray(paths, dtype=np.intp) * self.path_legs.shape[1] + pos
        return self._path_legs_flat.take(flat)

    def eu_node_of_route(self, route: str) -> str:
        """The EU entry point of a route with the most legs leading to it."""
        targets = [leg.target for leg in self.legs if leg.route == route and leg.detection_prob > 0]
        return max(sorted(set(targets)), key=targets.count)

    def positions(self) -> dict[str, tuple[float, float]]:
        return {nid: (n["lon"], n["lat"]) for nid, n in self.nodes.items()}

    def space(self, random: Random) -> Network:
        """The Mesa space: a ``Network`` with cells at geographic positions (no spring layout)."""
        return Network(self.graph, layout=self.positions(), random=random)


class RouteDataError(ValueError):
    """The route data file is inconsistent; the message names the file and the entry."""


def load_routes(path: str | Path | None = None) -> RouteNetwork:
    """Read a route data file (the embedded default when ``path`` is None)."""
    path = Path(path) if path is not None else default_routes_path()
    data = _read(path)

    for name, route in data["routes"].items():
        for key in ("label", "colour"):
            if not isinstance(route.get(key), str):
                raise RouteDataError(f"{path}: routes.{name}.{key}: missing (a string)")
    nodes = {n["id"]: n for n in data["nodes"]}
    for n in nodes.values():
        if n["jurisdiction"] not in JURISDICTIONS:
            raise RouteDataError(
                f"{path}: nodes.{n['id']}.jurisdiction: unknown {n['jurisdiction']!r}"
            )
    graph = nx.DiGraph()
    for nid, n in nodes.items():
        graph.add_node(nid, **{k: v for k, v in n.items() if k != "id"})
    legs: list[Leg] = []
    for i, raw in enumerate(data["legs"]):
        for end in ("source", "target"):
            if raw[end] not in nodes:
                raise RouteDataError(f"{path}: legs[{i}].{end}: unknown node {raw[end]!r}")
        if raw["route"] not in data["routes"]:
            raise RouteDataError(f"{path}: legs[{i}].route: unknown route {raw['route']!r}")
        low, high = raw["price_range_eur"]
        leg = Leg(
            index=i,
            source=raw["source"],
            target=raw["target"],
            route=raw["route"],
            mode=raw["mode"],
            price_min_eur=float(low),
            price_max_eur=float(high),
            duration_weeks=int(raw["duration_weeks"]),
            death_risk=float(raw["death_risk"]),
            detection_prob=float(raw["detection_prob"]),
            people_per_transporter_week=float(raw["people_per_transporter_week"]),
            self_travel_prob_week=float(raw["self_travel_prob_week"]),
            initial_ocgs=int(raw["initial_ocgs"]),
            interception_prob=float(raw.get("interception_prob", 0.0)),
        )
        if not 0.0 <= leg.interception_prob < 1.0:
            raise RouteDataError(
                f"{path}: legs[{i}].interception_prob: must be in [0, 1), got {leg.interception_prob}"
            )
        legs.append(leg)
        graph.add_edge(leg.source, leg.target, leg=i, route=leg.route, mode=leg.mode)
    leg_index = {(leg.source, leg.target): leg.index for leg in legs}

    paths: list[MigrationPath] = []
    for o, origin in enumerate(data["origins"]):
        for place in origin.get("fed_by", []):
            if nodes.get(place, {}).get("kind") != "eu_entry":
                raise RouteDataError(
                    f"{path}: origins[{o}].fed_by: {place!r} is not an eu_entry node"
                )
        for raw in origin["paths"]:
            seq = tuple(raw["nodes"])
            if seq[0] != origin["node"]:
                raise RouteDataError(
                    f"{path}: origins[{o}].paths: a path must start at {origin['node']}"
                )
            try:
                leg_ids = tuple(leg_index[(a, b)] for a, b in itertools.pairwise(seq))
            except KeyError as exc:
                raise RouteDataError(f"{path}: origins[{o}].paths: no leg {exc.args[0]}") from None
            paths.append(
                MigrationPath(
                    index=len(paths),
                    origin=origin["node"],
                    nodes=seq,
                    legs=leg_ids,
                    route=legs[leg_ids[-1]].route,
                    preference=float(raw.get("preference", 0.0)),
                )
            )
    return RouteNetwork(
        nodes=nodes,
        legs=legs,
        paths=paths,
        origins=data["origins"],
        routes=data["routes"],
        graph=graph,
        leg_index=leg_index,
    )
