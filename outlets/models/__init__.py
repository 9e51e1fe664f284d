"""Outlets (营业厅 and 便民服务点), their hours, counters and services; the hall queue; kiosks (models.kiosks)."""

from outlets.models.outlets import (
    Counter,
    GridLocation,
    OpeningException,
    OpeningHours,
    Outlet,
    OutletAgent,
    OutletKind,
    QueueService,
)
from outlets.models.queue import (
    TICKET_TRANSITIONS,
    Appointment,
    AppointmentSlot,
    AppointmentStatus,
    Ticket,
    TicketNumber,
    TicketSource,
    TicketStatus,
)

__all__ = [
    "TICKET_TRANSITIONS",
    "Appointment",
    "AppointmentSlot",
    "AppointmentStatus",
    "Counter",
    "GridLocation",
    "OpeningException",
    "OpeningHours",
    "Outlet",
    "OutletAgent",
    "OutletKind",
    "QueueService",
    "Ticket",
    "TicketNumber",
    "TicketSource",
    "TicketStatus",
]

# Kiosks (outlets.kiosk): the devices, their customers' sessions, proof attempts and request log.
from outlets.models.kiosks import DeviceHealth, Kiosk, KioskRequest, KioskSession, ProofAttempt, ProofMethod, silent_at

__all__ += ["DeviceHealth", "Kiosk", "KioskRequest", "KioskSession", "ProofAttempt", "ProofMethod", "silent_at"]
