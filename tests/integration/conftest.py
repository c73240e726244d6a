"""Fixtures on real parts: PostgreSQL, Redis, a Celery worker, an SMTP server."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
import redis
from flask import Flask

from config.settings import PROJECT_ROOT
from tests.conftest import MailBox, build_app, free_port, require, worker_thread


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
def start_worker() -> Iterator[Callable[[Flask], None]]:
    """Start real Celery workers (in threads) for apps; all stop at the end of the test."""
    with ExitStack() as stack:
        yield lambda app: stack.enter_context(worker_thread(app))


def celery_process(*args: str) -> subprocess.Popen:
    """A Celery process (`worker`, `beat`) as production starts it, in its own process group,
    configured by this process's environment."""
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "workers.app", *args, "--loglevel=ERROR"],
        cwd=PROJECT_ROOT,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_group(process: subprocess.Popen, signum: int) -> None:
    """Signal a process and everything it started (a worker's pool), and wait for it."""
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        return
    process.wait(30)


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen]]:
    """Celery processes a test starts; each is stopped (with its pool) at the end."""
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        stop_group(process, signal.SIGTERM)


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
