"""Staff sign-in, passwords and (for admins) accounts."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from inquiries.staff import routes  # noqa: E402,F401  (routes register on bp)
