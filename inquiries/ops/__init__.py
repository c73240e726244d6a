"""Health endpoints for operators and orchestrators."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from inquiries.extensions import db

bp = Blueprint("ops", __name__)
log = logging.getLogger(__name__)


@bp.get("/healthz")
def healthz() -> object:
    """The web process is up; says nothing of its dependencies."""
    return jsonify({"status": "ok"})


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception as exc:  # any driver error means "not ready"
        log.warning("readiness: database unavailable: %s", type(exc).__name__)
        db.session.rollback()
        return False


def _broker_ok() -> bool:
    celery = current_app.extensions["celery"]
    try:
        with celery.connection_for_write() as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        return True
    except Exception as exc:  # any transport error means "not ready"
        log.warning("readiness: broker unavailable: %s", type(exc).__name__)
        return False


@bp.get("/readyz")
def readyz() -> object:
    """Ready only when the database and the broker both answer."""
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    ready = all(checks.values())
    return jsonify({"status": "ready" if ready else "unavailable", "checks": checks}), (
        200 if ready else 503
    )
