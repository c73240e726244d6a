"""The JSON API for integrations: the same rules as the form, answers in JSON."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from inquiries.api import routes  # noqa: E402,F401
