from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from services.actions import TransitionRefused
from services.inspections import actions
from services.inspections.actions import ItemResult, NewFinding
from services.inspections.models import (
    FindingCategory,
    Inspection,
    LegalBasis,
    Origin,
    Outcome,
    Rectification,
    RectificationStatus,
    Severity,
    TheftCase,
)
from services.models import Notification, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(quarterly, hv_account, ivan):
    today = timezone.localdate()
    return actions.schedule_inspection(quarterly, hv_account, period_start=today.replace(day=1), planned_on=today)


def answer_all(order, by, outcome=Outcome.PASSED):
    items = order.inspection.checklist.items.all()
    return actions.record_results(order, by=by, results=[ItemResult(item, outcome, "x") for item in items])


def hazard(days: int = 10) -> NewFinding:
    return NewFinding(
        category=FindingCategory.HAZARD,
        severity=Severity.HIGH,
        description="表箱锈蚀，门无法关闭",
        required_action="更换表箱",
        due_on=timezone.localdate() + timedelta(days=days),
        legal_basis=LegalBasis.objects.get(code="rules_safety"),
    )


def test_an_inspector_works_the_checklist_and_completes(order, ivan):
    answer_all(order, ivan)
    order = actions.complete_inspection(order, by=ivan, result="一切正常")
    inspection = Inspection.objects.get(pk=order.pk)
    assert order.status == Status.CLOSED
    assert inspection.completed_by == ivan and not inspection.has_findings
    assert order.clocks.get(name="complete").state == "met"


def test_completing_with_unanswered_items_is_refused_and_changes_nothing(order, ivan):
    with pytest.raises(ValidationError):
        actions.complete_inspection(order, by=ivan)
    order.refresh_from_db()
    assert order.status == Status.ASSIGNED  # the whole step rolled back, taking it up too
    assert Inspection.objects.get(pk=order.pk).completed_at is None


def test_a_closed_inspection_cannot_be_worked_again(order, ivan):
    answer_all(order, ivan)
    actions.complete_inspection(order, by=ivan)
    with pytest.raises(TransitionRefused):
        answer_all(order, ivan, Outcome.FAILED)


@pytest.mark.parametrize("who", ["grace", "charlie", "alice"])
def test_other_roles_may_not_work_an_inspection(order, personas, who):
    with pytest.raises(PermissionDenied):
        answer_all(order, personas[who])


def test_a_hazard_issues_a_notice_and_plans_a_reinspection_that_closes_it(order, ivan):
    answer_all(order, ivan, Outcome.FAILED)
    finding = actions.record_finding(order, by=ivan, finding=hazard())
    notice = finding.rectification
    assert notice.status == RectificationStatus.OPEN
    assert Notification.objects.filter(template="rectification_notice").exists()
    reinspection = Inspection.objects.get(rectification=notice)
    assert reinspection.origin == Origin.REINSPECTION and reinspection.planned_on == notice.due_on
    actions.complete_inspection(order, by=ivan)
    assert Inspection.objects.get(pk=order.pk).has_findings

    answer_all(reinspection.order, ivan)
    actions.complete_inspection(reinspection.order, by=ivan)
    notice.refresh_from_db()
    assert notice.status == RectificationStatus.DONE


def test_a_finding_without_its_notice_fields_is_refused(order, ivan):
    bare = NewFinding(category=FindingCategory.VIOLATION, severity=Severity.LOW, description="超容量")
    with pytest.raises(ValidationError) as refused:
        actions.record_finding(order, by=ivan, finding=bare)
    assert {"required_action", "due_on", "legal_basis"} <= set(refused.value.error_dict)
    assert not Rectification.objects.exists()


def test_suspected_theft_opens_a_confidential_case_for_the_manager(order, ivan, mona):
    theft = NewFinding(
        category=FindingCategory.THEFT,
        severity=Severity.CRITICAL,
        description="表尾短接",
        estimated_unbilled_kwh=Decimal("3200.0"),
    )
    actions.record_finding(order, by=ivan, finding=theft)
    case = TheftCase.objects.get()
    assert case.estimated_unbilled_kwh == Decimal("3200.0")
    message = Notification.objects.get(template="theft_case_opened")
    assert message.recipient == mona and message.channel == "inbox"
    assert not order.events.filter(is_public=True, new_value__contains="窃电").exists()


def test_overdue_rectifications_escalate_once(order, ivan, mona):
    answer_all(order, ivan, Outcome.FAILED)
    finding = actions.record_finding(order, by=ivan, finding=hazard(days=3))
    later = finding.rectification.due_on + timedelta(days=1)
    assert actions.escalate_overdue_rectifications(later) == 1
    assert actions.escalate_overdue_rectifications(later) == 0
    assert Notification.objects.filter(template="rectification_overdue", recipient=mona).exists()
    assert Notification.objects.filter(template="rectification_reminder").exists()


def test_nothing_escalates_before_the_date(order, ivan):
    answer_all(order, ivan, Outcome.FAILED)
    finding = actions.record_finding(order, by=ivan, finding=hazard(days=3))
    assert actions.escalate_overdue_rectifications(finding.rectification.due_on) == 0
