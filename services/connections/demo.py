"""The demo's in-sale year (issue 12): new connections in every stage, some past their limits, and changes of use:
the demo customers' still waiting for their date, and one of nearly every type taken at the counter and carried
out on an account reserved for it (`reserved`; their history on the account page).

Each application is walked through the real actions (services.connections.actions) to its stage, then moved back
in time as a whole (its opening, timeline, clocks and documents) to a day of the past year. A few of the live
ones are moved back further than their limits allow: their clocks show as breached, as the sweep would mark them.
Deterministic from the seed, re-runnable (nothing is added if applications exist), and small: a few dozen
applications, so `seed_demo accounts=60 orders=30` still takes seconds.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from accounts.demo import (
    BLOCK_SIZE,
    CLASSES,
    DEMO_CUSTOMER_PHONE,
    account_number,
    demo_customer_accounts,
    plan_block,
    reading_periods,
)
from accounts.models import AccountStatus, CustomerClass, ElectricityAccount, User, VoltageLevel
from services.actions import close_order
from services.connections import actions, resumption
from services.connections.models import (
    BUSINESS_APPLICATION,
    CHANGE_OF_USE,
    AccountChange,
    ApplicationDocument,
    BusinessApplication,
    ChangeOfUse,
    ChangeType,
    ConnectionType,
    Purpose,
)
from services.models import Attachment, Channel, Clock, ClockState, TimelineEvent, WorkOrder

PDF = b"%PDF-1.4\n% demo document\n" + b"0" * 32
# Where each demo application rests, in turn: every stage has some. Design review and mid-construction
# inspection are for important high-voltage customers only.
STEPS = ("filed", "missing", "accepted", "planned", "design", "mid", "completed", "inspected", "energised")
IMPORTANT_ONLY = ("design", "mid")
HV_DOCUMENTS = ("identity", "property", "load_list", "drawings")


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{name}.pdf", PDF, "application/pdf")


def _staff() -> dict[str, User]:
    names = ("counter", "grid", "inspector", "manager", "repair")
    return {user.username: user for user in User.objects.filter(username__in=names)}


def seed_connections(*, seed: int, orders: int) -> int:
    """Add the in-sale year if there is none; return how many applications and changes were added."""
    if orders <= 0 or WorkOrder.objects.filter(kind__in=[BUSINESS_APPLICATION, CHANGE_OF_USE]).exists():
        return 0
    staff = _staff()
    accounts = list(ElectricityAccount.objects.filter(status=AccountStatus.ACTIVE, linked_user__isnull=False)[:40])
    if len(staff) < 5 or not accounts:
        return 0
    rng = random.Random(seed * 13 + 12)
    count = max(len(STEPS) + 3, min(orders // 40, 60))
    with transaction.atomic():
        added = sum(_application(rng, staff, accounts, index) for index in range(count))
        added += _changes(rng, accounts, max(4, count // 2))
        added += _done_changes(rng, seed=seed)
    return added


def _application(rng: random.Random, staff: dict[str, User], accounts: list[ElectricityAccount], index: int) -> int:
    account = accounts[index % len(accounts)]
    step = STEPS[index % len(STEPS)]
    connection_type = rng.choice([*[ConnectionType.LV_RESIDENTIAL] * 3, *ConnectionType.values])
    if step in IMPORTANT_ONLY:
        connection_type = ConnectionType.HV_SINGLE
    high = connection_type in (ConnectionType.HV_SINGLE, ConnectionType.HV_DUAL)
    documents = HV_DOCUMENTS if high else ("identity", "property")
    order = actions.file_business_application(
        by=account.linked_user,
        channel=Channel.WEB,
        connection_type=connection_type,
        purpose=Purpose.NEW_INSTALLATION,
        capacity_kva=Decimal(rng.choice([8, 16, 50, 315, 630] if high else [8, 12, 16, 25])),
        description="新装用电",
        applicant_name=account.customer.name,
        grid=account.grid,
        location=f"{account.address}（新建）",
        is_important=step in IMPORTANT_ONLY or (high and rng.random() < 0.4),
        documents_given={code: _pdf(code) for code in documents if rng.random() < 0.85},
    )
    order = _walk(order, step, staff, documents)
    age = rng.randint(2, 330) if order.is_open else rng.randint(20, 360)
    _move_back(order, timedelta(days=age, hours=rng.randint(0, 6), minutes=index))
    if order.is_open and index % 4 == 0:
        _breach(order)
    return 1


def _walk(order: WorkOrder, step: str, staff: dict[str, User], documents: tuple[str, ...]) -> WorkOrder:
    """Take the application through the real steps up to `step`."""
    counter, grid, inspector, manager = staff["counter"], staff["grid"], staff["inspector"], staff["manager"]
    customer = order.reported_by
    rows = list(BusinessApplication.objects.get(pk=order.pk).documents.filter(is_company=False))
    if step == "filed":
        return order
    missing = [row.code for row in rows if row.attachment_id is None] or [rows[-1].code]
    verdicts = {row.code: ("missing", "请补充原件照片") if row.code in missing else ("accepted", "") for row in rows}
    order = actions.review_documents(order, by=counter, verdicts=verdicts)
    if step == "missing":
        return order
    order = actions.supply_documents(order, by=customer, files={code: _pdf(code) for code in missing})
    order = actions.review_documents(order, by=counter, verdicts={code: ("accepted", "") for code in missing})
    order = actions.accept_application(order, by=counter, survey="现场勘查：具备接入条件")
    if step == "accepted":
        return order
    planner = manager if len(documents) > 2 else grid
    order = actions.reply_supply_plan(order, by=planner, plan=_pdf("plan"), note="就近台区接入")
    if step == "planned":
        return order
    order = _build(order, step, customer, manager, inspector)
    if step in (*IMPORTANT_ONLY, "completed"):
        return order
    order = actions.record_final_inspection(
        order, by=inspector, passed=True, file=_pdf("result"), contract=_pdf("contract"), fees=Decimal("0.00")
    )
    if step == "inspected":
        return order
    order = actions.energise(order, by=staff["repair"], meter_number=f"M{order.pk:08d}")
    return close_order(order, by=counter, result="已送电")


def _build(order: WorkOrder, step: str, customer: User, manager: User, inspector: User) -> WorkOrder:
    """The customer's construction, with the important customer's design review and mid inspection."""
    application = BusinessApplication.objects.get(pk=order.pk)
    if application.is_important:
        order = actions.submit_design(order, by=customer, note="设计图纸已提交")
        if step == "design":
            return order
        order = actions.review_design(order, by=manager, approved=True, opinion="")
        order = actions.request_mid_inspection(order, by=customer)
        if step == "mid":
            return order
        order = actions.record_mid_inspection(order, by=inspector, passed=True, defects="")
    return actions.report_completion(order, by=customer, note="施工完成")


def _move_back(order: WorkOrder, shift: timedelta) -> None:
    """Move the whole order `shift` into the past: it was filed then and worked since."""
    WorkOrder.objects.filter(pk=order.pk).update(opened_at=F("opened_at") - shift)
    WorkOrder.objects.filter(pk=order.pk, closed_at__isnull=False).update(closed_at=F("closed_at") - shift)
    TimelineEvent.objects.filter(order=order).update(at=F("at") - shift)
    Attachment.objects.filter(order=order).update(uploaded_at=F("uploaded_at") - shift)
    ApplicationDocument.objects.filter(application_id=order.pk).update(added_at=F("added_at") - shift)
    for field in ("started_at", "due_at", "paused_at", "stopped_at", "breached_at", "alert_at"):
        Clock.objects.filter(order=order, **{f"{field}__isnull": False}).update(**{field: F(field) - shift})
    opened = WorkOrder.objects.values_list("opened_at", flat=True).get(pk=order.pk)
    number = f"{timezone.localdate(opened):%Y%m%d}{order.pk:08d}"
    WorkOrder.objects.filter(pk=order.pk).update(number=number)


def _breach(order: WorkOrder) -> None:
    """Make sure its running stage clock is past due: moved back further, the sweep announces the breach."""
    clock = Clock.objects.filter(order=order, state=ClockState.RUNNING, due_at__gte=timezone.now()).first()
    if clock is not None:
        _move_back(order, clock.due_at - timezone.now() + timedelta(days=2))


# Changes of use still waiting for their date, filed by the demo customers on their own accounts (their state is
# left as it is: the README's walks start from it).
CHANGES: list[tuple[str, Callable[[ElectricityAccount, date], dict]]] = [
    (ChangeType.SUSPENSION, lambda account, day: {"end_on": day + timedelta(days=30)}),
    (ChangeType.TARIFF_CHANGE, lambda account, day: {"new_tariff_code": _other_tariff(account)}),
    (
        ChangeType.CAPACITY_REDUCTION,
        lambda account, day: {
            "end_on": day + timedelta(days=250),
            "new_capacity_kva": account.contracted_capacity_kva / 2,
        },
    ),
    (ChangeType.METER_RELOCATION, lambda account, day: {}),
    (ChangeType.SPLIT, lambda account, day: {}),
    (ChangeType.TEMPORARY_REMOVAL, lambda account, day: {"end_on": day + timedelta(days=60)}),
    (ChangeType.RELOCATION, lambda account, day: {"new_address": f"{account.address}（迁址）"}),
]

# Changes of use carried out, one of each type but two, each on an account reserved for it (`reserved`). Not
# here: a transfer (it makes a new holder, and the city's customers are the ones accounts.demo planned) and a
# merge (it closes a second account). A closure is skipped where billing has found arrears (a city seeded before).
DONE: list[tuple[str, Callable[[ElectricityAccount, date], dict]]] = [
    *CHANGES,
    (ChangeType.TEMPORARY_SWAP, lambda account, day: {"end_on": day + timedelta(days=40)}),
    (ChangeType.VOLTAGE_CHANGE, lambda account, day: {"new_voltage_level": VoltageLevel.V380}),
    (ChangeType.CLOSURE, lambda account, day: {}),
]


def _other_tariff(account: ElectricityAccount) -> str:
    """The residential tariff the account is not on (tiered or time-of-use)."""
    return "ZJ-RES-TOU" if account.tariff_code == "ZJ-RES-TIER" else "ZJ-RES-TIER"


def _changes(rng: random.Random, accounts: list[ElectricityAccount], count: int) -> int:
    """Changes of use on the customers' accounts, filed a few days ago and still open.

    The demo customer's own account is left as it is: the README's walk starts from it.
    """
    added, today = 0, timezone.localdate()
    usable = [
        account
        for account in accounts
        if account.linked_user.username != DEMO_CUSTOMER_PHONE
        and account.customer_class == CustomerClass.LV_RESIDENTIAL
    ] or accounts
    for index in range(count):
        account = ElectricityAccount.objects.select_related("customer", "linked_user").get(
            pk=usable[(index * 7) % len(usable)].pk
        )
        change_type, extra = CHANGES[index % len(CHANGES)]
        start = today + timedelta(days=6)
        try:
            order = actions.file_change_of_use(
                by=account.linked_user,
                channel=Channel.WEB,
                change_type=change_type,
                account=account,
                start_on=start,
                **extra(account, start),
            )
        except ValidationError:  # the account's state after an earlier change rules this one out: skip it
            continue
        _move_back(order, timedelta(days=rng.randint(1, 4)))  # filed a few days ago, for a date to come
        added += 1
    return added


def reserved(seed: int, count: int = len(DONE)) -> list[ElectricityAccount]:
    """The accounts the done changes are made on, put back as accounts.demo planned them.

    Chosen by number (the city's last low-voltage households planned active, not a demo customer's), so the
    other demo parts' choices never rely on what the changes did: billing cuts only homes without orders, the
    README's and the browser walks' accounts are the demo customers' and the first ones. `seed_demo` puts them
    back before it plans the year's orders (which read the accounts' status and address): a city seeded again
    after its orders were deleted gets the same orders and the same changes.
    """
    customers = {number for numbers in demo_customer_accounts(seed).values() for number in numbers}
    top, first = ElectricityAccount.objects.aggregate(top=Max("number"))["top"], int(account_number(0))
    if top is None or int(top) < first:
        return []
    last, periods, chosen = int(top) - first, reading_periods(timezone.localdate()), []
    for block in range(last // BLOCK_SIZE, -1, -1):  # from the last block down: never the whole city planned
        chosen += [
            account
            for account in reversed(plan_block(seed, block, periods))
            if account.index <= last
            and account.customer_class == CustomerClass.LV_RESIDENTIAL
            and account.status == AccountStatus.ACTIVE
            and account.number not in customers
        ]
        if len(chosen) >= count:
            break
    rows = ElectricityAccount.objects.in_bulk([account.number for account in chosen[:count]], field_name="number")
    chosen = [account for account in chosen[:count] if account.number in rows]
    for account in chosen:
        row = rows[account.number]
        row.status, row.suspension, row.address = account.status, "", account.address
        row.customer_class, row.voltage_level = account.customer_class, CLASSES[account.customer_class].voltage
        row.contracted_capacity_kva, row.tariff_code = Decimal(account.capacity_kva), account.tariff_code
    fields = ["status", "suspension", "address", "customer_class", "voltage_level"]
    ElectricityAccount.objects.bulk_update(rows.values(), [*fields, "contracted_capacity_kva", "tariff_code"])
    return [rows[account.number] for account in chosen]


def restore_reserved(*, seed: int, orders: int) -> None:
    """Put the reserved accounts back as planned if this seeding is to add the in-sale year (none is there yet):
    `seed_demo` calls it before the year's orders are planned. A seeding that adds nothing leaves them as the
    changes left them."""
    if orders > 0 and not WorkOrder.objects.filter(kind__in=[BUSINESS_APPLICATION, CHANGE_OF_USE]).exists():
        reserved(seed)


def _done_changes(rng: random.Random, *, seed: int) -> int:
    """Changes of use taken at the counter by the account's 台区 manager and carried out some months ago (made,
    not yet closed): the account's history shows them; a suspension or removal whose end has come is lifted
    (services.connections.resumption) as the nightly task would."""
    today, added = timezone.localdate(), 0
    for account, (change_type, extra) in zip(reserved(seed), DONE, strict=False):
        account = ElectricityAccount.objects.select_related("customer", "grid__manager").get(pk=account.pk)
        clerk, start = account.grid.manager, today + timedelta(days=6)
        try:
            order = actions.file_change_of_use(
                by=clerk,
                channel=Channel.COUNTER,
                change_type=change_type,
                account=account,
                start_on=start,
                contact_phone=account.customer.phone,
                **extra(account, start),
            )
        except ValidationError:  # a closure once billing found arrears on the account: it waits for payment
            continue
        order = actions.complete_change(actions.start_change(order, by=clerk), by=clerk)
        shift = timedelta(days=rng.randint(40, 300))
        _move_back(order, shift)
        days = timedelta(days=shift.days)
        AccountChange.objects.filter(order=order).update(
            at=F("at") - shift, start_on=F("start_on") - days, end_on=F("end_on") - days
        )
        ChangeOfUse.objects.filter(pk=order.pk).update(
            start_on=F("start_on") - days, end_on=F("end_on") - days, applied_at=F("applied_at") - shift
        )
        added += 1
    resumption.resume_ended_suspensions(today=today)
    return added
