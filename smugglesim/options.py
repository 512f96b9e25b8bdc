"""Checks of the ``smugglesim`` command's options, each naming the option it refuses.

The argparse ``type`` functions here turn an option's text into its value or refuse it
(``argparse.ArgumentTypeError``), so that argparse reports ``argument --seed: ...``; the
parser of :mod:`smugglesim.cli` prints that on one line and exits with status 2, before any
work starts. :func:`cap_workers` and :func:`override_sources` serve the commands that run
many replications.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable
from pathlib import Path

SEED_MAX = 2**63 - 1  # seeds are stored as Parquet int64
WORKERS_PER_CPU = 4  # beyond this many workers per CPU a batch only thrashes
REPLICATIONS_MAX = 100_000  # per scenario; the seeds and tasks are built in memory


class UsageError(Exception):
    """A refused option or argument; the message is one line naming it."""


def seed(text: str) -> int:
    """A random seed: a whole number from 0 to 2**63 - 1."""
    value = _int(text)
    if not 0 <= value <= SEED_MAX:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 2**63 - 1, got {text}")
    return value


def count(minimum: int = 1, maximum: int | None = None) -> Callable[[str], int]:
    """A whole number of at least ``minimum`` (and at most ``maximum``)."""

    def parse(text: str) -> int:
        value = _int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {text}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(f"must be at most {maximum:,}, got {text}")
        return value

    parse.__name__ = "count"  # argparse names the type in "invalid count value"
    return parse


def replications(text: str) -> int:
    """Replications per scenario: 1 to :data:`REPLICATIONS_MAX`."""
    return count(1, REPLICATIONS_MAX)(text)


def even_levels(text: str) -> int:
    """Morris grid levels: an even number, at least 2 (SALib's design needs it)."""
    value = count(2)(text)
    if value % 2:
        raise argparse.ArgumentTypeError(f"must be an even number, got {text}")
    return value


def years(text: str) -> float:
    """A horizon in years: a positive, finite number (the schema checks its range)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of years, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of years, got {text}")
    return value


def max_workers() -> int:
    """The most worker processes a command starts: :data:`WORKERS_PER_CPU` per CPU."""
    return WORKERS_PER_CPU * (os.cpu_count() or 1)


def workers(text: str) -> int:
    """Worker processes: 1 to :func:`max_workers`."""
    value = _int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    if value > max_workers():
        raise argparse.ArgumentTypeError(
            f"must be at most {max_workers()} ({WORKERS_PER_CPU} per CPU of this machine, "
            f"which has {os.cpu_count() or 1}), got {text}"
        )
    return value


def cap_workers(requested: int, runs: int) -> int:
    """No more workers than runs: each would only start and wait."""
    return max(1, min(requested, runs))


def port(text: str) -> int:
    """A TCP port: 0 (any free port) to 65535."""
    value = _int(text)
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port from 0 to 65535, got {text}")
    return value


def output_folder(text: str) -> Path:
    """A folder to write into: it may exist (as a folder) or be created; refused when it
    names a file, when a part of it is a file, or when it cannot be written."""
    if (problem := _folder_problem(text)) is not None:
        raise argparse.ArgumentTypeError(problem)
    return Path(text)


def check_output_folder(path: Path, option: str = "--out") -> None:
    """:func:`output_folder` for a folder the command chose itself (a default)."""
    if (problem := _folder_problem(str(path))) is not None:
        raise UsageError(f"{option}: {problem}")


def _folder_problem(text: str) -> str | None:
    if not text.strip():
        return "must name a folder, got an empty string"
    path = Path(text)
    if path.exists() and not path.is_dir():
        return f"{text} exists and is not a folder"
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{text}: {existing} is a file, not a folder"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"{text}: cannot write in {existing}"
    return None


def override_sources(set_items: list[str] | None, years: bool) -> dict[str, str]:
    """What an error in each override names: the option it came from (``--years`` wins
    over ``--set run.years=...``, as it is applied last)."""
    sources = {}
    for item in set_items or []:
        shown = item if item.isprintable() else item.encode("unicode_escape").decode("ascii")
        sources[item.partition("=")[0]] = f"command line (--set {shown})"
    if years:
        sources["run.years"] = "command line (--years)"
    return sources


def add_extends_option(p: argparse.ArgumentParser) -> None:
    """``--allow-extends-anywhere``, for the commands that read scenario files."""
    p.add_argument(
        "--allow-extends-anywhere",
        action="store_true",
        help="let a scenario's extends name files outside its folder and the shipped "
        "scenarios (also: SMUGGLESIM_ALLOW_EXTENDS_ANYWHERE=1)",
    )


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None
