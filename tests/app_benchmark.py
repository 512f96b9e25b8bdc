"""How long a simulated year takes in the app, in a real browser.

    python -m tests.app_benchmark --repeats 3

starts ``smugglesim app``, opens it in headless Chromium (Debian's ``chromium``), and for each
redraw interval (1, 4 and 13 weeks) presses "Run 52 weeks" from week 0 ``--repeats`` times,
timing from the click until the page shows week 52 with the run ended. It prints the median,
the fastest and the slowest, and the load average of the machine before and after (the
figures are only comparable at a similar load). The results are in docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys

from tests.app_server import CHROMIUM, launch_chromium, open_app, run_weeks, serving_app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3, help="runs per interval (default 3)")
    parser.add_argument("--every", type=int, nargs="+", default=[1, 4, 13], choices=[1, 4, 13])
    args = parser.parse_args(argv)
    if CHROMIUM is None:
        print("error: no Chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright  # a test dependency, imported when used

    print(f"load average before: {os.getloadavg()[0]:.2f}")
    with serving_app() as server, sync_playwright() as p:
        browser = launch_chromium(p)
        page = open_app(browser, server.url)
        for every in args.every:
            page.get_by_role("button", name=str(every), exact=True).click()
            times = []
            for _ in range(args.repeats):
                page.get_by_role("button", name="Restart", exact=True).click()
                page.get_by_text("Week 0 of 260").wait_for(timeout=30_000)
                times.append(run_weeks(page, "Run 52 weeks", 52))
            print(
                f"52 weeks, redrawn every {every:2d} weeks: median {statistics.median(times):.1f} s "
                f"(fastest {min(times):.1f}, slowest {max(times):.1f}; {args.repeats} runs)"
            )
        browser.close()
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
