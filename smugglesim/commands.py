"""The registry of ``smugglesim`` subcommands.

A module of the interface layer registers a subcommand with
``@command("name", "help", add_arguments)`` on its handler; :mod:`smugglesim.cli` imports
every such module, in the order the help lists them, and builds the parser from
``COMMANDS``.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from pathlib import Path

REPORT_FORMATS = ("text", "md", "csv")
"""``smugglesim.experiments.tables.FORMATS``, written out so that building the parser imports
nothing heavy (a test keeps the two equal)."""
Handler = Callable[[argparse.Namespace], int]
COMMANDS: dict[str, tuple[str, Callable[[argparse.ArgumentParser], None], Handler]] = {}


def command(name: str, help_: str, add_arguments: Callable[[argparse.ArgumentParser], None]):
    """Register a subcommand: ``@command("run", "...", add_args) def handler(args): ...``."""

    def wrap(handler: Handler) -> Handler:
        COMMANDS[name] = (help_, add_arguments, handler)
        return handler

    return wrap


def report_options(p: argparse.ArgumentParser) -> None:
    """``--format`` and ``--explain``, for the subcommands that print a table."""
    p.add_argument(
        "--format",
        choices=REPORT_FORMATS,
        default="text",
        help="the table as aligned text (default), markdown, or CSV (numbers unformatted)",
    )
    p.add_argument(
        "--explain", action="store_true", help="add the definitions of the outputs shown"
    )


def scenario_path(text: str) -> Path:
    """An argparse ``type``: a scenario file, or the bare name of a shipped one (``baseline``)."""
    from smugglesim.model.shipped import resolve

    return resolve(text)


def user_errors(handler: Handler) -> Handler:
    """Bad arguments (ValueError, RuntimeError) end in one line and exit status 2;
    scenario errors go on to ``smugglesim.cli.main``, which words them the same way."""

    @functools.wraps(handler)
    def wrapped(args: argparse.Namespace) -> int:
        from smugglesim.experiments.batch import BatchCancelled, BatchInterruptedError
        from smugglesim.model.scenario import ScenarioError

        try:
            return handler(args)
        except (BatchInterruptedError, BatchCancelled) as exc:  # the manifest says so too
            print(f"error: {exc}", file=sys.stderr)
            return exc.exit_status
        except ScenarioError:
            raise
        except (ValueError, RuntimeError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

    return wrapped
