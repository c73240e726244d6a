"""Entry point for gunicorn: `gunicorn "inquiries.wsgi:app"`."""

from inquiries import create_app, logs

app = create_app()
logs.configure(app.config)
