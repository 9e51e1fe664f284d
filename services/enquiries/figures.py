"""The enquiries' and knowledge base's figures for the managers' dashboards: each one aggregate query.

- enquiries by category (orders of both kinds opened in the period);
- the self-service rate: questions the knowledge base settled ("this answered my question") among all
  questions (those plus the enquiries filed);
- first-contact resolution: answered enquiries answered once, by the first person, without a transfer, and not
  found unhelpful;
- the most-read articles, and the articles whose signed-in readers still filed an enquiry within a week.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from services.enquiries.models import ENQUIRY_KINDS, Article, ArticleRead, Category, Enquiry, SelfService
from services.models import WorkOrder

# A reader who files an enquiry within this time after reading was not helped by the article.
STILL_ASKED_WITHIN = timedelta(days=7)


@dataclass(frozen=True)
class Rate:
    part: int
    whole: int

    @property
    def percent(self) -> Decimal | None:
        return (Decimal(100) * self.part / self.whole).quantize(Decimal("0.1")) if self.whole else None


def enquiries_by_category(*, since: datetime, until: datetime) -> list[dict[str, object]]:
    """[{category, enquiries, self_served}] for the period, largest first (two grouped queries)."""
    orders = Enquiry.objects.filter(order__opened_at__gte=since, order__opened_at__lt=until)
    counts = dict(orders.values_list("category").annotate(n=Count("pk")).order_by())
    served = SelfService.objects.filter(resolved_at__gte=since, resolved_at__lt=until)
    self_served = dict(served.values_list("category").annotate(n=Count("pk")).order_by())
    labels = dict(Category.choices)
    rows = [
        {
            "category": category,
            "label": labels.get(category, category),
            "enquiries": counts.get(category, 0),
            "self_served": self_served.get(category, 0),
        }
        for category in {*counts, *self_served}
    ]
    return sorted(rows, key=lambda row: (-row["enquiries"], row["category"]))


def self_service_rate(*, since: datetime, until: datetime) -> Rate:
    served = SelfService.objects.filter(resolved_at__gte=since, resolved_at__lt=until).count()
    filed = WorkOrder.objects.filter(kind__in=ENQUIRY_KINDS, opened_at__gte=since, opened_at__lt=until).count()
    return Rate(served, served + filed)


def first_contact_resolution(*, since: datetime, until: datetime) -> Rate:
    answered = Enquiry.objects.filter(answered_at__gte=since, answered_at__lt=until)
    totals = answered.aggregate(
        whole=Count("pk"), part=Count("pk", filter=Q(first_contact=True) & ~Q(answer_helpful=False))
    )
    return Rate(totals["part"], totals["whole"])


def most_read(*, limit: int = 10) -> QuerySet[Article]:
    return Article.objects.live().order_by("-read_count", "pk").only("title", "category", "read_count")[:limit]


def read_then_asked(*, since: datetime, until: datetime, limit: int = 10) -> QuerySet[Article]:
    """Articles by how many of their readings (in the period) were followed by the reader's enquiry."""
    asked_after = WorkOrder.objects.filter(
        kind__in=ENQUIRY_KINDS,
        reported_by=OuterRef("reader"),
        opened_at__gte=OuterRef("read_at"),
        opened_at__lt=OuterRef("read_at") + STILL_ASKED_WITHIN,
    )
    reads = ArticleRead.objects.filter(read_at__gte=since, read_at__lt=until, reader__isnull=False)
    asked = reads.filter(Exists(asked_after))
    return (
        Article.objects.filter(pk__in=asked.values("article_id"))
        .annotate(still_asked=Count("reads", filter=Q(reads__in=asked)))
        .order_by("-still_asked", "pk")
        .only("title", "category")[:limit]
    )
