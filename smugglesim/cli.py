"""The ``smugglesim`` command line.

Each subcommand lives in a module of this package and registers itself with
:func:`smugglesim.commands.command`; they are imported here, in the order the help lists
them. Bad input ends with one line on stderr naming the file and the key, and exit
status 2.
"""

from __future__ import annotations

import argparse
import sys

# Imported for their subcommands, in the order of the help.
from smugglesim import run_cli, batch_cli, measures_cli, app_cli  # noqa: F401  # isort: skip
from model.scenario import ScenarioError
from smugglesim.commands import COMMANDS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smugglesim",
        description="Agent-based model of migrant-smuggling networks and the measures of EU Council document 15250/18.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_, add_arguments, handler) in COMMANDS.items():
        escaped = help_.replace("%", "%%")  # argparse formats help strings with %
        p = sub.add_parser(name, help=escaped, description=escaped)
        add_arguments(p)
        p.set_defaults(handler=handler)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
