"""Every step of the loop through the pages and the API: the roles outside its row of STEP_ROLES are refused and
change nothing, every step taken out of turn is 409, and the handler and the manager take a complaint from the
reply to closed (the backbone's return visit, assessment, closing) exactly as they take its first steps."""

from __future__ import annotations

import pytest

from complaints import actions
from complaints.actions import Finding
from complaints.models import Accountability, ComplaintStatus
from complaints.permissions import STEP_ROLES
from services.models import Status
from tests.complaints.conftest import file, walk_to_analysed
from tests.complaints.test_loop import act

C = ComplaintStatus


def at(company, status: str):
    """A complaint brought by the actions to `status` (the state its next step is taken from)."""
    order = file(company)
    if status == Status.ASSIGNED:
        return order
    if status == C.CONTACTED:
        return actions.record_contact(order, by=company.handler, method="phone", agreement="明日上门")
    if status == C.INVESTIGATED:
        order = actions.record_contact(order, by=company.handler, method="phone", agreement="明日上门")
        return actions.investigate(order, by=company.handler, facts="电压 180 V")
    order = walk_to_analysed(company, order)
    if status == C.ANALYSED:
        return order
    order = actions.rectify(order, by=company.handler, rectification="新增配变")
    if status == C.RECTIFIED:
        return order
    order = actions.verify(order, by=company.manager, note="同意")
    if status == C.VERIFIED:
        return order
    order = actions.answer(order, by=company.handler, reply="已新增配变")
    if status == C.ANSWERED:
        return order
    order = actions.record_visit(order, by=company.handler, satisfied=True)
    if status == C.VISITED:
        return order
    finding = Finding(department=company.station, finding="末端电压长期偏低", penalty_points=1)
    return actions.assess(order, by=company.manager, finding=finding)


# Each step: the status it is taken from, a valid body, and a status it may not be taken from.
STEPS = {
    "mark_major": (Status.ASSIGNED, {"reason": "media"}, None),
    "contact": (Status.ASSIGNED, {"method": "phone", "agreement": "明日上门"}, C.CONTACTED),
    "investigate": (C.CONTACTED, {"facts": "电压 180 V"}, Status.ASSIGNED),
    "analyse": (
        C.INVESTIGATED,
        {"root_cause": "grid_capacity", "is_company_fault": "yes", "analysis": "线路过长"},
        C.CONTACTED,
    ),
    "rectify": (C.ANALYSED, {"rectification": "新增配变"}, C.INVESTIGATED),
    "verify": (C.RECTIFIED, {"note": "同意"}, C.ANALYSED),
    "send_back": (C.RECTIFIED, {"note": "整改不到位"}, C.VERIFIED),
    "answer": (C.VERIFIED, {"reply": "已新增配变"}, C.RECTIFIED),
    "assess": (C.VISITED, {"finding": "末端电压长期偏低", "penalty_points": "1"}, C.RECTIFIED),
    "close_complaint": (C.ASSESSED, {"result": "闭环"}, C.RECTIFIED),
}


def test_the_table_of_steps_is_the_table_these_tests_walk():
    assert set(STEPS) == set(STEP_ROLES)


def body(company, step: str) -> dict:
    data = dict(STEPS[step][1])
    if step == "analyse":
        data["responsible_department"] = company.station.pk
    if step == "assess":
        data["department"] = company.station.pk
    return data


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
@pytest.mark.parametrize("who", ["counter", "crew"])
@pytest.mark.parametrize("step", list(STEPS))
def test_every_step_refuses_the_roles_outside_its_row(client, company, step, who, api):
    order = at(company, STEPS[step][0])
    before = order.status
    response = act(client, getattr(company, who), order, step, body(company, step), api)
    assert response.status_code in (403, 404)
    order.refresh_from_db()
    assert order.status == before


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
@pytest.mark.parametrize("step", [step for step, (_at, _body, wrong) in STEPS.items() if wrong])
def test_every_step_out_of_turn_is_409_and_changes_nothing(client, company, step, api):
    order = at(company, STEPS[step][2])
    before = order.status
    # The manager may take every step (a second person for verification): the refusal is the loop's alone.
    response = act(client, company.manager, order, step, body(company, step), api)
    assert response.status_code == 409, response.content[:300]
    order.refresh_from_db()
    assert order.status == before


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_the_return_visit_assessment_and_closing_through_the_table(client, company, api):
    order = at(company, C.ANSWERED)
    visit = {"overall": "5", "comment": "满意"}
    assert act(client, company.handler, order, "phone_visit", visit, api).status_code in (200, 302)
    order.refresh_from_db()
    assert order.status == C.VISITED and order.return_visit.recorded_by == company.handler
    assert act(client, company.manager, order, "assess", body(company, "assess"), api).status_code in (200, 302)
    assert act(client, company.handler, order, "close_complaint", {"result": "闭环"}, api).status_code in (200, 302)
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    row = Accountability.objects.get(complaint_id=order.pk)
    assert (row.department, row.penalty_points, row.by) == (company.station, 1, company.manager)


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_a_dissatisfied_telephone_visit_reopens_the_investigation(client, company, api):
    order = at(company, C.ANSWERED)
    response = act(client, company.handler, order, "phone_visit", {"overall": "2", "comment": "仍然电压低"}, api)
    assert response.status_code in (200, 302)
    order.refresh_from_db()
    assert order.status == C.INVESTIGATED and order.complaint.reopen_count == 1


def test_the_return_visit_is_offered_on_an_answered_complaint_and_not_before(company):
    from services.forms import PhoneVisitForm

    assert not PhoneVisitForm.is_offered(at(company, C.VERIFIED), company.handler)
    assert PhoneVisitForm.is_offered(at(company, C.ANSWERED), company.handler)
