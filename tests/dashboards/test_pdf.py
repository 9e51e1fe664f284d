"""The monthly quality report as a PDF: its figures read back from the file's text (reportlab writes every string
in STSong-Light as UTF-16 in ASCII85-and-Flate streams; the few lines below undo that, no PDF library needed)."""

import base64
import re
import zlib
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from dashboards import periods
from tests.dashboards.conftest import DAY

JUNE_PDF = {"period": "month", "on": DAY.date().isoformat(), "format": "pdf"}


def _unescape(match: re.Match) -> bytes:
    return bytes([int(match[1], 8)]) if match[1][:1].isdigit() else match[1]


def pdf_text(data: bytes) -> str:
    texts = []
    for raw in re.findall(rb"stream\r?\n(.*?)endstream", data, re.S):
        content = zlib.decompress(base64.a85decode(raw.strip().removesuffix(b"~>")))
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", content, re.S):
            value = re.sub(rb"\\([0-7]{1,3}|.)", _unescape, literal, flags=re.S)
            texts.append(value.decode("utf-16-be"))
    return "\n".join(texts)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Monthly quality report: 城东供电所", "June 2026", "Time-limit compliance (%)", "Control chart"]),
        ("zh-hans", ["月度服务质量报告: 城东供电所", "2026年6月", "时限达标率 (%)", "控制图"]),
    ],
)
def test_the_monthly_report_downloads_as_a_pdf_with_the_units_figures_in_the_readers_language(
    client, figures, sam, language, words, django_assert_max_num_queries
):
    client.force_login(sam)
    client.cookies.load({"django_language": language})
    with django_assert_max_num_queries(30):
        response = client.get(reverse("dashboards:report"), JUNE_PDF)
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == 'attachment; filename="quality-report-C0001-01-2026-06.pdf"'
    lines = pdf_text(response.content).splitlines()
    for word in words:
        assert any(word in line for line in lines), word
    assert "75.0" in lines and "66.6" in lines  # on time 3 of 4, satisfied 2 of 3 (as the page shows them)
    # The kind and the clock of a figure are joined by a dot the PDF's font has (U+00B7 would print as a box).
    assert any("\u30fb" in line for line in lines) and not any("\u00b7" in line for line in lines)


def test_the_report_page_links_its_pdf_and_another_units_pdf_is_refused(client, figures, sam, west):
    client.force_login(sam)
    page = client.get(reverse("dashboards:report"), {"period": "month", "on": DAY.date().isoformat()})
    query = page.context["pdf_query"]
    assert "format=pdf" in query and f'href="?{query.replace("&", "&amp;")}"' in page.content.decode()
    assert client.get(reverse("dashboards:report"), {**JUNE_PDF, "unit": west.code}).status_code == 404


def test_a_report_asked_for_another_period_is_of_its_last_ended_month(client, figures, sam):
    client.force_login(sam)
    dashboard = client.get(reverse("dashboards:dashboard"), {"period": "year", "on": "2026-06-15"})
    link = re.search(r'href="/dashboards/report/\?([^"]+)"', dashboard.content.decode())[1].replace("&amp;", "&")
    with time_machine.travel(datetime(2026, 11, 30, 10, tzinfo=UTC), tick=False):
        this_year = client.get(f"{reverse('dashboards:report')}?{link}")
        this_week = client.get(reverse("dashboards:report"), {"period": "week", "on": "2026-11-30"})
    assert "period=year" in link and this_year.context["period"] == periods.around("month", date(2026, 10, 1))
    assert this_week.context["period"].start == date(2026, 10, 1)
    assert this_year.context["previous"].start == date(2026, 9, 1)
    last_year = client.get(reverse("dashboards:report"), {"period": "year", "on": "2025-03-01"})
    assert last_year.context["period"].start == date(2025, 12, 1)
