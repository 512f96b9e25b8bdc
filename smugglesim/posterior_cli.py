"""The ``--posterior`` options of ``batch`` and ``compare``: every scenario run at parameter
sets drawn from a posterior (:mod:`smugglesim.experiments.posterior`), as a sweep of explicit
points; ``compare`` then ranks the scenarios over the draws (docs/experiments.md,
"Uncertainty that covers the parameters").
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from smugglesim import options

if TYPE_CHECKING:
    from smugglesim.experiments.specs import Sweep


def add_options(p: argparse.ArgumentParser) -> None:
    """``--posterior``, ``--posterior-draws`` and ``--posterior-seed``."""
    p.add_argument(
        "--posterior",
        metavar="FILE",
        help="instead of a sweep: run every scenario at parameter sets drawn from a posterior "
        "CSV file (weighted particles, as smugglesim.experiments.abc writes them), or a "
        "shipped one by name: posterior (the calibration's) or posterior_quick",
    )
    p.add_argument(
        "--posterior-draws",
        type=options.count(1, 100_000),
        metavar="N",
        help="parameter sets to draw from --posterior (with replacement, by weight)",
    )
    p.add_argument(
        "--posterior-seed",
        type=options.seed,
        help="seed of the posterior draws (default: --seed)",
    )


def sweep(args: argparse.Namespace) -> Sweep | None:
    """``--posterior``: the draws as a sweep of explicit points
    (:func:`smugglesim.experiments.posterior.posterior_sweep`), errors in the file naming
    it; None without the option."""
    from smugglesim.experiments.posterior import posterior_sweep

    if args.posterior is None:
        for option in ("posterior_draws", "posterior_seed"):
            if getattr(args, option) is not None:
                raise options.UsageError(f"--{option.replace('_', '-')}: needs --posterior")
        return None
    if getattr(args, "sweep_param", None):
        raise options.UsageError("--sweep-param: not with --posterior, whose draws are the sweep")
    if args.posterior_draws is None:
        raise options.UsageError("--posterior-draws: give how many parameter sets to draw")
    seed = args.seed if args.posterior_seed is None else args.posterior_seed
    sweep = posterior_sweep(args.posterior, args.posterior_draws, seed)
    for item in args.set or []:
        if (key := item.partition("=")[0]) in sweep.params:
            raise options.UsageError(f"--set {key}: the --posterior draws set this parameter")
    return sweep


def drawn_from(origin: dict[str, Any]) -> str:
    """Where a batch's parameter sets came from, and what the posterior says it is."""
    return (
        f"{origin['draws']} parameter sets drawn from {origin['posterior']} (seed "
        f"{origin['seed']}; {origin['particles']} particles, effective sample size "
        f"{origin['effective_sample_size']:g}): {origin['label'] or 'no label'}"
    )
