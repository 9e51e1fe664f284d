"""Documents: the reviewer's verdicts, the one-time notice (一次性告知) with the acceptance clock paused, the
customer's supply resuming it, and the refusals."""

import pytest
from django.core.exceptions import ValidationError

from services.connections import actions
from services.connections.models import Stage, Verdict
from services.connections.stages import WHOLE_PROCESS
from services.models import ClockState, Notification, Status
from tests.services.connections.conftest import pdf

pytestmark = pytest.mark.django_db

MISSING = {"identity": ("accepted", ""), "property": ("missing", "Lease without the owner's consent")}


def notices(order):
    return Notification.objects.filter(order=order, template="documents_missing", channel="inbox")


def test_everything_missing_is_told_once_in_one_message_and_the_clocks_wait(
    lv_application, alice, charlie, django_capture_on_commit_callbacks
):
    verdicts = {"identity": ("defective", "Copy unreadable"), "property": ("missing", "No lease")}
    with django_capture_on_commit_callbacks():
        order = actions.review_documents(lv_application, by=charlie, verdicts=verdicts)
    assert order.status == Status.WAITING_CUSTOMER
    [notice] = notices(order)
    assert notice.recipient == alice
    assert "Copy unreadable" in notice.context["note"] and "No lease" in notice.context["note"]
    states = dict(order.clocks.values_list("name", "state"))
    assert states == {WHOLE_PROCESS: ClockState.PAUSED, "stage:acceptance": ClockState.PAUSED}


def test_supplying_the_documents_resumes_the_acceptance(lv_application, alice, charlie):
    order = actions.review_documents(lv_application, by=charlie, verdicts=MISSING)
    order = actions.supply_documents(order, by=alice, files={"property": pdf("lease.pdf")})
    assert order.status == Stage.ACCEPTANCE
    assert dict(order.clocks.values_list("name", "state")) == {
        WHOLE_PROCESS: ClockState.RUNNING,
        "stage:acceptance": ClockState.RUNNING,
    }
    row = order.business_application.documents.get(code="property")
    assert row.verdict == Verdict.PENDING and row.attachment.original_name == "lease.pdf"


def test_a_second_missing_for_an_accepted_document_is_refused(lv_application, alice, charlie):
    order = actions.review_documents(lv_application, by=charlie, verdicts=MISSING)
    order = actions.supply_documents(order, by=alice, files={"property": pdf()})
    with pytest.raises(actions.StageRefused, match="accepted already"):
        actions.review_documents(order, by=charlie, verdicts={"identity": ("missing", "Again")})
    assert order.business_application.documents.get(code="identity").verdict == Verdict.ACCEPTED
    assert notices(order).count() == 1


def test_a_document_supplied_again_may_still_be_found_defective(lv_application, alice, charlie):
    order = actions.review_documents(lv_application, by=charlie, verdicts=MISSING)
    order = actions.supply_documents(order, by=alice, files={"property": pdf()})
    order = actions.review_documents(order, by=charlie, verdicts={"property": ("defective", "Not signed")})
    assert order.status == Status.WAITING_CUSTOMER


def test_missing_needs_a_reason(lv_application, charlie):
    with pytest.raises(ValidationError):
        actions.review_documents(lv_application, by=charlie, verdicts={"property": ("missing", " ")})
    assert lv_application.business_application.documents.get(code="property").verdict == Verdict.PENDING


def test_the_application_is_accepted_only_with_every_document_accepted(lv_application, charlie):
    with pytest.raises(actions.StageRefused):
        actions.accept_application(lv_application, by=charlie)


def test_a_document_not_asked_for_is_refused(lv_application, alice, charlie):
    order = actions.review_documents(lv_application, by=charlie, verdicts=MISSING)
    with pytest.raises(ValidationError):
        actions.supply_documents(order, by=alice, files={"identity": pdf()})
