"""Start ``smugglesim app`` on a free localhost port for the app's tests."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path


@contextlib.contextmanager
def serving_app(timeout_s: float = 60.0) -> Iterator[str]:
    """Run the app as the console script does; yield its URL once it answers."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "smugglesim.cli", "app", "--port", str(port), "--no-open"],
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    urllib.request.urlopen(url, timeout=5).close()
                    break
                except OSError:
                    if proc.poll() is not None:
                        log.seek(0)
                        raise AssertionError(
                            f"the app exited at start:\n{log.read().decode()}"
                        ) from None
                    assert time.monotonic() < deadline, (
                        f"the app did not start within {timeout_s:g} s"
                    )
                    time.sleep(0.5)
            yield url
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
