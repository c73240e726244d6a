"""What committee staff decide about an inquiry: plain functions the triage pages call.

Each records an audit event with the person who decided; each correction of the objective is a
label for retraining. The caller commits (with `outbox.commit_and_publish`, since routing and
mails go out only once the decision is stored).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select

from inquiries import outbox
from inquiries.extensions import db
from inquiries.mailer import new_delivery
from inquiries.models import (
    Inquiry,
    Label,
    LabelSource,
    MailKind,
    Objective,
    OutboxMessage,
    Service,
    StaffUser,
    Status,
)

OPEN = {Status.RECEIVED, Status.NEEDS_REVIEW, Status.SENT_BACK, Status.DELIVERY_FAILED}


class Refused(StrEnum):
    """Why a decision cannot be taken now; the page explains it to the person."""

    NOT_OPEN = "not_open"  # already routed, closed or out of scope
    NO_SERVICE = "no_service"
    ALREADY_ROUTING = "already_routing"
    UNKNOWN_OBJECTIVE = "unknown_objective"
    UNKNOWN_SERVICE = "unknown_service"
    UNKNOWN_ASSIGNEE = "unknown_assignee"


class DecisionRefused(Exception):
    def __init__(self, reason: Refused) -> None:
        super().__init__(reason)
        self.reason = reason


def _require_open(inquiry: Inquiry) -> None:
    if inquiry.status not in OPEN:
        raise DecisionRefused(Refused.NOT_OPEN)


def _label(inquiry: Inquiry, objective: int, by: StaffUser) -> None:
    db.session.add(
        Label(inquiry_id=inquiry.id, source=LabelSource.STAFF, objective=objective, actor=by.actor)
    )


def _model_objective(inquiry: Inquiry) -> int | None:
    classification = inquiry.latest_classification
    return classification.objective if classification else None


def set_objective(
    inquiry: Inquiry, objective_code: int, by: StaffUser, service_key: str | None = None
) -> None:
    """The objective (and service) staff say is right; the service defaults to the objective's."""
    _require_open(inquiry)
    objective = db.session.get(Objective, objective_code)
    if objective is None or objective_code == 0:
        raise DecisionRefused(Refused.UNKNOWN_OBJECTIVE)
    service = db.session.get(Service, service_key) if service_key else objective.service
    if service is None or not service.active:
        raise DecisionRefused(Refused.UNKNOWN_SERVICE if service_key else Refused.NO_SERVICE)
    model_objective = _model_objective(inquiry)
    inquiry.record(
        "objective_confirmed" if objective_code == model_objective else "objective_changed",
        actor=by.actor,
        detail={
            "objective": objective_code,
            "service": service.key,
            "model_objective": model_objective,
            "previous_objective": inquiry.objective_code,
        },
    )
    inquiry.objective_code = objective_code
    inquiry.service_key = service.key
    _label(inquiry, objective_code, by)


def route_now(inquiry: Inquiry, by: StaffUser) -> None:
    """Send the routing mail to the inquiry's service, as a new routing round."""
    _require_open(inquiry)
    if inquiry.service_key is None or inquiry.objective_code in (None, 0):
        raise DecisionRefused(Refused.NO_SERVICE)
    pending = db.session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.inquiry_id == inquiry.id,
            OutboxMessage.task == "route_inquiry",
            OutboxMessage.completed_at.is_(None),
        )
    )
    if pending is not None:
        raise DecisionRefused(Refused.ALREADY_ROUTING)
    inquiry.routing_round += 1
    inquiry.record(
        "route_requested",
        actor=by.actor,
        detail={"service": inquiry.service_key, "objective": inquiry.objective_code},
    )
    outbox.enqueue("route_inquiry", inquiry)


def confirm_and_route(inquiry: Inquiry, by: StaffUser) -> None:
    """The model was right: keep its objective and route to that objective's service."""
    objective = _model_objective(inquiry)
    if objective is None:
        raise DecisionRefused(Refused.UNKNOWN_OBJECTIVE)
    set_objective(inquiry, objective, by)
    route_now(inquiry, by)


def mark_out_of_scope(inquiry: Inquiry, by: StaffUser, note: str = "") -> None:
    """Not a question for this contact point: the submitter gets a polite answer in their
    language pointing elsewhere."""
    _require_open(inquiry)
    inquiry.objective_code = 0
    inquiry.service_key = None
    inquiry.change_status(Status.OUT_OF_SCOPE, actor=by.actor, note=note)
    _label(inquiry, 0, by)
    delivery = new_delivery(
        inquiry,
        MailKind.STATUS,
        recipient=inquiry.email,
        language=inquiry.language,
        dedup=f"out_of_scope:{inquiry.routing_round}",
    )
    db.session.flush()
    outbox.after_commit("deliver_mail", delivery.id)


def mark_spam(inquiry: Inquiry, by: StaffUser) -> None:
    """Closed without an answer; taught to the model as out of scope."""
    _require_open(inquiry)
    inquiry.objective_code = 0
    inquiry.service_key = None
    inquiry.change_status(Status.CLOSED, actor=by.actor, note="spam", detail={"spam": True})
    _label(inquiry, 0, by)


def add_note(inquiry: Inquiry, by: StaffUser, text: str) -> None:
    inquiry.record("note", actor=by.actor, note=text.strip())


def assign(inquiry: Inquiry, by: StaffUser, assignee_id: int | None) -> None:
    """Give the inquiry to a colleague (or to nobody); recorded even when nothing changes hands."""
    assignee = None
    if assignee_id is not None:
        assignee = db.session.get(StaffUser, assignee_id)
        if assignee is None or not assignee.active:
            raise DecisionRefused(Refused.UNKNOWN_ASSIGNEE)
    inquiry.assignee_id = assignee.id if assignee else None
    inquiry.record(
        "assigned",
        actor=by.actor,
        detail={"assignee": assignee.email if assignee else None},
    )
