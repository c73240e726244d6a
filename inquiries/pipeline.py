"""What happens to an inquiry after it is stored: classify it, then route it or hand it to a person.

Plain functions called by the Celery tasks (and by staff actions); each is idempotent, so a task
that runs twice, or a relay that publishes twice, changes nothing the second time.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update

from classifier import registry
from classifier.language import detect_language
from classifier.model import TrainedModel
from inquiries import outbox, similarity
from inquiries.extensions import db
from inquiries.mailer import deliver, new_delivery
from inquiries.models import (
    Classification,
    Delivery,
    DeliveryState,
    Inquiry,
    MailKind,
    Objective,
    Service,
    Status,
)

log = logging.getLogger(__name__)

ROUTABLE = {Status.RECEIVED, Status.NEEDS_REVIEW, Status.SENT_BACK, Status.DELIVERY_FAILED}

_model_lock = threading.Lock()
_model: TrainedModel | None = None


def current_model() -> TrainedModel:
    """The live model, loaded once per process and again only when another version goes live."""
    global _model
    model_dir = Path(current_app.config["MODEL_DIR"])
    live = registry.live_version(model_dir)
    with _model_lock:
        if _model is None or _model.card.version != live:
            _model = registry.load_live(model_dir)
        return _model


def _locked(inquiry_id: int) -> Inquiry | None:
    """The inquiry, locked for this transaction where the database can (PostgreSQL)."""
    return db.session.scalar(select(Inquiry).where(Inquiry.id == inquiry_id).with_for_update())


def classification_text(inquiry: Inquiry) -> str:
    return f"{inquiry.subject}\n{inquiry.message}" if inquiry.subject else inquiry.message


def _answer_in_detected(inquiry: Inquiry, detected: str | None) -> None:
    """Record the language the inquiry is written in; where the submitter named none, answer
    in it from now on, the acknowledgement waiting to go out included."""
    inquiry.detected_language = detected
    if inquiry.language_declared or detected is None or detected == inquiry.language:
        return
    inquiry.language = detected
    db.session.execute(
        update(Delivery)
        .where(
            Delivery.inquiry_id == inquiry.id,
            Delivery.kind == MailKind.ACKNOWLEDGEMENT,
            Delivery.state == DeliveryState.PENDING,
        )
        .values(language=detected)
    )


def settle_language(inquiry_id: int) -> None:
    """Before the acknowledgement goes out: detect the language of an inquiry that named none
    (intake leaves that to the worker). Classification records it too, should this be skipped."""
    inquiry = db.session.get(Inquiry, inquiry_id)
    if inquiry is not None and not inquiry.language_declared and inquiry.detected_language is None:
        _answer_in_detected(inquiry, detect_language(classification_text(inquiry)))
        db.session.commit()


def classify(inquiry_id: int, outbox_id: int | None = None) -> str | None:
    """Classify once; route what the model is sure of, queue the rest for a person."""
    inquiry = _locked(inquiry_id)
    if inquiry is None or inquiry.classifications or inquiry.status != Status.RECEIVED:
        outbox.complete(outbox_id)
        db.session.commit()
        return inquiry.status if inquiry else None
    text = classification_text(inquiry)
    prediction = current_model().predict(text)
    inquiry.classifications.append(
        Classification(
            model_version=prediction.model_version,
            objective=prediction.objective,
            confidence=prediction.confidence,
            probabilities={str(k): v for k, v in prediction.probabilities.items()},
            decision=prediction.decision,
            secondary=prediction.secondary,
            explanation=prediction.explanation,
            language=prediction.language,
        )
    )
    _answer_in_detected(inquiry, prediction.language)
    inquiry.objective_code = prediction.objective
    inquiry.confidence = prediction.confidence
    similarity.index(inquiry, text)
    objective = db.session.get(Objective, prediction.objective)
    service_key = objective.service_key if objective else None
    detail = {
        "model_version": prediction.model_version,
        "objective": prediction.objective,
        "confidence": round(prediction.confidence, 4),
    }
    if prediction.decision == "route" and service_key:
        inquiry.service_key = service_key
        inquiry.record("classified", actor="classifier", detail={**detail, "decision": "route"})
        outbox.enqueue("route_inquiry", inquiry)
    else:
        reason = (
            "the model thinks this is not an AI question for the contact point"
            if prediction.objective == 0
            else "the model is not sure enough to route it"
        )
        inquiry.change_status(
            Status.NEEDS_REVIEW,
            actor="classifier",
            note=reason,
            detail={**detail, "decision": "review"},
        )
    outbox.complete(outbox_id)
    outbox.commit_and_publish()
    return inquiry.status


def route(inquiry_id: int, outbox_id: int | None = None) -> str | None:
    """Create the routing mail to the inquiry's service (once per routing round) and send it."""
    inquiry = _locked(inquiry_id)
    if inquiry is None or inquiry.status not in ROUTABLE or inquiry.service is None:
        outbox.complete(outbox_id)
        db.session.commit()
        return inquiry.status if inquiry else None
    service = inquiry.service
    delivery = new_delivery(
        inquiry,
        MailKind.ROUTING,
        recipient=service.email,
        service_key=service.key,
        language=service.mail_language(inquiry.language),
        dedup=f"{inquiry.routing_round}:{service.key}",
    )
    copy = _copy_for_secondary(inquiry, service)
    outbox.complete(outbox_id)
    db.session.commit()
    deliver(delivery.id)
    if copy is not None:
        deliver(copy.id)
    return inquiry.status


def _copy_for_secondary(inquiry: Inquiry, service: Service) -> Delivery | None:
    """A copy for the service of the inquiry's secondary objective, where admins want one."""
    classification = inquiry.latest_classification
    secondary = classification.secondary if classification else None
    if secondary in (None, 0, inquiry.objective_code):
        return None
    objective = db.session.get(Objective, secondary)
    other = objective.service if objective and objective.copy_when_secondary else None
    if other is None or not other.active or other.key == service.key:
        return None
    return new_delivery(
        inquiry,
        MailKind.COPY,
        recipient=other.email,
        service_key=other.key,
        language=other.mail_language(inquiry.language),
        dedup=f"{inquiry.routing_round}:copy:{other.key}",
    )
