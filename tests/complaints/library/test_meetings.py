"""Analysis meetings: opening in scope, the prepared figures, minutes, improvement actions, the beat jobs."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from complaints import meeting_actions
from complaints.library_states import Refused
from complaints.meetings import Period, prepare
from complaints.models import ActionStatus, AnalysisMeeting, ImprovementAction, MeetingStatus, MonthlyComplaintFigures
from services.models import Notification
from tests.complaints.library.data import Org, at, complaint, root_cause

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def meeting_of(org: Org, first: date = date(2026, 5, 1), last: date = date(2026, 5, 31)) -> AnalysisMeeting:
    return meeting_actions.open_meeting(by=org.mona, department=org.city, period_start=first, period_end=last)


def test_a_month_compares_with_the_month_before_and_other_periods_with_the_same_length() -> None:
    assert Period(date(2026, 3, 1), date(2026, 3, 31)).previous() == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert Period(date(2026, 3, 10), date(2026, 3, 19)).previous() == Period(date(2026, 2, 28), date(2026, 3, 9))


def test_a_manager_opens_a_meeting_for_a_unit_of_theirs_once(org: Org) -> None:
    first = meeting_of(org)
    again = meeting_of(org)
    assert first == again and first.opened_by == org.mona and first.status == MeetingStatus.DRAFT
    assert AnalysisMeeting.objects.count() == 1


def test_a_manager_cannot_open_a_meeting_outside_their_units(org: Org) -> None:
    with pytest.raises(PermissionDenied):
        meeting_actions.open_meeting(
            by=org.mona, department=org.other, period_start=date(2026, 5, 1), period_end=date(2026, 5, 31)
        )
    with pytest.raises(PermissionDenied):
        meeting_actions.open_meeting(
            by=org.hana, department=org.station, period_start=date(2026, 5, 1), period_end=date(2026, 5, 31)
        )


def test_the_meeting_is_prepared_from_the_periods_complaints(org: Org) -> None:
    may, april = at(2026, 5, 10), at(2026, 4, 10)
    complaint(
        org.station,
        received_at=may,
        is_repeat=True,
        root_cause=root_cause("equipment"),
        responsible_department=org.station,
        is_company_fault=True,
    )
    complaint(org.station, received_at=may, breached=True, root_cause=root_cause("equipment"))
    complaint(org.city, received_at=at(2026, 5, 31, 23), cat="service_attitude", is_major=True, reopen_count=1)
    complaint(org.station, received_at=april)
    complaint(org.other, received_at=may)  # another branch's
    complaint(org.station, received_at=at(2026, 6, 1, 0))  # next month
    data = prepare(meeting_of(org))
    totals = {name: (row.current, row.previous) for name, row in data.totals.items()}
    assert totals == {
        "all": (3, 1),
        "repeat": (1, 0),
        "major": (1, 0),
        "reopened": (1, 0),
        "company_fault": (1, 0),
        "overdue": (1, 0),
    }
    by_category = {row.label: (row.current, row.previous) for row in data.by_category}
    assert by_category == {"Supply quality": (2, 1), "Service": (1, 0)}
    assert [(row.label, row.current) for row in data.by_root_cause] == [("Equipment or facility defect", 2), ("", 1)]
    assert ("城东供电所", 1, 0) in [(row.label, row.current, row.previous) for row in data.by_unit]
    assert [c.order.status for c in data.overdue] == ["closed"]


def test_the_meeting_page_data_takes_the_same_queries_whatever_the_data(org: Org) -> None:
    meeting = meeting_of(org)
    complaint(org.station, received_at=at(2026, 5, 3))
    with CaptureQueriesContext(connection) as few:
        prepare(AnalysisMeeting.objects.select_related("department").get(pk=meeting.pk))
    for day in range(1, 20):
        complaint(
            org.station,
            received_at=at(2026, 5, day),
            breached=day % 3 == 0,
            cat="service_attitude",
            root_cause=root_cause("staff_conduct"),
            responsible_department=org.station,
        )
        complaint(org.city, received_at=at(2026, 4, day), root_cause=root_cause("equipment"))
    other = meeting_of(org, date(2026, 4, 1), date(2026, 4, 30))
    for n in range(5):
        meeting_actions.add_action(meeting, by=org.mona, title=f"整改{n}", owner=org.hana, due_on=date(2026, 7, n + 1))
        meeting_actions.add_action(other, by=org.mona, title=f"旧{n}", owner=org.carl, due_on=date(2026, 6, n + 1))
    meeting.attendees.set([org.hana, org.carl, org.rita])
    with CaptureQueriesContext(connection) as many:
        prepare(AnalysisMeeting.objects.select_related("department").get(pk=meeting.pk))
    assert len(many) == len(few) <= 10


def test_minutes_are_recorded_and_can_be_amended(org: Org) -> None:
    meeting = meeting_of(org)
    meeting_actions.record_minutes(
        meeting,
        by=org.mona,
        held_on=date(2026, 6, 5),
        attendees=[org.hana, org.carl],
        conclusions="电压类投诉集中在城东，需加快台区改造。",
    )
    meeting_actions.record_minutes(
        meeting, by=org.mona, held_on=date(2026, 6, 5), attendees=[org.hana], conclusions="修订"
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD and meeting.conclusions == "修订"
    assert list(meeting.attendees.all()) == [org.hana]
    with pytest.raises(PermissionDenied):
        meeting_actions.record_minutes(meeting, by=org.otto, held_on=date(2026, 6, 5), attendees=[], conclusions="x")


def test_an_action_links_complaints_of_the_meetings_units_and_tells_its_owner(org: Org) -> None:
    meeting = meeting_of(org)
    ours = complaint(org.station, received_at=at(2026, 5, 2))
    theirs = complaint(org.other, received_at=at(2026, 5, 2))
    linked = meeting_actions.linkable_complaints(meeting, [ours.order.number])
    action = meeting_actions.add_action(
        meeting, by=org.mona, title="更换城东3号台区变压器", owner=org.hana, due_on=date(2026, 6, 30), complaints=linked
    )
    assert list(action.complaints.all()) == [ours]
    assert Notification.objects.filter(recipient=org.hana, template="improvement_action_assigned").exists()
    with pytest.raises(ValidationError):
        meeting_actions.linkable_complaints(meeting, [theirs.order.number])


def test_an_action_is_done_with_evidence_by_its_owner_or_a_manager_and_only_once(org: Org) -> None:
    meeting = meeting_of(org)
    action = meeting_actions.add_action(meeting, by=org.mona, title="培训", owner=org.hana, due_on=date(2026, 6, 30))
    with pytest.raises(ValidationError):
        meeting_actions.complete_action(action, by=org.hana, evidence="  ")
    with pytest.raises(PermissionDenied):
        meeting_actions.complete_action(action, by=org.carl, evidence="做了")
    upload = SimpleUploadedFile("签到表.png", PNG, content_type="image/png")
    done = meeting_actions.complete_action(action, by=org.hana, evidence="已组织培训", upload=upload)
    assert done.status == ActionStatus.DONE and done.evidence_content_type == "image/png"
    assert done.evidence_file.name.endswith(".png") and "签到表" not in done.evidence_file.name
    with pytest.raises(Refused):
        meeting_actions.complete_action(action, by=org.mona, evidence="again")


def test_evidence_must_be_a_photo_or_a_pdf(org: Org) -> None:
    action = meeting_actions.add_action(
        meeting_of(org), by=org.mona, title="x", owner=org.hana, due_on=date(2026, 6, 30)
    )
    fake = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")
    with pytest.raises(ValidationError):
        meeting_actions.complete_action(action, by=org.hana, evidence="", upload=fake)
    assert ImprovementAction.objects.get(pk=action.pk).status == ActionStatus.OPEN


def test_a_manager_drops_an_action_with_a_reason(org: Org) -> None:
    action = meeting_actions.add_action(
        meeting_of(org), by=org.mona, title="x", owner=org.hana, due_on=date(2026, 6, 30)
    )
    with pytest.raises(PermissionDenied):
        meeting_actions.cancel_action(action, by=org.hana, reason="不做了")
    assert meeting_actions.cancel_action(action, by=org.boss, reason="并入年度计划").status == ActionStatus.CANCELLED


def test_the_monthly_drafts_are_opened_once_however_often_the_task_runs(org: Org) -> None:
    from complaints.tasks import open_monthly_meetings

    with time_machine.travel(at(2026, 7, 1, 1), tick=False):
        assert open_monthly_meetings() == 3  # company, city, other: their managers; the station has none
        assert open_monthly_meetings() == 0
    with time_machine.travel(at(2026, 7, 15), tick=False):
        assert open_monthly_meetings() == 0
    periods = set(AnalysisMeeting.objects.values_list("period_start", "period_end"))
    assert periods == {(date(2026, 6, 1), date(2026, 6, 30))}
    assert AnalysisMeeting.objects.filter(opened_by=None).count() == 3


def test_overdue_actions_warn_owner_and_manager_once_per_level(org: Org) -> None:
    from complaints.tasks import warn_overdue_actions

    with time_machine.travel(at(2026, 6, 1), tick=False):
        action = meeting_actions.add_action(
            meeting_of(org), by=org.mona, title="更换表箱", owner=org.hana, due_on=date(2026, 6, 10)
        )
        done = meeting_actions.add_action(
            meeting_of(org), by=org.mona, title="已完成", owner=org.carl, due_on=date(2026, 6, 10)
        )
        meeting_actions.complete_action(done, by=org.carl, evidence="ok")
    warnings = Notification.objects.filter(template="improvement_action_overdue")
    with time_machine.travel(at(2026, 6, 10, 23), tick=False):
        assert warn_overdue_actions() == 0
    with time_machine.travel(at(2026, 6, 11, 9), tick=False):
        assert warn_overdue_actions() > 0
        assert warn_overdue_actions() == 0
    assert set(warnings.values_list("recipient__username", flat=True)) == {"hana", "mona"}
    first = warnings.count()
    with time_machine.travel(at(2026, 6, 18, 9), tick=False):
        warn_overdue_actions()
        warn_overdue_actions()
    assert warnings.count() == 2 * first
    assert ImprovementAction.objects.get(pk=action.pk).warned_level == 2
    assert not warnings.filter(recipient__username="carl").exists()


def test_a_whole_months_meeting_reads_the_rollup_with_the_same_figures_as_counted_live(org: Org) -> None:
    from complaints.figures import refresh_complaint_figures

    for day in (2, 9, 30):
        complaint(
            org.station,
            received_at=at(2026, 5, day),
            breached=day == 9,
            is_repeat=day == 2,
            root_cause=root_cause("equipment"),
            responsible_department=org.station,
        )
        complaint(org.city, received_at=at(2026, 4, day), cat="service_attitude", is_major=True)
    complaint(org.other, received_at=at(2026, 5, 3))
    meeting = meeting_of(org)
    live = prepare(meeting)
    assert live.counted_at is None
    with time_machine.travel(at(2026, 6, 2), tick=False):
        assert refresh_complaint_figures() > 0
        assert refresh_complaint_figures() == MonthlyComplaintFigures.objects.count()
    counted = prepare(meeting)
    assert counted.counted_at is not None
    as_rows = lambda rows: [(r.label, r.current, r.previous) for r in rows]  # noqa: E731
    assert {n: (r.current, r.previous) for n, r in counted.totals.items()} == {
        n: (r.current, r.previous) for n, r in live.totals.items()
    }
    assert as_rows(counted.by_category) == as_rows(live.by_category)
    assert as_rows(counted.by_root_cause) == as_rows(live.by_root_cause)
    assert as_rows(counted.by_unit) == as_rows(live.by_unit)
    # A period that is not a whole month is counted live.
    custom = meeting_of(org, date(2026, 5, 1), date(2026, 5, 15))
    assert prepare(custom).counted_at is None


def test_the_rollup_meeting_page_takes_the_same_queries_whatever_the_data(org: Org) -> None:
    from complaints.figures import refresh_complaint_figures

    meeting = meeting_of(org)
    complaint(org.station, received_at=at(2026, 5, 3))
    with time_machine.travel(at(2026, 6, 2), tick=False):
        refresh_complaint_figures()
    with CaptureQueriesContext(connection) as few:
        prepare(AnalysisMeeting.objects.select_related("department").get(pk=meeting.pk))
    for day in range(1, 15):
        complaint(
            org.station,
            received_at=at(2026, 5, day),
            cat="service_attitude",
            breached=True,
            root_cause=root_cause("staff_conduct"),
            responsible_department=org.station,
        )
        complaint(org.city, received_at=at(2026, 4, day), root_cause=root_cause("equipment"))
    with time_machine.travel(at(2026, 6, 2, 11), tick=False):
        refresh_complaint_figures()
    with CaptureQueriesContext(connection) as many:
        data = prepare(AnalysisMeeting.objects.select_related("department").get(pk=meeting.pk))
    assert len(many) == len(few) and data.totals["all"].current == 15
