"""Periodic work for Celery beat: the safety nets that make sure nothing waits forever."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def beat_schedule(config: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    every = float(config["RELAY_INTERVAL_SECONDS"])
    return {
        "relay-outbox": {"task": "workers.tasks.relay_outbox", "schedule": every},
        "dispatch-deliveries": {"task": "workers.tasks.dispatch_deliveries", "schedule": every},
        "purge-expired": {
            "task": "workers.tasks.purge_expired",
            "schedule": float(config["RETENTION_CHECK_SECONDS"]),
        },
        "chase-services": {
            "task": "workers.tasks.chase_services",
            "schedule": float(config["REMINDER_CHECK_SECONDS"]),
        },
    }
