"""Absolute links that leave the application: in API answers and in emails."""

from flask import url_for


def status_url(status_token: str) -> str:
    """The submitter's unguessable status page (its token is the only key to it)."""
    return url_for("intake.status", token=status_token, _external=True)
