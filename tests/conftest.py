"""Shared fixtures: a trained model, apps on SQLite or PostgreSQL, a real SMTP server, services.

Redis and PostgreSQL tests use the servers on their standard local ports. Without them such tests
skip, except when CI=true, where a missing service is a failure.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/14"
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(service: str, available: bool, why: str = "") -> None:
    """Skip when a service is missing, except in CI, where that is a failure."""
    if available:
        return
    message = f"{service} is not available{': ' + why if why else ''}"
    if IN_CI:
        pytest.fail(f"{message} (CI=true: tests must not skip)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- the model -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real model, trained from the corpus once per test session by the real command; what
    it printed is kept in train.log beside it (test_model checks the progress it shows)."""
    folder = tmp_path_factory.mktemp("models")
    trained = subprocess.run(
        [sys.executable, "-m", "classifier", "--model-dir", str(folder), "train"],
        capture_output=True,
        text=True,
        check=True,
    )
    (folder / "train.log").write_text(trained.stderr, encoding="utf-8")
    return folder


# --- a real SMTP server ----------------------------------------------------------------------


@dataclass
class MailBox:
    """What a real SMTP server (aiosmtpd) received, and ways to make it refuse mail or sit in
    the middle of a conversation."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    refuse_with: str | None = None
    # A mail of this X-Triage-Kind is held after its DATA arrived, before the server answers:
    # `holding` is set then, and the server drops the mail (451) once `let_go` is set.
    hold: str | None = None
    holding: threading.Event = field(default_factory=threading.Event)
    let_go: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Condition = field(default_factory=threading.Condition)
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        """The server goes away: connections are refused until start()."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        if self.refuse_with:
            return self.refuse_with
        message = message_from_bytes(envelope.original_content, policy=policy.default)  # type: ignore[attr-defined]
        if self.hold and message["X-Triage-Kind"] == self.hold:
            self.holding.set()
            while not self.let_go.is_set():
                await asyncio.sleep(0.05)
            return "451 the conversation was cut before the mail was accepted"
        with self.arrived:
            self.messages.append(message)  # type: ignore[arg-type]
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(
        self, predicate: Callable[[list[EmailMessage]], bool], timeout: float = 30
    ) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        with self.arrived:
            while not predicate(self.messages):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"mail did not arrive in {timeout}s; got "
                        f"{[m['Subject'] for m in self.messages]}"
                    )
                self.arrived.wait(remaining)
            return list(self.messages)

    def of_kind(self, kind: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["X-Triage-Kind"] == kind]


@pytest.fixture
def mailbox() -> Iterator[MailBox]:
    box = MailBox(port=free_port())
    box.start()
    yield box
    box.stop()


# --- applications ----------------------------------------------------------------------------


def build_app(
    monkeypatch: pytest.MonkeyPatch, instance: Path, model_dir: Path, **env: str
) -> Flask:
    """An application configured only through the environment, as in production, migrated."""
    from flask_migrate import upgrade

    from inquiries import create_app
    from inquiries.catalogue import load_catalogue

    settings = {
        "TRIAGE_ENV": "testing",
        "INSTANCE_PATH": str(instance),
        "MODEL_DIR": str(model_dir),
        "RELAY_INTERVAL_SECONDS": "1",
        "OUTBOX_REPUBLISH_SECONDS": "2",
        "MAIL_RETRY_BASE_SECONDS": "1",
        # The minimum fill time has its own test (test_abuse); elsewhere it would only make
        # every form test wait.
        "FORM_MIN_FILL_SECONDS": "0",
        **env,
    }
    for key in ("DATABASE_URL", "CELERY_BROKER_URL", "MAIL_SERVER", "MAIL_PORT", "SECRET_KEY"):
        monkeypatch.delenv(key, raising=False)
    for key, value in settings.items():
        monkeypatch.setenv(key, value)
    app = create_app()
    with app.app_context():
        upgrade()
        load_catalogue()
    return app


@pytest.fixture
def app_env() -> dict[str, str]:
    """Settings a folder of tests adds to the shared app (override the fixture there)."""
    return {}


@pytest.fixture
def app(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    model_dir: Path,
    mailbox: MailBox,
    app_env: dict[str, str],
) -> Iterator[Flask]:
    """An app on SQLite with the embedded broker, mailing to the test SMTP server."""
    application = build_app(
        monkeypatch,
        tmp_path / "instance",
        model_dir,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(mailbox.port),
        **app_env,
    )
    yield application
    with application.app_context():
        from inquiries.extensions import db

        db.session.remove()
        db.engine.dispose()


@contextmanager
def worker_thread(app: Flask) -> Iterator[None]:
    """A real Celery worker, in a thread of this process, consuming from the app's broker."""
    from celery.contrib.testing.worker import start_worker

    import workers.tasks  # noqa: F401  (registers the tasks with the app)

    with start_worker(
        app.extensions["celery"],
        pool="solo",
        concurrency=1,
        perform_ping_check=False,
        shutdown_timeout=20,
    ):
        yield


@pytest.fixture
def client(app: Flask):
    return app.test_client()


# --- PostgreSQL and Redis --------------------------------------------------------------------


def _postgres_available() -> tuple[bool, str]:
    try:
        import psycopg

        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=postgres", connect_timeout=3
        ):
            return True, ""
    except Exception as exc:  # any failure to connect means "not available"
        return False, str(exc)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A database of our own on the local PostgreSQL, created empty for each test."""
    available, why = _postgres_available()
    require("PostgreSQL at 127.0.0.1:5432", available, why)
    import psycopg

    name = f"triage_test_{os.getpid()}"
    admin = "host=127.0.0.1 port=5432 user=postgres dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis_url() -> str:
    """A Redis database of our own (14), emptied before each test."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        require("Redis at 127.0.0.1:6379", False, str(exc))
    client.flushdb()
    return REDIS_URL


# --- staff -----------------------------------------------------------------------------------

ADMIN = ("admin@example.org", "correct horse battery staple")
TRIAGER = ("triager@example.org", "a long enough triage password")


@pytest.fixture
def staff(app: Flask) -> dict[str, int]:
    """An admin and a triager, made as `triage create-user` makes them."""
    from inquiries import accounts
    from inquiries.extensions import db

    with app.app_context():
        admin = accounts.create_user(*ADMIN, role="admin", name="Ada Admin")
        triager = accounts.create_user(*TRIAGER, role="triager", name="Tom Triager")
        db.session.commit()
        return {"admin": admin.id, "triager": triager.id}


def csrf_of(page_html: str) -> str:
    import re

    match = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page_html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def form_fields(page_html: str) -> dict[str, str]:
    """The public form's hidden fields: its CSRF token and the signed time it was shown."""
    import re

    fields = dict(
        re.findall(r'name="(csrf_token|opened)" type="hidden" value="([^"]+)"', page_html)
    )
    assert set(fields) == {"csrf_token", "opened"}, "the form carries its CSRF token and clock"
    return fields


def send_form(client, page_language: str | None = None, **fields: str):
    """Open the public form (in a language, or the browser's) and send it with these fields."""
    page = client.get(f"/?lang={page_language}" if page_language else "/")
    return client.post("/", data={**form_fields(page.get_data(as_text=True)), **fields})


def sign_in(client, email: str, password: str):
    """Sign in through the real form (with its CSRF token), as a person would."""
    page = client.get("/staff/login")
    return client.post(
        "/staff/login",
        data={"csrf_token": csrf_of(page.get_data(True)), "email": email, "password": password},
    )


# --- inquiries in given states ---------------------------------------------------------------


@pytest.fixture
def make_inquiry(app: Flask) -> Callable[..., int]:
    """An inquiry with the given fields, as the pipeline would have left it."""

    def make(
        message: str = "A question about AI.",
        *,
        status: str = "needs_review",
        objective: int | None = 3,
        confidence: float | None = 0.4,
        age_days: float = 0,
        **fields: Any,
    ) -> int:
        from inquiries.extensions import db
        from inquiries.models import Classification, Inquiry
        from inquiries.models.types import utcnow

        with app.app_context():
            created = utcnow() - timedelta(days=age_days)
            inquiry = Inquiry(
                channel="api",
                email=fields.pop("email", "someone@example.org"),
                message=message,
                language=fields.pop("language", "en"),
                status=status,
                objective_code=objective,
                confidence=confidence,
                created_at=created,
                **fields,
            )
            db.session.add(inquiry)
            db.session.flush()
            if objective is not None and confidence is not None:
                inquiry.classifications.append(
                    Classification(
                        model_version="test",
                        objective=objective,
                        confidence=confidence,
                        probabilities={str(objective): confidence},
                        decision="review",
                        secondary=None,
                        explanation=[],
                        language=inquiry.language,
                        created_at=created,
                    )
                )
            db.session.commit()
            return inquiry.id

    return make


@pytest.fixture
def classified(app: Flask) -> Callable[..., int]:
    """A question submitted and classified by the real model, as the worker does it."""

    def submit(message: str, language: str = "en", **fields: Any) -> int:
        from inquiries import pipeline
        from inquiries.submission import submit_inquiry

        with app.test_request_context():
            inquiry = submit_inquiry(
                {"email": "citizen@example.org", "message": message} | fields,
                channel="api",
                interface_language=language,
            )
            pipeline.classify(inquiry.id)
            return inquiry.id

    return submit
