"""The demo's meetings, actions and case library: a year of them, in every state the README walk needs."""

from io import StringIO

import pytest
from django.core.management import call_command

from complaints import cases
from complaints.models import ActionStatus, AnalysisMeeting, CaseStatus, ImprovementAction, MeetingStatus, TypicalCase
from complaints.redaction import find_personal_data
from portal import demo_library
from services.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db) -> None:
    call_command("seed_demo", accounts=120, orders=60, seed=7, verbosity=0, stdout=StringIO())


def test_a_year_of_meetings_held_with_minutes_and_last_month_as_a_draft(demo, django_user_model) -> None:
    meetings = AnalysisMeeting.objects.all()
    assert meetings.values("period_start").distinct().count() == demo_library.MONTHS
    drafts = meetings.filter(status=MeetingStatus.DRAFT)
    assert drafts.values("period_start").distinct().count() == 1
    assert drafts.get(department__code="TZ-JJ").actions.count() == 0
    held = meetings.filter(status=MeetingStatus.HELD)
    assert held.exclude(conclusions="").count() == held.count() and held.filter(attendees__isnull=False).exists()
    manager = django_user_model.objects.get(username="manager")
    assert meetings.filter(department=manager.department).count() == demo_library.MONTHS


def test_actions_are_mostly_done_with_evidence_and_some_overdue_for_the_beat(demo) -> None:
    from complaints.tasks import warn_overdue_actions

    actions = ImprovementAction.objects.all()
    done = actions.filter(status=ActionStatus.DONE)
    assert done.count() > actions.count() / 2 and not done.filter(evidence="").exists()
    assert ImprovementAction.complaints.through.objects.exists()
    overdue = actions.filter(
        status=ActionStatus.OPEN, due_on__lt=AnalysisMeeting.objects.latest("period_end").period_end
    )
    assert overdue.exists()
    assert warn_overdue_actions() > 0
    assert Notification.objects.filter(template="improvement_action_overdue").exists()


def test_published_cases_hold_no_personal_data_are_searchable_and_partly_read(demo, django_user_model) -> None:
    published = TypicalCase.objects.filter(status=CaseStatus.PUBLISHED)
    assert published.count() >= 8 and TypicalCase.objects.filter(status=CaseStatus.DRAFT).exists()
    for case in TypicalCase.objects.all():
        for text in (case.title, case.situation, case.cause, case.measures, case.lesson):
            assert find_personal_data(text) == []
    counter = django_user_model.objects.get(username="counter")
    assert cases.library(counter, query="电表").exists()
    study = list(cases.study_list(counter))
    assert study and any(case.read_at is None for case in study)
    manager = django_user_model.objects.get(username="manager")
    status = cases.study_status(
        published.filter(department__in=[manager.department]).first() or published.first(),
        viewer=django_user_model.objects.get(username="admin"),
    )
    assert 0 < status.read < status.total


def test_seeding_again_adds_nothing() -> None:
    assert demo_library.seed_library(seed=7) == 0
