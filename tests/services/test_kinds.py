"""The registry of kinds: a kind the backbone has never heard of is worked end to end on its generic page and API.

The "meter seal check" kind below exists only in this module. It registers its transitions, a status of its
own, a staff action and a customer step, and nothing else: no backbone module is changed to serve it.
"""

import ast
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from services import actions, kinds
from services.forms import CASE_WORKERS, ActionForm
from services.kinds import CustomerStep, Kind
from services.models import Channel, EventKind, Status, WorkOrder

pytestmark = pytest.mark.django_db

SEAL_CHECK = "seal_check"
SEALED = "sealed"  # the kind's own status: the seal is checked, the report is being written


class TakeUpForm(ActionForm):
    name, label, roles = "take_up", _("Take it up"), CASE_WORKERS
    from_statuses = frozenset({Status.ASSIGNED})

    def perform(self, by: object) -> WorkOrder:
        return actions.change_status(self.order, Status.IN_PROGRESS, by=by)


class CheckSealForm(ActionForm):
    name, label, roles = "check_seal", _("Seal checked"), CASE_WORKERS
    from_statuses = frozenset({Status.IN_PROGRESS})
    finding = forms.CharField(label=_("Finding"), max_length=200)

    def perform(self, by: object) -> WorkOrder:
        return actions.change_status(self.order, SEALED, by=by, note=self.cleaned_data["finding"])


class ReportForm(ActionForm):
    name, label, roles = "report", _("Report written"), CASE_WORKERS
    from_statuses = frozenset({SEALED})

    def perform(self, by: object) -> WorkOrder:
        return actions.change_status(self.order, Status.RESOLVED, by=by)


SEAL_KIND = Kind(
    code=SEAL_CHECK,
    label=_("Meter seal check"),
    transitions={
        Status.NEW: frozenset({Status.ASSIGNED, Status.CANCELLED}),
        Status.ASSIGNED: frozenset({Status.IN_PROGRESS}),
        Status.IN_PROGRESS: frozenset({SEALED}),
        SEALED: frozenset({Status.RESOLVED}),
        Status.RESOLVED: frozenset({Status.CLOSED}),
    },
    statuses={SEALED: _("Seal checked")},
    actions=(TakeUpForm, CheckSealForm, ReportForm),
    customer_steps=(
        CustomerStep(
            name="withdraw",
            label=_("Withdraw"),
            perform=lambda order, *, by, note: actions.change_status(order, Status.CANCELLED, by=by, note=note),
            offered=lambda order: order.status == Status.NEW,
        ),
    ),
)


@pytest.fixture
def seal_kind():
    kinds.register(SEAL_KIND)
    yield SEAL_KIND
    kinds.unregister(SEAL_CHECK)


@pytest.fixture
def order(seal_kind, alice, grace):
    account = alice.linked_accounts.get()
    new = actions.NewOrder(
        kind=SEAL_CHECK,
        channel=Channel.WEB,
        description="表箱铅封脱落",
        account_id=account.pk,
        customer_id=account.customer_id,
        grid_id=account.grid_id,
        reported_by=alice,
    )
    order = actions.open_order(new, by=alice)
    return actions.assign(order, grace, by=None)


def act(client, order, action, data=None):
    return client.post(reverse("services:act", args=[order.number, action]), data or {})


def api_act(client, order, action, data=None):
    url = reverse("api:work-order-action", args=[order.number, action])
    return client.post(url, data or {}, content_type="application/json")


def test_a_kind_registered_only_in_a_test_is_worked_end_to_end_on_the_order_page(client, order, grace):
    client.force_login(grace)
    page = client.get(reverse("services:order", args=[order.number]))
    assert page.status_code == 200
    assert "Meter seal check" in page.text
    assert [form.name for form in page.context["actions"]] == ["take_up", "comment"]

    # Another kind's action is known but does not apply here: "start" is a service application's.
    assert act(client, order, "start").status_code == 409
    assert act(client, order, "take_up").status_code == 302

    page = client.get(reverse("services:order", args=[order.number]))
    assert "check_seal" in {form.name for form in page.context["actions"]}
    assert act(client, order, "check_seal", {"check_seal-finding": "铅封完好"}).status_code == 302
    order.refresh_from_db()
    assert (order.status, order.get_status_display()) == (SEALED, "Seal checked")

    # Closing now is a move its table does not allow: 409, and nothing changes.
    refused = act(client, order, "close")
    assert refused.status_code == 409
    order.refresh_from_db()
    assert order.status == SEALED

    assert act(client, order, "report").status_code == 302
    assert act(client, order, "close", {"close-result": "铅封已恢复"}).status_code == 302
    order.refresh_from_db()
    assert order.status == Status.CLOSED
    moves = list(order.events.filter(kind=EventKind.STATUS_CHANGED).values_list("new_value", flat=True))
    assert moves == [Status.IN_PROGRESS, SEALED, Status.RESOLVED, Status.CLOSED]


def test_a_kind_registered_only_in_a_test_is_worked_end_to_end_through_the_api(client, order, grace):
    client.force_login(grace)
    assert api_act(client, order, "take_up").json()["status"] == Status.IN_PROGRESS

    detail = client.get(reverse("api:work-order-detail", args=[order.number])).json()
    assert detail["kind"] == SEAL_CHECK
    assert "check_seal" in detail["allowed_actions"]

    assert api_act(client, order, "check_seal", {}).status_code == 400  # the finding is required
    response = api_act(client, order, "check_seal", {"note": "x"})
    assert response.status_code == 400
    assert api_act(client, order, "close").status_code == 409
    assert api_act(client, order, "report").status_code == 409  # not yet sealed

    body = api_act(client, order, "check_seal", {"finding": "铅封完好"})
    assert body.status_code == 200, body.content
    assert body.json()["status"] == SEALED
    assert api_act(client, order, "report").json()["status"] == Status.RESOLVED
    assert api_act(client, order, "close", {"result": "ok"}).json()["status"] == Status.CLOSED


def test_a_kinds_customer_step_is_offered_on_the_page_and_taken_through_the_api(client, seal_kind, alice):
    account = alice.linked_accounts.get()
    new = actions.NewOrder(kind=SEAL_CHECK, channel=Channel.WEB, description="x", account_id=account.pk)
    order = actions.open_order(new, by=alice)
    client.force_login(alice)
    page = client.get(reverse("services:order", args=[order.number]))
    assert [form.step.name for form in page.context["step_forms"]] == ["withdraw", "chase", "message"]
    # confirm is fault repair's step: known, but not this kind's.
    confirm = client.post(reverse("api:work-order-step", args=[order.number, "confirm"]))
    assert confirm.status_code == 409
    assert client.post(reverse("api:work-order-step", args=[order.number, "teleport"])).status_code == 404
    response = client.post(reverse("api:work-order-step", args=[order.number, "withdraw"]))
    assert response.status_code == 200
    assert response.json()["status"] == Status.CANCELLED


def test_an_unregistered_kind_has_no_moves_and_no_actions(client, grace):
    order = actions.open_order(actions.NewOrder(kind="unknown", channel=Channel.WEB, description="x"), by=None)
    with pytest.raises(actions.TransitionRefused):
        actions.change_status(order, Status.ASSIGNED, by=grace)


# --- The backbone names no kind -------------------------------------------------------------------------

BACKBONE = Path(settings.BASE_DIR) / "services"
KIND_PACKAGES = {path.name for path in BACKBONE.iterdir() if (path / "kind.py").exists()}


def backbone_modules() -> list[Path]:
    """services/*.py and services/models/*.py: everything in services/ that is not a kind's package."""
    return [*BACKBONE.glob("*.py"), *(BACKBONE / "models").glob("*.py")]


@pytest.mark.parametrize("path", backbone_modules(), ids=lambda path: str(path.relative_to(BACKBONE)))
def test_no_backbone_module_imports_a_kind(path):
    imported = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
    assert not {name for name in imported for kind in KIND_PACKAGES if name.startswith(f"services.{kind}")}


def test_the_kinds_in_this_portal_are_packages_that_register_themselves():
    assert {"repair", "applications", "enquiries", "connections", "inspections"} == KIND_PACKAGES
    # Kinds of other apps (complaints registers five) register the same way, from their own packages.
    codes = {kind.code for kind in kinds.all_kinds()}
    kinds_here = {"fault_repair", "service_application", "enquiry", "information_query", "business_application"}
    assert kinds_here | {"change_of_use", "inspection"} <= codes
