"""Customers' steps on their own orders: the backbone's chase, and each kind's own (services.kinds).

The order page offers the steps that apply now, and the page and the API both take them through
`step_named`, the one table: a step of another kind is refused with 409, an unknown one is 404.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from services import actions, kinds
from services.kinds import CustomerStep
from services.models import WorkOrder

CHASE = CustomerStep(
    name="chase",
    label=_("Chase"),
    perform=lambda order, *, by, note: actions.chase(order, by=by, note=note),
    offered=lambda order: actions.may_chase(order) and actions.next_chase_at(order) is None,
    note_label=_("Anything to add"),
    done=_("We have chased it."),
    style="warning",
    heading=_("Chase this request"),
    intro=_("We will raise its priority and tell the person handling it and their supervisor."),
)
MESSAGE = CustomerStep(
    name="message",
    label=_("Send"),
    perform=lambda order, *, by, note: actions.send_customer_message(order, by=by, text=note),
    offered=lambda order: order.is_open,
    note_label=_("Your message"),
    note_required=True,
    done=_("Your message is sent; the answer will appear on this page and in your messages."),
    style="outline-primary",
    heading=_("Write to us"),
    intro=_("Ask a question or add something about this request; the person handling it answers here."),
)
BACKBONE_STEPS: tuple[CustomerStep, ...] = (CHASE, MESSAGE)


def steps_for(order: WorkOrder) -> dict[str, CustomerStep]:
    kind = kinds.of(order)
    own = kind.customer_steps if kind else ()
    return {step.name: step for step in (*own, *BACKBONE_STEPS)}


def offered_steps(order: WorkOrder) -> list[CustomerStep]:
    return [step for step in steps_for(order).values() if step.offered(order)]


def _every_step() -> list[CustomerStep]:
    return [*BACKBONE_STEPS, *(step for kind in kinds.all_kinds() for step in kind.customer_steps)]


def is_known(name: str) -> bool:
    """Whether any kind has a step of this name (so a step of another kind is a 409, not a 404)."""
    return any(step.name == name for step in _every_step())


def step_names() -> list[str]:
    return list(dict.fromkeys(step.name for step in _every_step()))
