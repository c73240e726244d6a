"""Health and metrics endpoints for operators and orchestrators."""

from __future__ import annotations

import hmac
import logging

from flask import Blueprint, Response, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text

from inquiries.extensions import db
from inquiries.metrics import exposition

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


@bp.get("/metrics")
def metrics() -> Response:
    """Prometheus metrics; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`."""
    token = current_app.config["METRICS_TOKEN"]
    if token and not hmac.compare_digest(
        request.headers.get("Authorization", ""), f"Bearer {token}"
    ):
        return Response("metrics need a token\n", status=401, mimetype="text/plain")
    return Response(exposition(), mimetype=CONTENT_TYPE_LATEST)
