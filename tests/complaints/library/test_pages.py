"""The pages of meetings, actions and the library: who sees what (404), who may act (403), the flows through
the forms, refusals (409), the one-time token, the write limit (429), and a query count for every list and page."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User
from complaints import cases, meeting_actions
from complaints.models import ActionStatus, AnalysisMeeting, ImprovementAction, StudyRecord, TypicalCase
from tests.complaints.library.data import Org, at, category, complaint, root_cause
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db
TODAY = at(2026, 6, 3)


@pytest.fixture(autouse=True)
def june():
    with time_machine.travel(TODAY, tick=False):
        yield


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def may_meeting(org: Org) -> AnalysisMeeting:
    return meeting_actions.open_meeting(
        by=org.mona, department=org.city, period_start=date(2026, 5, 1), period_end=date(2026, 5, 31)
    )


def a_case(org: Org, *, publish: bool = True, **changes: object) -> TypicalCase:
    fields = {
        "title": "低电压投诉的处理",
        "situation": "居民反映电压低。",
        "cause": "台区重载。",
        "measures": "增容改造。",
        "lesson": "提前排查重载台区。",
        "characteristic": "safety",
        "category": category(),
        "department": org.station,
        **changes,
    }
    case = cases.write_case(complaint(org.station, received_at=at(2026, 5, 2)), by=org.hana, **fields)
    return cases.publish_case(case, by=org.mona) if publish else case


def test_meetings_are_for_managers_and_handlers(org: Org) -> None:
    meeting = may_meeting(org)
    assert client_of(org.mona).get(reverse("complaints:meetings")).status_code == 200
    assert client_of(org.hana).get(reverse("complaints:meeting", args=[meeting.pk])).status_code == 200
    assert client_of(org.carl).get(reverse("complaints:meetings")).status_code == 403
    assert client_of(org.otto).get(reverse("complaints:meeting", args=[meeting.pk])).status_code == 404
    assert Client().get(reverse("complaints:meetings")).status_code == 302


def test_a_manager_opens_the_months_meeting_and_records_an_action(org: Org) -> None:
    found = complaint(org.station, received_at=at(2026, 5, 9), root_cause=root_cause("equipment"))
    client = client_of(org.mona)
    page = client.get(reverse("complaints:meeting-open"))
    assert page.context["form"]["period_start"].value() == date(2026, 5, 1)
    opened = client.post(
        reverse("complaints:meeting-open"),
        {"department": org.city.pk, "period_start": "2026-05-01", "period_end": "2026-05-31"},
    )
    meeting = AnalysisMeeting.objects.get()
    assert opened.url == reverse("complaints:meeting", args=[meeting.pk])
    page = client.get(opened.url)
    assert page.context["data"].totals["all"].current == 1
    fields = {
        "title": "更换城东3号台区变压器",
        "owner": org.hana.pk,
        "due_on": "2026-06-30",
        "complaints": found.order.number,
        "submission": page.context["submission"],
    }
    first = client.post(reverse("complaints:meeting-add-action", args=[meeting.pk]), fields)
    again = client.post(reverse("complaints:meeting-add-action", args=[meeting.pk]), fields)
    assert first.status_code == again.status_code == 302 and first.url == again.url
    action = ImprovementAction.objects.get()
    assert list(action.complaints.all()) == [found]
    minutes = client.post(
        reverse("complaints:meeting-minutes", args=[meeting.pk]),
        {"held_on": "2026-06-02", "attendees": [org.hana.pk, org.carl.pk], "conclusions": "加快台区改造。"},
    )
    assert minutes.status_code == 302
    assert AnalysisMeeting.objects.get().status == "held"


def test_a_bad_action_is_the_form_again_with_its_errors(org: Org) -> None:
    meeting = may_meeting(org)
    other = complaint(org.other, received_at=at(2026, 5, 9))
    answer = client_of(org.mona).post(
        reverse("complaints:meeting-add-action", args=[meeting.pk]),
        {"title": "x", "owner": org.outsider.pk, "due_on": "2026-05-01", "complaints": other.order.number},
    )
    assert answer.status_code == 400
    assert set(answer.context["action_form"].errors) == {"owner", "due_on"}
    answer = client_of(org.mona).post(
        reverse("complaints:meeting-add-action", args=[meeting.pk]),
        {"title": "x", "owner": org.hana.pk, "due_on": "2026-07-01", "complaints": other.order.number},
    )
    assert answer.status_code == 400 and "complaints" in answer.context["action_form"].errors
    assert not ImprovementAction.objects.exists()


def test_a_handler_may_see_but_not_run_the_meeting(org: Org) -> None:
    meeting = may_meeting(org)
    client = client_of(org.hana)
    assert "action_form" not in client.get(reverse("complaints:meeting", args=[meeting.pk])).context
    post = client.post(reverse("complaints:meeting-minutes", args=[meeting.pk]), {"held_on": "2026-06-02"})
    assert post.status_code == 403


def test_the_owner_reports_the_action_done_and_a_second_time_is_refused(org: Org) -> None:
    action = meeting_actions.add_action(
        may_meeting(org), by=org.mona, title="培训", owner=org.carl, due_on=date(2026, 6, 30)
    )
    client = client_of(org.carl)
    assert client.get(reverse("complaints:my-actions")).context["page"].object_list[0] == action
    assert client.post(reverse("complaints:action-complete", args=[action.pk]), {"evidence": ""}).status_code == 400
    done = client.post(reverse("complaints:action-complete", args=[action.pk]), {"evidence": "已培训12人"})
    assert done.status_code == 302 and ImprovementAction.objects.get().status == ActionStatus.DONE
    assert (
        client_of(org.mona)
        .post(reverse("complaints:action-complete", args=[action.pk]), {"evidence": "again"})
        .status_code
        == 409
    )  # a manager may complete the unit's actions, but this one is done
    assert client.post(reverse("complaints:action-cancel", args=[action.pk]), {"reason": "x"}).status_code == 403
    assert client_of(org.rita).get(reverse("complaints:action", args=[action.pk])).status_code == 404


def test_a_manager_completing_a_done_action_is_told_it_is_done(org: Org) -> None:
    action = meeting_actions.add_action(
        may_meeting(org), by=org.mona, title="x", owner=org.carl, due_on=date(2026, 6, 30)
    )
    meeting_actions.complete_action(action, by=org.carl, evidence="ok")
    answer = client_of(org.boss).post(reverse("complaints:action-cancel", args=[action.pk]), {"reason": "x"})
    assert answer.status_code == 409


def test_staff_search_the_library_and_see_the_words_marked(org: Org) -> None:
    case = a_case(org)
    page = client_of(org.rita).get(reverse("complaints:library"), {"q": "电压"})
    assert list(page.context["page"].object_list) == [case]
    detail = client_of(org.rita).get(reverse("complaints:case", args=[case.pk]), {"q": "电压"})
    assert "<mark>电压</mark>" in detail.content.decode()
    assert Client().get(reverse("complaints:library")).status_code == 302


def test_a_handler_writes_a_case_from_a_closed_complaint_with_the_personal_data_removed(org: Org) -> None:
    found = complaint(
        org.station,
        received_at=at(2026, 5, 2),
        customer_name="张伟",
        description="张伟来电，电话13812345678，反映电压低。",
    )
    client = client_of(org.hana)
    url = reverse("complaints:case-new", args=[found.order.number])
    assert client.get(reverse("complaints:case-start"), {"number": f" {found.order.number} "}).url == url
    assert client.get(reverse("complaints:case-start"), {"number": "x"}).url == reverse("complaints:library")
    page = client.get(url)
    assert "张伟" not in page.context["form"]["situation"].value()
    fields = {
        "title": "低电压",
        "situation": "张伟反映电压低",
        "cause": "重载",
        "measures": "改造",
        "lesson": "排查",
        "characteristic": "safety",
        "category": category().pk,
        "department": org.station.pk,
        "submission": page.context["submission"],
    }
    refused = client.post(url, fields)
    assert refused.status_code == 400 and "situation" in refused.context["form"].errors
    saved = client.post(url, {**fields, "situation": "某某反映电压低"})
    case = TypicalCase.objects.get()
    assert saved.url == reverse("complaints:case", args=[case.pk])
    assert client.get(url).url == saved.url  # a second visit goes to the case
    assert client_of(org.carl).get(url).status_code == 403


def test_a_case_is_not_written_from_an_open_complaint(org: Org) -> None:
    found = complaint(org.station, received_at=at(2026, 5, 2), status="analysed")
    answer = client_of(org.hana).get(reverse("complaints:case-new", args=[found.order.number]))
    assert answer.status_code == 302 and answer.url == reverse("services:order", args=[found.order.number])


def test_a_manager_publishes_assigns_and_sees_who_has_read(org: Org) -> None:
    case = a_case(org, publish=False)
    assert client_of(org.hana).post(reverse("complaints:case-publish", args=[case.pk])).status_code == 403
    assert client_of(org.carl).get(reverse("complaints:case", args=[case.pk])).status_code == 404
    client = client_of(org.mona)
    assert client.post(reverse("complaints:case-publish", args=[case.pk])).status_code == 302
    assert client.post(reverse("complaints:case-publish", args=[case.pk])).status_code == 409
    assigned = client.post(
        reverse("complaints:case-assign", args=[case.pk]), {"departments": [org.station.pk], "due_on": "2026-06-30"}
    )
    assert assigned.url == reverse("complaints:case-study", args=[case.pk])
    reader = client_of(org.carl)
    assert [c.pk for c in reader.get(reverse("complaints:my-study")).context["page"].object_list] == [case.pk]
    read = reader.post(reverse("complaints:case-read", args=[case.pk]), {"takeaway": "先排查重载台区"})
    assert read.status_code == 302
    assert StudyRecord.objects.get().employee == org.carl
    status = client.get(reverse("complaints:case-study", args=[case.pk])).context["status"]
    assert (status.total, status.read) == (3, 1)
    assert client_of(org.otto).get(reverse("complaints:case-study", args=[case.pk])).status_code == 403
    assert reader.get(reverse("complaints:case-study", args=[case.pk])).status_code == 403


def test_writes_past_the_limit_answer_429(org: Org, settings) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "complaints_library": (2, settings.RATE_LIMIT_WINDOW)}
    case = a_case(org)
    client = client_of(org.carl)
    for _ in range(2):
        assert client.post(reverse("complaints:case-read", args=[case.pk]), {"takeaway": "ok"}).status_code == 302
    assert client.post(reverse("complaints:case-read", args=[case.pk]), {"takeaway": "ok"}).status_code == 429


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_every_page_takes_the_same_queries_whatever_the_data(org: Org) -> None:
    meeting = may_meeting(org)
    case = a_case(org)
    cases.assign_study(case, by=org.mona, departments=[org.station])
    a_case(org, publish=False, title="草稿")
    action = meeting_actions.add_action(meeting, by=org.mona, title="x", owner=org.hana, due_on=date(2026, 6, 30))
    action.complaints.set([complaint(org.station, received_at=at(2026, 5, 1))])
    urls = {
        org.mona: [
            reverse("complaints:meetings"),
            reverse("complaints:meeting", args=[meeting.pk]),
            reverse("complaints:actions"),
            reverse("complaints:library") + "?q=电压",
            reverse("complaints:case-study", args=[case.pk]),
            reverse("complaints:library") + "?drafts=1",
        ],
        org.hana: [
            reverse("complaints:my-actions"),
            reverse("complaints:action", args=[action.pk]),
            reverse("complaints:library"),
            reverse("complaints:my-study"),
            reverse("complaints:case", args=[case.pk]),
        ],
    }
    before = {(user.pk, url): _queries(client_of(user), url) for user, group in urls.items() for url in group}
    for n in range(6):
        complaint(
            org.station,
            received_at=at(2026, 5, n + 1),
            breached=True,
            root_cause=root_cause("equipment"),
            responsible_department=org.station,
        )
        other = a_case(org, title=f"电压案例{n}")
        cases.assign_study(other, by=org.mona, departments=[org.city], roles=[Role.COMPLAINT_HANDLER])
        a_case(org, publish=False, title=f"草稿{n}")
        StaffFactory(username=f"extra{n}", role=Role.COUNTER_STAFF, department=org.station)
        earlier = meeting_actions.open_meeting(
            by=org.mona, department=org.city, period_start=date(2026, n + 1, 1), period_end=date(2026, n + 1, 2)
        )
        meeting_actions.add_action(earlier, by=org.mona, title=f"a{n}", owner=org.hana, due_on=date(2026, 6, 30))
        meeting_actions.add_action(meeting, by=org.mona, title=f"b{n}", owner=org.carl, due_on=date(2026, 6, 30))
        action.complaints.add(complaint(org.station, received_at=at(2026, 5, n + 1)))
    after = {(user.pk, url): _queries(client_of(user), url) for user, group in urls.items() for url in group}
    assert after == before
