"""Every task run, timed and counted for /metrics (connected once, for every Celery app)."""

from __future__ import annotations

import logging
import time

from celery import Task
from celery.signals import task_postrun, task_prerun

log = logging.getLogger(__name__)
_started: dict[str, float] = {}


@task_prerun.connect
def note_start(task_id: str, **_: object) -> None:
    _started[task_id] = time.perf_counter()


@task_postrun.connect
def note_end(task_id: str, task: Task, state: str | None = None, **_: object) -> None:
    """Record the run; a failure to record never fails the task."""
    began = _started.pop(task_id, None)
    flask_app = getattr(task.app, "flask_app", None)
    if began is None or flask_app is None:
        return
    from inquiries.metrics import record_task_run

    try:
        with flask_app.app_context():
            record_task_run(task.name, time.perf_counter() - began, state == "FAILURE")
    except Exception:  # the statistics are a convenience; the task's own work is what counts
        log.warning("could not record the run of %s", task.name, exc_info=True)
