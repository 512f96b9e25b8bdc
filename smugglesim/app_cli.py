"""``smugglesim app``: start the interactive page (``smugglesim.app``) with ``solara run``.

Bound to localhost by default: the page runs arbitrary model settings and is not meant to
be exposed on a network. Needs the ``app`` extra (solara and Mesa's visualisation).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys

from smugglesim import options
from smugglesim.commands import command

# By module name, so that solara imports it as part of the installed package.
APP = "smugglesim.app"


def _app_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="localhost", help="interface to bind (default localhost)")
    p.add_argument(
        "--port", type=options.port, default=8765, help="port (default 8765; 0: any free port)"
    )
    p.add_argument("--no-open", action="store_true", help="do not open a browser")


def solara_command(args: argparse.Namespace) -> list[str]:
    """The ``solara run`` command line for these arguments."""
    cmd = [sys.executable, "-m", "solara", "run", APP, "--host", args.host]
    cmd += ["--port", str(args.port), "--production"]
    if args.no_open:
        cmd.append("--no-open")
    return cmd


@command("app", "start the interactive page (Mesa SolaraViz) on localhost", _app_args)
def _app(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("solara") is None:
        print(
            "error: the app needs solara: pip install 'smugglesim[app]'",
            file=sys.stderr,
        )
        return 2
    cmd = solara_command(args)
    if os.name == "posix":
        # The server takes this process's place, so that a signal that stops
        # `smugglesim app` (Ctrl-C, a supervisor's SIGTERM) stops the server too.
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(cmd[0], cmd)
    try:
        return subprocess.call(cmd)
    except KeyboardInterrupt:
        return 0
