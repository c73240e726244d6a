"""SQLAlchemy models, one module per aggregate."""

from inquiries.models.catalogue import Objective, Service
from inquiries.models.delivery import Delivery, DeliveryState, MailKind
from inquiries.models.inquiry import AuditEvent, Classification, Inquiry, Status
from inquiries.models.label import Label, LabelSource
from inquiries.models.model_version import ModelVersion
from inquiries.models.outbox import OutboxMessage

__all__ = [
    "AuditEvent",
    "Classification",
    "Delivery",
    "DeliveryState",
    "Inquiry",
    "Label",
    "LabelSource",
    "MailKind",
    "ModelVersion",
    "Objective",
    "OutboxMessage",
    "Service",
    "Status",
]
