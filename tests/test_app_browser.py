"""The app in a real browser: start ``smugglesim app``, load it in headless Chromium, step
the model, check that the plots changed, save a screenshot, then switch a measure on and
check that the rebuilt model runs it.

Needs playwright (the Python package; its own browser downloads are not used) and a
Chromium binary: Debian's ``chromium`` package, or the path in ``SMUGGLESIM_CHROMIUM``.
Skipped, with the reason, when either is missing, or when Solara's front-end assets cannot
be served (it proxies them from a CDN; offline, the ``solara-assets`` package provides them
for ipyvuetify 1.x, or pre-fill ``SOLARA_ASSETS_PROXY_CACHE_DIR`` with the npm packages the
server log names). The screenshot goes to
``$SMUGGLESIM_ARTIFACTS/app.png`` when that is set, else to the test's temporary folder.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from tests.app_server import serving_app

pytestmark = pytest.mark.slow

pytest.importorskip("solara", reason="the app needs solara (pip install 'smugglesim[app]')")
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="the browser test needs playwright (pip install playwright)"
)

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


@pytest.fixture
def app_url():
    with serving_app() as url:
        yield url


def _image_sources(page) -> list[str]:
    return page.locator("img").evaluate_all("els => els.map(e => e.src)")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium (apt-get install chromium)")
def test_app_steps_in_a_browser_and_its_plots_change(app_url, tmp_path):
    shots = Path(os.environ.get("SMUGGLESIM_ARTIFACTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1200})
            missing: list[str] = []
            page.on(
                "response",
                lambda r: (
                    missing.append(r.url) if r.status == 404 and "/_solara/cdn/" in r.url else None
                ),
            )
            page.goto(app_url, timeout=60_000)
            step = page.get_by_role("button", name="Step")
            step.wait_for(timeout=60_000)
            if any("solara-vuetify" in url for url in missing):
                pytest.skip(
                    "Solara's front-end assets could not be served (no network, and not in "
                    f"SOLARA_ASSETS_PROXY_CACHE_DIR): {missing}"
                )
            page.get_by_text("Time: 0.0").wait_for(timeout=30_000)
            page.wait_for_function("document.querySelectorAll('img').length >= 5", timeout=60_000)
            before = _image_sources(page)
            for week in range(1, 4):
                step.click()
                page.get_by_text(f"Time: {week}.0").wait_for(timeout=30_000)
            deadline = time.monotonic() + 30
            while _image_sources(page) == before:
                assert time.monotonic() < deadline, "no plot changed after three steps"
                page.wait_for_timeout(250)
            after = _image_sources(page)
            assert len(after) >= 5
            assert sum(a != b for a, b in zip(before, after, strict=False)) >= 1
            page.screenshot(path=str(shots / "app.png"), full_page=True)
            # A measure switched on in the controls is in the model rebuilt by "Reset".
            page.get_by_text("7. Strengthen the financial investigation component").click()
            page.get_by_role("button", name="Reset").click()
            page.get_by_text("Time: 0.0").wait_for(timeout=30_000)
            step.click()
            page.get_by_text("measures active: financial_investigations").wait_for(timeout=30_000)
        finally:
            browser.close()
    assert (shots / "app.png").stat().st_size > 10_000
