"""Which federal service answers each objective, as admins change it: validated and audited.

Rules: objectives 1 to 9 always have an active service (objective 0 never routes); a service that
an objective routes to cannot be switched off; every service has a valid address. Changes made
here survive `triage db upgrade` (the objective is marked as changed by an admin).
"""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from inquiries.extensions import db
from inquiries.models import AdminEvent, Objective, Service, StaffUser


class RoutingError(ValueError):
    """A change the routing table refuses; the message says why, in the reader's language."""


def _audit(by: StaffUser, action: str, **detail: object) -> None:
    db.session.add(AdminEvent(actor=by.actor, action=action, detail=detail))


def set_route(
    objective_code: int, service_key: str | None, copy_when_secondary: bool, by: StaffUser
) -> bool:
    """Route an objective to a service; returns whether anything changed."""
    objective = db.session.get(Objective, objective_code)
    if objective is None:
        raise RoutingError(_l("There is no such objective."))
    if objective_code == 0:
        service_key = None  # out of scope is never routed to anyone
    else:
        service = db.session.get(Service, service_key) if service_key else None
        if service is None or not service.active:
            raise RoutingError(_l("Every objective needs an active service."))
    if (objective.service_key, objective.copy_when_secondary) == (
        service_key,
        copy_when_secondary,
    ):
        return False
    _audit(
        by,
        "routing_changed",
        objective=objective_code,
        service=[objective.service_key, service_key],
        copy_when_secondary=[objective.copy_when_secondary, copy_when_secondary],
    )
    objective.service_key = service_key
    objective.copy_when_secondary = copy_when_secondary
    objective.routing_changed_by_admin = True
    return True


def update_service(
    key: str,
    *,
    email: str,
    active: bool,
    reminder_after_days: int,
    escalate_after_days: int,
    by: StaffUser,
) -> bool:
    """Change a service's address, whether it takes inquiries, and its reminder periods."""
    service = db.session.get(Service, key)
    if service is None:
        raise RoutingError(_l("There is no such service."))
    try:
        address = validate_email(email.strip(), check_deliverability=False).normalized
    except EmailNotValidError as error:
        raise RoutingError(_l("This is not a valid email address.")) from error
    if not active:
        routed_here = db.session.scalars(
            select(Objective.code).where(Objective.service_key == key, Objective.code != 0)
        ).all()
        if routed_here:
            raise RoutingError(
                _l(
                    "Objectives %(codes)s still go to this service: route them elsewhere first.",
                    codes=", ".join(map(str, routed_here)),
                )
            )
    if not (1 <= reminder_after_days <= 60 and 1 <= escalate_after_days <= 60):
        raise RoutingError(_l("Use between 1 and 60 working days."))
    new = (address, active, reminder_after_days, escalate_after_days)
    old = (service.email, service.active, service.reminder_after_days, service.escalate_after_days)
    if new == old:
        return False
    _audit(
        by,
        "service_changed",
        service=key,
        before=dict(zip(("email", "active", "reminder", "escalate"), old, strict=True)),
        after=dict(zip(("email", "active", "reminder", "escalate"), new, strict=True)),
    )
    service.email, service.active = address, active
    service.reminder_after_days, service.escalate_after_days = new[2], new[3]
    return True


def recent_changes(limit: int = 20) -> list[AdminEvent]:
    return list(
        db.session.scalars(
            select(AdminEvent)
            .where(AdminEvent.action.in_(["routing_changed", "service_changed"]))
            .order_by(AdminEvent.id.desc())
            .limit(limit)
        )
    )
