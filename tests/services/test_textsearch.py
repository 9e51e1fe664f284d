"""Chinese full-text search: segmentation, ranked matching on both databases, highlighting, the GIN index.

The searches run against a real table: the outbox's `body` column stands in for a model's search column
(the module names no model; any text column holding `search_terms()` output will do).
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction

from services import textsearch
from services.models import Notification, NotificationChannel
from services.textsearch import highlight, query_words, search, search_terms, segment

NOW = datetime(2026, 5, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

SENTENCES = {
    "meter": "客户反映家中智能电表走字过快，怀疑电表故障，要求校验电表。",
    "outage": "台区计划停电未提前通知，客户家中冰箱食物变质，对停电安排不满。",
    "bill": "客户对本月电费有异议，认为阶梯电价计算错误，电费比上月多出一倍。",
    "both": "频繁停电后电表显示异常，电费账单也随之出错。",
    "staff": "供电所工作人员上门抄表时态度恶劣，客户投诉服务态度。",
}


@pytest.fixture
def documents(db) -> dict[str, Notification]:
    return {
        name: Notification.objects.create(
            channel=NotificationChannel.INBOX, template=name, body=search_terms(text), created_at=NOW
        )
        for name, text in SENTENCES.items()
    }


def found(query: str) -> list[str]:
    rows = search(Notification.objects.all(), query, field="body")
    return [row.template for row in rows]


def test_a_sentence_is_segmented_into_words_and_their_compounds() -> None:
    words = segment("供电所工作人员态度恶劣，电表不走字！")
    assert {"供电", "供电所", "工作人员", "态度", "电表"} <= set(words)
    assert "，" not in words and "！" not in words


def test_the_search_column_holds_space_separated_words_without_stop_words() -> None:
    terms = search_terms("我家停电了", None, "电费 ABC-12")
    assert terms.split() == ["我家", "停电", "电费", "abc", "12"]


def test_a_query_keeps_its_words_once_in_the_order_typed() -> None:
    assert query_words("停电 电表 停电？") == ["停电", "电表"]
    assert query_words("  ，。！ ") == []


def test_a_chinese_word_finds_the_documents_that_contain_it(documents) -> None:
    assert set(found("电表")) == {"meter", "both"}
    assert set(found("停电")) == {"outage", "both"}
    assert set(found("电费")) == {"bill", "both"}


def test_every_word_of_a_query_must_occur(documents) -> None:
    assert found("停电 电表") == ["both"]
    assert found("电表停电") == ["both"]


def test_a_word_inside_a_longer_one_is_found(documents) -> None:
    # The document says 供电所工作人员; the query asks for its parts.
    assert found("供电") == ["staff"]
    assert found("工作人员态度") == ["staff"]


def test_the_document_using_a_word_most_often_ranks_first(documents) -> None:
    # "meter" names 电表 three times, "both" once.
    assert found("电表") == ["meter", "both"]
    rows = list(search(Notification.objects.all(), "电表", field="body"))
    assert rows[0].search_rank > rows[1].search_rank > 0


def test_a_single_character_only_raises_the_rank(documents) -> None:
    # 坏 is never a word of its own in these documents: the query still finds the meter complaints.
    assert set(found("电表坏")) == {"meter", "both"}


def test_an_empty_query_returns_everything_unchanged(documents) -> None:
    assert len(found("")) == len(SENTENCES)
    assert len(found("的了吗")) == len(SENTENCES)


def test_a_query_no_document_has_finds_nothing(documents) -> None:
    assert found("光伏并网") == []


def test_tsquery_operators_in_a_query_are_plain_text(documents) -> None:
    assert found("电表 & | ! ( ) ' :*") == ["meter", "both"]
    assert found("'); DROP TABLE x; --") == []


def test_highlight_marks_the_query_words_and_escapes_the_rest() -> None:
    html = highlight("<b>电表</b>停电，电表箱", "电表 停电")
    assert html == "&lt;b&gt;<mark>电表</mark>&lt;/b&gt;<mark>停电</mark>，<mark>电表</mark>箱"


def test_highlight_prefers_the_longest_word_and_ignores_case() -> None:
    assert highlight("供电所 SMS", "供电所 供电 sms") == "<mark>供电所</mark> <mark>SMS</mark>"


def test_highlight_without_a_query_only_escapes() -> None:
    assert highlight("a < b", "") == "a &lt; b"
    assert highlight(None, "电表") == ""


def test_the_dictionary_is_loaded_once_per_process() -> None:
    first = textsearch._jieba()
    assert textsearch._jieba() is first


@pytest.mark.django_db(transaction=True)
def test_the_gin_index_serves_the_search_on_postgresql(on_postgresql) -> None:
    if not on_postgresql:
        pytest.skip("GIN indexes are PostgreSQL's")
    operation = textsearch.gin_index_operation(Notification._meta.db_table, "body")
    with connection.schema_editor() as editor:
        operation.code(None, editor)
    try:
        for name, text in SENTENCES.items():
            Notification.objects.create(
                channel=NotificationChannel.INBOX, template=name, body=search_terms(text), created_at=NOW
            )
        queryset = search(Notification.objects.all(), "电表", field="body")
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            plan = queryset.explain()
        assert textsearch.index_name(Notification._meta.db_table, "body") in plan
        assert [row.template for row in queryset] == ["meter", "both"]
    finally:
        with connection.schema_editor() as editor:
            operation.reverse_code(None, editor)


@pytest.mark.django_db(transaction=True)
def test_the_index_operation_does_nothing_on_sqlite(on_postgresql) -> None:
    if on_postgresql:
        pytest.skip("SQLite only")
    operation = textsearch.gin_index_operation(Notification._meta.db_table, "body")
    with connection.schema_editor(collect_sql=True) as editor:
        operation.code(None, editor)
    assert editor.collected_sql == []
