"""Browser fixtures: the app served over real HTTP with a real Celery worker, and Debian's Chromium.

The app is the SQLite one with the embedded (filesystem) broker, as on a fresh machine; its
PUBLIC_BASE_URL is the served address, so links in mails lead to the pages the browser sees.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from sqlalchemy import select
from werkzeug.serving import make_server

from config.settings import PROJECT_ROOT
from inquiries.extensions import db
from inquiries.models import Inquiry, Status
from inquiries.submission import submit_inquiry
from tests.conftest import ADMIN, free_port, require, worker_thread

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "test-artifacts"


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
def app_env(port: int) -> dict[str, str]:
    """The shared app, with links pointing at the address the tests serve it on."""
    return {"PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}


@pytest.fixture
def live_url(app: Flask, port: int) -> Iterator[str]:
    """The app over real HTTP, with a real worker (a thread, as tests/conftest.py's worker_thread)
    consuming the app's filesystem broker: classifying, routing and mailing."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    with worker_thread(app):
        thread.start()
        yield app.config["PUBLIC_BASE_URL"]
        server.shutdown()
        thread.join(10)
        server.server_close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium (never a downloaded one), headless."""
    if not CHROMIUM.exists():
        require(f"Debian chromium at {CHROMIUM}", False)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"]
        )
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser: Browser, live_url: str) -> Iterator[BrowserContext]:
    """A fresh browser profile per test (no cookies), on the served app, in English."""
    ctx = browser.new_context(
        base_url=live_url, locale="en-GB", viewport={"width": 1280, "height": 900}
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def sign_in(page: Page, email: str = ADMIN[0], password: str = ADMIN[1]) -> None:
    """Through the real form, as a person does."""
    page.goto("/staff/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/triage")


@pytest.fixture
def artifacts() -> Path:
    """Where screenshots go (test-artifacts/, kept out of git), for people and CI to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def wait_until(condition: Callable[[], bool], timeout: float = 30) -> None:
    """Poll a condition the worker will make true (there is no event to wait on in SQLite)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.1)


def submit_and_classify(app: Flask, texts: list[str]) -> list[Inquiry]:
    """Submit inquiries and let the real worker classify them; returns them classified."""
    with app.test_request_context():
        ids = [
            submit_inquiry(
                {"email": f"asker{n}@example.org", "message": text},
                channel="api",
                interface_language="en",
            ).id
            for n, text in enumerate(texts)
        ]

    def classified() -> list[Inquiry]:
        with app.app_context():
            rows = db.session.scalars(select(Inquiry).where(Inquiry.id.in_(ids))).all()
            db.session.expunge_all()
            return [row for row in rows if row.status != Status.RECEIVED]

    wait_until(lambda: len(classified()) == len(ids))
    return sorted(classified(), key=lambda row: row.id)
