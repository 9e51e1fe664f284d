"""The stages of a new connection as data: which apply to each application type, who works each, which are
the customer's own time, and the moves between them (the kind's transition table).

An order's status is its stage. Each company stage runs a clock `stage:<stage>` from its policy row (migration
0002: limits by type in working days); the whole-process clock `whole_process` runs from filing to energisation
and counts only the company's stages: it pauses during the customer's construction and while the company waits
for missing documents (services.connections.actions._enter does both).
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Role
from services.connections.models import HIGH_VOLTAGE, BusinessApplication, ConnectionType, Stage
from services.models import Status

WHOLE_PROCESS = "whole_process"

# Who works the stages (the role table in docs/architecture.md follows this).
INTAKE = frozenset({Role.COUNTER_STAFF, Role.GRID_MANAGER, Role.DEPARTMENT_MANAGER})
LV_PLANNERS = frozenset({Role.GRID_MANAGER, Role.DEPARTMENT_MANAGER})
HV_PLANNERS = frozenset({Role.DEPARTMENT_MANAGER})
LV_INSPECTORS = frozenset({Role.INSPECTOR, Role.GRID_MANAGER, Role.DEPARTMENT_MANAGER})
HV_INSPECTORS = frozenset({Role.INSPECTOR, Role.DEPARTMENT_MANAGER})
FITTERS = frozenset({Role.GRID_MANAGER, Role.REPAIR_CREW, Role.DEPARTMENT_MANAGER})


@dataclass(frozen=True)
class StageSpec:
    stage: str
    roles: frozenset[str]  # who works it; empty for the customer's own stage
    is_company: bool = True  # a company stage runs its clock and the whole-process clock
    important_only: bool = False  # only for important customers

    @property
    def clock(self) -> str:
        return f"stage:{self.stage}"


def _lv(planners: frozenset[str]) -> tuple[StageSpec, ...]:
    return (
        StageSpec(Stage.ACCEPTANCE, INTAKE),
        StageSpec(Stage.SUPPLY_PLAN, planners),
        StageSpec(Stage.CONSTRUCTION, frozenset(), is_company=False),
        StageSpec(Stage.FINAL_INSPECTION, LV_INSPECTORS),
        StageSpec(Stage.ENERGISATION, FITTERS),
    )


HV_STAGES = (
    StageSpec(Stage.ACCEPTANCE, INTAKE),
    StageSpec(Stage.SUPPLY_PLAN, HV_PLANNERS),
    StageSpec(Stage.DESIGN_REVIEW, HV_PLANNERS, important_only=True),
    StageSpec(Stage.CONSTRUCTION, frozenset(), is_company=False),
    StageSpec(Stage.MID_INSPECTION, HV_INSPECTORS, important_only=True),
    StageSpec(Stage.FINAL_INSPECTION, HV_INSPECTORS),
    StageSpec(Stage.ENERGISATION, FITTERS),
)

PLANS: dict[str, tuple[StageSpec, ...]] = {
    ConnectionType.LV_RESIDENTIAL: _lv(LV_PLANNERS),
    ConnectionType.LV_NON_RESIDENTIAL: _lv(LV_PLANNERS),
    ConnectionType.HV_SINGLE: HV_STAGES,
    ConnectionType.HV_DUAL: HV_STAGES,
}

# Where the customer's time is: no company clock runs, and the whole-process clock waits.
CUSTOMER_TIME = frozenset({Stage.CONSTRUCTION, Status.WAITING_CUSTOMER})

# The moves. Design review and mid-construction inspection are asked for from construction and return to it;
# a failed completion inspection returns to construction with its defects; stage rules the table cannot say
# (important customers only, the design approved first) are services.connections.actions' guards.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Stage.ACCEPTANCE}),
    Stage.ACCEPTANCE: frozenset({Status.WAITING_CUSTOMER, Stage.SUPPLY_PLAN, Status.CANCELLED}),
    Status.WAITING_CUSTOMER: frozenset({Stage.ACCEPTANCE, Status.CANCELLED}),
    Stage.SUPPLY_PLAN: frozenset({Stage.CONSTRUCTION}),
    Stage.CONSTRUCTION: frozenset(
        {Stage.DESIGN_REVIEW, Stage.MID_INSPECTION, Stage.FINAL_INSPECTION, Status.CANCELLED}
    ),
    Stage.DESIGN_REVIEW: frozenset({Stage.CONSTRUCTION}),
    Stage.MID_INSPECTION: frozenset({Stage.CONSTRUCTION}),
    Stage.FINAL_INSPECTION: frozenset({Stage.CONSTRUCTION, Stage.ENERGISATION}),
    Stage.ENERGISATION: frozenset({Status.RESOLVED}),
    Status.RESOLVED: frozenset({Status.CLOSED}),
}


def plan_for(application: BusinessApplication) -> list[StageSpec]:
    """The stages this application passes, in order (design review and mid inspection for important ones)."""
    return [spec for spec in PLANS[application.connection_type] if application.is_important or not spec.important_only]


def spec_for(application: BusinessApplication, stage: str) -> StageSpec | None:
    return next((spec for spec in plan_for(application) if spec.stage == stage), None)


def may_work(application: BusinessApplication, stage: str, role: str) -> bool:
    """Whether `role` works `stage` of this application (the stage must apply to it)."""
    spec = spec_for(application, stage)
    return spec is not None and role in spec.roles


def every_stage_role() -> frozenset[str]:
    return frozenset(role for plan in PLANS.values() for spec in plan for role in spec.roles)


def is_high_voltage(connection_type: str) -> bool:
    return connection_type in HIGH_VOLTAGE
