"""The work-order backbone's models; each kind of request keeps its own in its package (docs/architecture.md)."""

from services.models.figures import GridFigures
from services.models.idempotency import IdempotencyKey
from services.models.notifications import Notification, NotificationChannel, NotificationState
from services.models.orders import (
    Attachment,
    Channel,
    EventKind,
    Priority,
    Status,
    TimelineEvent,
    WorkOrder,
)
from services.models.routing import RoutingRule
from services.models.sla import CalendarException, Clock, ClockState, SlaPolicy, SlaUnit
from services.models.visits import QUALITY_CHARACTERISTICS, ReturnVisit, VisitChannel

__all__ = [
    "QUALITY_CHARACTERISTICS",
    "Attachment",
    "CalendarException",
    "Channel",
    "Clock",
    "ClockState",
    "EventKind",
    "IdempotencyKey",
    "GridFigures",
    "Notification",
    "NotificationChannel",
    "NotificationState",
    "Priority",
    "ReturnVisit",
    "RoutingRule",
    "SlaPolicy",
    "SlaUnit",
    "Status",
    "TimelineEvent",
    "VisitChannel",
    "WorkOrder",
]
