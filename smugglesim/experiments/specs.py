"""What a batch runs: scenarios (with their optional ``[sweep]`` table), sweep points and seeds.

A scenario file may carry a ``[sweep]`` table that the scenario schema does not know. It is
read here, before validation, and taken out of the data the schema sees::

    [sweep]
    method = "factorial"          # or "lhs" (Latin hypercube, scipy.stats.qmc)
    samples = 16                  # lhs only: number of points
    seed = 7                      # lhs only: sampler seed (default: the batch seed)

    [sweep.params]
    "measures.financial_investigations.parallel_share" = [0.2, 0.4, 0.6]   # factorial: values
    "measures.financial_investigations.tracing_rate_week" = [0.02, 0.1]    # lhs: [low, high]

Replication seeds come from :class:`numpy.random.SeedSequence`: every scenario and every
sweep point uses the same N seeds (common random numbers), so differences are paired.
"""

from __future__ import annotations

import difflib
import hashlib
import itertools
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from scipy.stats import qmc

from smugglesim.model.measures import MEASURES
from smugglesim.model.provenance import config_sha256
from smugglesim.model.scenario import Scenario, ScenarioError, read_scenario, scenario_from_dict

SWEEP_METHODS = ("factorial", "lhs", "points")


def replication_seeds(root_seed: int, replications: int) -> list[int]:
    """The N replication seeds derived from ``root_seed`` (63-bit, so they fit Parquet int64)."""
    children = np.random.SeedSequence(root_seed).spawn(replications)
    return [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def parameter_names(data: dict[str, Any], prefix: str = "") -> list[str]:
    """The dotted name of every parameter of a scenario's data (``model_dump(mode="json")``)."""
    names = []
    for key, value in data.items():
        if isinstance(value, dict):
            names += parameter_names(value, f"{prefix}{key}.")
        else:
            names.append(f"{prefix}{key}")
    return names


def no_such_parameter(source: str, name: str, known: list[str]) -> str:
    """The error line for an unknown dotted parameter, with the closest known one."""
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]}?" if close else ""
    return f"{source}: {name}: no such parameter{hint}"


def _get_dotted(data: dict[str, Any], dotted: str) -> Any:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


@dataclass
class Sweep:
    """A set of parameter points: full factorial, Latin hypercube or explicit points.

    Args:
        method: ``"factorial"`` (``params`` maps names to value lists), ``"lhs"`` (names to
            ``(low, high)``; ``samples`` points) or ``"points"`` (``values``: one row per point).
        params: Dotted parameter names, e.g. ``measures.financial_investigations.parallel_share``.
        samples: Number of Latin-hypercube points.
        seed: Latin-hypercube sampler seed; None: the batch's root seed.
        values: Explicit points for ``"points"``, shape (points, len(params)).
        origin: Where explicit points came from, recorded with the sweep in a batch's
            manifest (a posterior file, its SHA-256, the draws and their seed:
            :func:`smugglesim.experiments.posterior.posterior_sweep`).
    """

    method: str
    params: dict[str, Any]
    samples: int | None = None
    seed: int | None = None
    values: list[list[float]] | None = None
    origin: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        if self.method not in SWEEP_METHODS:
            raise ScenarioError(f"sweep: method: must be one of {', '.join(SWEEP_METHODS)}")
        if not self.params:
            raise ScenarioError("sweep: params: at least one parameter is needed")
        for name, spec in self.params.items():
            if self.method == "factorial" and (not isinstance(spec, list) or not spec):
                raise ScenarioError(f"sweep: params.{name}: factorial needs a list of values")
            if self.method == "lhs" and (
                not isinstance(spec, list | tuple) or len(spec) != 2 or not spec[0] < spec[1]
            ):
                raise ScenarioError(f"sweep: params.{name}: lhs needs [low, high] with low < high")
        if self.method == "lhs" and (not isinstance(self.samples, int) or self.samples < 1):
            raise ScenarioError("sweep: samples: lhs needs a positive integer number of samples")
        if self.method == "points" and not self.values:
            raise ScenarioError("sweep: values: explicit points are missing")

    @classmethod
    def from_table(cls, table: dict[str, Any], source: str) -> Sweep:
        """Build from a scenario file's ``[sweep]`` table; errors name the file and key."""
        unknown = set(table) - {"method", "params", "samples", "seed"}
        if unknown:
            raise ScenarioError(f"{source}: sweep.{sorted(unknown)[0]}: unknown key")
        try:
            return cls(
                method=table.get("method", "factorial"),
                params=dict(table.get("params", {})),
                samples=table.get("samples"),
                seed=table.get("seed"),
            )
        except ScenarioError as exc:
            raise ScenarioError(f"{source}: {exc}") from None

    def points(self, root_seed: int) -> list[dict[str, float]]:
        """Every point as ``{dotted name: value}``, in a fixed order."""
        names = list(self.params)
        if self.method == "factorial":
            combos = itertools.product(*(self.params[n] for n in names))
            return [dict(zip(names, combo, strict=True)) for combo in combos]
        if self.method == "lhs":
            seed = root_seed if self.seed is None else self.seed
            sampler = qmc.LatinHypercube(d=len(names), rng=np.random.default_rng(seed))
            unit = sampler.random(self.samples)
            lows = [self.params[n][0] for n in names]
            highs = [self.params[n][1] for n in names]
            scaled = qmc.scale(unit, lows, highs)
            return [dict(zip(names, map(float, row), strict=True)) for row in scaled]
        return [dict(zip(names, map(float, row), strict=True)) for row in self.values or []]

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "params": {k: list(v) for k, v in self.params.items()},
            "samples": self.samples,
            "seed": self.seed,
            "values": self.values,
            "origin": self.origin,
        }


def parse_sweep_param(text: str) -> tuple[str, list[float]]:
    """``NAME=V1,V2,...`` (values) or ``NAME=LOW:HIGH`` (a range) from the command line."""
    name, sep, spec = text.partition("=")
    if not sep or not name:
        raise ScenarioError(f"--sweep-param {text}: expected NAME=V1,V2,... or NAME=LOW:HIGH")
    try:
        if ":" in spec:
            low, high = (float(v) for v in spec.split(":"))
            return name, [low, high]
        return name, [float(v) for v in spec.split(",")]
    except ValueError:
        raise ScenarioError(f"--sweep-param {text}: values must be numbers") from None


def read_scenario_file(
    path: str | Path, overrides: dict[str, Any] | None = None
) -> tuple[Scenario, Sweep | None]:
    """Load a scenario file and its optional ``[sweep]`` table.

    The schema forbids unknown keys, so the sweep table is taken out of the merged file data
    before validation; everything else (``extends``, errors naming file and key) behaves as
    :func:`smugglesim.model.scenario.load_scenario`.
    """
    scenario, extras = read_scenario(path, overrides, extra_tables=("sweep",))
    if "sweep" not in extras:
        return scenario, None
    return scenario, Sweep.from_table(extras["sweep"], str(path))


def scenario_files(path: Path) -> list[Path]:
    """The file and every file it ``extends``, child first."""
    chain: list[Path] = []
    current: Path | None = Path(path).resolve()
    while current is not None and current not in chain and current.exists():
        chain.append(current)
        with current.open("rb") as fh:
            parent = tomllib.load(fh).get("extends")
        current = (current.parent / parent).resolve() if isinstance(parent, str) else None
    return chain


def apply_point(base: Scenario, point: dict[str, Any], source: str) -> Scenario:
    """The scenario with a sweep point's values set; integer parameters are rounded."""
    data = base.model_dump(mode="json")
    for dotted, value in point.items():
        *parents, leaf = dotted.split(".")
        node = _get_dotted(data, ".".join(parents)) if parents else data
        if not isinstance(node, dict) or leaf not in node:
            raise ScenarioError(f"{source}: {dotted}: no such parameter")
        current = node[leaf]
        if isinstance(current, int) and not isinstance(current, bool):
            value = round(value)
        node[leaf] = value
    return scenario_from_dict(data, source)


@dataclass(frozen=True)
class RunTask:
    """One model run: what the worker needs, and nothing it must read from disk."""

    run_id: str
    scenario: str  # the label: the scenario's name, with [point] for a sweep point
    replication: int
    seed: int
    config: dict[str, Any] = field(hash=False, compare=False)


@dataclass
class ScenarioEntry:
    """One configuration of a batch: a scenario, or one point of its sweep."""

    label: str
    name: str
    file: str
    file_sha256: str
    scenario: Scenario
    point: int = -1
    values: dict[str, float] = field(default_factory=dict)

    @property
    def config(self) -> dict[str, Any]:
        return self.scenario.model_dump(mode="json")

    def measure_starts(self) -> list[dict[str, Any]]:
        return [
            {
                "measure": key,
                "start_week": p.start_week,
                "end_week": p.end_week,
                "budget_eur_per_year": p.budget_eur_per_year,
                "cost_eur_per_year": MEASURES[key].yearly_cost_eur(p, self.scenario),
            }
            for key, p in self.scenario.active_measures()
        ]


def build_entries(
    scenarios: list[str | Path | Scenario],
    root_seed: int,
    overrides: dict[str, Any] | None = None,
    sweep: Sweep | None = None,
) -> list[ScenarioEntry]:
    """Resolve scenario files (or Scenario objects) and their sweeps into configurations.

    A ``sweep`` given here applies to every scenario and replaces the files' own tables.
    """
    entries: list[ScenarioEntry] = []
    seen: dict[str, int] = {}
    for item in scenarios:
        if isinstance(item, Scenario):
            sc, file_sweep, file, digest = item, None, "", ""
            if overrides:
                sc = apply_point(sc, overrides, sc.name)
        else:
            sc, file_sweep = read_scenario_file(item, overrides)
            file, digest = str(item), sha256_file(Path(item))
        name = sc.name
        seen[name] = seen.get(name, 0) + 1
        label = name if seen[name] == 1 else f"{name}~{seen[name]}"
        active = sweep or file_sweep
        if active is None:
            entries.append(ScenarioEntry(label, name, file, digest, sc))
            continue
        for i, point in enumerate(active.points(root_seed)):
            point_sc = apply_point(sc, point, file or name)
            values = {k: _get_dotted(point_sc.model_dump(mode="json"), k) for k in point}
            entries.append(ScenarioEntry(f"{label}[{i}]", name, file, digest, point_sc, i, values))
    return entries


def build_tasks(entries: list[ScenarioEntry], seeds: list[int]) -> list[RunTask]:
    """Every (configuration, replication) pair, in a fixed order: configuration after
    configuration (the order of the results; runs go :func:`seed_by_seed`)."""
    tasks = []
    for entry in entries:
        config = entry.config
        digest = config_sha256(config)
        for rep, seed in enumerate(seeds):
            run_id = hashlib.sha256(f"{entry.label}:{digest}:{seed}".encode()).hexdigest()[:20]
            tasks.append(RunTask(run_id, entry.label, rep, seed, config))
    return tasks


def seed_by_seed(tasks: list[RunTask]) -> list[RunTask]:
    """``tasks`` in the order to run them: every configuration of the first replication,
    then of the second, and so on. Configurations that differ only in their measures share
    their warm-up on a seed (``smugglesim.model.model``: a process keeps the last 16 warm
    states), so a worker that runs several configurations of a seed one after another
    warms up once; configuration after configuration, with more than 16 replications,
    every run warmed up again. Results do not depend on the order."""
    return sorted(tasks, key=lambda t: t.replication)
