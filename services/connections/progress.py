"""Where an application is, for the customer's page and the API: each stage of its plan with its state, who
works it, its time limit and due date, and what happens next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.models import Role
from services import sla
from services.connections.models import BusinessApplication, Stage
from services.connections.stages import plan_for
from services.models import Clock, Status, WorkOrder

NEXT: dict[str, Promise] = {
    Stage.ACCEPTANCE: _("We check your documents (and survey the site for low voltage), then accept the application."),
    Status.WAITING_CUSTOMER: _("Upload the documents we asked for; the time limit waits until you do."),
    Stage.SUPPLY_PLAN: _("We draft the supply plan and send it to you."),
    Stage.DESIGN_REVIEW: _("We review your design and tell you the result."),
    Stage.CONSTRUCTION: _("Your contractor, chosen freely by you, builds the works; tell us when they are done."),
    Stage.MID_INSPECTION: _("We inspect the works before they are covered."),
    Stage.FINAL_INSPECTION: _("We inspect the completed works; you sign the supply contract and pay the fees."),
    Stage.ENERGISATION: _("We install the meter and switch the supply on."),
    Status.RESOLVED: _("Your supply is on."),
    Status.CLOSED: _("Your supply is on."),
    Status.CANCELLED: _("The application was withdrawn."),
}


@dataclass
class StageRow:
    stage: str
    label: str
    state: str  # done, current or todo
    who: str
    is_company: bool
    limit_days: int | None
    due_at: datetime | None
    clock_state: str


def _who(roles: frozenset[str], order: WorkOrder, current: bool) -> str:
    if not roles:
        return str(_("The customer and their contractor"))
    if current and order.assigned_to_id:
        return order.assigned_to.get_full_name() or order.assigned_to.username
    return ", ".join(str(Role(role).label) for role in sorted(roles))


def _position(order: WorkOrder, stages: list[str]) -> int:
    here = Stage.ACCEPTANCE if order.status in (Status.NEW, Status.WAITING_CUSTOMER) else order.status
    if here in stages:
        return stages.index(here)
    return len(stages) if order.status in (Status.RESOLVED, Status.CLOSED) else -1


def stage_rows(order: WorkOrder, application: BusinessApplication) -> list[StageRow]:
    """The application's stages in order (one query for the clocks, one per stage not yet started for its limit)."""
    plan = plan_for(application)
    clocks: dict[str, Clock] = {}
    for clock in order.clocks.all():
        clocks[clock.name] = clock  # the latest of each name (ordered by start)
    position = _position(order, [spec.stage for spec in plan])
    rows = []
    for index, spec in enumerate(plan):
        state = "done" if index < position else "current" if index == position else "todo"
        clock = clocks.get(spec.clock)
        limit = clock.target if clock else None
        if clock is None and spec.is_company:
            policy = sla.policy_for(order, spec.clock)
            limit = policy.target if policy else None
        rows.append(
            StageRow(
                stage=spec.stage,
                label=str(Stage(spec.stage).label),
                state=state,
                who=_who(spec.roles, order, state == "current"),
                is_company=spec.is_company,
                limit_days=limit,
                due_at=clock.due_at if clock else None,
                clock_state=str(sla.clock_status(clock, timezone.now()).state_label) if clock else "",
            )
        )
    return rows


def next_step(order: WorkOrder) -> str:
    return str(NEXT.get(order.status, ""))
