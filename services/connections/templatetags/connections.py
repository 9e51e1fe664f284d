"""The customer's and staff's view of a new connection's stages (services.connections.progress)."""

from __future__ import annotations

from django import template

from services.connections import progress
from services.models import WorkOrder

register = template.Library()


@register.simple_tag
def connection_stages(order: WorkOrder) -> list[progress.StageRow]:
    application = getattr(order, "business_application", None)
    return progress.stage_rows(order, application) if application is not None else []


@register.simple_tag
def connection_next(order: WorkOrder) -> str:
    return progress.next_step(order)
