"""The typical-case library: writing a case from a closed complaint, publishing, searching, assigning, studying.

Every change is a function here taking the actor as `by=` (one transaction, the row locked, the move checked
in complaints.library_states). A case never holds personal data: the draft is pre-filled through
complaints.redaction and every save refuses what the redaction would remove. Search is Chinese full-text
(services.textsearch) over `search_text`, which every save rewrites.

Who must study a case: each StudyAssignment reaches the employees of its department and every unit below it,
of its role, or of its role in that department. Those sets are computed in SQL from the department tree,
read once (a company has a few hundred units).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import STAFF_ROLES, Department, User
from complaints import permissions, redaction
from complaints.library_states import Refused, check_move
from complaints.models import (
    CaseStatus,
    Complaint,
    ComplaintCategory,
    StudyAssignment,
    StudyRecord,
    TypicalCase,
)
from services import textsearch
from services.models import Status
from services.notifications import notify

TEXT_FIELDS = ("title", "situation", "cause", "measures", "lesson")


def known_names(complaint: Complaint) -> list[str]:
    """The people the complaint names: customer, contact, reporter and the staff who worked or caused it."""
    order = complaint.order
    people = [order.reported_by, order.created_by, order.assigned_to, complaint.responsible_employee]
    names = [order.contact_name, order.customer.name if order.customer_id else ""]
    names += [p.full_name for p in people if p is not None] + [p.username for p in people if p is not None]
    return [name for name in dict.fromkeys(names) if name and len(name) >= 2]


def draft_from(complaint: Complaint) -> dict[str, object]:
    """A case's first draft from the complaint's record, with every personal datum removed."""
    names = known_names(complaint)
    order = complaint.order

    def clean(*parts: str) -> str:
        return redaction.redact("\n".join(part for part in parts if part), names=names)

    root_cause = complaint.root_cause.label if complaint.root_cause_id else ""
    category = complaint.category
    return {
        "title": clean(f"{category.label if category else ''}：{order.description[:40]}")[:120],
        "situation": clean(order.description, complaint.facts),
        "cause": clean(root_cause, complaint.analysis),
        "measures": clean(complaint.rectification, complaint.reply),
        "lesson": "",
        "category": category,
        "department": complaint.responsible_department or order.department,
    }


def check_personal_data(fields: dict[str, object], names: Iterable[str]) -> None:
    """ValidationError by field for every text field holding personal data."""
    names = list(names)
    errors = {}
    for name in TEXT_FIELDS:
        findings = redaction.find_personal_data(str(fields.get(name) or ""), names=names)
        if findings:
            errors[name] = redaction.refusal(findings)
    if errors:
        raise ValidationError(errors)


def _search_text(case: TypicalCase) -> str:
    return textsearch.search_terms(*(getattr(case, name) for name in TEXT_FIELDS))


def write_case(
    complaint: Complaint,
    *,
    by: User,
    title: str,
    situation: str,
    cause: str,
    measures: str,
    lesson: str,
    characteristic: str,
    category: ComplaintCategory,
    department: Department,
) -> TypicalCase:
    """Write a typical case (a draft) from a closed complaint; personal data is refused."""
    if not permissions.may_write_case_from(by, complaint):
        raise PermissionDenied
    if complaint.order.status != Status.CLOSED:
        raise Refused(_("A case is written from a closed complaint."))
    fields = {"title": title, "situation": situation, "cause": cause, "measures": measures, "lesson": lesson}
    check_personal_data(fields, known_names(complaint))
    case = TypicalCase(
        complaint=complaint,
        author=by,
        characteristic=characteristic,
        category=category,
        department=department,
        **fields,
    )
    case.search_text = _search_text(case)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise Refused(_("This complaint has a case already.")) from None
    return case


def update_case(case: TypicalCase, *, by: User, **fields: object) -> TypicalCase:
    """Change a draft's text, characteristic, category or department; personal data is refused."""
    if not permissions.may_edit_case(by, case):
        raise PermissionDenied
    names = known_names(case.complaint) if case.complaint_id else []
    check_personal_data(fields, names)
    with transaction.atomic():
        case = TypicalCase.objects.select_for_update().get(pk=case.pk)
        check_move(CaseStatus, case.status, CaseStatus.DRAFT)
        for name, value in fields.items():
            setattr(case, name, value)
        case.search_text, case.updated_at = _search_text(case), timezone.now()
        case.save(update_fields=[*fields, "search_text", "updated_at"])
    return case


def publish_case(case: TypicalCase, *, by: User) -> TypicalCase:
    """Put the case in the library for every employee (a manager of its department)."""
    return _move(case, CaseStatus.PUBLISHED, by=by)


def withdraw_case(case: TypicalCase, *, by: User) -> TypicalCase:
    """Take the case out of the library; its study records are kept."""
    return _move(case, CaseStatus.WITHDRAWN, by=by)


def _move(case: TypicalCase, to: str, *, by: User) -> TypicalCase:
    if not permissions.may_publish_case(by, case):
        raise PermissionDenied
    with transaction.atomic():
        case = TypicalCase.objects.select_for_update().get(pk=case.pk)
        check_move(CaseStatus, case.status, to)
        case.status, case.updated_at = to, timezone.now()
        fields = ["status", "updated_at"]
        if to == CaseStatus.PUBLISHED and case.published_at is None:
            case.published_by, case.published_at = by, timezone.now()
            fields += ["published_by", "published_at"]
        case.save(update_fields=fields)
    return case


# --- Reading ----------------------------------------------------------------------------------------------------


def cases_visible_to(user: User) -> QuerySet[TypicalCase]:
    """Published cases for every employee; drafts and withdrawn ones to their author and managers in scope."""
    if not permissions.may(user, "read_library"):
        return TypicalCase.objects.none()
    own = Q(author=user)
    if permissions.may(user, "publish_case"):
        own |= Q(department__in=permissions.departments_of(user).values("pk"))
    return TypicalCase.objects.filter(Q(status=CaseStatus.PUBLISHED) | own)


def library(
    user: User,
    *,
    query: str = "",
    category: ComplaintCategory | None = None,
    characteristic: str = "",
    department: Department | None = None,
    drafts: bool = False,
) -> QuerySet[TypicalCase]:
    """The library as the user may see it, filtered, best match first for a query, else newest first."""
    cases = cases_visible_to(user)
    cases = cases.exclude(status=CaseStatus.PUBLISHED) if drafts else cases.filter(status=CaseStatus.PUBLISHED)
    if category is not None:
        cases = cases.filter(Q(category=category) | Q(category__parent=category))
    if characteristic:
        cases = cases.filter(characteristic=characteristic)
    if department is not None:
        cases = cases.filter(department__in=Department.objects.subtree_of(department).values("pk"))
    cases = cases.select_related("category__parent", "department", "author")
    if query.strip():
        return textsearch.search(cases, query)
    return cases.order_by("-published_at", "-updated_at", "-pk")


# --- Study ------------------------------------------------------------------------------------------------------


def _descendants() -> dict[int, set[int]]:
    """Every department's subtree (itself and every unit below), from the tree read in one query."""
    children: dict[int | None, list[int]] = {}
    for pk, parent in Department.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    subtrees: dict[int, set[int]] = {}

    def walk(pk: int) -> set[int]:
        found = {pk}
        for child in children.get(pk, []):
            found |= walk(child)
        subtrees[pk] = found
        return found

    for root in children.get(None, []):
        walk(root)
    return subtrees


def reach(assignments: Iterable[StudyAssignment]) -> Q:
    """The employees the assignments reach, as a filter on User (nobody for no assignment)."""
    subtrees, reached = None, Q(pk__in=[])
    for assignment in assignments:
        condition = Q(role__in=STAFF_ROLES, is_active=True)
        if assignment.department_id is not None:
            subtrees = subtrees if subtrees is not None else _descendants()
            condition &= Q(department_id__in=subtrees.get(assignment.department_id, {assignment.department_id}))
        if assignment.role:
            condition &= Q(role=assignment.role)
        reached |= condition
    return reached


def assign_study(
    case: TypicalCase,
    *,
    by: User,
    departments: Iterable[Department] = (),
    roles: Iterable[str] = (),
    due_on: date | None = None,
) -> list[StudyAssignment]:
    """Assign a published case for study: to each department (with its units), each role, or each role there.

    An audience assigned already is not assigned twice. Everyone newly reached is told in their inbox.
    """
    if not (permissions.may(by, "assign_study") and permissions.in_scope(by, case.department_id)):
        raise PermissionDenied
    departments, roles = list(departments), [r for r in roles if r]
    audiences = [(d, r) for d in departments or [None] for r in roles or [""] if d is not None or r]
    if not audiences:
        raise ValidationError(_("Choose at least one department or role."))
    with transaction.atomic():
        case = TypicalCase.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.PUBLISHED:
            raise Refused(_("Only a published case can be assigned for study."))
        existing = {(a.department_id, a.role) for a in case.assignments.all()}
        new = [
            StudyAssignment(case=case, department=d, role=r, due_on=due_on, assigned_by=by)
            for d, r in audiences
            if (d.pk if d else None, r) not in existing
        ]
        StudyAssignment.objects.bulk_create(new)
        _tell_readers(case, new)
    return new


def _tell_readers(case: TypicalCase, assignments: list[StudyAssignment]) -> None:
    if not assignments:
        return
    readers = User.objects.filter(reach(assignments)).exclude(study_records__case=case)
    notify(
        None,
        template="case_assigned_for_study",
        recipients=readers,
        context={"title": case.title, "link": f"/complaints/library/{case.pk}/"},
        channels=["inbox"],
        dedupe=f"typical-case:{case.pk}:study",
    )


def mark_read(case: TypicalCase, *, by: User, takeaway: str) -> StudyRecord:
    """Record that the employee read the case, with a one-line takeaway (a second time updates the takeaway)."""
    if not permissions.may(by, "read_library"):
        raise PermissionDenied
    if case.status != CaseStatus.PUBLISHED:
        raise Refused(_("Only a published case can be marked read."))
    takeaway = " ".join(takeaway.split())
    if not takeaway:
        raise ValidationError({"takeaway": _("Write what you take away from it, in a line.")})
    with transaction.atomic():
        record, created = StudyRecord.objects.select_for_update().get_or_create(
            case=case, employee=by, defaults={"takeaway": takeaway, "read_at": timezone.now()}
        )
        if not created and record.takeaway != takeaway:
            record.takeaway = takeaway
            record.save(update_fields=["takeaway"])
    return record


def assignments_reaching(user: User) -> QuerySet[StudyAssignment]:
    """The assignments that reach this employee: their department or one above it, and their role or any."""
    if not permissions.may(user, "read_library"):
        return StudyAssignment.objects.none()
    above = Q(department=None)
    if user.department_id is not None:
        above |= Q(department_id__in=_ancestors(user.department_id))
    return StudyAssignment.objects.filter(above, Q(role="") | Q(role=user.role), case__status=CaseStatus.PUBLISHED)


def _ancestors(department_id: int) -> list[int]:
    table = Department._meta.db_table
    sql = (
        f"WITH RECURSIVE up(id, parent_id) AS (SELECT id, parent_id FROM {table} WHERE id = %s "
        f"UNION ALL SELECT d.id, d.parent_id FROM {table} d JOIN up ON d.id = up.parent_id) SELECT id FROM up"
    )
    return [row.pk for row in Department.objects.raw(sql, [department_id])]


def study_list(user: User) -> QuerySet[TypicalCase]:
    """The published cases assigned to this employee, unread first, then by due date; with `read_at`."""
    assigned = assignments_reaching(user)
    records = StudyRecord.objects.filter(case=OuterRef("pk"), employee=user)
    cases = TypicalCase.objects.filter(pk__in=assigned.values("case_id"))
    cases = cases.annotate(
        read_at=Subquery(records.values("read_at")[:1]),
        takeaway=Subquery(records.values("takeaway")[:1]),
        due_on=Subquery(assigned.filter(case=OuterRef("pk")).order_by("due_on").values("due_on")[:1]),
    )
    unread_first = F("read_at").asc(nulls_first=True)
    return cases.select_related("category__parent", "department").order_by(
        unread_first, F("due_on").asc(nulls_last=True), "-published_at", "-pk"
    )


@dataclass
class StudyStatus:
    """Who of the case's audience (in the viewer's scope) has read it, and who has not."""

    case: TypicalCase
    assignments: list[StudyAssignment]
    readers: QuerySet[User]
    total: int
    read: int

    @property
    def unread(self) -> int:
        return self.total - self.read


def study_status(case: TypicalCase, *, viewer: User) -> StudyStatus:
    """The audience of the case within the viewer's scope, each with their read time and takeaway, unread first."""
    if not (permissions.may(viewer, "see_study_status") and permissions.in_scope(viewer, case.department_id)):
        raise PermissionDenied
    assignments = list(case.assignments.select_related("department"))
    records = StudyRecord.objects.filter(case=case, employee=OuterRef("pk"))
    readers = User.objects.filter(reach(assignments), department__in=permissions.departments_of(viewer).values("pk"))
    readers = readers.annotate(
        read_at=Subquery(records.values("read_at")[:1]), takeaway=Subquery(records.values("takeaway")[:1])
    )
    figures = readers.order_by().aggregate(total=Count("pk"), read=Count("pk", filter=Exists(records)))
    unread_first = F("read_at").asc(nulls_first=True)
    readers = readers.select_related("department").order_by(unread_first, "department__code", "full_name", "pk")
    return StudyStatus(case, assignments, readers, figures["total"], figures["read"])
