"""What a submitter may see of their own inquiry: status, where it went, and the dated history."""

from __future__ import annotations

from typing import Any

from inquiries.models import Inquiry

# Events a submitter is shown; internal notes and staff identities never leave the building.
PUBLIC_ACTIONS = {"received", "status"}


def public_history(inquiry: Inquiry) -> list[dict[str, Any]]:
    return [
        {"at": event.at.isoformat(timespec="seconds"), "status": event.to_status}
        for event in inquiry.events
        if event.action in PUBLIC_ACTIONS
    ]


def public_view(inquiry: Inquiry, language: str) -> dict[str, Any]:
    """The status as JSON: nobody else's data, nothing internal."""
    return {
        "reference": inquiry.reference,
        "status": inquiry.status,
        "submitted_at": inquiry.created_at.isoformat(timespec="seconds"),
        "objective": (
            {"code": inquiry.objective_code, "name": inquiry.objective.name(language)}
            if inquiry.objective and inquiry.status not in {"received", "needs_review"}
            else None
        ),
        "service": (
            {"key": inquiry.service.key, "name": inquiry.service.name(language)}
            if inquiry.service and inquiry.status not in {"received", "needs_review"}
            else None
        ),
        "history": public_history(inquiry),
    }
