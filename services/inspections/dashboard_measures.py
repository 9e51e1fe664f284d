"""Inspections' figures on the managers' dashboards and the 台区 scorecard (dashboards.registry.autodiscover()).

Rectifications closed: of the rectification notices falling due on a day, the share done by their date, per
unit, 台区 and inspector (the scorecard's "inspection findings closed").
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from services.inspections.models import Finding, Inspection, Rectification
from services.models import WorkOrder


def rectifications_source(d: object) -> str:
    rectifications, findings = Rectification._meta.db_table, Finding._meta.db_table
    inspections, orders = Inspection._meta.db_table, WorkOrder._meta.db_table
    done_in_time = f"r.done_at IS NOT NULL AND {d.day('r.done_at')} <= r.due_on"
    return (
        "SELECT '' AS key, r.due_on AS day, o.department_id, o.grid_id, o.assigned_to_id AS person_id, "
        f"CASE WHEN {done_in_time} THEN 1 ELSE 0 END AS num, 1 AS den FROM {rectifications} r "
        f"JOIN {findings} f ON f.id = r.finding_id JOIN {inspections} i ON i.order_id = f.inspection_id "
        f"JOIN {orders} o ON o.id = i.order_id WHERE r.due_on >= %(since)s AND r.due_on < %(until)s"
    )


MEASURES = [
    {
        "code": "rectifications_closed",
        "label": _("Inspection findings rectified on time"),
        "unit": "percent",
        "section": "time",
        "higher_is_better": True,
        "levels": "dgp",
        "source": rectifications_source,
        "drill": lambda key: reverse("services:inspection-plans"),
    }
]
