"""Panels other apps add to the account page (accounts.views.detail), without accounts importing them.

accounts sits below every other app (docs/architecture.md), so it cannot name what services or billing know
of an account. An app registers a panel from its AppConfig.ready(): a function of the request and the account
that returns the panel's HTML (rendered with the app's own template), or "" to show nothing. The account page
shows the registered panels in order, for staff and customers alike; each panel decides what its viewer sees.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from accounts.models import ElectricityAccount

Panel = Callable[[HttpRequest, ElectricityAccount], str]

_panels: list[Panel] = []


def register(panel: Panel) -> Panel:
    """Add a panel to the account page (once; registering it again changes nothing)."""
    if panel not in _panels:
        _panels.append(panel)
    return panel


def unregister(panel: Panel) -> None:
    if panel in _panels:
        _panels.remove(panel)


def render_all(request: HttpRequest, account: ElectricityAccount) -> list[SafeString]:
    """The registered panels' HTML for this account, in order of registration; empty ones left out."""
    rendered = (panel(request, account) for panel in _panels)
    return [mark_safe(html) for html in rendered if html]
