"""The demo's pre-sale year (issue 11): the knowledge base, outage notices past, live and upcoming, and a year of
enquiries with their answers, verdicts, readings and self-service.

Deterministic from the seed, bulk-inserted, re-runnable (it does nothing if enquiries exist). The articles come
from services/enquiries/data/articles.json. The demo customer's first 台区 gets an upcoming notice (their home page
shows it) and another 台区 a live one. Fault notices mirror the repair year's outage events, as publishing them
automatically would have.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.demo import DEMO_CUSTOMER_PHONE
from accounts.models import ElectricityAccount, Role, ServiceGrid, User
from portal.demo_orders import _number
from services import sla
from services.enquiries.knowledge import load_articles
from services.enquiries.models import ENQUIRY, INFORMATION_QUERY, Article, ArticleRead, Enquiry, SelfService
from services.models import (
    QUALITY_CHARACTERISTICS,
    Channel,
    EventKind,
    ReturnVisit,
    Status,
    TimelineEvent,
    VisitChannel,
    WorkOrder,
)
from services.notices.models import NoticeGrid, NoticeKind, NoticeStatus, OutageNotice
from services.repair.models import OutageEvent

# What seed_presale returns, as the demo command prints it.
LABELS = {
    "articles": _("Knowledge-base articles"),
    "notices": _("Outage notices"),
    "enquiries": _("Enquiries"),
}
OPEN_ENQUIRIES = 4  # asked today, waiting for an answer
ENQUIRY_SHARE = 0.15  # of the year's work orders (seed_demo --orders): about one in seven is a question


def enquiries_of(orders: int) -> int:
    """How many of the demo year's `orders` are enquiries."""
    return round(orders * ENQUIRY_SHARE)


PLANNED_REASONS = ("10千伏线路检修", "配电变压器增容改造", "低压线路改造", "台区计量箱更换", "开关柜例行试验")
TEMPORARY_REASONS = ("电缆接头发热，临时处理", "配变渗油，临时检修")
CHANNELS = [(Channel.HOTLINE, 60), (Channel.WEB, 30), (Channel.COUNTER, 10)]
QUESTIONS = {
    "new_connection": ("新装一户居民用电要带什么材料？", "充电桩报装需要物业同意吗？", "过户要本人到场吗？"),
    "billing": ("峰谷电价怎么申请？", "为什么这个月电费这么高？", "阶梯电价是按年算还是按月算？"),
    "payment": ("缴费后余额没变化", "电费逾期有违约金吗？", "怎么开电子发票？"),
    "outages": ("我们小区明天停电吗？", "停电后电器坏了能赔吗？", "家里经常跳闸是什么原因？"),
    "meters": ("电表是不是走快了？", "电表黑屏了怎么办？", "怎么看峰谷电量？"),
    "policies": ("光伏能并网卖电吗？", "营业厅几点下班？", "转供电加价合法吗？"),
}


def seed_presale(*, seed: int, enquiries: int) -> dict[str, int]:
    """Add what is missing of the pre-sale demo (articles, notices, enquiries); return what was added, by name.

    Each part has its own random stream, so that one part already there does not change the others.
    """
    now, today = timezone.now(), timezone.localdate()
    added = {"articles": load_articles(effective_on=today - timedelta(days=400), review_on=today + timedelta(days=200))}
    if added["articles"]:
        _overdue_reviews(random.Random(seed * 11 + 1), today)
    if not OutageNotice.objects.exists():
        added["notices"] = _notices(random.Random(seed * 11 + 2), now) + _fault_notices()
    if not WorkOrder.objects.filter(kind__in=[ENQUIRY, INFORMATION_QUERY]).exists():
        added["enquiries"] = _enquiries(random.Random(seed * 11 + 3), now, enquiries)
    return added


def _overdue_reviews(rng: random.Random, today: object) -> None:
    """A few articles past their review date, as a real knowledge base always has."""
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    Article.objects.filter(pk__in=rng.sample(ids, min(5, len(ids)))).update(review_on=today - timedelta(days=20))


def _notice(kind: str, status: str, grid_ids: list[int], starts: datetime, hours: int, reason: str) -> tuple:
    ends = starts + timedelta(hours=hours)
    notice = OutageNotice(
        kind=kind, status=status, starts_at=starts, ends_at=ends, reason=reason, area="",
        published_at=starts - timedelta(days=8),
        restored_at=ends if status == NoticeStatus.RESTORED else None,
        cancelled_at=starts - timedelta(days=2) if status == NoticeStatus.CANCELLED else None,
        created_at=starts - timedelta(days=9),
    )  # fmt: skip
    return notice, grid_ids


def _notices(rng: random.Random, now: datetime) -> int:
    grids = list(ServiceGrid.objects.order_by("code").values_list("pk", "name"))
    if not grids:
        return 0
    names = dict(grids)
    homes = set(
        ElectricityAccount.objects.filter(linked_user__username=DEMO_CUSTOMER_PHONE).values_list("grid_id", flat=True)
    )
    home_grid = min(homes) if homes else grids[0][0]
    # The live outage is elsewhere: the README walk has the demo customer report a fault that a crew must take.
    away = next((pk for pk, _name in grids if pk not in homes), grids[0][0])
    planned = []
    for _count in range(min(150, len(grids) * 3)):
        day = now - timedelta(days=rng.randint(2, 360))
        starts = day.replace(hour=rng.choice((7, 8, 9)), minute=0, second=0, microsecond=0)
        chosen = [pk for pk, _name in rng.sample(grids, min(len(grids), rng.choice((1, 1, 2, 3))))]
        kind = NoticeKind.PLANNED if rng.random() < 0.85 else NoticeKind.TEMPORARY
        reasons = PLANNED_REASONS if kind == NoticeKind.PLANNED else TEMPORARY_REASONS
        status = NoticeStatus.CANCELLED if rng.random() < 0.05 else NoticeStatus.RESTORED
        planned.append(_notice(kind, status, chosen, starts, rng.choice((4, 6, 8)), rng.choice(reasons)))
    hour = now.replace(minute=0, second=0, microsecond=0)
    planned.append(
        _notice(NoticeKind.PLANNED, NoticeStatus.PUBLISHED, [away], hour - timedelta(hours=2), 6, PLANNED_REASONS[1])
    )
    planned.append(
        _notice(
            NoticeKind.PLANNED, NoticeStatus.PUBLISHED, [home_grid], hour + timedelta(days=9), 5, PLANNED_REASONS[0]
        )
    )
    for offset in (8, 12, 15, 20):
        chosen = [pk for pk, _name in rng.sample(grids, min(len(grids), 2))]
        planned.append(
            _notice(
                NoticeKind.PLANNED,
                NoticeStatus.PUBLISHED,
                chosen,
                hour + timedelta(days=offset),
                6,
                rng.choice(PLANNED_REASONS),
            )
        )
    planned.append(
        _notice(
            NoticeKind.TEMPORARY,
            NoticeStatus.PUBLISHED,
            [grids[-1][0]],
            hour + timedelta(days=2),
            3,
            TEMPORARY_REASONS[0],
        )
    )
    for notice, grid_ids in planned:
        notice.area = "、".join(names[pk] for pk in grid_ids) + "供电范围内的小区和沿街商铺"
    created = OutageNotice.objects.bulk_create([notice for notice, _ids in planned], batch_size=1000)
    rows = [NoticeGrid(notice=n, grid_id=pk) for n, (_notice_, ids) in zip(created, planned, strict=True) for pk in ids]
    NoticeGrid.objects.bulk_create(rows, batch_size=2000)
    return len(created)


def _fault_notices() -> int:
    """The repair year's outage events as the fault notices their automatic publishing made."""
    events = list(OutageEvent.objects.exclude(notice__isnull=False).select_related("grid"))
    notices = [
        OutageNotice(
            kind=NoticeKind.FAULT,
            status=NoticeStatus.RESTORED if event.restored_at else NoticeStatus.PUBLISHED,
            starts_at=event.started_at,
            ends_at=max(
                event.expected_end_at or event.started_at + timedelta(hours=3), event.started_at + timedelta(minutes=1)
            ),
            reason=event.cause or "配电线路故障，正在抢修",
            area=event.grid.name,
            outage=event,
            published_at=event.started_at,
            restored_at=event.restored_at,
            created_at=event.started_at,
        )
        for event in events
    ]
    created = OutageNotice.objects.bulk_create(notices, batch_size=1000)
    NoticeGrid.objects.bulk_create(
        [NoticeGrid(notice=n, grid_id=e.grid_id) for n, e in zip(created, events, strict=True)], batch_size=2000
    )
    return len(created)


def _enquiries(rng: random.Random, now: datetime, count: int) -> int:
    accounts = list(
        ElectricityAccount.objects.order_by("pk").values_list(
            "pk", "customer_id", "grid_id", "grid__department_id", "address", "linked_user_id"
        )
    )
    clerks = list(
        User.objects.filter(role=Role.COUNTER_STAFF, is_active=True).order_by("pk").values_list("pk", "department_id")
    )
    articles = list(Article.objects.live().filter(is_public=True).order_by("pk").values_list("pk", "category", "body"))
    if not count or not accounts or not clerks or not articles:
        return 0
    by_category: dict[str, list[tuple[int, str]]] = {}
    for pk, category, body in articles:
        by_category.setdefault(category, []).append((pk, body.split("。")[0] + "。"))
    counters: dict[int, list[int]] = {}
    for pk, department_id in clerks:
        counters.setdefault(department_id, []).append(pk)
    # The demo customer's question waits at their counter (the `counter` login), with a few others of today.
    first = [a for a in accounts if a[5] and a[0] in _demo_accounts()][:1]
    plans = []
    for index in range(count):
        account = first[0] if index == 0 and first else rng.choice(accounts)
        category = rng.choice(list(QUESTIONS))
        open_now = index < min(OPEN_ENQUIRIES, count // 5 + 1)
        opened = now - (timedelta(hours=rng.uniform(1, 20)) if open_now else timedelta(days=rng.uniform(1, 365)))
        article, answer = rng.choice(by_category.get(category) or [(None, "已电话答复客户。")])
        clerk = rng.choice(counters.get(account[3]) or [pk for pk, _d in clerks])
        plans.append((account, category, opened, article, answer, clerk, open_now, rng.random()))
    plans.sort(key=lambda plan: plan[2])
    orders = WorkOrder.objects.bulk_create([_order(plan, rng) for plan in plans], batch_size=2000)
    _number(orders)  # as services.actions.open_order numbers them: the opening date and the id
    numbers = dict(WorkOrder.objects.filter(pk__in=[o.pk for o in orders]).values_list("pk", "number"))
    for order in orders:
        order.number = numbers[order.pk]
    Enquiry.objects.bulk_create([_particulars(o, plan) for o, plan in zip(orders, plans, strict=True)], batch_size=2000)
    TimelineEvent.objects.bulk_create(
        [e for o, plan in zip(orders, plans, strict=True) for e in _events(o, plan)], batch_size=5000
    )
    for order in orders:
        if order.status != Status.CLOSED:  # the open ones' answer clocks, from their policy
            sla.start_clock(order, "answer", at=order.opened_at)
    visits = ReturnVisit.objects.bulk_create(_visits(rng, orders), batch_size=2000)
    TimelineEvent.objects.bulk_create(
        [
            TimelineEvent(
                order_id=v.order_id, kind=EventKind.RETURN_VISIT, at=v.recorded_at, new_value=f"{v.overall}/5",
                is_public=True,
            )
            for v in visits
        ],
        batch_size=5000,
    )  # fmt: skip
    _reads_and_self_service(rng, now, plans)
    return len(orders)


def _visits(rng: random.Random, orders: list[WorkOrder]) -> list[ReturnVisit]:
    """Most closed enquiries rated, credited to the counter that answered."""
    visits = []
    for order in orders:
        if order.closed_at is None or rng.random() > 0.8:
            continue
        overall = rng.choices((5, 4, 3, 2), (60, 30, 7, 3))[0]
        scores = {name: max(1, min(5, overall + rng.choice((-1, 0, 0, 0, 1)))) for name, _l in QUALITY_CHARACTERISTICS}
        visits.append(
            ReturnVisit(
                order_id=order.pk, channel=VisitChannel.WEB, overall=overall, comment="",
                department_id=order.department_id, assignee_id=order.assigned_to_id,
                recorded_at=order.closed_at + timedelta(hours=rng.uniform(1, 48)),
                **scores,
            )
        )  # fmt: skip
    return visits


def _demo_accounts() -> set[int]:
    return set(
        ElectricityAccount.objects.filter(linked_user__username=DEMO_CUSTOMER_PHONE).values_list("pk", flat=True)
    )


def _order(plan: tuple, rng: random.Random) -> WorkOrder:
    (pk, customer_id, grid_id, department_id, address, user_id), category, opened, _a, answer, clerk, open_now, _r = (
        plan
    )
    channel = rng.choices([c for c, _w in CHANNELS], [w for _c, w in CHANNELS])[0]
    return WorkOrder(
        kind=INFORMATION_QUERY if category == "payment" and rng.random() < 0.5 else ENQUIRY,
        sub_type=category, channel=channel,
        status=Status.ASSIGNED if open_now else Status.CLOSED,
        customer_id=customer_id, account_id=pk, grid_id=grid_id, department_id=department_id,
        assigned_to_id=clerk, reported_by_id=user_id if channel == Channel.WEB else None,
        contact_phone="1390576" + f"{grid_id % 10000:04d}", location=address,
        description=rng.choice(QUESTIONS[category]), opened_at=opened,
        closed_at=None if open_now else opened + timedelta(hours=rng.uniform(1, 20)),
        result="" if open_now else answer,
    )  # fmt: skip


def _particulars(order: WorkOrder, plan: tuple) -> Enquiry:
    _account, category, opened, article, answer, clerk, open_now, roll = plan
    if open_now:
        return Enquiry(order=order, category=category)
    return Enquiry(
        order=order, category=category, answer=answer, quoted_article_id=article, answered_by_id=clerk,
        answered_at=order.closed_at - timedelta(minutes=30), first_contact=roll < 0.82,
        answer_helpful=roll < 0.9, rated_at=order.closed_at,
    )  # fmt: skip


def _events(order: WorkOrder, plan: tuple) -> list[TimelineEvent]:
    events = [
        TimelineEvent(
            order_id=order.pk, kind=EventKind.CREATED, at=order.opened_at, new_value=order.number or "", is_public=True
        )
    ]
    events.append(
        TimelineEvent(
            order_id=order.pk, kind=EventKind.ASSIGNED, actor_id=None, at=order.opened_at, new_value=str(plan[5])
        )
    )
    if order.closed_at:
        events.append(
            TimelineEvent(
                order_id=order.pk,
                kind=EventKind.STATUS_CHANGED,
                actor_id=plan[5],
                at=order.closed_at - timedelta(minutes=30),
                old_value=Status.IN_PROGRESS,
                new_value=Status.RESOLVED,
                note=order.result,
                is_public=True,
            )
        )
        events.append(
            TimelineEvent(
                order_id=order.pk,
                kind=EventKind.STATUS_CHANGED,
                at=order.closed_at,
                old_value=Status.RESOLVED,
                new_value=Status.CLOSED,
                is_public=True,
            )
        )
    return events


def _reads_and_self_service(rng: random.Random, now: datetime, plans: list[tuple]) -> None:
    """Readings weighted to the popular questions; about two self-served questions for every enquiry filed."""
    articles = list(Article.objects.live().filter(is_public=True).order_by("pk").values_list("pk", "category"))
    weights = [1 / (rank + 1) ** 0.7 for rank in range(len(articles))]
    rng.shuffle(weights)
    users = [plan[0][5] for plan in plans if plan[0][5]]
    reads, served = [], []
    for _count in range(len(plans) * 6):
        pk, category = rng.choices(articles, weights)[0]
        at = now - timedelta(days=rng.uniform(0, 365))
        reads.append(
            ArticleRead(
                article_id=pk, reader_id=rng.choice(users) if users and rng.random() < 0.3 else None, read_at=at
            )
        )
        if rng.random() < 0.33:
            served.append(SelfService(article_id=pk, category=category, resolved_at=at, question=""))
    ArticleRead.objects.bulk_create(reads, batch_size=5000)
    SelfService.objects.bulk_create(served, batch_size=5000)
    counted = ArticleRead.objects.filter(article=OuterRef("pk")).values("article").annotate(n=Count("pk")).values("n")
    helped = SelfService.objects.filter(article=OuterRef("pk")).values("article").annotate(n=Count("pk")).values("n")
    Article.objects.update(read_count=Coalesce(Subquery(counted), 0), helpful_count=Coalesce(Subquery(helped), 0))
