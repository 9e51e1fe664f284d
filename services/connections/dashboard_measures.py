"""In-sale figures on the managers' dashboards (found by dashboards.registry.autodiscover()).

Every stage clock is already in the dashboards' time limits (`business_application|stage:<name>`); this adds
the whole process by application type: of the applications energised on a day, the share within the
company's whole-process limit (5 / 6 / 22 / 32 working days, its own time only), and their calendar days
from filing to energisation.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from services.connections.models import BusinessApplication, ConnectionType
from services.connections.stages import WHOLE_PROCESS
from services.models import Clock, WorkOrder


def _whole_process(num: str, den: str) -> object:
    def source(d: object) -> str:
        clocks, orders = Clock._meta.db_table, WorkOrder._meta.db_table
        applications = BusinessApplication._meta.db_table
        return (
            f"SELECT a.connection_type AS key, {d.day('c.stopped_at')} AS day, o.department_id, o.grid_id, "
            f"o.assigned_to_id AS person_id, {num} AS num, {den} AS den FROM {clocks} c "
            f"JOIN {orders} o ON o.id = c.order_id JOIN {applications} a ON a.order_id = o.id "
            f"WHERE c.name = '{WHOLE_PROCESS}' AND c.state IN ('met', 'breached') "
            "AND c.stopped_at >= %(since)s AND c.stopped_at < %(until)s"
        )

    return source


def _types() -> dict[str, str]:
    return {choice.value: str(choice.label) for choice in ConnectionType}


MEASURES = [
    {
        "code": "connection_whole_process",
        "label": _("New connections within the whole-process limit"),
        "unit": "percent",
        "section": "time",
        "higher_is_better": True,
        "source": _whole_process("CASE WHEN c.state = 'met' THEN 1 ELSE 0 END", "1"),
        "drill": lambda key: reverse("services:connection-funnel"),
        "keys": _types,
    },
    {
        "code": "connection_days",
        "label": _("New connections: days from filing to energisation"),
        "unit": "days",
        "section": "time",
        "higher_is_better": False,
        "source": lambda d: _whole_process(f"({d.minutes('o.opened_at', 'c.stopped_at')} / 1440.0)", "1")(d),
        "drill": lambda key: reverse("services:connection-funnel"),
        "keys": _types,
    },
]
