"""The outlets' menu links for the navigation, by who is signed in (outlets.permissions); no queries."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from outlets.permissions import PLAN_OUTLETS, READ_STATISTICS, TAKE_TICKET, WORK_COUNTER, may

LINKS = (
    (None, "outlets:finder", _("Find an outlet")),
    (TAKE_TICKET, "outlets:my-tickets", _("My tickets and appointments")),
    (WORK_COUNTER, "outlets:counter", _("Counter desk")),
    (READ_STATISTICS, "outlets:statistics", _("Queue statistics")),
    (PLAN_OUTLETS, "outlets:planning", _("Outlet planning")),
)


def menu(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    links = [(name, label) for what, name, label in LINKS if what is None or (user is not None and may(user, what))]
    return {"outlet_links": links}
