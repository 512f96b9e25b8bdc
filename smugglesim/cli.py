"""The ``smugglesim`` command line.

Each subcommand lives in a module of this package and registers itself with
:func:`smugglesim.commands.command`; they are imported here, in the order the help lists
them. Those modules import the model and the experiment layer inside their handlers, so
that ``smugglesim --help`` and ``--version`` answer at once. Bad input ends with one line
on stderr naming the file and the key, and exit status 2.
"""

from __future__ import annotations

import argparse
import sys

# Imported for their subcommands, in the order of the help.
from smugglesim import run_cli, batch_cli, measures_cli, app_cli  # noqa: F401  # isort: skip
from smugglesim.commands import COMMANDS


class _Version(argparse.Action):
    """``--version``: computed only when asked for (it may run git)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(version_text())
        parser.exit()


def version_text() -> str:
    """``smugglesim 0.1.0``, with the commit when run from a git checkout."""
    from model.provenance import git_commit, version

    text = f"smugglesim {version()}"
    git = git_commit()
    if git is not None:
        dirty = " with uncommitted changes to model/ or scenarios/" if git["model_dirty"] else ""
        text += f" (git {git['commit'][:12]}{dirty})"
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="smugglesim",
        description="Agent-based model of migrant-smuggling networks and the measures of EU Council document 15250/18.",
    )
    parser.add_argument("--version", action=_Version)
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
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except ValueError as exc:
        from model.scenario import ScenarioError

        if not isinstance(exc, ScenarioError):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
