"""The Flask application of the AI contact point: intake, status, API, services' links and
the staff's triage queue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from config.settings import PROJECT_ROOT, from_environment

TEMPLATES = PROJECT_ROOT / "templates"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Application factory: settings from the environment, then any test overrides."""
    settings = from_environment()
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(TEMPLATES),
    )
    app.config.update(settings)
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    from inquiries import i18n
    from inquiries.extensions import csrf, db, limiter, mail, migrate
    from inquiries.staff.access import init_login

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    mail.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    if app.config["PROXY_FIX_HOPS"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_FIX_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    i18n.init_app(app)
    init_login(app)

    from workers import celery_init_app

    celery_init_app(app)

    from inquiries.admin import bp as admin_bp
    from inquiries.api import bp as api_bp
    from inquiries.intake import bp as intake_bp
    from inquiries.ops import bp as ops_bp
    from inquiries.services import bp as services_bp
    from inquiries.staff import bp as staff_bp
    from inquiries.triage import bp as triage_bp

    app.register_blueprint(intake_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(ops_bp)
    app.register_blueprint(services_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(triage_bp)
    app.register_blueprint(admin_bp)
    if app.config["MAIL_SINK_ENABLED"] and app.config["ENVIRONMENT"] != "production":
        from inquiries.devmail import bp as devmail_bp

        app.register_blueprint(devmail_bp)

    from inquiries import errors, security

    errors.init_app(app)
    security.init_app(app)
    return app
