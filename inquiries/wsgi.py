"""Entry point for gunicorn: `gunicorn "inquiries.wsgi:app"`."""

from inquiries import create_app

app = create_app()
