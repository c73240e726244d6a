"""What only admins do in the staff interface: the routing table, the services, which model version
is live, and submitters' requests about their personal data."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from inquiries.admin import routes  # noqa: E402,F401  (routes register on bp)
