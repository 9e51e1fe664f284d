"""Who may do what with complaints: the one table the pages, the API and the action forms read.

A step's roles are in STEP_ROLES (complaints.forms builds each ActionForm's `roles` from it); the order's side
(in the actor's scope: assigned, or held by their department subtree) is the backbone's
(services.permissions.may_act_on). Who filed a report of misconduct is for complaint handlers and managers only.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL

from accounts.models import STAFF_ROLES, Department, DepartmentKind, Role, User
from complaints.models import AnalysisMeeting
from services.forms import ORDER_TAKERS
from services.permissions import may_act_on, scope_of

HANDLERS = frozenset({Role.COMPLAINT_HANDLER, Role.DEPARTMENT_MANAGER})
MANAGERS = frozenset({Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR})
# Staff who enter a complaint received by phone, at the counter, from 12398/12345 or by letter.
INTAKE = frozenset(ORDER_TAKERS | {Role.COMPLAINT_HANDLER})

# Step name → the roles that take it. Verification additionally needs a second person (complaints.actions).
STEP_ROLES: dict[str, frozenset[str]] = {
    "mark_major": HANDLERS,
    "contact": HANDLERS,
    "investigate": HANDLERS,
    "analyse": HANDLERS,
    "rectify": HANDLERS,
    "verify": HANDLERS,
    "send_back": HANDLERS,
    "answer": HANDLERS,
    "assess": HANDLERS,
    "close_complaint": HANDLERS,
}


def may_enter(user: User | AnonymousUser) -> bool:
    """Staff who may enter a complaint (or report, opinion, suggestion, praise) on someone's behalf."""
    return user.is_authenticated and user.role in INTAKE


def enters_by_tool(user: User | AnonymousUser) -> bool:
    """Complaint handlers, who enter complaints but are not the backbone's order takers (their menu has a tool)."""
    return user.is_authenticated and user.role == Role.COMPLAINT_HANDLER


def is_handler(user: User | AnonymousUser) -> bool:
    """Complaint handlers and managers: the queue, intake history, confidential reporters."""
    return user.is_authenticated and user.role in HANDLERS


def is_manager(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.role in MANAGERS


def may_see_reporter(user: User | AnonymousUser) -> bool:
    """Who filed a report of misconduct: complaint handlers and managers only (not even administrators)."""
    return is_handler(user)


def may_verify(user: User) -> bool:
    """The handler's supervisor (a department manager) or the complaint centre (a handler of customer service)."""
    if user.role == Role.DEPARTMENT_MANAGER:
        return True
    return (
        user.role == Role.COMPLAINT_HANDLER
        and user.department_id is not None
        and user.department.kind == DepartmentKind.CUSTOMER_SERVICE
    )


# --- Analysis meetings, improvement actions and the typical-case library -------------------------------------
# Managers hold the meetings, record actions, publish cases and assign them for study, within their department
# and the units below it; complaint handlers (and managers) write cases from closed complaints in their scope and
# see the meetings of their units; every employee reads the library, studies what is assigned to them and
# reports their own actions done. Objects out of reach are 404 (the *_visible_to querysets), actions 403.
MEETING_MANAGERS = frozenset({Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR})
MEETING_READERS = MEETING_MANAGERS | {Role.COMPLAINT_HANDLER}
CASE_WRITERS = frozenset({Role.COMPLAINT_HANDLER, Role.DEPARTMENT_MANAGER, Role.ADMINISTRATOR})

LIBRARY_RULES: dict[str, frozenset[str]] = {
    "see_meetings": MEETING_READERS,
    "open_meeting": MEETING_MANAGERS,
    "record_minutes": MEETING_MANAGERS,
    "add_action": MEETING_MANAGERS,
    "cancel_action": MEETING_MANAGERS,
    "complete_action": frozenset(STAFF_ROLES),  # their own action; a manager any in scope (may_complete)
    "read_library": frozenset(STAFF_ROLES),
    "write_case": CASE_WRITERS,
    "publish_case": MEETING_MANAGERS,
    "assign_study": MEETING_MANAGERS,
    "see_study_status": MEETING_MANAGERS,
}


def may(user: User | AnonymousUser, what: str) -> bool:
    """Whether the user's role may do `what` (LIBRARY_RULES) at all; objects add their scope below."""
    return bool(user.is_authenticated and (user.role in LIBRARY_RULES[what] or user.is_superuser))


def _everywhere(user: User) -> bool:
    return user.role == Role.ADMINISTRATOR or user.is_superuser


def in_scope(user: User, department_id: int | None) -> bool:
    """The department is the user's or below it (an administrator's scope is the company)."""
    if _everywhere(user):
        return True
    return user.department_id is not None and department_id in scope_of(user)


def departments_of(user: User) -> QuerySet[Department]:
    """The departments in the user's scope."""
    if _everywhere(user):
        return Department.objects.all()
    if user.department_id is None:
        return Department.objects.none()
    return Department.objects.subtree_of(user.department)


def may_manage_meeting(user: User, department_id: int) -> bool:
    return may(user, "open_meeting") and in_scope(user, department_id)


def may_complete(user: User, action: object) -> bool:
    """The action's owner, or a manager whose scope holds the meeting."""
    if action.owner_id == user.pk:
        return True
    return may(user, "cancel_action") and in_scope(user, action.meeting.department_id)


def may_write_case_from(user: User, complaint: object) -> bool:
    return may(user, "write_case") and (_everywhere(user) or may_act_on(complaint.order, user))


def may_edit_case(user: User, case: object) -> bool:
    """A draft: its author, or a manager in scope of its department."""
    if case.author_id == user.pk and may(user, "write_case"):
        return True
    return may(user, "publish_case") and in_scope(user, case.department_id)


def may_publish_case(user: User, case: object) -> bool:
    return may(user, "publish_case") and in_scope(user, case.department_id)


def meeting_filter(user: User) -> Q:
    """The meetings a user sees: for a meeting reader, those of their units and of the units above them (which
    cover theirs); for anyone, the meetings they attended."""
    if _everywhere(user):
        return Q()
    attended = Q(pk__in=AnalysisMeeting.attendees.through.objects.filter(user=user).values("analysismeeting_id"))
    if user.role in MEETING_READERS and user.department_id is not None:
        below = Department.objects.subtree_of(user.department).values("pk")
        return Q(department__in=below) | Q(department__in=_above(user.department_id)) | attended
    return attended


def _above(department_id: int) -> RawSQL:
    """The ids of the department's parents, grandparents… (itself excluded), as a subquery."""
    table = Department._meta.db_table
    sql = (
        f"WITH RECURSIVE up(id, parent_id) AS (SELECT id, parent_id FROM {table} WHERE id = %s "
        f"UNION ALL SELECT d.id, d.parent_id FROM {table} d JOIN up ON d.id = up.parent_id) "
        "SELECT id FROM up WHERE id <> %s"
    )
    return RawSQL(sql, (department_id, department_id))
