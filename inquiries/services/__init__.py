"""The federal services' side: the pages behind the accept and send-back links in routing mails."""

from flask import Blueprint

bp = Blueprint("services", __name__, url_prefix="/service")

from inquiries.services import routes  # noqa: E402,F401
