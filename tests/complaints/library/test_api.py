"""/api/v1/complaints/ meetings, actions and cases: the pages' rules as 403/404/409, idempotent POSTs, the write
limit, and a query count for every list."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role, User
from complaints import cases, meeting_actions
from complaints.models import AnalysisMeeting, ImprovementAction, StudyRecord, TypicalCase
from tests.complaints.library.data import Org, at, category, complaint, root_cause

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def june():
    with time_machine.travel(at(2026, 6, 3), tick=False):
        yield


def api(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def meeting(org: Org) -> AnalysisMeeting:
    return meeting_actions.open_meeting(
        by=org.mona, department=org.city, period_start=date(2026, 5, 1), period_end=date(2026, 5, 31)
    )


def published(org: Org, **changes: object) -> TypicalCase:
    fields = {
        "title": "电表走字快的解释",
        "situation": "客户怀疑电表走字快。",
        "cause": "用电习惯变化。",
        "measures": "现场校验电表。",
        "lesson": "先校验再解释。",
        "characteristic": "accuracy",
        "category": category("business_metering"),
        "department": org.station,
        **changes,
    }
    case = cases.write_case(complaint(org.station, received_at=at(2026, 5, 2)), by=org.hana, **fields)
    return cases.publish_case(case, by=org.mona)


def test_a_manager_opens_a_meeting_once_and_reads_its_figures(org: Org) -> None:
    complaint(org.station, received_at=at(2026, 5, 9), root_cause=root_cause("equipment"), breached=True)
    body = {"department": org.city.pk, "period_start": "2026-05-01", "period_end": "2026-05-31"}
    first = api(org.mona).post(reverse("api:complaint-meeting-list"), body, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = api(org.mona).post(reverse("api:complaint-meeting-list"), body, format="json")
    assert first.status_code == again.status_code == 200 and first.data["id"] == again.data["id"]
    detail = api(org.hana).get(reverse("api:complaint-meeting-detail", args=[first.data["id"]]))
    assert detail.data["totals"]["all"] == {"current": 1, "previous": 0}
    assert detail.data["totals"]["overdue"]["current"] == 1
    assert api(org.otto).get(reverse("api:complaint-meeting-detail", args=[first.data["id"]])).status_code == 404
    assert api(org.carl).get(reverse("api:complaint-meeting-list")).status_code == 403
    outside = {**body, "department": org.other.pk}
    assert api(org.mona).post(reverse("api:complaint-meeting-list"), outside, format="json").status_code == 400


def test_an_action_is_recorded_once_per_key_and_done_by_its_owner(org: Org) -> None:
    found = meeting(org)
    url = reverse("api:complaint-meeting-add-action", args=[found.pk])
    body = {"title": "更换表箱", "owner": org.carl.pk, "due_on": "2026-06-30"}
    first = api(org.mona).post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="a-1")
    again = api(org.mona).post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="a-1")
    assert first.status_code == again.status_code == 201 and ImprovementAction.objects.count() == 1
    assert again["Idempotent-Replayed"] == "true"
    pk = first.data["id"]
    assert api(org.hana).post(url, body, format="json").status_code == 403
    done = api(org.carl).post(reverse("api:complaint-action-done", args=[pk]), {"evidence": "已更换"}, format="json")
    assert done.status_code == 200 and done.data["status"] == "done"
    twice = api(org.carl).post(reverse("api:complaint-action-done", args=[pk]), {"evidence": "x"}, format="json")
    assert twice.status_code == 409
    assert api(org.rita).get(reverse("api:complaint-action-detail", args=[pk])).status_code == 404
    mine = api(org.carl).get(reverse("api:complaint-action-list"), {"mine": "1", "state": "done"})
    assert [row["id"] for row in mine.data["results"]] == [pk]


def test_a_case_is_written_published_assigned_and_read_through_the_api(org: Org) -> None:
    found = complaint(org.station, received_at=at(2026, 5, 2), customer_name="张伟")
    body = {
        "complaint": found.order.number,
        "title": "低电压",
        "situation": "张伟反映电压低",
        "cause": "重载",
        "measures": "改造",
        "lesson": "排查",
        "characteristic": "safety",
        "category": category().pk,
        "department": org.station.pk,
    }
    refused = api(org.hana).post(reverse("api:complaint-case-list"), body, format="json")
    assert refused.status_code == 400 and "situation" in refused.data
    written = api(org.hana).post(
        reverse("api:complaint-case-list"), {**body, "situation": "居民反映电压低"}, format="json"
    )
    assert written.status_code == 201 and written.data["status"] == "draft"
    pk = written.data["id"]
    assert api(org.hana).post(reverse("api:complaint-case-publish", args=[pk])).status_code == 403
    assert api(org.mona).post(reverse("api:complaint-case-publish", args=[pk])).status_code == 200
    assert api(org.mona).post(reverse("api:complaint-case-publish", args=[pk])).status_code == 409
    assigned = api(org.mona).post(
        reverse("api:complaint-case-assign", args=[pk]), {"roles": [Role.COUNTER_STAFF]}, format="json"
    )
    assert assigned.status_code == 200 and assigned.data[0]["role"] == Role.COUNTER_STAFF
    assert [c["id"] for c in api(org.carl).get(reverse("api:complaint-case-my-study")).data["results"]] == [pk]
    read = api(org.carl).post(reverse("api:complaint-case-read", args=[pk]), {"takeaway": "排查重载"}, format="json")
    assert read.status_code == 200 and StudyRecord.objects.get().employee == org.carl
    status = api(org.mona).get(reverse("api:complaint-case-study", args=[pk]))
    assert status["X-Study-Assigned"] == "1" and status["X-Study-Read"] == "1"
    assert api(org.carl).get(reverse("api:complaint-case-study", args=[pk])).status_code == 403


def test_the_library_searches_chinese_best_match_first(org: Org) -> None:
    meter = published(org)
    other = published(
        org,
        title="停电通知不到位",
        situation="计划停电未通知到户。",
        cause="公告渠道单一。",
        measures="短信通知。",
        lesson="停电必须提前告知。",
        category=category("outage_notice"),
        characteristic="timeliness",
    )
    found = api(org.rita).get(reverse("api:complaint-case-list"), {"q": "停电"})
    assert [row["id"] for row in found.data["results"]] == [other.pk]
    by_kind = api(org.rita).get(reverse("api:complaint-case-list"), {"characteristic": "accuracy"})
    assert [row["id"] for row in by_kind.data["results"]] == [meter.pk]
    assert api(None).get(reverse("api:complaint-case-list")).status_code == 403


def test_writes_past_the_limit_answer_429(org: Org, settings) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "complaints_library": (1, settings.RATE_LIMIT_WINDOW)}
    case = published(org)
    url = reverse("api:complaint-case-read", args=[case.pk])
    assert api(org.carl).post(url, {"takeaway": "ok"}, format="json").status_code == 200
    limited = api(org.carl).post(url, {"takeaway": "ok"}, format="json")
    assert limited.status_code == 429 and "Retry-After" in limited


def test_every_list_takes_the_same_queries_whatever_the_data(org: Org) -> None:
    found = meeting(org)
    case = published(org)
    cases.assign_study(case, by=org.mona, departments=[org.station])
    meeting_actions.add_action(found, by=org.mona, title="x", owner=org.hana, due_on=date(2026, 6, 30))
    urls = {
        org.mona: [
            reverse("api:complaint-meeting-list"),
            reverse("api:complaint-meeting-detail", args=[found.pk]),
            reverse("api:complaint-action-list"),
            reverse("api:complaint-case-list") + "?q=电表",
            reverse("api:complaint-case-study", args=[case.pk]),
        ],
        org.hana: [reverse("api:complaint-case-my-study"), reverse("api:complaint-action-list") + "?mine=1"],
    }

    def count() -> dict:
        found_counts = {}
        for user, group in urls.items():
            for url in group:
                with CaptureQueriesContext(connection) as queries:
                    assert api(user).get(url).status_code == 200
                found_counts[(user.pk, url)] = len(queries)
        return found_counts

    before = count()
    for n in range(5):
        complaint(org.station, received_at=at(2026, 5, n + 1), breached=True, root_cause=root_cause("equipment"))
        cases.assign_study(published(org, title=f"电表{n}"), by=org.mona, departments=[org.city])
        meeting_actions.add_action(found, by=org.mona, title=f"x{n}", owner=org.hana, due_on=date(2026, 6, 30))
        meeting_actions.open_meeting(
            by=org.mona, department=org.station, period_start=date(2026, n + 1, 1), period_end=date(2026, n + 1, 3)
        )
    assert count() == before
