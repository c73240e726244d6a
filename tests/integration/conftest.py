"""Fixtures on real parts: PostgreSQL, Redis, a Celery worker, an SMTP server."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from flask import Flask

from tests.conftest import MailBox, build_app, free_port, require


@pytest.fixture
def make_app(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    model_dir: Path,
    mailbox: MailBox,
    postgres_url: str,
):
    """Apps on the real PostgreSQL, with a broker of the test's choosing."""
    made: list[Flask] = []

    def make(broker_url: str) -> Flask:
        application = build_app(
            monkeypatch,
            tmp_path / "instance",
            model_dir,
            DATABASE_URL=postgres_url,
            CELERY_BROKER_URL=broker_url,
            MAIL_SERVER="127.0.0.1",
            MAIL_PORT=str(mailbox.port),
        )
        made.append(application)
        return application

    yield make
    from inquiries.extensions import db

    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def start_worker():
    """Start a real Celery worker (in a thread) consuming from the app's broker."""
    from celery.contrib.testing.worker import start_worker as celery_worker

    import workers.tasks  # noqa: F401  (registers the tasks with the app)

    stack: list = []

    def start(app: Flask) -> None:
        context = celery_worker(
            app.extensions["celery"],
            pool="solo",
            concurrency=1,
            perform_ping_check=False,
            shutdown_timeout=20,
        )
        context.__enter__()
        stack.append(context)

    yield start
    for context in reversed(stack):
        context.__exit__(None, None, None)


class RedisServer:
    """A Redis server of the test's own on a free port, so the test can stop and start it."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        require("redis-server binary", binary is not None)
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.RedisError:
                time.sleep(0.1)
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()
