"""Calibration by inference: ABC-SMC (pyabc) of a few ASSUMPTION parameters (issue 12, item 3).

    python -m smugglesim.experiments.abc --quick     # ~80 simulations, about 70 s on 2 cores
    python -m smugglesim.experiments.abc --out posterior.csv   # the full fit: population 150,
        # at most 8 generations and 3,000 + 150 / 0.1 = 4,500 five-year simulations,
        # at most about 3 h on 2 cores (docs/calibration.md, "Calibration by inference")

A first slice, not the whole of item 3. It fits :data:`PARAMETERS`, six of the parameters whose
description says ``ASSUMPTION`` and that drive the targets of kind ``fitted`` in
:mod:`smugglesim.experiments.calibration`; every other parameter stays at its default (the
origins' departures and the legs' detection and death risks, which the hand calibration set,
are not ASSUMPTION-tagged schema fields and are not fitted here). Priors are uniform over the
ranges :func:`smugglesim.experiments.sensitivity.assumption_params` gives (default ± 50%
within the schema's bounds). The summary statistics are the fitted targets (:data:`TARGETS`),
one run each (a seed drawn per simulation, so the posterior also carries the seed noise), and
the distance is the root mean square of each statistic's deviation from its target divided
by that target's own tolerance (:data:`TARGETS`' ``scale``): 1 means "on average at the edge
of the band docs/calibration.md accepts". A fixed scale, not pyabc's adaptive one, so that a
distance means the same in every generation and in every fit.

Simulations run through pyabc's ``MulticoreEvalParallelSampler`` with ``--workers``
processes, not through the project's engines (:mod:`smugglesim.experiments.engines`): pyabc
asks for one particle at a time and accepts or rejects it as it comes back, which a
``Worker`` run by ``imap_unordered`` could serve only through a pyabc sampler of our own
(pyabc's ``Sampler`` interface, ``sample_until_n_accepted``) or pyabc's own ``DaskDistributedSampler``
on the Dask engine's client. pyabc is an optional extra (``pip install 'smugglesim[calibrate]'``)
and is imported only inside :func:`prior`, :func:`fit` and the command.

Not reproducible with more than one worker: pyabc's multicore sampler reseeds each worker
from the operating system (``np.random.seed()``), so ``--seed`` fixes only the draws of the
main process; two ``--quick`` runs with the same seed gave different posteriors. With
``--workers 1`` (pyabc's single-core sampler) the seed fixes every draw (tests/test_abc.py).
"""

from __future__ import annotations

import argparse
import math
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smugglesim.experiments.calibration import BASELINE, central_med_deaths_per_attempt
from smugglesim.experiments.sensitivity import assumption_params
from smugglesim.experiments.specs import apply_point
from smugglesim.model.model import SmugglingModel, default_routes
from smugglesim.model.scenario import Scenario, load_scenario

DATA = Path(__file__).resolve().parent / "data"
QUICK_POSTERIOR = DATA / "posterior_quick.csv"
POSTERIOR = DATA / "posterior.csv"

PARAMETERS = {
    "finance.cash_seizure_share": "frozen share and confiscation ratio (hand-fitted to them)",
    "smugglers.asset_drawdown_share_week": "the stock of assets there is to freeze",
    "enforcement.action_day_arrest_prob": "members arrested (set from the EMSC's arrests a day)",
    "enforcement.action_day_control_catch_prob": "members arrested (transporters caught)",
    "smugglers.arrest_pressure": "pressure on OCGs: riskier crossings (deaths) and fees",
    "demand.departure_elasticity": "departures, hence detections per route, against fees",
}
"""The parameters fitted, by dotted name, with the fitted target each chiefly drives."""


def _routes() -> dict[str, dict[str, Any]]:
    return default_routes().routes


def _targets() -> dict[str, tuple[float, float]]:
    """Statistic -> (target, scale): the scale is the half-width of the band the hand
    calibration accepts (docs/calibration.md), so a deviation of one scale is at its edge."""
    targets: dict[str, tuple[float, float]] = {}
    for route, info in _routes().items():
        goal = float(info["detections_2018"])
        targets[f"detections_per_year_{route}"] = (goal, 0.3 * goal)  # Frontex 2018 ±30%
    for route, info in _routes().items():
        lo, hi = (float(v) for v in info["fee_range_eur"])
        targets[f"mean_fee_eur_{route}"] = ((lo + hi) / 2, (hi - lo) / 2)  # UNODC ranges
    targets |= {
        # Europol 2016: 1.1% confiscated (accepted 0.5-2%); 2.2% frozen (accepted 1-4%).
        "confiscation_ratio": (0.011, 0.0075),
        "frozen_share": (0.022, 0.015),
        # IOM 2016-2018: 1-3% per attempted crossing of the Central Mediterranean.
        "central_med_deaths_per_attempt": (0.02, 0.01),
        # EMSC 2018: over 600 arrests on the 53 action days; the band is an order of magnitude
        # (10^2-10^3), so the scale is wide: this statistic weighs little.
        "members_arrested_per_year": (600.0, 300.0),
    }
    return targets


TARGETS = _targets()
"""Summary statistic -> (target, scale): the calibration targets of kind ``fitted``."""


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


def key(name: str) -> str:
    """pyabc's name for a dotted parameter (its names are plain identifiers)."""
    return name.replace(".", "__")


def statistics(model: SmugglingModel) -> dict[str, float]:
    """The summary statistics (:data:`TARGETS`' keys) of one finished run."""
    s = model.summary()
    years = s["weeks"] / 52  # the reported weeks, after the warm-up
    stats = {}
    for route in _routes():
        stats[f"detections_per_year_{route}"] = s["detections_by_route"][route] / years
    for route in _routes():
        stats[f"mean_fee_eur_{route}"] = s["mean_fee_eur_by_route"][route]
    stats |= {
        "confiscation_ratio": s["confiscation_ratio"],
        "frozen_share": s["frozen_share"],
        "central_med_deaths_per_attempt": central_med_deaths_per_attempt(model, s),
        "members_arrested_per_year": s["members_arrested"] / years,
    }
    return {k: float(v) for k, v in stats.items()}


def distance(x: dict[str, float], x0: dict[str, float]) -> float:
    """Root mean square of the deviations, each over its target's scale; a statistic that is
    not a number (a route with no fee paid) counts as 10 scales off."""
    devs = []
    for name, (_, scale) in TARGETS.items():
        d = (x[name] - x0[name]) / scale
        devs.append(d if math.isfinite(d) else 10.0)
    return float(np.sqrt(np.mean(np.square(devs))))


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
        return apply_point(base, {n: float(particle[key(n)]) for n in PARAMETERS}, "abc")

    def __call__(self, particle: dict[str, float]) -> dict[str, float]:
        # pyabc reseeds numpy's global generator in each worker; the seed is drawn from it.
        seed = int(np.random.randint(1, 2**31 - 1))
        return statistics(SmugglingModel(self.scenario(particle), rng=seed).run())


@dataclass
class Fit:
    posterior: pd.DataFrame  # one row per particle: the dotted parameters and "weight"
    populations: pd.DataFrame  # pyabc's: t, epsilon, samples, particles
    simulations: int
    wall_s: float
    settings: dict[str, Any]


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
) -> Fit:
    """Run ABC-SMC; ``db`` keeps pyabc's SQLite history (default: a temporary file).

    pyabc checks ``max_simulations`` only between generations, so the last generation may
    overshoot it; ``min_acceptance`` bounds a generation's simulations to population /
    min_acceptance (a generation that reaches it is dropped and the fit stops). At most
    ``max_simulations + population / min_acceptance`` simulations in all."""
    import pyabc

    np.random.seed(seed)  # the prior draws in this process (the workers reseed themselves)
    sampler = (
        pyabc.sampler.SingleCoreSampler()
        if workers <= 1
        else pyabc.sampler.MulticoreEvalParallelSampler(n_procs=workers)
    )
    abc = pyabc.ABCSMC(
        Simulator(years, warmup_years),
        prior(),
        distance,
        population_size=population,
        sampler=sampler,
    )
    observed = {name: target for name, (target, _) in TARGETS.items()}
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="smugglesim-abc-") as tmp:
        path = db or Path(tmp) / "abc.db"
        abc.new(f"sqlite:///{path}", observed)
        stop: dict[str, Any] = {"min_acceptance_rate": min_acceptance}
        if max_simulations:
            stop["max_total_nr_simulations"] = max_simulations
        history = abc.run(max_nr_populations=generations, **stop)
        params, weights = history.get_distribution(m=0, t=history.max_t)
        pops = history.get_all_populations()
        simulations = int(history.total_nr_simulations)
    posterior = params.rename(columns={key(n): n for n in PARAMETERS})[list(PARAMETERS)]
    posterior = posterior.reset_index(drop=True).assign(weight=np.asarray(weights))
    pops = pops[pops["t"] >= 0].reset_index(drop=True)
    settings = {
        "population": population,
        "generations": generations,
        "years": years,
        "warmup_years": warmup_years,
        "workers": workers,
        "seed": seed,
        "min_acceptance": min_acceptance,
    }
    return Fit(posterior, pops, simulations, time.perf_counter() - start, settings)


def effective_sample_size(posterior: pd.DataFrame) -> float:
    """Kish's effective sample size of the weighted particles, (Σw)² / Σw²."""
    w = posterior["weight"].to_numpy()
    return float(w.sum() ** 2 / np.square(w).sum())


def summarise(posterior: pd.DataFrame) -> pd.DataFrame:
    """Weighted mean and 5-95% interval of each parameter, beside its prior."""
    w = posterior["weight"].to_numpy() / posterior["weight"].sum()
    rows = []
    for name, (lo, hi) in priors().items():
        x = posterior[name].to_numpy()
        order = np.argsort(x)
        cdf = np.cumsum(w[order])
        q5, q95 = (x[order][np.searchsorted(cdf, q)] for q in (0.05, 0.95))
        rows.append((name, float(x @ w), q5, q95, lo, hi))
    return pd.DataFrame(
        rows, columns=["parameter", "mean", "q05", "q95", "prior_low", "prior_high"]
    )


def write_posterior(result: Fit, path: Path, label: str) -> None:
    """The posterior as CSV, its first lines ``#`` comments saying what it is."""
    s = result.settings
    accepted, sampled = result.populations[["particles", "samples"]].sum()
    head = [
        f"# {label}",
        f"# smugglesim.experiments.abc: population {s['population']}, "
        f"{len(result.populations)} generations, run.years {s['years']:g}, "
        f"run.warmup_years {s['warmup_years'] if s['warmup_years'] is not None else 'default'}, "
        f"{s['workers']} workers, seed {s['seed']}, min acceptance {s['min_acceptance']:g}",
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


def read_posterior(path: Path = QUICK_POSTERIOR) -> pd.DataFrame:
    """A posterior written by :func:`write_posterior` (parameters and ``weight``)."""
    return pd.read_csv(path, comment="#")


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
        "| parameter | posterior mean | 5–95% | prior |",
        "|---|---|---|---|",
    ]
    for _, r in summarise(result.posterior).iterrows():
        lines.append(
            f"| {r['parameter']} | {r['mean']:.4g} | {r['q05']:.4g} – {r['q95']:.4g} | "
            f"U({r['prior_low']:.4g}, {r['prior_high']:.4g}) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="population 12, 2 generations, "
        "1 reported year after a warm-up of 1: a smoke test, not a fit",
    )
    parser.add_argument("--population", type=int, default=150)
    parser.add_argument("--generations", type=int, default=8)
    parser.add_argument("--years", type=float, default=5.0, help="run.years of each simulation")
    parser.add_argument("--warmup-years", type=float, default=None)
    parser.add_argument(
        "--max-simulations",
        type=int,
        default=3000,
        help="stop after the generation in which this many simulations have run",
    )
    parser.add_argument("--workers", type=int, default=2)
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
    args = parser.parse_args(argv)
    if args.quick:
        args.population, args.generations, args.years = 12, 2, 1.0
        args.out = args.out or QUICK_POSTERIOR
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
    )
    print(to_markdown(result))
    if args.out:
        label = (
            "QUICK posterior (smoke test of the method): NOT a calibration, do not quote"
            if args.quick
            else "posterior of smugglesim.experiments.abc"
        )
        write_posterior(result, args.out, label)
        print(f"\nposterior written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
