"""``smugglesim app``: start the interactive page (``smugglesim.app``) with ``solara run``.

Bound to localhost by default: the page runs arbitrary model settings and is not meant to
be exposed on a network. Needs the ``app`` extra (solara and Mesa's visualisation).

Every browser session has its own model. A closed tab ends its session at once; a session
whose browser went away without closing (a crash, a lost network) ends after
``--session-timeout``: 2 minutes by default. It sets Solara's ``SOLARA_KERNEL_CULL_TIMEOUT``,
whose own default of 24 hours would keep such a model in memory for a day.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import subprocess
import sys

from smugglesim import options
from smugglesim.commands import command

# By module name, so that solara imports it as part of the installed package.
APP = "smugglesim.app"
SESSION_TIMEOUT = "2m"


def session_timeout(text: str) -> str:
    """A duration as Solara reads it: a positive number with s, m, h or d (seconds if none)."""
    if not re.fullmatch(r"\d+(\.\d+)?[smhd]?", text) or float(text.rstrip("smhd")) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration such as 30s, 2m or 1h")
    return text


def _app_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", default="localhost", help="interface to bind (default localhost)")
    p.add_argument(
        "--port", type=options.port, default=8765, help="port (default 8765; 0: any free port)"
    )
    p.add_argument("--no-open", action="store_true", help="do not open a browser")
    p.add_argument(
        "--session-timeout",
        default=None,
        type=session_timeout,
        metavar="TIME",
        help="end a session this long after its browser went away without closing the tab, "
        "releasing its model (default 2m, or SOLARA_KERNEL_CULL_TIMEOUT when set; e.g. 30s, 1h)",
    )


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
    if args.session_timeout is not None or "SOLARA_KERNEL_CULL_TIMEOUT" not in os.environ:
        os.environ["SOLARA_KERNEL_CULL_TIMEOUT"] = args.session_timeout or SESSION_TIMEOUT
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
