"""The committee's triage queue, an inquiry's page with the decisions on it, and the dashboard."""

from flask import Blueprint

bp = Blueprint("triage", __name__, url_prefix="/triage")

from inquiries.triage import routes  # noqa: E402,F401  (routes register on bp)
