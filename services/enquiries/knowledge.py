"""The starting knowledge base: the articles in data/articles.json, loaded by `load_articles()`.

They are written for this portal from the published rules (DOMAIN.md) and the everyday questions of a 95598
desk. The demo loads them (services.enquiries.demo); a real installation may load them once the same way and
then keep them up to date through the editors' pages. Loading again adds only titles not already present.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from services import textsearch
from services.enquiries.models import Article, ArticleStatus, ArticleVersion

DATA = Path(__file__).resolve().parent / "data" / "articles.json"


def load_articles(*, effective_on: date, review_on: date) -> int:
    """Publish every article of the data file whose title is new; return how many were added."""
    entries = json.loads(DATA.read_text(encoding="utf-8"))
    existing = set(Article.objects.filter(title__in=[e["title"] for e in entries]).values_list("title", flat=True))
    articles = [
        Article(
            title=entry["title"],
            body=entry["body"],
            category=entry["category"],
            is_public=entry.get("is_public", True),
            status=ArticleStatus.PUBLISHED,
            effective_on=effective_on,
            review_on=review_on,
            search_text=textsearch.search_terms(entry["title"], entry["body"]),
        )
        for entry in entries
        if entry["title"] not in existing
    ]
    created = Article.objects.bulk_create(articles)
    ArticleVersion.objects.bulk_create(
        [ArticleVersion(article=a, number=1, title=a.title, body=a.body, note="初始版本") for a in created]
    )
    return len(created)
