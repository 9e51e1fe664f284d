"""The loop, step by step: who may take each step (403), what the loop refuses (409), verification, reopening,
assessment and closing, through the actions and the pages' and the API's one table of steps."""

from __future__ import annotations

import pytest
from django.urls import reverse

from complaints import actions
from complaints.actions import Analysis, Finding, VerificationRefused
from complaints.models import Accountability, Complaint, ComplaintStatus, RootCause
from services.actions import TransitionRefused
from services.models import EventKind, Status, TimelineEvent
from tests.complaints.conftest import file, walk_to_analysed
from tests.factories import WorkOrderFactory

C = ComplaintStatus


def rectified(company):
    order = walk_to_analysed(company, file(company))
    return actions.rectify(order, by=company.handler, rectification="更换配变，调整分接头")


def answered(company):
    order = actions.verify(rectified(company), by=company.manager, note="同意")
    return actions.answer(order, by=company.handler, reply="已更换配变，电压恢复正常")


def test_the_whole_loop_from_filing_to_closing_records_every_step(company):
    order = answered(company)
    order = actions.record_visit(order, by=company.handler, satisfied=True)
    finding = Finding(department=company.station, finding="末端电压长期偏低未及时治理", penalty_points=2)
    order = actions.assess(order, by=company.manager, finding=finding)
    order = actions.close_complaint(order, by=company.handler)
    complaint = Complaint.objects.get(pk=order.pk)
    assert order.status == Status.CLOSED
    assert complaint.contacted_at and complaint.investigated_at and complaint.analysed_at
    assert complaint.rectified_by == company.handler and complaint.verified_by == company.manager
    assert complaint.is_satisfied and complaint.assessed_at
    row = Accountability.objects.get()
    assert (row.department, row.penalty_points, row.by) == (company.station, 2, company.manager)
    moves = list(
        TimelineEvent.objects.filter(order=order, kind=EventKind.STATUS_CHANGED).values_list("new_value", flat=True)
    )
    assert moves == [
        C.CONTACTED,
        C.INVESTIGATED,
        C.ANALYSED,
        C.RECTIFIED,
        C.VERIFIED,
        C.ANSWERED,
        C.VISITED,
        C.ASSESSED,
        Status.CLOSED,
    ]
    public = set(TimelineEvent.objects.filter(order=order, is_public=True).values_list("new_value", flat=True))
    assert {C.CONTACTED, C.ANSWERED, C.VISITED} <= public and C.ANALYSED not in public


def test_the_contact_and_answer_clocks_stop_at_their_steps(company):
    order = answered(company)
    states = dict(order.clocks.values_list("name", "state"))
    assert states == {"contact": "met", "answer": "met"}


@pytest.mark.parametrize(
    ("step", "status"),
    [
        (lambda c, o: actions.investigate(o, by=c.handler, facts="x"), "assigned"),
        (lambda c, o: actions.answer(o, by=c.handler, reply="x"), "assigned"),
        (lambda c, o: actions.record_visit(o, by=c.handler, satisfied=True), "assigned"),
        (lambda c, o: actions.close_complaint(o, by=c.handler), "assigned"),
    ],
)
def test_a_step_out_of_turn_is_refused_and_changes_nothing(company, step, status):
    order = file(company)
    with pytest.raises(TransitionRefused):
        step(company, order)
    order.refresh_from_db()
    assert order.status == status


def test_a_complaint_at_fault_is_not_answered_before_it_is_verified(company):
    order = rectified(company)
    with pytest.raises(TransitionRefused):
        actions.answer(order, by=company.handler, reply="x")


def test_rectification_needs_the_company_at_fault(company):
    order = walk_to_analysed(company, file(company), fault=False)
    with pytest.raises(TransitionRefused):
        actions.rectify(order, by=company.handler, rectification="x")


def test_not_the_companys_responsibility_is_answered_and_closed_without_assessment(company):
    order = walk_to_analysed(company, file(company), fault=False)
    order = actions.answer(order, by=company.handler, reply="经核实系客户内部线路问题")
    order = actions.record_visit(order, by=company.handler, satisfied=True)
    order = actions.close_complaint(order, by=company.handler)
    assert order.status == Status.CLOSED
    assert not Accountability.objects.exists()


def test_a_complaint_at_fault_closes_only_once_assessed(company):
    order = actions.record_visit(answered(company), by=company.handler, satisfied=True)
    with pytest.raises(TransitionRefused):
        actions.close_complaint(order, by=company.handler)


def test_verification_is_by_a_second_person(company):
    order = rectified(company)
    with pytest.raises(VerificationRefused):
        actions.verify(order, by=company.handler)
    order = actions.verify(order, by=company.second_handler, note="")
    assert order.status == C.VERIFIED


def test_the_verifier_sends_it_back_with_a_note_and_it_is_analysed_again(company):
    order = actions.send_back(rectified(company), by=company.manager, note="整改措施不具体，请补充")
    assert order.status == C.INVESTIGATED
    assert Complaint.objects.get(pk=order.pk).verification_note == "整改措施不具体，请补充"
    analysis = Analysis(RootCause.objects.get(code="equipment"), True, "配变老化", company.station)
    order = actions.analyse(order, by=company.handler, analysis=analysis)
    order = actions.rectify(order, by=company.handler, rectification="更换配变")
    assert actions.verify(order, by=company.manager).status == C.VERIFIED


def test_a_send_back_needs_a_note(company):
    with pytest.raises(actions.ValidationError):
        actions.send_back(rectified(company), by=company.manager, note=" ")


def test_verification_waits_for_the_linked_order_to_close(company):
    order = walk_to_analysed(company, file(company))
    repair = WorkOrderFactory(kind="fault_repair", sub_type="voltage", status=Status.ASSIGNED)
    order = actions.rectify(order, by=company.handler, rectification="派抢修处理", linked=repair)
    with pytest.raises(VerificationRefused, match=repair.number):
        actions.verify(order, by=company.manager)
    repair.status = Status.CLOSED
    repair.save()
    assert actions.verify(order, by=company.manager).status == C.VERIFIED


def test_a_dissatisfied_customer_reopens_the_complaint_with_a_new_answer_clock(company):
    order = actions.record_visit(answered(company), by=company.customer, satisfied=False, note="电压还是低")
    complaint = Complaint.objects.get(pk=order.pk)
    assert order.status == C.INVESTIGATED and complaint.reopen_count == 1
    assert order.clocks.filter(name="answer", state="running").exists()
    order = walk_again(company, order)
    order = actions.record_visit(order, by=company.customer, satisfied=False, note="仍然不行")
    assert Complaint.objects.get(pk=order.pk).reopen_count == 2


def walk_again(company, order):
    analysis = Analysis(RootCause.objects.get(code="grid_capacity"), True, "需新增配变", company.station)
    order = actions.analyse(order, by=company.handler, analysis=analysis)
    order = actions.rectify(order, by=company.handler, rectification="新增配变")
    order = actions.verify(order, by=company.manager)
    return actions.answer(order, by=company.handler, reply="已新增配变")


def test_dissatisfaction_needs_a_reason(company):
    with pytest.raises(actions.ValidationError):
        actions.record_visit(answered(company), by=company.handler, satisfied=False, note="")


def test_marking_major_later_tells_the_managers_and_leadership(company):
    order = file(company)
    actions.mark_major(order, by=company.handler, reason="media")
    complaint = Complaint.objects.get(pk=order.pk)
    order.refresh_from_db()
    assert complaint.is_major and order.priority == 1
    recipients = set(order.notifications.filter(template="major_complaint").values_list("recipient", flat=True))
    assert {company.manager.pk, company.leader.pk} <= recipients
    with pytest.raises(TransitionRefused):
        actions.mark_major(order, by=company.handler, reason="media")


# --- The one table: pages and API ---------------------------------------------------------------------------


def act(client, user, order, action, data, api=False):
    client.force_login(user)
    if api:
        url = reverse("api:complaint-act", args=[order.number, action])
        return client.post(url, data, content_type="application/json")
    return client.post(
        reverse("services:act", args=[order.number, action]), {f"{action}-{k}": v for k, v in data.items()}
    )


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
@pytest.mark.parametrize("who", ["counter", "crew", "customer"])
def test_roles_outside_the_table_may_not_take_a_step(client, company, api, who):
    order = file(company)
    response = act(client, getattr(company, who), order, "contact", {"method": "phone", "agreement": "x"}, api)
    assert response.status_code in (403, 404)
    order.refresh_from_db()
    assert order.status == Status.ASSIGNED


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_a_handler_outside_the_scope_may_not_take_a_step(client, company, api):
    order = file(company)
    response = act(client, company.other_centre_handler, order, "contact", {"method": "phone", "agreement": "x"}, api)
    assert response.status_code == 403


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_a_step_out_of_turn_is_409_on_the_page_and_in_the_api(client, company, api):
    order = file(company)
    response = act(client, company.handler, order, "answer", {"reply": "已处理"}, api)
    assert response.status_code == 409


@pytest.mark.parametrize("api", [False, True], ids=["page", "api"])
def test_the_handler_walks_the_loop_through_the_table(client, company, api):
    order = file(company)
    steps = [
        ("contact", {"method": "phone", "agreement": "明日上门"}),
        ("investigate", {"facts": "电压 180 V"}),
        (
            "analyse",
            {
                "root_cause": "grid_capacity",
                "is_company_fault": "yes",
                "responsible_department": company.station.pk,
                "analysis": "线路过长",
            },
        ),
        ("rectify", {"rectification": "新增配变"}),
    ]
    for name, data in steps:
        response = act(client, company.handler, order, name, data, api)
        assert response.status_code in (200, 302), (name, response.content[:300])
    # The verifier is a second person; the handler's own verification is refused.
    assert act(client, company.handler, order, "verify", {"note": ""}, api).status_code == 409
    assert act(client, company.manager, order, "verify", {"note": "同意"}, api).status_code in (200, 302)
    assert act(client, company.handler, order, "answer", {"reply": "已新增配变"}, api).status_code in (200, 302)
    order.refresh_from_db()
    assert order.status == C.ANSWERED


def test_a_counter_clerk_may_not_verify_even_in_scope(company):
    from complaints.forms import VerifyForm

    assert not VerifyForm.may_take(company.counter)
    assert VerifyForm.may_take(company.manager) and VerifyForm.may_take(company.handler)
