"""A new connection from filing to energisation, each type, through the actions; the clocks as they go."""

from decimal import Decimal

import pytest

from services.connections import actions
from services.connections.models import ConnectionType, Stage, Verdict
from services.connections.stages import WHOLE_PROCESS
from services.models import ClockState, Status, WorkOrder
from tests.services.connections.conftest import file_application, pdf

pytestmark = pytest.mark.django_db

ACCEPT_ALL = {"identity": ("accepted", ""), "property": ("accepted", "")}


def clock(order: WorkOrder, name: str):
    return order.clocks.filter(name=name).order_by("-started_at", "-pk").first()


def test_a_low_voltage_residential_application_goes_from_filing_to_energisation(alice, grid, charlie, grace, ivan):
    order = file_application(alice, grid=grid)
    assert order.status == Stage.ACCEPTANCE
    assert clock(order, WHOLE_PROCESS).target == 5
    assert clock(order, "stage:acceptance").state == ClockState.RUNNING

    actions.review_documents(order, by=charlie, verdicts=ACCEPT_ALL)
    order = actions.accept_application(order, by=charlie, survey="Meter box on the wall")
    assert order.status == Stage.SUPPLY_PLAN
    assert clock(order, "stage:acceptance").state == ClockState.MET

    order = actions.reply_supply_plan(order, by=grace, plan=pdf("plan.pdf"), note="220 V from TQ00001")
    assert order.status == Stage.CONSTRUCTION
    assert clock(order, WHOLE_PROCESS).state == ClockState.PAUSED

    order = actions.report_completion(order, by=alice)
    assert order.status == Stage.FINAL_INSPECTION
    assert clock(order, WHOLE_PROCESS).state == ClockState.RUNNING

    order = actions.record_final_inspection(
        order, by=ivan, passed=True, file=pdf(), contract=pdf("contract.pdf"), fees=Decimal("0.00")
    )
    assert order.status == Stage.ENERGISATION
    order = actions.energise(order, by=grace, meter_number="M-001")
    assert order.status == Status.RESOLVED
    assert clock(order, WHOLE_PROCESS).state == ClockState.MET
    assert not order.clocks.filter(state__in=[ClockState.RUNNING, ClockState.PAUSED]).exists()
    codes = set(order.business_application.documents.filter(is_company=True).values_list("code", flat=True))
    assert codes == {"supply_plan", "final_inspection", "contract"}


@pytest.mark.parametrize("connection_type", [ConnectionType.HV_SINGLE, ConnectionType.HV_DUAL])
def test_an_important_high_voltage_application_passes_design_review_and_mid_inspection(
    connection_type, alice, grid, charlie, mona, ivan, ray
):
    documents = {code: pdf() for code in ("identity", "property", "load_list", "drawings")}
    order = file_application(alice, grid=grid, connection_type=connection_type, important=True, documents=documents)
    actions.review_documents(order, by=charlie, verdicts={code: ("accepted", "") for code in documents})
    order = actions.accept_application(order, by=charlie)
    assert clock(order, "stage:supply_plan").target == (15 if connection_type == ConnectionType.HV_SINGLE else 30)
    order = actions.reply_supply_plan(order, by=mona, plan=pdf(), note="10 kV")
    with pytest.raises(actions.StageRefused):
        actions.report_completion(order, by=alice)  # the design first
    order = actions.submit_design(order, by=alice)
    order = actions.review_design(order, by=mona, approved=True, opinion="")
    order = actions.request_mid_inspection(order, by=alice)
    order = actions.record_mid_inspection(order, by=ivan, passed=False, defects="Cable trench too shallow")
    assert order.status == Stage.CONSTRUCTION
    order = actions.request_mid_inspection(order, by=alice)
    order = actions.record_mid_inspection(order, by=ivan, passed=True, defects="")
    order = actions.report_completion(order, by=alice)
    order = actions.record_final_inspection(order, by=ivan, passed=False, defects="Earthing missing")
    assert order.status == Stage.CONSTRUCTION
    order = actions.report_completion(order, by=alice)
    order = actions.record_final_inspection(order, by=ivan, passed=True, contract=pdf(), fees=Decimal("12000.00"))
    order = actions.energise(order, by=ray, meter_number="HV-9")
    assert order.status == Status.RESOLVED
    assert order.business_application.fees == Decimal("12000.00")
    assert order.clocks.filter(name="stage:final_inspection").count() == 2


def test_an_ordinary_high_voltage_application_skips_design_review(alice, grid, charlie, mona):
    documents = {code: pdf() for code in ("identity", "property", "load_list", "drawings")}
    order = file_application(alice, grid=grid, connection_type=ConnectionType.HV_SINGLE, documents=documents)
    actions.review_documents(order, by=charlie, verdicts={code: ("accepted", "") for code in documents})
    order = actions.reply_supply_plan(actions.accept_application(order, by=charlie), by=mona, plan=pdf(), note="")
    with pytest.raises(actions.StageRefused):
        actions.submit_design(order, by=alice)
    assert actions.report_completion(order, by=alice).status == Stage.FINAL_INSPECTION


def test_a_failed_inspection_lists_the_defects_and_returns_to_construction(lv_application, charlie, grace, ivan):
    actions.review_documents(lv_application, by=charlie, verdicts=ACCEPT_ALL)
    order = actions.reply_supply_plan(
        actions.accept_application(lv_application, by=charlie), by=grace, plan=pdf(), note=""
    )
    order = actions.report_completion(order, by=lv_application.reported_by)
    with pytest.raises(Exception, match="defects"):
        actions.record_final_inspection(order, by=ivan, passed=False, defects="")
    order = actions.record_final_inspection(order, by=ivan, passed=False, defects="RCD missing")
    assert order.status == Stage.CONSTRUCTION
    assert order.events.filter(note__contains="RCD missing", is_public=True).exists()


def test_a_document_left_out_at_filing_is_pending_with_no_file(alice, grid):
    order = file_application(alice, grid=grid, documents={"identity": pdf()})
    rows = {row.code: row for row in order.business_application.documents.all()}
    assert rows["property"].attachment_id is None and rows["property"].verdict == Verdict.PENDING
    assert rows["identity"].attachment_id is not None
