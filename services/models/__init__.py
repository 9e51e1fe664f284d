"""The work-order backbone and the kinds of request built on it (see docs/architecture.md)."""

from services.models.applications import ServiceApplication, ServiceApplicationType
from services.models.notifications import Notification, NotificationChannel, NotificationState
from services.models.orders import (
    TRANSITIONS,
    Attachment,
    Channel,
    EventKind,
    OrderKind,
    Priority,
    Status,
    TimelineEvent,
    WorkOrder,
)
from services.models.repair import FaultReport, FaultType, OutageEvent, OutageKind, Triage
from services.models.routing import RoutingRule
from services.models.sla import CalendarException, Clock, ClockState, SlaPolicy, SlaUnit
from services.models.visits import QUALITY_CHARACTERISTICS, ReturnVisit, VisitChannel

__all__ = [
    "QUALITY_CHARACTERISTICS",
    "TRANSITIONS",
    "Attachment",
    "CalendarException",
    "Channel",
    "Clock",
    "ClockState",
    "EventKind",
    "FaultReport",
    "FaultType",
    "Notification",
    "NotificationChannel",
    "NotificationState",
    "OrderKind",
    "OutageEvent",
    "OutageKind",
    "Priority",
    "ReturnVisit",
    "RoutingRule",
    "ServiceApplication",
    "ServiceApplicationType",
    "SlaPolicy",
    "SlaUnit",
    "Status",
    "TimelineEvent",
    "Triage",
    "VisitChannel",
    "WorkOrder",
]
