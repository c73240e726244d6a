"""Load the objectives and services from config/ into the database without undoing admins' edits."""

from __future__ import annotations

from config import catalogue as data
from inquiries.extensions import db
from inquiries.models import Objective, Service


def load_catalogue() -> tuple[int, int]:
    """Insert what is missing and refresh names; keep addresses and routing that admins changed.

    Returns how many objectives and services were added.
    """
    added_services = added_objectives = 0
    for spec in data.services():
        service = db.session.get(Service, spec.key)
        if service is None:
            db.session.add(
                Service(
                    key=spec.key,
                    email=spec.email,
                    languages=list(spec.languages),
                    names=spec.name,
                    active=True,
                )
            )
            added_services += 1
        else:
            service.names = spec.name
    db.session.flush()
    for objective_spec in data.objectives():
        objective = db.session.get(Objective, objective_spec.code)
        if objective is None:
            objective = Objective(code=objective_spec.code, slug=objective_spec.slug)
            db.session.add(objective)
            added_objectives += 1
        objective.names = objective_spec.name
        objective.descriptions = objective_spec.description
        if not objective.routing_changed_by_admin:
            objective.service_key = objective_spec.service or None
    db.session.commit()
    return added_objectives, added_services
