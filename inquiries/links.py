"""Absolute links that leave the application: in API answers and in emails."""

from flask import url_for

from inquiries.models import Inquiry


def status_url(inquiry: Inquiry) -> str:
    """The submitter's unguessable status page (its token is the only key to it)."""
    return url_for("intake.status", token=inquiry.status_token, _external=True)
