"""Browser tests: Debian's chromium driven by Playwright against the app served on a
local port, on the suite's SQLite database.

Without /usr/bin/chromium they are skipped, unless ``TOUSU_BROWSER_TESTS=required``
(CI sets it), when a missing browser fails the run instead of hiding the tests.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("TOUSU_CHROMIUM", "/usr/bin/chromium")
# Without these, chromium keeps trying to reach Google's hosts from a closed network.
QUIET = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM):
        if os.environ.get("TOUSU_BROWSER_TESTS") == "required":
            pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium fonts-noto-cjk")
        pytest.skip(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", *QUIET]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def live_server(app: Flask, database_url: str) -> Iterator[str]:
    """The app on a free local port, in a thread; its requests run in their own contexts."""
    if not database_url.startswith("sqlite"):
        pytest.skip("browser journeys run once, on SQLite")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def screenshot(page: Any, name: str) -> None:
    """Write a screenshot where ``TOUSU_SCREENSHOT_DIR`` says (the docs' pictures are
    made this way); nowhere otherwise."""
    folder = os.environ.get("TOUSU_SCREENSHOT_DIR")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
