"""The Celery side: the app bound to Flask (as Flask's own Celery example does), tasks, schedule."""

from __future__ import annotations

import gc
from pathlib import Path

from celery import Celery, Task
from celery.signals import worker_init
from flask import Flask


def celery_init_app(app: Flask) -> Celery:
    """Create the Celery app for this Flask app; every task runs inside the app context."""

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            with app.app_context():
                return self.run(*args, **kwargs)

    if app.config["CELERY"]["broker_url"].startswith("filesystem"):
        for folder in app.config["CELERY"]["broker_transport_options"].values():
            if isinstance(folder, str):
                Path(folder).mkdir(parents=True, exist_ok=True)
    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object(app.config["CELERY"])
    from workers.schedule import beat_schedule

    celery.conf.beat_schedule = beat_schedule(app.config)
    celery.conf.include = ["workers.tasks"]
    celery.set_default()

    @worker_init.connect(weak=False)
    def load_model_before_forking(**_: object) -> None:
        """Load the model and the language models once in the parent, so pool processes share
        them and the first inquiry does not wait for them. Freezing what is loaded keeps the
        pool's garbage collections from writing to (and so copying) the shared pages."""
        from classifier.language import preload
        from inquiries.pipeline import current_model

        with app.app_context():
            current_model()
        preload()
        gc.freeze()

    import workers.task_stats  # noqa: F401  (connects the signals that time every task)

    celery.flask_app = app  # type: ignore[attr-defined]  (for the signal handlers)
    app.extensions["celery"] = celery
    return celery
