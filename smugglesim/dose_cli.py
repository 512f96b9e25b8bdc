"""``smugglesim dose-response``: a measure's or package's effects against its yearly budget,
or every measure and package at one budget.

Registered in the CLI by :func:`smugglesim.commands.command`; the work is
:mod:`smugglesim.experiments.dose_response`, imported only when the command runs.
"""

from __future__ import annotations

import argparse
import math

from smugglesim import options
from smugglesim.commands import command


def _budget(text: str) -> float:
    """A yearly budget in EUR: a positive, finite number (``5e6`` or ``5000000``)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an amount in EUR, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive amount in EUR, got {text}")
    return value


def _budgets(text: str) -> list[float]:
    """Comma-separated yearly budgets in EUR, at least two, each positive."""
    values = [_budget(part) for part in text.split(",") if part.strip()]
    if len(values) < 2:
        raise argparse.ArgumentTypeError(f"give at least two budgets, got {text!r}")
    return values


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "target",
        nargs="?",
        help="a measure's key (emsc_capacity, ...) or a package: a shipped scenario's name "
        "or a file with measures on",
    )
    p.add_argument(
        "--levels",
        type=_budgets,
        metavar="EUR,EUR,...",
        help="yearly budgets (default: five, from a quarter to four times the default cost, "
        "within what the measures can spend)",
    )
    p.add_argument(
        "--equal-budget",
        type=_budget,
        metavar="EUR",
        help="instead: every measure and package at this yearly budget (e.g. 5e6)",
    )
    p.add_argument("--seeds", type=options.count(2), default=4, help="paired seeds (default 4)")
    p.add_argument("--years", type=options.years, default=2.0, help="years a run (default 2)")
    p.add_argument(
        "-j", "--workers", type=options.workers, default=1, help="worker processes (default 1)"
    )
    p.add_argument(
        "--out", type=options.output_folder, help="write the table (CSV) and the plot (PNG) here"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")


@command(
    "dose-response",
    "effects against yearly budget (paired seeds, 95%% intervals), or all at one budget",
    _args,
)
def _dose_response(args: argparse.Namespace) -> int:
    if (args.target is None) == (args.equal_budget is None):
        raise options.UsageError(
            "smugglesim dose-response: give a measure or package, or --equal-budget EUR"
        )
    from smugglesim.experiments.dose_response import run_command

    return run_command(args)
