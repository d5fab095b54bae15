"""Browser tests: the system Chromium, driven by Playwright, against a live demo server.

One demo territory (two days of history, one reading an hour) is built for the
session into a SQLite file, served by uvicorn in a thread. Each test gets a fresh browser
context (its own cookies) and leaves a full-page screenshot in
``test-artifacts/screenshots/<test>.png``, whether it passed or not.
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from convergence.demo import scenario
from convergence.demo.build import Demo, DemoOptions, build_demo
from convergence.settings import Environment, Settings
from convergence.web.app import create_app
from tests.browser.login import Login

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google services, which a
# closed network (CI) answers slowly or not at all.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# Hourly readings: a daily air index needs 18 hourly values of the day (directive 2008/50/EC).
HISTORY_DAYS = 2
HOURLY = (scenario.Tier(timedelta(days=10_000), timedelta(hours=1), timedelta(days=1)),)


@pytest.fixture(scope="package")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo territory, built once for the browser tests."""
    root = tmp_path_factory.mktemp("browser")
    base = Settings(
        environment=Environment.test,
        data_dir=root / "data",
        secret_key=secrets.token_urlsafe(48),
    )
    built = build_demo(DemoOptions(root / "demo", days=HISTORY_DAYS, tiers=HOURLY), base=base)
    yield built
    built.engine.dispose()


@pytest.fixture(scope="package")
def live_url(demo: Demo) -> Iterator[str]:
    """The address of the platform, served by uvicorn in a thread."""
    app = create_app(demo.settings, engine=demo.engine)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="browser-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the live server did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)
    assert not thread.is_alive(), "the live server did not stop"


# Package scope: Playwright's sync API keeps an asyncio loop marked as running in the main
# thread while it is open, which would make every later ``asyncio.run`` of the suite fail.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Headless Chromium from the system; required in CI, skipped elsewhere when absent."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI and is not installed at {CHROMIUM}")
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser, live_url: str, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A fresh French-speaking browser tab on the live server; screenshot after the test."""
    context = browser.new_context(base_url=live_url, locale="fr-FR", accept_downloads=True)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=SCREENSHOTS / f"{request.node.name}.png", full_page=True)
    context.close()


# Package scope, as the demo: its session cookies are worth nothing once the demo is rebuilt
# (a worker of pytest-xdist may leave the browser tests and come back to them).
@pytest.fixture(scope="package")
def log_in(demo: Demo) -> Login:
    """``log_in(page, email, then=path)``: a demo account's session in ``page``."""
    return Login()
