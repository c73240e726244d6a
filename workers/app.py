"""Entry point for the celery command: `celery -A workers.app worker` / `beat`."""

from celery.signals import setup_logging

from inquiries import create_app, logs

flask_app = create_app()
celery_app = flask_app.extensions["celery"]


@setup_logging.connect
def use_our_logging(**_: object) -> None:
    """Celery's records go out in LOG_FORMAT too (connecting this stops Celery's own setup)."""
    logs.configure(flask_app.config)
