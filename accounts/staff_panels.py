"""Panels other apps add to the staff's account page (accounts:detail), without accounts importing them.

accounts sits below every other app, so its account page cannot ask services (or billing…) for what they know
of an account. Instead an app registers a `StaffPanel` from its AppConfig.ready(): a template and a function
that gives the template its context for one account. The page renders, for staff only, every registered panel
whose `shown_to(user)` admits the reader, in registration order. Keep a panel's context to a fixed number of
queries (the page's query count must not grow with the account's history).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accounts.models import ElectricityAccount, User


@dataclass(frozen=True)
class StaffPanel:
    name: str  # unique, e.g. "inspections"
    template: str  # rendered with the account page's context plus `panel` (what `context` returns)
    context: Callable[[ElectricityAccount, User], dict[str, Any]]
    shown_to: Callable[[User], bool]


_panels: dict[str, StaffPanel] = {}


def register(panel: StaffPanel) -> StaffPanel:
    _panels[panel.name] = panel
    return panel


def panels_for(account: ElectricityAccount, user: User) -> list[tuple[StaffPanel, dict[str, Any]]]:
    """The panels `user` may see on `account`'s page, each with its context; nothing for customers."""
    if not (user.is_authenticated and user.is_employee):
        return []
    return [(panel, panel.context(account, user)) for panel in _panels.values() if panel.shown_to(user)]
