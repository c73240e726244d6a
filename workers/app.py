"""Entry point for the celery command: `celery -A workers.app worker` / `beat`."""

from inquiries import create_app

flask_app = create_app()
celery_app = flask_app.extensions["celery"]
