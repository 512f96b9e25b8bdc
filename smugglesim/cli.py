"""The ``smugglesim`` command line.

Each subcommand lives in a module of this package and registers itself with
:func:`smugglesim.commands.command`; they are imported here, in the order the help lists
them. Those modules import the model and the experiment layer inside their handlers, so
that ``smugglesim --help`` and ``--version`` answer at once. Bad input ends with one line per
error on stderr, naming the file and the key (or the option), and exit status 2, before any
work starts.
"""

from __future__ import annotations

import argparse
import contextlib
import difflib
import os
import sys

# Imported for their subcommands, in the order of the help.
from smugglesim import run_cli, batch_cli, dose_cli, measures_cli, app_cli  # noqa: F401  # isort: skip
from smugglesim.commands import COMMANDS
from smugglesim.options import UsageError


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block), for :func:`main`."""

    def error(self, message: str):  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message} (see {self.prog} --help)")


class _Version(argparse.Action):
    """``--version``: computed only when asked for (it may run git)."""

    def __init__(self, option_strings: list[str], dest: str, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, help="print the version and exit")

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        print(version_text())
        parser.exit()


def version_text() -> str:
    """``smugglesim 0.1.0``, with the commit when run from a git checkout."""
    from smugglesim.model.provenance import git_commit, version

    text = f"smugglesim {version()}"
    git = git_commit()
    if git is not None:
        dirty = (
            " with uncommitted changes to smugglesim/model/ or scenarios/"
            if git["model_dirty"]
            else ""
        )
        text += f" (git {git['commit'][:12]}{dirty})"
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="smugglesim",
        description="Agent-based model of migrant-smuggling networks and the measures of EU Council document 15250/18.",
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_, add_arguments, handler) in COMMANDS.items():
        # argparse %-formats a help string (a description only where it has %(prog))
        escaped = help_.replace("%", "%%")
        p = sub.add_parser(name, help=escaped, description=help_)
        add_arguments(p)
        p.set_defaults(handler=handler)
    return parser


def _unrecognised(parser: argparse.ArgumentParser, command: str, extras: list[str]) -> str:
    """The line for arguments no option takes, with the closest option of the command."""
    sub = next(
        a.choices[command] for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    )
    known = [s for a in sub._actions for s in a.option_strings if s.startswith("--")]
    words = []
    for extra in extras:
        close = difflib.get_close_matches(extra.partition("=")[0], known, n=1)
        words.append(f"{extra} (did you mean {close[0]}?)" if close else extra)
    return f"{sub.prog}: unrecognised arguments: {' '.join(words)} (see {sub.prog} --help)"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args, extras = parser.parse_known_args(argv)
        if extras:
            raise UsageError(_unrecognised(parser, args.command, extras))
        # Without the option, SMUGGLESIM_ALLOW_EXTENDS_ANYWHERE decides.
        context = contextlib.nullcontext()
        if getattr(args, "allow_extends_anywhere", False):
            from smugglesim.model.scenario import extends_anywhere

            context = extends_anywhere()
        with context:
            return args.handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader closed the pipe (`smugglesim measures | head`): stop quietly, as Unix tools
        # do, and keep Python from complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, what a shell reports for a tool the pipe stopped
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        from smugglesim.model.scenario import ScenarioError

        if not isinstance(exc, ScenarioError):
            raise
        for line in exc.errors:
            print(f"error: {line}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
