"""The registry of kinds of request: what the backbone knows of each kind, and the only place it learns it.

A kind (fault repair, service application, later complaints, enquiries, inspections…) is a package of its own
that registers a `Kind` from its AppConfig.ready(). The backbone's modules (the order page and API, the queues,
the menus, routing, notifications, the sweep) read this registry and never name a kind, so adding a kind is
adding a package and a line in INSTALLED_APPS (docs/adding-a-kind.md).

Statuses and kinds are stored as codes on WorkOrder; their choices are callables over this registry
(`kind_choices`, `status_choices`), so a kind's labels come with the kind and need no migration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise

if TYPE_CHECKING:
    from rest_framework.serializers import Serializer

    from accounts.models import Department, User
    from services.forms import ActionForm
    from services.models import ReturnVisit, WorkOrder
    from services.notifications import MessageTemplate


@dataclass(frozen=True)
class Entry:
    """A page of a kind's that the menus link to: a way in for new requests, or a staff tool (a dispatch board).

    A customer's entry is shown to customers; a staff entry to those who take requests by phone or at the
    counter (services.forms.can_enter_orders), narrowed to those `shown_to` admits if the kind sets it; a tool
    to those `shown_to` admits.
    """

    label: Promise
    url_name: str  # reversed by the menus, e.g. "services:report-fault"
    for_staff: bool = False
    shown_to: Callable[[User], bool] | None = None  # a tool's audience; a staff entry's, if narrower


@dataclass(frozen=True)
class CustomerStep:
    """Something a customer may do on their own order (chase, confirm, dispute…), on the page and in the API.

    `offered(order)` says whether the progress page shows it now; `perform(order, by=..., note=...)` takes it and
    itself refuses a step that does not apply now, with the backbone's refusals (409) or ValidationError (400). A
    step is taken only on an order of its own kind (services.steps); another kind's step is a 409.
    """

    name: str
    label: Promise
    perform: Callable[..., Any]
    offered: Callable[[WorkOrder], bool]
    # The customer's note: required, optional, or not asked for at all.
    note_label: Promise | None = None
    note_required: bool = False
    done: Promise | None = None  # the message after the step
    style: str = "primary"
    # The card the progress page shows the step in: its heading and a line of explanation (either may be empty).
    heading: Promise | None = None
    intro: Promise | None = None


@dataclass(frozen=True)
class KioskFiling:
    """How a customer files a request of this kind at a self-service kiosk (outlets.kiosk), once they proved
    who they are there.

    `fields` is a DRF serializer of the kind's own fields (a fault type, an application type); the kiosk API
    adds the account and the description. `file(by=..., account=..., description=..., **fields)` opens the
    order through the kind's own action with the kiosk's channel; `by` is the kiosk's actor.
    """

    label: Promise  # the button on the kiosk's screen, e.g. "Report a fault"
    fields: type[Serializer]
    file: Callable[..., WorkOrder]


@dataclass(frozen=True)
class Kind:
    """Everything the backbone needs to know of one kind of request."""

    code: str
    label: Promise
    # Status code → the statuses it may move to. Anything else is refused (services.actions.change_status).
    transitions: Mapping[str, frozenset[str] | set[str]]
    # The kind's sub-types (WorkOrder.sub_type: a fault type, an application type) with their labels.
    sub_types: Mapping[str, Promise] = field(default_factory=dict)
    # Statuses of this kind's own, beyond the backbone's (services.models.Status), with their labels.
    statuses: Mapping[str, Promise] = field(default_factory=dict)
    # The clocks this kind starts, with their labels (policies are rows: services.models.SlaPolicy).
    clocks: Mapping[str, Promise] = field(default_factory=dict)
    # Staff actions particular to this kind; the backbone's own (assign, transfer, close…) apply to every kind.
    actions: tuple[type[ActionForm], ...] = ()
    # Customer steps particular to this kind; the backbone's chase applies to every kind.
    customer_steps: tuple[CustomerStep, ...] = ()
    # The one-to-one model's accessor on WorkOrder ("fault"), and the template of its panel on the order page.
    particulars: str = ""
    particulars_template: str = ""
    entries: tuple[Entry, ...] = ()
    tools: tuple[Entry, ...] = ()
    # Messages this kind sends, by template name (services.notifications renders them).
    messages: Mapping[str, MessageTemplate] = field(default_factory=dict)
    # Where an order of this kind goes when no routing rule matches: (department, person), either may be None.
    default_route: Callable[[WorkOrder, User | None], tuple[Department | None, User | None]] | None = None
    # URL patterns of the kind's own pages, mounted under services/ in the services namespace, and of its API,
    # mounted under /api/v1/work-orders/ in the api namespace.
    urls: str = ""
    api_urls: str = ""
    # What the order's `location` means for this kind (a fault's location, an application's address).
    location_label: Promise | None = None
    # The customer's progress stepper: the statuses an order passes on its usual way, in order, and where a
    # status off that way stands on it (waiting for the customer counts as in progress).
    progress: tuple[str, ...] = ()
    progress_aliases: Mapping[str, str] = field(default_factory=dict)
    # A panel of the kind's own on the customer's progress page (the crew on its way), or "".
    customer_template: str = ""
    # How it is filed at a self-service kiosk; None: not at a kiosk.
    kiosk: KioskFiling | None = None
    # The statuses in which the customer rates the order (services.visits: the link, the telephone visit):
    # closed, for most kinds ("closed" is services.models.Status.CLOSED); a complaint's answer is rated before
    # the complaint is assessed and closed. `on_rated` is called with the new rating, inside its transaction.
    rated_in: frozenset[str] = frozenset({"closed"})
    on_rated: Callable[[WorkOrder, ReturnVisit], object] | None = None


_registry: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind (from its AppConfig.ready()); registering the same code twice is a mistake and refused."""
    if kind.code in _registry and _registry[kind.code] is not kind:
        raise ValueError(f"A kind with the code {kind.code!r} is registered already.")
    _registry[kind.code] = kind
    _status_labels.cache_clear()
    return kind


def unregister(code: str) -> None:
    """Remove a kind: for tests that register one of their own."""
    _registry.pop(code, None)
    _status_labels.cache_clear()


def all_kinds() -> list[Kind]:
    return list(_registry.values())


def get(code: str) -> Kind | None:
    return _registry.get(code)


def of(order: WorkOrder) -> Kind | None:
    return _registry.get(order.kind)


def kind_choices() -> list[tuple[str, Promise]]:
    """WorkOrder.kind's choices: every registered kind."""
    return [(kind.code, kind.label) for kind in _registry.values()]


def status_choices() -> list[tuple[str, Promise]]:
    """WorkOrder.status's choices: the backbone's statuses, then each kind's own."""
    from services.models.orders import Status  # the models import this module for their choices

    choices: dict[str, Promise] = {value: label for value, label in Status.choices}
    for kind in _registry.values():
        for value, label in kind.statuses.items():
            choices.setdefault(value, label)
    return list(choices.items())


@cache
def _status_labels() -> dict[str, Promise]:
    """status_choices() as a mapping, built once per registry (register and unregister clear it): a list shows a
    status per row, and Django's get_FOO_display normalised every kind's choices again for each of them."""
    return dict(status_choices())


def status_label(code: str) -> str:
    """A status code's label, or the code itself if nothing knows it (a kind no longer installed)."""
    return str(_status_labels().get(code, code))


def sub_type_label(kind: str, sub_type: str) -> str:
    """A sub-type's label under its kind, or the code itself if the kind does not know it."""
    registered = _registry.get(kind)
    label = registered.sub_types.get(sub_type) if registered else None
    return str(label) if label else sub_type


def kind_label(code: str) -> str:
    kind = _registry.get(code)
    return str(kind.label) if kind else code


def clock_labels() -> dict[str, Promise]:
    return {name: label for kind in _registry.values() for name, label in kind.clocks.items()}


def message_templates() -> dict[str, MessageTemplate]:
    return {name: template for kind in _registry.values() for name, template in kind.messages.items()}


def entries(*, for_staff: bool, user: User | None = None) -> list[Entry]:
    """The entry pages of every kind; staff entries narrowed by their `shown_to` when `user` is given."""
    found = [entry for kind in _registry.values() for entry in kind.entries if entry.for_staff == for_staff]
    if user is None:
        return found
    return [entry for entry in found if entry.shown_to is None or entry.shown_to(user)]


def kiosk_kinds() -> dict[str, Kind]:
    """The kinds a customer can file at a kiosk, by code."""
    return {kind.code: kind for kind in _registry.values() if kind.kiosk is not None}


def tools_for(user: User) -> list[Entry]:
    return [tool for kind in _registry.values() for tool in kind.tools if tool.shown_to and tool.shown_to(user)]
