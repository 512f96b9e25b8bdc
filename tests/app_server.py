"""Start ``smugglesim app`` on a free localhost port for the app's tests and benchmark, and
open it in headless Chromium.

The browser part needs playwright (the Python package; its own browser downloads are not
used) and a Chromium binary: Debian's ``chromium`` package, or the path in
``SMUGGLESIM_CHROMIUM``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

CHROMIUM = os.environ.get("SMUGGLESIM_CHROMIUM") or next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None
)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-extensions",
    "--no-first-run",
]
VIEWPORT = {"width": 1600, "height": 1100}


@dataclass
class Server:
    """A running ``smugglesim app``: its URL and what it wrote to stderr so far."""

    url: str
    _log: IO[bytes]

    def log(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")

    def wait_for_log(self, text: str, timeout_s: float = 30.0) -> str:
        """Wait until the server's log contains ``text``; the log."""
        deadline = time.monotonic() + timeout_s
        while text not in (log := self.log()):
            assert time.monotonic() < deadline, f"the server never logged {text!r}:\n{log}"
            time.sleep(0.2)
        return log


@contextlib.contextmanager
def serving_app(*options: str, timeout_s: float = 60.0) -> Iterator[Server]:
    """Run the app as the console script does (with ``options``); yield it once it answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryFile() as log:
        command = [sys.executable, "-m", "smugglesim.cli", "app", "--port", str(port)]
        proc = subprocess.Popen(
            [*command, "--no-open", *options], stdout=subprocess.DEVNULL, stderr=log
        )
        server = Server(url, log)
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    urllib.request.urlopen(url, timeout=5).close()
                    break
                except OSError:
                    if proc.poll() is not None:
                        raise AssertionError(f"the app exited at start:\n{server.log()}") from None
                    assert time.monotonic() < deadline, (
                        f"the app did not start within {timeout_s:g} s"
                    )
                    time.sleep(0.5)
            yield server
        finally:
            proc.terminate()
            proc.wait(timeout=20)
            assert not _servers_on(port), "stopping `smugglesim app` left its server running"


def _servers_on(port: int) -> list[int]:
    """PIDs of processes (Linux /proc) whose command line runs a server on ``port``."""
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"solara" in b" ".join(args) and str(port).encode() in args:
            found.append(int(entry.name))
    return found


def launch_chromium(playwright: Any):
    """Headless Chromium (the system's), for a playwright ``sync_playwright()`` session."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)


def open_app(browser: Any, url: str) -> Any:
    """A page of the app in a browser context of its own (a session of its own), loaded.

    Raises:
        RuntimeError: Solara's front-end assets could not be served (it proxies them from a
            CDN; offline, the ``solara-assets`` package provides them for ipyvuetify 1.x).
    """
    page = browser.new_context(viewport=VIEWPORT).new_page()
    missing: list[str] = []
    page.on(
        "response",
        lambda r: missing.append(r.url) if r.status == 404 and "/_solara/cdn/" in r.url else None,
    )
    page.goto(url, timeout=60_000)
    try:
        page.get_by_text("Week 0 of").wait_for(timeout=60_000)
    except Exception:
        if any("solara-vuetify" in u for u in missing):
            raise RuntimeError(
                f"Solara's front-end assets could not be served: {missing}"
            ) from None
        raise
    page.wait_for_function("document.querySelectorAll('img').length >= 3", timeout=60_000)
    return page


def run_weeks(page: Any, button: str, until_week: int, timeout_s: float = 120.0) -> float:
    """Press a run button and wait until the page shows ``until_week`` and the run has
    ended (the Pause button disabled again); the seconds it took."""
    began = time.monotonic()
    page.get_by_role("button", name=button).click()
    page.get_by_text(f"Week {until_week} of").wait_for(timeout=timeout_s * 1000)
    page.wait_for_function(
        "[...document.querySelectorAll('button')].some(b => b.innerText.trim() === 'PAUSE' "
        "&& b.disabled)",
        timeout=timeout_s * 1000,
    )
    return time.monotonic() - began
