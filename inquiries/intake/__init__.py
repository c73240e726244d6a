"""The public side: the question form, its confirmation and the submitter's status page."""

from flask import Blueprint

bp = Blueprint("intake", __name__)

from inquiries.intake import routes  # noqa: E402,F401
