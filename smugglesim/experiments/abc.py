"""Calibration by inference: ABC (pyabc) of the status quo's ASSUMPTION parameters (issue 12,
item 3; docs/calibration.md, "Calibration by inference").

    python -m smugglesim.experiments.abc --quick     # 12 particles of 1-year runs, 15-25 s
    python -m smugglesim.experiments.abc --out posterior.csv   # the fit kept in the repository:
        # 500 particles of 3-year runs, 1,112 simulations, 13 min on 2 cores

It fits :data:`PARAMETERS`, every number of the status quo's mechanisms whose description
says ``ASSUMPTION`` (71), with uniform priors over the ranges
:func:`smugglesim.experiments.sensitivity.assumption_params` gives (default ± 50% within the
schema's bounds), restricted to the combinations the schema accepts; integers are rounded.
The origins' departures and the legs' detection and death risks, which the hand calibration
set, are not ASSUMPTION-tagged schema fields and are not fitted. The summary statistics are
the calibration targets of kind ``fitted`` and ``fitted in part`` (:data:`TARGETS`, from
:data:`smugglesim.experiments.calibration.TARGETS`), one run each on a seed of its own (so
the posterior also carries the seed noise); the distance (:func:`distance`) is 0 when every
statistic lies inside its target's band, else the root mean square of the deviations beyond
the bands in half-widths of each band. By default one generation at epsilon 0 (rejection
ABC: the prior restricted to where the model meets every band); ``--epsilon adaptive`` runs
pyabc's generations with its median epsilon instead, which in 71 dimensions needs far more
particles than parameters. :func:`prior_predictive` and :func:`rejections` say which targets
reject prior draws, reproducibly from one seed.

Simulations run through pyabc's samplers, not the project's ``imap_unordered`` (pyabc asks
for one particle at a time and accepts or rejects it as it comes back): its multicore sampler
on ``--workers`` processes, or, with ``--engine dask``, its Dask sampler on the project's Dask
engine (:class:`smugglesim.experiments.engines.DaskEngine`: a local cluster, or the one at
``--scheduler``). pyabc is an optional extra (``pip install 'smugglesim[calibrate]'``) and is
imported only inside :func:`prior`, :func:`fit` and the command.

Not reproducible with more than one worker: pyabc's samplers reseed each worker or task
from the operating system (``np.random.seed()``), so ``--seed`` fixes only the draws of the
main process; two ``--quick`` runs with the same seed gave different posteriors. With
``--workers 1`` (pyabc's single-core sampler) the seed fixes every draw (tests/test_abc.py).
"""

from __future__ import annotations

import argparse
import datetime
import math
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smugglesim.experiments import calibration
from smugglesim.experiments.calibration import BASELINE
from smugglesim.experiments.engines import make_engine
from smugglesim.experiments.posterior import QUICK_POSTERIOR, effective_sample_size, resample
from smugglesim.experiments.sensitivity import assumption_params
from smugglesim.experiments.specs import apply_point
from smugglesim.model.model import SmugglingModel
from smugglesim.model.scenario import Scenario, ScenarioError, load_scenario

PARAMETERS = tuple(name for name in assumption_params() if not name.startswith("costs."))
"""The parameters fitted: every ASSUMPTION-tagged number of the status quo's mechanisms
(:func:`smugglesim.experiments.sensitivity.assumption_params` less the measures' unit costs,
``costs.*``, which the status quo never reads)."""

INTEGERS = frozenset(
    name
    for name in PARAMETERS
    if type(getattr(Scenario(), name.split(".")[0])).model_fields[name.split(".")[1]].annotation
    is int
)
"""The integer parameters among them: a run rounds a particle's value to the nearest integer
(:func:`smugglesim.experiments.specs.apply_point`), and their prior is therefore not the
uniform a Kolmogorov-Smirnov test would compare them with (:func:`summarise`)."""

NARROWED = 0.9
"""A parameter counts as narrowed by the fit when its posterior standard deviation is under
this share of its uniform prior's (a uniform over 90% of the prior's width has 0.9)."""

TARGETS = {t.key: t for t in calibration.TARGETS if t.kind in ("fitted", "fitted in part")}
"""The summary statistics: the calibration targets of kind ``fitted`` or ``fitted in part``,
each with its accepted band (docs/calibration.md's table)."""


def priors() -> dict[str, tuple[float, float]]:
    """Uniform prior (low, high) of each of :data:`PARAMETERS`."""
    ranges = assumption_params()
    return {name: ranges[name] for name in PARAMETERS}


def prior() -> Any:
    """The prior as a ``pyabc.Distribution`` (needs pyabc), over pyabc's names (:func:`key`)."""
    import pyabc

    return pyabc.Distribution(
        **{key(n): pyabc.RV("uniform", lo, hi - lo) for n, (lo, hi) in priors().items()}
    )


def point(particle: dict[str, float]) -> dict[str, float]:
    """A particle (pyabc's names) as a scenario point (dotted names)."""
    return {name: float(particle[key(name)]) for name in PARAMETERS}


def key(name: str) -> str:
    """pyabc's name for a dotted parameter (its names are plain identifiers)."""
    return name.replace(".", "__")


def statistics(model: SmugglingModel) -> dict[str, float]:
    """The summary statistics (:data:`TARGETS`' keys) of one finished run."""
    stats = calibration.statistics(model)
    return {name: stats[name] for name in TARGETS}


def deviation(name: str, value: float) -> float:
    """How far ``value`` lies outside the band of target ``name``, in half-widths of the band:
    0 anywhere inside it, 1 one half-width beyond either end; a value that is not a number
    (a route with no fee paid) counts as 10."""
    t = TARGETS[name]
    off = max(t.low - value, value - t.high, 0.0) / ((t.high - t.low) / 2)
    return off if math.isfinite(off) else 10.0


def distance(x: dict[str, float], x0: dict[str, float] | None = None) -> float:
    """Root mean square of the statistics' :func:`deviation`: 0 when every statistic lies in
    its target's band. ``x0`` (pyabc's observed statistics, the bands' middles) is not read:
    the bands are the data."""
    return float(np.sqrt(np.mean([deviation(name, x[name]) ** 2 for name in TARGETS])))


def observed() -> dict[str, float]:
    """The middle of each target's band: what pyabc keeps as the observed statistics."""
    return {name: (t.low + t.high) / 2 for name, t in TARGETS.items()}


@dataclass
class Simulator:
    """One ABC simulation: the scenario with a particle's parameters, one run, its statistics.

    A plain object of an importable module, so that it pickles to worker processes."""

    years: float = 5.0
    warmup_years: float | None = None
    config: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.config:
            sc = load_scenario(BASELINE)
            point: dict[str, Any] = {"run.years": self.years}
            if self.warmup_years is not None:
                point["run.warmup_years"] = self.warmup_years
            self.config = apply_point(sc, point, "abc").model_dump(mode="json")

    def scenario(self, particle: dict[str, float]) -> Scenario:
        base = Scenario.model_validate(self.config)
        return apply_point(base, point(particle), "abc")

    def __call__(self, particle: dict[str, float]) -> dict[str, float]:
        # pyabc reseeds numpy's global generator in each worker; the seed is drawn from it.
        return self.run(particle, int(np.random.randint(1, 2**31 - 1)))

    def run(self, particle: dict[str, float], seed: int) -> dict[str, float]:
        """The statistics of one run of ``particle`` on ``seed``."""
        try:
            scenario = self.scenario(particle)
        except ScenarioError:
            # A combination the schema refuses (under_used_share above sold_out_share, say):
            # outside the prior's support, so never accepted (every statistic 10 bands off).
            return dict.fromkeys(TARGETS, math.nan)
        return statistics(SmugglingModel(scenario, rng=seed).run())


@dataclass
class Fit:
    posterior: pd.DataFrame  # one row per particle: the dotted parameters and "weight"
    populations: pd.DataFrame  # pyabc's: t, epsilon, samples, particles
    simulations: int
    wall_s: float
    settings: dict[str, Any]
    # the last generation's summary statistics (one row per particle) and their weights
    statistics: pd.DataFrame = field(default_factory=pd.DataFrame)


def fit(
    population: int,
    generations: int,
    years: float,
    warmup_years: float | None = None,
    workers: int = 2,
    max_simulations: int | None = None,
    seed: int = 1,
    db: Path | None = None,
    min_acceptance: float = 0.0,
    min_epsilon: float = 0.0,
    max_hours: float | None = None,
    epsilon: float | None = None,
    engine: str = "process",
    scheduler: str | None = None,
) -> Fit:
    """Run ABC-SMC; ``db`` keeps pyabc's SQLite history (default: a temporary file).

    pyabc checks ``max_simulations`` only between generations, so the last generation may
    overshoot it; ``min_acceptance`` bounds a generation's simulations to population /
    min_acceptance (a generation that reaches it is dropped and the fit stops). At most
    ``max_simulations + population / min_acceptance`` simulations in all."""
    import pyabc

    np.random.seed(seed)  # the prior draws in this process (the workers reseed themselves)
    dask = make_engine("dask", workers, scheduler) if engine == "dask" else None
    if dask is not None:
        # The project's Dask engine (a LocalCluster, or the cluster at `scheduler`) runs
        # the simulations through pyabc's own Dask sampler.
        sampler = pyabc.sampler.DaskDistributedSampler(dask_client=dask.client)
    elif scheduler:
        raise ValueError("--scheduler needs --engine dask")
    elif workers <= 1:
        sampler = pyabc.sampler.SingleCoreSampler()
    else:
        sampler = pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers)
    try:
        return _run_fit(
            sampler, population, generations, years, warmup_years, max_simulations, db,
            min_acceptance, min_epsilon, max_hours, epsilon,
            {"workers": workers, "seed": seed, "engine": engine, "scheduler": scheduler},
        )  # fmt: skip
    finally:
        if dask is not None:
            dask.close()


def _run_fit(
    sampler: Any,
    population: int,
    generations: int,
    years: float,
    warmup_years: float | None,
    max_simulations: int | None,
    db: Path | None,
    min_acceptance: float,
    min_epsilon: float,
    max_hours: float | None,
    epsilon: float | None,
    settings: dict[str, Any],
) -> Fit:
    import pyabc

    if epsilon is not None:
        # One generation at a fixed threshold: rejection ABC from the prior. (A later
        # generation would perturb particles with a kernel estimated from them, which in
        # 71 dimensions needs far more particles than parameters.)
        generations = 1
    abc = pyabc.ABCSMC(
        Simulator(years, warmup_years),
        prior(),
        distance,
        population_size=population,
        sampler=sampler,
        eps=pyabc.epsilon.ListEpsilon([epsilon]) if epsilon is not None else None,
    )
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="smugglesim-abc-") as tmp:
        path = db or Path(tmp) / "abc.db"
        abc.new(f"sqlite:///{path}", observed())
        stop: dict[str, Any] = {
            "min_acceptance_rate": min_acceptance,
            "minimum_epsilon": min_epsilon,
        }
        if max_hours:
            stop["max_walltime"] = datetime.timedelta(hours=max_hours)
        if max_simulations:
            stop["max_total_nr_simulations"] = max_simulations
        history = abc.run(max_nr_populations=generations, **stop)
        params, weights = history.get_distribution(m=0, t=history.max_t)
        stat_weights, stats = history.get_weighted_sum_stats(t=history.max_t)
        pops = history.get_all_populations()
        simulations = int(history.total_nr_simulations)
    posterior = params.rename(columns={key(n): n for n in PARAMETERS})[list(PARAMETERS)]
    posterior = posterior.reset_index(drop=True).assign(weight=np.asarray(weights))
    pops = pops[pops["t"] >= 0].reset_index(drop=True)
    statistics_ = pd.DataFrame(stats, columns=list(TARGETS)).assign(weight=stat_weights)
    settings = settings | {
        "population": population,
        "generations": generations,
        "years": years,
        "warmup_years": warmup_years,
        "min_acceptance": min_acceptance,
        "min_epsilon": min_epsilon,
        "max_hours": max_hours,
        "epsilon": epsilon,
    }
    wall = time.perf_counter() - start
    return Fit(posterior, pops, simulations, wall, settings, statistics_)


def predictive(
    particles: list[dict[str, float]],
    years: float,
    workers: int,
    rng: np.random.Generator,
    warmup_years: float | None = None,
) -> pd.DataFrame:
    """Run each particle (pyabc's names) once, on a seed from ``rng``: one row per particle,
    with the parameters, the statistics, each statistic's :func:`deviation` (``dev:`` + its
    name) and the distance. The seeds come from ``rng`` in this process, so the result does
    not depend on the number of workers."""
    from concurrent.futures import ProcessPoolExecutor

    seeds = [int(x) for x in rng.integers(1, 2**31 - 1, size=len(particles))]
    simulator = Simulator(years, warmup_years)
    if workers <= 1:
        results = list(map(simulator.run, particles, seeds))
    else:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(simulator.run, particles, seeds))
    rows = []
    for particle, stats in zip(particles, results, strict=True):
        devs = {f"dev:{name}": deviation(name, stats[name]) for name in TARGETS}
        rows.append(point(particle) | stats | devs | {"distance": distance(stats)})
    return pd.DataFrame(rows)


def prior_predictive(
    draws: int,
    years: float,
    workers: int = 2,
    seed: int = 1,
    warmup_years: float | None = None,
) -> pd.DataFrame:
    """``draws`` parameter sets from the prior, each run once (:func:`predictive`): which
    targets reject prior draws, and how often (:func:`rejections`). Reproducible from
    ``seed``."""
    rng = np.random.default_rng(seed)
    bounds = priors()
    particles = [
        {key(n): float(rng.uniform(lo, hi)) for n, (lo, hi) in bounds.items()} for _ in range(draws)
    ]
    return predictive(particles, years, workers, rng, warmup_years)


def posterior_predictive(
    posterior: pd.DataFrame,
    draws: int,
    years: float,
    workers: int = 2,
    seed: int = 1,
    warmup_years: float | None = None,
) -> pd.DataFrame:
    """``draws`` particles resampled from ``posterior`` by weight, each run once on a new seed
    (:func:`predictive`): how often the posterior meets each target at seeds it was not
    accepted on (:func:`rejections` gives the shares outside). Reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    particles = [
        {key(n): float(posterior[n].iloc[i]) for n in PARAMETERS}
        for i in resample(posterior, draws, rng)
    ]
    return predictive(particles, years, workers, rng, warmup_years)


def rejections(predictive: pd.DataFrame) -> pd.DataFrame:
    """For each target, the share of the draws of a :func:`predictive` run outside its band,
    and the share outside it alone (every other statistic inside its band)."""
    outside = predictive[[f"dev:{name}" for name in TARGETS]].to_numpy() > 0
    alone = outside & (outside.sum(axis=1, keepdims=True) == 1)
    return pd.DataFrame(
        {
            "figure": [TARGETS[name].figure for name in TARGETS],
            "band": [TARGETS[name].written for name in TARGETS],
            "outside": outside.mean(axis=0),
            "outside_alone": alone.mean(axis=0),
        }
    )


def summarise(posterior: pd.DataFrame) -> pd.DataFrame:
    """Each parameter's weighted mean and 5-95% interval beside its uniform prior, and how far
    the fit moved it from the prior: ``sd_ratio``, the posterior's standard deviation over the
    prior's (1: no narrower); ``shift``, the posterior mean's distance from the prior's middle
    in prior standard deviations; and ``ks_p``, the p-value of a Kolmogorov-Smirnov test of
    the particles against the uniform prior (only when the particles weigh the same, as after
    one generation; integers, whose prior is rounded, get none). Sorted, least like the prior
    first."""
    from scipy import stats

    w = posterior["weight"].to_numpy() / posterior["weight"].sum()
    equal = bool(np.allclose(w, w[0]))
    rows = []
    for name, (lo, hi) in priors().items():
        x = posterior[name].to_numpy()
        order = np.argsort(x)
        cdf = np.cumsum(w[order])
        q5, q95 = (x[order][min(len(x) - 1, np.searchsorted(cdf, q))] for q in (0.05, 0.95))
        mean = float(x @ w)
        prior_sd = (hi - lo) / math.sqrt(12)
        sd = math.sqrt(max(0.0, float(np.square(x - mean) @ w)))
        shift = (mean - (lo + hi) / 2) / prior_sd
        ks_p = (
            float(stats.kstest(x, "uniform", args=(lo, hi - lo)).pvalue)
            if equal and name not in INTEGERS
            else math.nan
        )
        rows.append((name, mean, q5, q95, lo, hi, sd / prior_sd, shift, ks_p))
    columns = [
        "parameter", "mean", "q05", "q95", "prior_low", "prior_high", "sd_ratio", "shift", "ks_p",
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["ks_p", "sd_ratio"], kind="stable").reset_index(drop=True)


def constrained(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of :func:`summarise` whose posterior differs from the prior: standard deviation
    under :data:`NARROWED` of the prior's, or a Kolmogorov-Smirnov p-value under 0.01 divided
    by the number of parameters tested (Bonferroni)."""
    tested = max(1, int(table["ks_p"].notna().sum()))
    return table[(table["sd_ratio"] < NARROWED) | (table["ks_p"] < 0.01 / tested)]


def within_bands(statistics_: pd.DataFrame) -> pd.DataFrame:
    """For each target, the weighted share of particles whose statistic lies in its band, and
    the weighted mean statistic (a posterior predictive check at the particles' own seeds)."""
    w = statistics_["weight"].to_numpy() / statistics_["weight"].sum()
    rows = []
    for name, t in TARGETS.items():
        x = statistics_[name].to_numpy(dtype=float)
        inside = (x >= t.low) & (x <= t.high)
        rows.append((t.figure, t.written, float(np.nansum(x * w)), float(inside @ w)))
    return pd.DataFrame(rows, columns=["figure", "target", "mean", "share_within"])


def write_posterior(result: Fit, path: Path, label: str) -> None:
    """The posterior as CSV, its first lines ``#`` comments saying what it is."""
    s = result.settings
    accepted, sampled = result.populations[["particles", "samples"]].sum()
    head = [
        f"# {label}",
        f"# smugglesim.experiments.abc: population {s['population']}, "
        f"{len(result.populations)} generations, run.years {s['years']:g}, "
        f"run.warmup_years {s['warmup_years'] if s['warmup_years'] is not None else 'default'}, "
        f"engine {s['engine']}, {s['workers']} workers, seed {s['seed']}, "
        f"min acceptance {s['min_acceptance']:g}",
        f"# simulations {result.simulations} ({result.simulations - sampled} of them pyabc's "
        f"calibration sample for the first epsilon), accepted {accepted} of {sampled} "
        f"({accepted / max(1, sampled):.0%}), wall {result.wall_s:.0f} s, "
        f"final epsilon {result.populations['epsilon'].iloc[-1]:.3g}, "
        f"effective sample size {effective_sample_size(result.posterior):.1f}",
        "# priors uniform: "
        + "; ".join(f"{n} [{lo:g}, {hi:g}]" for n, (lo, hi) in priors().items()),
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        f.write("\n".join(head) + "\n")
        result.posterior.to_csv(f, index=False, float_format="%.6g")


def statistics_path(posterior: Path) -> Path:
    """Where the statistics of a posterior's particles are kept, beside it."""
    return posterior.with_name(f"{posterior.stem}_statistics.csv")


def posterior_markdown(posterior: pd.DataFrame) -> str:
    """The parameters the fit moved from their prior (:func:`constrained`), as a table."""
    table = summarise(posterior)
    moved = constrained(table)
    lines = [
        f"The {len(moved)} of {len(table)} parameters whose posterior differs from the prior "
        f"(standard deviation under {NARROWED:.0%} of the prior's, or a Kolmogorov-Smirnov test "
        "against it significant at 1% after Bonferroni); the others keep about their prior "
        "(every one is in the posterior CSV):",
        "",
        "| parameter | posterior mean | 5–95% | prior | sd / prior sd | shift (prior sd) | KS p |",
        "|---|---|---|---|---|---|---|",
    ]
    for _, r in moved.iterrows():
        lines.append(
            f"| {r['parameter']} | {r['mean']:.4g} | {r['q05']:.4g} – {r['q95']:.4g} | "
            f"U({r['prior_low']:.4g}, {r['prior_high']:.4g}) | {r['sd_ratio']:.2f} | "
            f"{r['shift']:+.2f} | {r['ks_p']:.2g} |"
        )
    return "\n".join(lines)


def to_markdown(result: Fit) -> str:
    pops = result.populations
    lines = [
        f"{result.simulations} simulations ({result.simulations - pops['samples'].sum()} in "
        f"pyabc's calibration sample) in {result.wall_s:.0f} s on {result.settings['workers']} "
        f"workers: {result.wall_s / max(1, result.simulations):.2f} s of wall time per "
        f"simulation; {len(pops)} generations.",
        "",
        "| generation | epsilon | simulations | accepted | acceptance |",
        "|---|---|---|---|---|",
    ]
    for _, p in pops.iterrows():
        rate = p["particles"] / max(1, p["samples"])
        lines.append(
            f"| {int(p['t'])} | {p['epsilon']:.3g} | {int(p['samples'])} | "
            f"{int(p['particles'])} | {rate:.0%} |"
        )
    ess = effective_sample_size(result.posterior)
    lines += [
        "",
        f"Last generation: {len(result.posterior)} particles, effective sample size {ess:.1f}.",
        "",
        posterior_markdown(result.posterior),
    ]
    if not result.statistics.empty:
        lines += [
            "",
            "The last generation's statistics (each particle at its own seed):",
            "",
            "| target | band | posterior mean | share within the band |",
            "|---|---|---|---|",
        ]
        for _, r in within_bands(result.statistics).iterrows():
            lines.append(
                f"| {r['figure']} | {r['target']} | {r['mean']:,.4g} | {r['share_within']:.0%} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="population 12, runs of 1 reported year after a warm-up of 1 (2 generations "
        "with --epsilon adaptive): a smoke test, not a fit",
    )
    parser.add_argument(
        "--population", type=int, default=500, help="particles kept (the posterior's size)"
    )
    parser.add_argument(
        "--generations", type=int, default=8, help="at most this many (--epsilon adaptive only)"
    )
    parser.add_argument("--years", type=float, default=3.0, help="run.years of each simulation")
    parser.add_argument("--warmup-years", type=float, default=None)
    parser.add_argument(
        "--max-simulations",
        type=int,
        default=3000,
        help="stop after the generation in which this many simulations have run",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--engine",
        choices=("process", "dask"),
        default="process",
        help="process: pyabc's multicore sampler on --workers processes (1: in this process); "
        "dask: the project's Dask engine (a local cluster of --workers, or --scheduler) "
        "through pyabc's Dask sampler",
    )
    parser.add_argument(
        "--scheduler", default=None, help="address of a running Dask scheduler (engine dask)"
    )
    parser.add_argument(
        "--seed", type=int, default=1, help="seeds the main process only (see above)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"posterior CSV (default with --quick: {QUICK_POSTERIOR.name})",
    )
    parser.add_argument("--db", type=Path, default=None, help="keep pyabc's SQLite history here")
    parser.add_argument(
        "--min-acceptance",
        type=float,
        default=0.1,
        help="stop when a generation's acceptance would fall below this "
        "(bounds its simulations to population / this)",
    )
    parser.add_argument(
        "--epsilon",
        default="0",
        help="a threshold: one generation accepting the prior draws whose distance is at most "
        "it (rejection ABC; 0: every statistic inside its band); or 'adaptive': pyabc's "
        "generations with the median epsilon (default: 0)",
    )
    parser.add_argument(
        "--min-epsilon",
        type=float,
        default=0.0,
        help="stop after the generation whose epsilon is at most this "
        "(0: every statistic of every particle inside its band)",
    )
    parser.add_argument(
        "--max-hours",
        type=float,
        default=2.5,
        help="stop after the generation that ends past this many hours",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.population, args.generations, args.years = 12, 2, 1.0
        args.out = args.out or QUICK_POSTERIOR
    if args.scheduler and args.engine != "dask":
        parser.error("--scheduler needs --engine dask")
    try:
        import pyabc  # noqa: F401
    except ImportError:
        parser.error("pyabc is not installed: pip install 'smugglesim[calibrate]'")
    result = fit(
        args.population,
        args.generations,
        args.years,
        args.warmup_years,
        args.workers,
        args.max_simulations,
        args.seed,
        args.db,
        args.min_acceptance,
        args.min_epsilon,
        args.max_hours,
        None if args.epsilon == "adaptive" else float(args.epsilon),
        args.engine,
        args.scheduler,
    )
    print(to_markdown(result))
    if args.out:
        label = (
            "QUICK posterior (smoke test of the method): NOT a calibration, do not quote"
            if args.quick
            else "posterior of smugglesim.experiments.abc"
        )
        write_posterior(result, args.out, label)
        stats_path = statistics_path(args.out)
        result.statistics.to_csv(stats_path, index=False, float_format="%.6g")
        print(f"\nposterior written to {args.out}, its particles' statistics to {stats_path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
