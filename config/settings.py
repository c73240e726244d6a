"""Settings read only from the environment, each with an embedded default (12-factor).

A fresh machine needs none of them: SQLite, a broker kept in files and a local mail sink stand in
for PostgreSQL, Redis and an SMTP relay. The README documents every variable listed here.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

ENVIRONMENTS = ("development", "testing", "production")
LANGUAGES = ("nl", "fr", "de", "en")


class ConfigurationError(RuntimeError):
    """A setting is missing or wrong in a way that must stop the application from starting."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "")
    if raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigurationError(f"{name} must be a whole number, not {raw!r}") from exc


def normalise_database_url(url: str) -> str:
    """Let a plain postgresql:// URL work with the psycopg 3 driver the project installs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _development_secret(instance_path: Path) -> str:
    """A key kept in the instance folder, so web and worker processes sign links alike."""
    key_file = instance_path / "dev-secret-key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()


def from_environment(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Build the Flask configuration mapping from environment variables."""
    env = os.environ if env is None else env
    environment = env.get("TRIAGE_ENV", "development").strip() or "development"
    if environment not in ENVIRONMENTS:
        raise ConfigurationError(f"TRIAGE_ENV must be one of {', '.join(ENVIRONMENTS)}")
    instance_path = Path(env.get("INSTANCE_PATH") or PROJECT_ROOT / "instance").resolve()

    secret_key = env.get("SECRET_KEY", "")
    if not secret_key:
        if environment == "production":
            raise ConfigurationError("SECRET_KEY must be set when TRIAGE_ENV=production")
        secret_key = _development_secret(instance_path)
    elif environment == "production" and len(secret_key) < 32:
        raise ConfigurationError("SECRET_KEY must be at least 32 characters in production")

    port = _int(env, "PORT", 5000)
    mail_server = env.get("MAIL_SERVER", "").strip()
    broker_dir = instance_path / "broker"
    broker_url = env.get("CELERY_BROKER_URL", "").strip() or "filesystem://localhost//"

    return {
        "ENVIRONMENT": environment,
        "TESTING": environment == "testing",
        "SECRET_KEY": secret_key,
        "INSTANCE_PATH": str(instance_path),
        "PORT": port,
        "PUBLIC_BASE_URL": (env.get("PUBLIC_BASE_URL") or f"http://127.0.0.1:{port}").rstrip("/"),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            env.get("DATABASE_URL") or f"sqlite:///{instance_path / 'triage.sqlite3'}"
        ),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "CELERY": {
            "broker_url": broker_url,
            "broker_transport_options": (
                {
                    "data_folder_in": str(broker_dir / "queue"),
                    "data_folder_out": str(broker_dir / "queue"),
                    "processed_folder": str(broker_dir / "processed"),
                    "control_folder": str(broker_dir / "control"),
                    "store_processed": False,
                    "polling_interval": 0.25,
                }
                if broker_url.startswith("filesystem")
                else {
                    "visibility_timeout": _int(env, "BROKER_VISIBILITY_TIMEOUT", 600),
                    # Publishing gives up fast when the broker is down: the outbox relay
                    # publishes later, and the citizen's request must not hang meanwhile.
                    "max_retries": 1,
                    "interval_start": 0,
                    "interval_step": 0.2,
                    "interval_max": 0.5,
                }
            ),
            "broker_connection_timeout": 3,
            "broker_connection_retry_on_startup": True,
            "task_ignore_result": True,
            "task_acks_late": True,
            "task_reject_on_worker_lost": True,
            "worker_prefetch_multiplier": 1,
            "task_publish_retry": False,
            # A task running when the broker goes away finishes its work: cancelling it could cut a
            # mail in the middle of its SMTP conversation, which must then never be resent blindly
            # (a person has to check). Its message comes back later, and every task is idempotent.
            "worker_cancel_long_running_tasks_on_connection_loss": False,
            "timezone": "Europe/Brussels",
        },
        "BROKER_DATA_DIR": str(broker_dir),
        "MAIL_SINK_ENABLED": not mail_server,
        "MAIL_SINK_DIR": str(instance_path / "mail"),
        "MAIL_SERVER": mail_server or "127.0.0.1",
        "MAIL_PORT": _int(env, "MAIL_PORT", 25 if mail_server else 8025),
        "MAIL_USE_TLS": _flag(env.get("MAIL_USE_TLS"), False),
        "MAIL_USE_SSL": _flag(env.get("MAIL_USE_SSL"), False),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": env.get("MAIL_DEFAULT_SENDER")
        or "AI contact point <ai-contact-point@example.org>",
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_MAX_ATTEMPTS": _int(env, "MAIL_MAX_ATTEMPTS", 6),
        "MAIL_RETRY_BASE_SECONDS": _int(env, "MAIL_RETRY_BASE_SECONDS", 15),
        "MAIL_DISPATCH_LEASE_SECONDS": _int(env, "MAIL_DISPATCH_LEASE_SECONDS", 120),
        "OUTBOX_REPUBLISH_SECONDS": _int(env, "OUTBOX_REPUBLISH_SECONDS", 60),
        "REMINDER_CHECK_SECONDS": _int(env, "REMINDER_CHECK_SECONDS", 3600),
        "RELAY_INTERVAL_SECONDS": _int(env, "RELAY_INTERVAL_SECONDS", 10),
        "MODEL_AUTO_PROMOTE": _flag(env.get("MODEL_AUTO_PROMOTE"), False),
        "SERVICE_LINK_DAYS": _int(env, "SERVICE_LINK_DAYS", 30),
        "MODEL_DIR": str(Path(env.get("MODEL_DIR") or instance_path / "models").resolve()),
        "MAX_MESSAGE_CHARS": _int(env, "MAX_MESSAGE_CHARS", 5000),
        "MAX_CONTENT_LENGTH": _int(env, "MAX_REQUEST_BYTES", 64 * 1024),
        # Rate limits per client address on submissions; counters in Redis when the broker is
        # Redis (shared by all web processes), else in memory. If the store fails, requests pass.
        "SUBMIT_RATE_LIMIT": env.get("SUBMIT_RATE_LIMIT") or "10 per minute;60 per hour",
        # Per API token: an integration forwards many people's questions from one address.
        "API_TOKEN_RATE_LIMIT": env.get("API_TOKEN_RATE_LIMIT") or "120 per minute;5000 per hour",
        "RATELIMIT_STORAGE_URI": env.get("RATE_LIMIT_STORAGE_URL")
        or (broker_url if broker_url.startswith("redis") else "memory://"),
        "RATELIMIT_SWALLOW_ERRORS": True,
        # No X-RateLimit-* headers: each costs a round trip to the counters on every answer.
        # A refusal still says when to come back (Retry-After, inquiries/errors.py).
        "RATELIMIT_HEADERS_ENABLED": False,
        "FORM_MIN_FILL_SECONDS": _int(env, "FORM_MIN_FILL_SECONDS", 3),
        "PROXY_FIX_HOPS": _int(env, "PROXY_FIX_HOPS", 0),
        # Logs: one JSON object per line (production default), or plain text.
        "LOG_FORMAT": env.get("LOG_FORMAT") or ("json" if environment == "production" else "text"),
        "LOG_LEVEL": (env.get("LOG_LEVEL") or "INFO").upper(),
        # When set, /metrics answers only to `Authorization: Bearer <METRICS_TOKEN>`.
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        # Personal data of finished inquiries is anonymised this many months after the last change.
        "RETENTION_MONTHS": _int(env, "RETENTION_MONTHS", 24),
        "RETENTION_CHECK_SECONDS": _int(env, "RETENTION_CHECK_SECONDS", 6 * 3600),
        # Staff sign-in: failures in a row before an account is locked, and for how long.
        "LOGIN_MAX_FAILURES": _int(env, "LOGIN_MAX_FAILURES", 5),
        "LOGIN_LOCK_MINUTES": _int(env, "LOGIN_LOCK_MINUTES", 15),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT") or "20 per minute;200 per hour",
        "PERMANENT_SESSION_LIFETIME": timedelta(hours=_int(env, "STAFF_SESSION_HOURS", 10)),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": environment == "production",
        "BABEL_DEFAULT_LOCALE": "en",
        "BABEL_DEFAULT_TIMEZONE": env.get("DISPLAY_TIMEZONE") or "Europe/Brussels",
        "LANGUAGES": LANGUAGES,
        "WTF_CSRF_TIME_LIMIT": None,
    }
