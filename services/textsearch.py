"""Chinese full-text search: segment with jieba, match with PostgreSQL's full-text search, highlight the hits.

Chinese has no spaces between words, so neither PostgreSQL's parser nor a LIKE on single words can find
"电表" in "我家智能电表不走字". A searchable model keeps a text column (`search_text` by default) holding its
text segmented into space-separated words by `search_terms()`, written whenever the text changes. The
documents are segmented in jieba's search mode (compound words and their parts: 供电所 → 供电 供电所), the
queries in its precise mode, so a query word finds the documents that contain it as a word or inside a
longer one.

- `search(queryset, query)` ranks the matches, best first. On PostgreSQL it is
  `to_tsvector('simple', search_text) @@ to_tsquery('simple', …)` with `ts_rank`, served by the GIN index
  that `gin_index_operation()` creates in the owning app's migration. On SQLite (tests, laptops) it falls back
  to substring matching ranked by how often the words occur.
- Every query word of two or more characters (or any Latin word or number) must occur; single Chinese
  characters (坏, 修) only raise the rank, because jieba often glues them to a neighbour in the document.
- `highlight(text, query)` escapes the text and wraps the query's words in `<mark>`.

jieba's dictionary takes about half a second to load, so it is loaded on first use, once per process.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterable
from types import ModuleType

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField
from django.db import connection, migrations
from django.db.models import ExpressionWrapper, F, FloatField, Func, QuerySet, Value
from django.db.models.functions import Length, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

CONFIG = "simple"
# Words too common to narrow a search; dropped from documents and queries alike.
STOP_WORDS = frozenset(
    {"的", "了", "是", "在", "和", "与", "及", "或", "也", "都", "就", "吗", "呢", "吧", "啊", "呀", "着", "过"}
    | {"把", "被", "让", "给", "我", "你", "他", "她", "它", "我们", "你们", "他们", "这", "那"}
)
# Letters and digits only: what remains of a token after punctuation is stripped (no tsquery operator survives).
NON_WORD = re.compile(r"[\W_]+")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
MAX_QUERY_WORDS = 12

_lock = threading.Lock()
_tokenizer: ModuleType | None = None


def _jieba() -> ModuleType:
    """jieba's default tokenizer, its dictionary loaded on the first call in this process."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _tokenizer = jieba
    return _tokenizer


def _clean(words: Iterable[str]) -> list[str]:
    cleaned = (NON_WORD.sub("", word).lower() for word in words)
    return [word for word in cleaned if word and word not in STOP_WORDS]


def segment(text: str) -> list[str]:
    """The words of a document, in search mode (compounds and their parts), lowercased, without punctuation."""
    if not text:
        return []
    return _clean(_jieba().cut_for_search(text))


def query_words(query: str) -> list[str]:
    """The distinct words of a query, in precise mode, in the order typed (at most MAX_QUERY_WORDS)."""
    words = _clean(_jieba().cut(query or ""))
    return list(dict.fromkeys(words))[:MAX_QUERY_WORDS]


def search_terms(*texts: str | None) -> str:
    """The texts segmented into space-separated words: the value of a model's search column."""
    return " ".join(word for text in texts if text for word in segment(text))


def _is_required(word: str) -> bool:
    return len(word) > 1 or not CJK.match(word)


def _split(words: list[str]) -> tuple[list[str], list[str]]:
    required = [word for word in words if _is_required(word)]
    return (required or words), words


class _Vector(Func):
    """to_tsvector('simple', column): the very expression the GIN index of gin_index_operation() is built on."""

    template = f"to_tsvector('{CONFIG}'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


def search(queryset: QuerySet, query: str, field: str = "search_text") -> QuerySet:
    """The rows whose search column matches the query, annotated with `search_rank` and ordered best first.

    An empty query (or one of stop words only) returns the queryset unchanged.
    """
    words = query_words(query)
    if not words:
        return queryset
    required, ranked = _split(words)
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, field, required, ranked)
    return _search_substring(queryset, field, required, ranked)


def _search_postgresql(queryset: QuerySet, field: str, required: list[str], ranked: list[str]) -> QuerySet:
    vector = _Vector(F(field))
    matches = SearchQuery(" & ".join(required), search_type="raw", config=CONFIG)
    scores = SearchQuery(" | ".join(ranked), search_type="raw", config=CONFIG)
    return (
        queryset.alias(search_vector=vector)
        .filter(search_vector=matches)
        .annotate(search_rank=SearchRank(vector, scores))
        .order_by("-search_rank", "-pk")
    )


def _search_substring(queryset: QuerySet, field: str, required: list[str], ranked: list[str]) -> QuerySet:
    for word in required:
        queryset = queryset.filter(**{f"{field}__contains": word})
    # Occurrences of each word: (length - length without the word) / the word's length.
    occurrences = [
        (Length(field) - Length(Replace(F(field), Value(word), Value("")))) * 1.0 / len(word) for word in ranked
    ]
    rank = sum(occurrences[1:], occurrences[0])
    rank = ExpressionWrapper(rank, output_field=FloatField())
    return queryset.annotate(search_rank=rank).order_by("-search_rank", "-pk")


def highlight(text: str | None, query: str) -> SafeString:
    """The text HTML-escaped, with every occurrence of the query's words wrapped in <mark>."""
    text = text or ""
    words = sorted(query_words(query), key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    pieces: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        pieces.append(escape(text[last : match.start()]))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        last = match.end()
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # every piece is escaped above


def index_name(table: str, column: str = "search_text") -> str:
    return f"{table}_{column}_fts"[:63]


def gin_index_operation(table: str, column: str = "search_text") -> migrations.RunPython:
    """A migration operation adding the GIN index that search() uses on PostgreSQL (nothing on SQLite).

    Put it in the migration of the app owning the table, after the column exists:
    `operations = [..., gin_index_operation("complaints_typicalcase")]`.
    """
    name = index_name(table, column)
    create = (
        f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (to_tsvector(\'{CONFIG}\'::regconfig, "{column}"))'
    )
    drop = f'DROP INDEX IF EXISTS "{name}"'
    return migrations.RunPython(_on_postgresql(create), _on_postgresql(drop))


def _on_postgresql(statement: str) -> Callable:
    def run(apps: object, schema_editor: object) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(statement)

    return run
