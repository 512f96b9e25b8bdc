"""Progress of long commands on stderr: a tqdm bar in a terminal, plain lines otherwise.

A batch run from a script or a cluster job (stderr not a terminal) prints a line every few
seconds instead of a bar, so that a log file shows progress without carriage returns.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Count finished units of work (runs) towards a total.

    Args:
        total: Units in all.
        initial: Units already done before this process started (a resumed batch).
        desc: What is counted, the prefix of every line (``"batch"``).
        interval: Seconds between plain lines when the stream is not a terminal.
        stream: Where to write (default: stderr).
        unit: The unit's name in the bar and the lines.
        lines: Print plain lines when the stream is not a terminal (else nothing).
        delay: Seconds before the bar appears (a short job shows none).
    """

    def __init__(
        self,
        total: int,
        initial: int = 0,
        desc: str = "runs",
        interval: float = 5.0,
        stream: TextIO | None = None,
        unit: str = "run",
        lines: bool = True,
        delay: float = 0.0,
    ) -> None:
        self.stream = stream or sys.stderr
        self.total, self.count, self.failed = total, initial, 0
        self.initial, self.interval, self.desc, self.unit = initial, interval, desc, unit
        self.lines = lines
        self.start = self.last = time.monotonic()
        self.bar = None
        if self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                initial=initial,
                desc=desc,
                file=self.stream,
                unit=unit,
                dynamic_ncols=True,
                delay=delay,
            )
        elif initial and lines:
            self.line(f"{initial} of {total} {unit}s already done, resuming")

    def line(self, text: str) -> None:
        """Print one line of its own (through the bar, so that the bar is not broken)."""
        if self.bar is not None:
            self.bar.write(f"{self.desc}: {text}", file=self.stream)
        else:
            print(f"{self.desc}: {text}", file=self.stream, flush=True)

    def update(self, ok: bool = True) -> None:
        """One more unit done (``ok=False``: it failed)."""
        self.count += 1
        self.failed += not ok
        if self.bar is not None:
            self.bar.update(1)
            if self.failed:
                self.bar.set_postfix(failed=self.failed)
            return
        if not self.lines:
            return
        now = time.monotonic()
        if now - self.last >= self.interval or self.count == self.total:
            self.last = now
            rate = (self.count - self.initial) / max(now - self.start, 1e-9)
            eta = (self.total - self.count) / rate if rate > 0 else float("nan")
            self.line(
                f"{self.count}/{self.total} {self.unit}s, {self.failed} failed, "
                f"{rate:.2f} {self.unit}s/s, about {eta:.0f} s left"
            )

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
