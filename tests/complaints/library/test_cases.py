"""The typical-case library: writing from a closed complaint without personal data, publishing, searching,
assigning for study, reading and the study status."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from complaints import cases
from complaints.library_states import Refused
from complaints.models import CaseStatus, StudyRecord, TypicalCase
from services.models import Notification
from tests.complaints.library.data import Org, at, category, complaint, root_cause
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

TEXTS = {
    "title": "夏季高峰台区低电压导致空调无法启动",
    "situation": "某小区居民反映晚间电压偏低，空调频繁停机。",
    "cause": "台区变压器容量不足，三相负荷不平衡。",
    "measures": "调整三相负荷，增设一台变压器，并向客户说明整改进度。",
    "lesson": "迎峰度夏前应排查重载台区，提前调整负荷。",
}


def write(org: Org, found=None, **changes: object) -> TypicalCase:
    found = found or complaint(org.station, received_at=at(2026, 5, 3))
    fields = {**TEXTS, "characteristic": "safety", "category": category(), "department": org.station, **changes}
    return cases.write_case(found, by=org.hana, **fields)


def published(org: Org, **changes: object) -> TypicalCase:
    return cases.publish_case(write(org, **changes), by=org.mona)


def test_the_draft_is_prefilled_from_the_complaint_without_personal_data(org: Org) -> None:
    found = complaint(
        org.station,
        received_at=at(2026, 5, 3),
        customer_name="张伟",
        description="张伟来电称家中电表走字快，联系电话13812345678，户号3300012345。",
        facts="经现场核实，王先生家电表接线正常。",
        analysis="抄表员李明未按时抄表。",
        root_cause=root_cause("staff_skill"),
        responsible_department=org.station,
    )
    draft = cases.draft_from(found)
    text = " ".join(str(draft[name]) for name in ("title", "situation", "cause", "measures"))
    for personal in ("张伟", "13812345678", "3300012345", "王先生", "李明"):
        assert personal not in text
    assert "电表走字快" in draft["situation"] and found.root_cause.label in draft["cause"]
    assert draft["category"] == category() and draft["department"] == org.station


def test_a_handler_writes_a_draft_from_a_closed_complaint(org: Org) -> None:
    case = write(org)
    assert case.status == CaseStatus.DRAFT and case.author == org.hana
    assert "变压器" in case.search_text.split()


def test_a_case_is_written_from_a_closed_complaint_only_and_once(org: Org) -> None:
    with pytest.raises(Refused):
        write(org, complaint(org.station, received_at=at(2026, 5, 3), status="analysed"))
    found = complaint(org.station, received_at=at(2026, 5, 3))
    write(org, found)
    with pytest.raises(Refused):
        write(org, found)


def test_a_case_holding_personal_data_is_refused_by_field(org: Org) -> None:
    found = complaint(org.station, received_at=at(2026, 5, 3), customer_name="张伟")
    with pytest.raises(ValidationError) as refused:
        write(org, found, situation="张伟反映电压低", lesson="回访电话13812345678")
    assert set(refused.value.error_dict) == {"situation", "lesson"}
    assert not TypicalCase.objects.exists()


def test_only_handlers_and_managers_in_scope_write_cases(org: Org) -> None:
    found = complaint(org.station, received_at=at(2026, 5, 3))
    for outsider in (org.carl, org.otto):
        with pytest.raises(PermissionDenied):
            cases.write_case(
                found, by=outsider, **TEXTS, characteristic="safety", category=category(), department=org.station
            )


def test_a_manager_of_the_cases_department_publishes_it(org: Org) -> None:
    case = write(org)
    with pytest.raises(PermissionDenied):
        cases.publish_case(case, by=org.hana)
    with pytest.raises(PermissionDenied):
        cases.publish_case(case, by=org.otto)
    case = cases.publish_case(case, by=org.mona)
    assert case.status == CaseStatus.PUBLISHED and case.published_by == org.mona
    with pytest.raises(Refused):
        cases.publish_case(case, by=org.mona)
    with pytest.raises(Refused):
        cases.update_case(case, by=org.mona, title="改")


def test_drafts_are_seen_by_their_author_and_managers_only(org: Org) -> None:
    case = write(org)
    assert case in cases.cases_visible_to(org.hana)
    assert case in cases.cases_visible_to(org.boss)
    assert case not in cases.cases_visible_to(org.carl)
    assert case not in cases.cases_visible_to(org.otto)
    cases.publish_case(case, by=org.mona)
    assert case in cases.cases_visible_to(org.carl) and case in cases.cases_visible_to(org.outsider)


def test_the_library_finds_chinese_words_best_match_first(org: Org) -> None:
    voltage = published(org)
    meter = published(
        org,
        title="电表计量争议的处理",
        situation="客户怀疑电表走字快，电表校验合格。",
        cause="客户对电表不了解。",
        measures="现场校验电表。",
        lesson="电表问题先校验、再解释。",
        category=category("business_metering"),
        characteristic="accuracy",
    )
    bill = published(
        org,
        title="电费异议",
        situation="客户对电费有异议，认为电表有问题。",
        cause="阶梯电价",
        measures="解释电费",
        lesson="讲清电费构成",
        category=category("business_tariff"),
        characteristic="accuracy",
    )
    titles = lambda **kw: [c.pk for c in cases.library(org.carl, **kw)]  # noqa: E731
    assert titles(query="电表") == [meter.pk, bill.pk]
    assert titles(query="电表 电费") == [bill.pk]
    assert titles(query="变压器") == [voltage.pk]
    assert set(titles(characteristic="accuracy")) == {meter.pk, bill.pk}
    assert titles(category=category("business")) == [bill.pk, meter.pk]
    assert titles(department=org.other) == []


def test_assigning_reaches_departments_with_their_units_roles_or_roles_there(org: Org) -> None:
    case = published(org)
    cases.assign_study(case, by=org.mona, departments=[org.station], roles=[Role.COUNTER_STAFF])
    cases.assign_study(case, by=org.mona, roles=[Role.COMPLAINT_HANDLER], due_on=date(2026, 7, 1))
    reached = set(cases.study_status(case, viewer=org.boss).readers.values_list("username", flat=True))
    assert reached == {"carl", "hana"}
    assert set(
        Notification.objects.filter(template="case_assigned_for_study").values_list("recipient__username", flat=True)
    ) == {"carl", "hana"}
    cases.assign_study(case, by=org.mona, departments=[org.city])
    reached = set(cases.study_status(case, viewer=org.boss).readers.values_list("username", flat=True))
    assert reached == {"carl", "hana", "rita", "mona"}


def test_assigning_twice_adds_nothing_and_needs_a_published_case_in_scope(org: Org) -> None:
    case = published(org)
    assert len(cases.assign_study(case, by=org.mona, departments=[org.station])) == 1
    assert cases.assign_study(case, by=org.mona, departments=[org.station]) == []
    with pytest.raises(PermissionDenied):
        cases.assign_study(case, by=org.otto, departments=[org.other])
    with pytest.raises(Refused):
        cases.assign_study(write(org), by=org.mona, departments=[org.station])
    with pytest.raises(ValidationError):
        cases.assign_study(case, by=org.mona)


def test_an_employee_reads_an_assigned_case_and_the_manager_sees_who_has_not(org: Org) -> None:
    case = published(org)
    cases.assign_study(case, by=org.mona, departments=[org.station], due_on=date(2026, 7, 1))
    assert [c.pk for c in cases.study_list(org.carl)] == [case.pk]
    cases.mark_read(case, by=org.carl, takeaway="  迎峰度夏前先查重载台区  ")
    cases.mark_read(case, by=org.carl, takeaway="迎峰度夏前先查重载台区")
    assert StudyRecord.objects.get().takeaway == "迎峰度夏前先查重载台区"
    status = cases.study_status(case, viewer=org.mona)
    assert (status.total, status.read, status.unread) == (3, 1, 2)
    rows = {user.username: user.read_at for user in status.readers}
    assert rows["carl"] is not None and rows["hana"] is None
    first_unread = list(status.readers)[0]
    assert first_unread.read_at is None
    listed = cases.study_list(org.carl).get()
    assert listed.read_at is not None and listed.takeaway == "迎峰度夏前先查重载台区"
    assert cases.study_list(org.outsider).count() == 0


def test_the_study_status_is_for_managers_in_scope_and_shows_only_their_units(org: Org) -> None:
    case = published(org)
    cases.assign_study(case, by=org.boss, roles=[Role.COUNTER_STAFF])
    with pytest.raises(PermissionDenied):
        cases.study_status(case, viewer=org.hana)
    assert set(cases.study_status(case, viewer=org.mona).readers.values_list("username", flat=True)) == {"carl"}
    assert set(cases.study_status(case, viewer=org.boss).readers.values_list("username", flat=True)) == {"carl", "olga"}


def test_a_takeaway_is_needed_and_a_draft_cannot_be_read(org: Org) -> None:
    case = published(org)
    with pytest.raises(ValidationError):
        cases.mark_read(case, by=org.carl, takeaway="   ")
    with pytest.raises(Refused):
        cases.mark_read(write(org), by=org.carl, takeaway="x")


def test_the_study_list_and_status_take_the_same_queries_whatever_the_data(org: Org) -> None:
    case = published(org)
    cases.assign_study(case, by=org.mona, departments=[org.station])

    def read_everything() -> None:
        list(cases.study_list(org.carl))
        status = cases.study_status(case, viewer=org.mona)
        list(status.readers)

    with CaptureQueriesContext(connection) as few:
        read_everything()
    for n in range(6):
        other = published(org)
        cases.assign_study(other, by=org.mona, departments=[org.city], roles=[Role.COUNTER_STAFF])
        StaffFactory(username=f"extra{n}", role=Role.COUNTER_STAFF, department=org.station)
        cases.mark_read(other, by=org.carl, takeaway="ok")
    cases.assign_study(case, by=org.mona, roles=[Role.REPAIR_CREW])
    with CaptureQueriesContext(connection) as many:
        read_everything()
    assert len(many) == len(few)
