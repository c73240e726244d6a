"""What each kind of email says: its subject, what its templates get, and its own headers.

Rendered in the recipient's language (the caller forces the locale); the templates live in
templates/emails/<kind>.txt and .html.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from inquiries.extensions import db
from inquiries.models import Delivery, Inquiry, MailKind, Objective
from inquiries.service_links import Action, action_url

Composed = tuple[str, dict[str, object], dict[str, str]]


def _acknowledgement(delivery: Delivery, inquiry: Inquiry) -> Composed:
    subject = _("[%(reference)s] We received your question", reference=inquiry.reference)
    return subject, {}, {}


def _routing(delivery: Delivery, inquiry: Inquiry) -> Composed:
    objective = inquiry.objective
    classification = inquiry.latest_classification
    subject = _(
        "[%(reference)s] Question about AI for your service: %(objective)s",
        reference=inquiry.reference,
        objective=objective.name(delivery.language) if objective else "",
    )
    accept_url = action_url(delivery, Action.ACCEPT)
    send_back_url = action_url(delivery, Action.SEND_BACK)
    context = {
        "objective": objective,
        "service": inquiry.service,
        "classification": classification,
        "language": delivery.language,
        "accept_url": accept_url,
        "send_back_url": send_back_url,
    }
    headers = {
        "X-Triage-Objective": str(inquiry.objective_code),
        "X-Triage-Accept-URL": accept_url,
        "X-Triage-Send-Back-URL": send_back_url,
    }
    return subject, context, headers


def _reminder(delivery: Delivery, inquiry: Inquiry) -> Composed:
    """The routing mail again, with a reminder on top and the original mail's links."""
    routing = routing_delivery(inquiry, delivery.service_key)
    _routing_subject, context, headers = _routing(routing, inquiry)
    subject = _(
        "[%(reference)s] Reminder: a question about AI waits for your answer",
        reference=inquiry.reference,
    )
    return subject, {**context, "routed_at": routing.sent_at}, headers


def _copy(delivery: Delivery, inquiry: Inquiry) -> Composed:
    """For information only: no links, no contact details; the responsible service answers."""
    secondary = db.session.get(Objective, inquiry.latest_classification.secondary)
    subject = _(
        "[%(reference)s] For information: a question about AI that touches your service",
        reference=inquiry.reference,
    )
    context = {
        "objective": inquiry.objective,
        "secondary": secondary,
        "service": inquiry.service,
        "language": delivery.language,
    }
    return subject, context, {"X-Triage-Objective": str(inquiry.objective_code)}


def _status(delivery: Delivery, inquiry: Inquiry) -> Composed:
    """A word to the submitter when a person decides the question is not for this contact point."""
    subject = _("[%(reference)s] About your question", reference=inquiry.reference)
    return subject, {}, {}


COMPOSERS: dict[str, Callable[[Delivery, Inquiry], Composed]] = {
    MailKind.ACKNOWLEDGEMENT: _acknowledgement,
    MailKind.ROUTING: _routing,
    MailKind.COPY: _copy,
    MailKind.REMINDER: _reminder,
    MailKind.STATUS: _status,
}


def routing_delivery(inquiry: Inquiry, service_key: str | None) -> Delivery:
    """The latest routing mail of an inquiry to one service."""
    return next(
        d
        for d in reversed(inquiry.deliveries)
        if d.kind == MailKind.ROUTING and d.service_key == service_key
    )
