"""The app in a real browser: ``smugglesim app`` served, loaded in headless Chromium.

Two browser contexts are two visitors: each has a model of its own, and a closed one's model
is released (the server logs it). A year runs in seconds, and a measure switched on mid-run
is named on the page until "Restart with these settings" runs it.

Needs playwright (the Python package; its own browser downloads are not used) and a Chromium
binary: Debian's ``chromium`` package, or the path in ``SMUGGLESIM_CHROMIUM``. Skipped, with
the reason, when either is missing, or when Solara's front-end assets cannot be served (it
proxies them from a CDN; offline, the ``solara-assets`` package provides them for
ipyvuetify 1.x). Screenshots go to ``$SMUGGLESIM_ARTIFACTS`` when that is set, else to the
test's temporary folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.app_server import CHROMIUM, launch_chromium, open_app, run_weeks, serving_app

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (apt-get install chromium)"),
]

pytest.importorskip("solara", reason="the app needs solara (pip install 'smugglesim[app]')")
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the browser test needs playwright (pip install playwright)"
)

FI = "7. Strengthen the financial investigation component"
YEAR_WITHIN_S = 60  # measured: 4-8 s on the 2-core development machine (docs/performance.md)


@pytest.fixture(scope="module")
def server():
    # A short timeout: a session whose browser vanished without closing the tab ends soon.
    with serving_app("--session-timeout", "5s") as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = launch_chromium(p)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("SMUGGLESIM_ARTIFACTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _open(browser, url: str):
    try:
        return open_app(browser, url)
    except RuntimeError as e:
        pytest.skip(str(e))


def _live_models(log: str) -> int:
    """The number of live models in the server's last log line that gives one."""
    return int(re.findall(r"(\d+) live", log)[-1])


def test_two_browser_sessions_are_isolated_and_a_closed_one_is_released(server, browser):
    first = _open(browser, server.url)
    second = _open(browser, server.url)
    assert _live_models(server.wait_for_log("2 live models")) == 2
    run_weeks(first, "Next week", 1)
    run_weeks(first, "Next week", 2)
    second.get_by_text("Week 0 of 260").wait_for(timeout=5_000)  # untouched by the first
    run_weeks(second, "Run 13 weeks", 13)
    first.get_by_text("Week 2 of 260").wait_for(timeout=5_000)
    # A run under way when its tab closes stops, and the session lets go of its model.
    second.get_by_role("button", name="Run 52 weeks").click()
    second.get_by_text("running…").wait_for(timeout=30_000)
    second.context.close()
    log = server.wait_for_log("a session closed", timeout_s=60)
    log = server.wait_for_log("a model was released", timeout_s=60)
    assert _live_models(log) == 1
    run_weeks(first, "Next week", 3)  # the other session carries on
    first.context.close()
    assert _live_models(server.wait_for_log("0 live", timeout_s=60)) == 0


def test_a_year_runs_in_seconds_and_a_measure_switched_on_is_run_after_restart(
    server, browser, shots
):
    page = _open(browser, server.url)
    seconds = run_weeks(page, "Run 52 weeks", 52)
    print(f"52 weeks in the browser, redrawn every 4 weeks: {seconds:.1f} s")
    assert seconds < YEAR_WITHIN_S
    page.screenshot(path=str(shots / "app.png"))
    assert (shots / "app.png").stat().st_size > 10_000
    page.get_by_text(FI).click()
    page.get_by_text("Not yet in this run").wait_for(timeout=10_000)
    page.get_by_text("measure 7 switched on").wait_for(timeout=10_000)
    page.screenshot(path=str(shots / "app-pending.png"))
    page.get_by_role("button", name="Restart with these settings").click()
    page.get_by_text("Week 0 of 260").wait_for(timeout=30_000)
    # Since the warm-up, a measure starting in week 0 is on when week 0 begins.
    page.get_by_text(f"Measures switched on: {FI} (from week 0)").wait_for(timeout=30_000)
    assert page.get_by_text("Not yet in this run").count() == 0
    run_weeks(page, "Next week", 1)
    page.get_by_text(f"Measures switched on: {FI} (from week 0)").wait_for(timeout=10_000)
    page.context.close()
