"""``smugglesim dose-response``: a measure's or package's effects against its yearly budget,
or every measure and package at one budget; the short form of ``smugglesim compare
--dose-response TARGET`` and ``smugglesim compare --equal-budget EUR``.

Registered in the CLI by :func:`smugglesim.commands.command`. The options of the two modes
(:func:`budget_options`), the check that a command is given one mode (:func:`one_mode`)
and the handler (:func:`run`) are shared with ``compare`` (:mod:`smugglesim.batch_cli`);
the work is :mod:`smugglesim.experiments.dose_response`, imported only when a command runs.
"""

from __future__ import annotations

import argparse
import math

from smugglesim import options
from smugglesim.commands import command, report_options, user_errors

SEEDS = 4
"""Paired seeds when none are asked for."""
YEARS = 2.0
"""Years a run when none are asked for."""


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


def budget_options(p: argparse.ArgumentParser) -> None:
    """``--levels`` and ``--equal-budget``, for ``dose-response`` and ``compare``."""
    p.add_argument(
        "--levels",
        type=_budgets,
        metavar="EUR,EUR,...",
        help="yearly budgets of a dose-response (default: five, from a quarter to four times "
        "the default cost, within what the measures can spend)",
    )
    p.add_argument(
        "--equal-budget",
        type=_budget,
        metavar="EUR",
        help="every measure and package at this yearly budget (e.g. 5e6), one row each",
    )


def one_mode(command_: str, modes: dict[str, object]) -> str:
    """The one of ``modes`` (what the user says, by what it is given as) that was given;
    none or several end in one line naming them."""
    given = [name for name, value in modes.items() if value]
    if len(given) == 1:
        return given[0]
    *others, last = modes
    choices = f"{', '.join(others)} or {last}"
    if not given:
        raise options.UsageError(f"smugglesim {command_}: give {choices}")
    raise options.UsageError(
        f"smugglesim {command_}: {' and '.join(given)} together: give only one of {choices}"
    )


def _args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "target",
        nargs="?",
        help="a measure's key (emsc_capacity, ...) or a package: a shipped scenario's name "
        "or a file with measures on",
    )
    budget_options(p)
    p.add_argument(
        "--seeds",
        "--replications",
        "-n",
        type=options.count(2),
        default=SEEDS,
        help=f"paired seeds (default {SEEDS})",
    )
    p.add_argument(
        "--years", type=options.years, default=YEARS, help=f"years a run (default {YEARS:g})"
    )
    p.add_argument(
        "-j", "--workers", type=options.workers, default=1, help="worker processes (default 1)"
    )
    p.add_argument(
        "--seed", type=options.seed, default=0, help="root seed of the paired seeds (default 0)"
    )
    p.add_argument(
        "--out", type=options.output_folder, help="write the table (CSV) and the plot (PNG) here"
    )
    report_options(p)
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


@command(
    "dose-response",
    "effects against yearly budget (paired seeds, 95% intervals), or all at one budget; "
    "the same as compare --dose-response TARGET or compare --equal-budget EUR",
    _args,
)
def _dose_response(args: argparse.Namespace) -> int:
    one_mode(
        "dose-response",
        {"a measure or package": args.target, "--equal-budget EUR": args.equal_budget},
    )
    return run(args)


@user_errors
def run(args: argparse.Namespace) -> int:
    """Run a dose-response of ``args.target`` or every measure and package at
    ``args.equal_budget`` and print the table: the work of ``dose-response`` and of
    ``compare``'s two modes (:func:`smugglesim.experiments.dose_response.run_command`)."""
    if args.levels and args.target is None:
        raise options.UsageError("--levels: only with a measure or package, not --equal-budget")
    from smugglesim.experiments.dose_response import run_command

    return run_command(args)
