"""The monthly quality report: on the first working day of a month, every unit's managers are told, through
the outbox, that last month's report (dashboards:report, printable, and its PDF) is ready. Once per unit and month: the
outbox's dedupe key makes a second run harmless."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Department, Role, User
from services import notifications, sla


def first_working_day(day: date) -> date:
    first = day.replace(day=1)
    while not sla.is_working_day(first):
        first += timedelta(days=1)
    return first


def report_link(unit: Department, month: date, *, as_pdf: bool = False) -> str:
    query = f"?unit={unit.code}&period=month&on={month.isoformat()}" + ("&format=pdf" if as_pdf else "")
    return settings.SITE_URL.rstrip("/") + reverse("dashboards:report") + query


def send_monthly_reports(today: date | None = None) -> int:
    """Queue the report's message to each unit's managers; nothing unless today is the month's first working day."""
    today = today or timezone.localdate()
    if today != first_working_day(today):
        return 0
    month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    managers: dict[int, list[User]] = {}
    for manager in User.objects.filter(role=Role.DEPARTMENT_MANAGER, is_active=True, department__isnull=False):
        managers.setdefault(manager.department_id, []).append(manager)
    sent = 0
    with transaction.atomic():
        for unit in Department.objects.filter(pk__in=managers):
            context = {
                "month": month.strftime("%Y-%m"),
                "department": unit.name,
                "link": report_link(unit, month),
                "pdf_link": report_link(unit, month, as_pdf=True),
            }
            sent += notifications.notify(
                None,
                template="monthly_quality_report",
                recipients=managers[unit.pk],
                context=context,
                dedupe=f"monthly-report:{unit.pk}:{month.isoformat()}",
            )
    return sent
