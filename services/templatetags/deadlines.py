"""How a deadline reads: a working-day limit ends at the midnight that starts the next day (services.sla), which
people read as the end of the day before, so midnight shows as 24:00 of that day."""

from datetime import datetime, timedelta

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def deadline(value: datetime | None, style: str = "full") -> str:
    """'2026-10-14 00:00' reads '2026-10-13 24:00'; style 'short' leaves out the year."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    day_format = "%m-%d" if style == "short" else "%Y-%m-%d"
    if (local.hour, local.minute, local.second, local.microsecond) == (0, 0, 0, 0):
        return f"{local - timedelta(days=1):{day_format}} 24:00"
    return f"{local:{day_format} %H:%M}"
