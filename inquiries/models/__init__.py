"""SQLAlchemy models, one module per aggregate."""

from inquiries.models.admin_event import AdminEvent
from inquiries.models.api_token import ApiToken
from inquiries.models.catalogue import Objective, Service
from inquiries.models.delivery import Delivery, DeliveryState, MailKind
from inquiries.models.inquiry import AuditEvent, Classification, Inquiry, Status
from inquiries.models.label import Label, LabelSource
from inquiries.models.model_version import ModelVersion
from inquiries.models.outbox import OutboxMessage
from inquiries.models.staff import Role, StaffUser
from inquiries.models.task_stat import TaskStat
from inquiries.models.term import InquiryTerm

__all__ = [
    "AdminEvent",
    "ApiToken",
    "AuditEvent",
    "Classification",
    "Delivery",
    "DeliveryState",
    "Inquiry",
    "InquiryTerm",
    "Label",
    "LabelSource",
    "MailKind",
    "ModelVersion",
    "Objective",
    "OutboxMessage",
    "Role",
    "Service",
    "StaffUser",
    "Status",
    "TaskStat",
]
