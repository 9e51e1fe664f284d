from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.dashboards.conftest import DAY

JUNE = {"period": "month", "on": DAY.date().isoformat()}
PAGES = ["dashboards:dashboard", "dashboards:scorecards", "dashboards:report", "dashboards:targets"]


@pytest.mark.parametrize("name", PAGES)
def test_staff_who_do_not_manage_and_customers_are_refused(client, alice, charlie, grace, name):
    for user in (alice, charlie, grace):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 403


def test_a_station_manager_sees_their_station_and_not_the_company_or_another_station(client, figures, sam, west):
    client.force_login(sam)
    page = client.get(reverse("dashboards:dashboard"), JUNE)
    assert page.status_code == 200
    assert page.context["unit"].code == "C0001-01"
    cards = {card.measure.code: card for card in page.context["cards"]}
    assert cards["on_time"].value == 75 and cards["satisfaction"].value == Decimal("66.67")
    assert client.get(reverse("dashboards:dashboard"), {"unit": west.code}).status_code == 404
    assert client.get(reverse("dashboards:dashboard"), {"unit": "C0001"}).status_code == 404
    assert client.get(reverse("dashboards:scorecards"), {"unit": west.code}).status_code == 404


def test_the_company_sees_every_unit_and_compares_with_the_month_before(client, figures, mona):
    client.force_login(mona)
    page = client.get(reverse("dashboards:dashboard"), JUNE)
    cards = {card.measure.code: card for card in page.context["cards"]}
    assert cards["on_time"].value == 60 and cards["on_time"].previous is None
    units = next(t for t in page.context["tables"] if t.name == "units")
    assert [row.label for row in units.rows] == ["城东供电所", "城西供电所"]
    assert [row.cells[0] for row in units.rows] == [75, 0]
    now = next(t for t in page.context["tables"] if t.name == "now")
    assert [row.cells[0] for row in now.rows] == [0, 0, "0 / 0"]
    kinds = next(t for t in page.context["tables"] if t.name == "time")
    assert kinds.rows[0].link == reverse("services:closed-orders") + "?kind=service_application"
    assert "Service application" in kinds.rows[0].label or kinds.rows[0].label


def test_the_dashboard_reads_a_fixed_number_of_queries(client, figures, mona, django_assert_max_num_queries):
    client.force_login(mona)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("dashboards:dashboard"), JUNE).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(reverse("dashboards:report"), JUNE).status_code == 200


def test_the_scorecards_read_a_fixed_number_of_queries(client, figures, mona, django_assert_max_num_queries):
    client.force_login(mona)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("dashboards:scorecards"), JUNE)
    grids = page.context["tables"][0]
    assert grids.rows[0].cells[0].startswith("TQ00001") and grids.rows[0].cells[2] == 75
    staff = page.context["tables"][1]
    assert staff.rows[0].cells[0] == "柴柜员"


def test_every_table_exports_as_csv_and_xlsx_with_the_filters_applied(client, figures, sam):
    client.force_login(sam)
    csv = client.get(reverse("dashboards:dashboard"), {**JUNE, "export": "csv", "table": "time"})
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert csv["Content-Type"].startswith("text/csv") and "75.00" in text
    xlsx = client.get(reverse("dashboards:scorecards"), {**JUNE, "export": "xlsx", "table": "staff"})
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet["B2"].value == "柴柜员"
    assert client.get(reverse("dashboards:dashboard"), {"export": "pdf", "table": "time"}).status_code == 404


def test_a_person_sees_their_own_scorecard(client, figures, charlie):
    client.force_login(charlie)
    page = client.get(reverse("dashboards:my-scorecard"), JUNE)
    row = page.context["tables"][0].rows[0]
    assert row.cells[0] == "柴柜员" and row.cells[2] == 4 and row.cells[3] == 75


def test_a_manager_notes_a_control_chart_point(client, figures, sam):
    client.force_login(sam)
    response = client.post(
        reverse("dashboards:annotate"), {"measure": "on_time", "week": "2026-06-08", "note": "Storm week"}
    )
    assert response.status_code == 302
    page = client.get(reverse("dashboards:dashboard"), JUNE)
    chart = next(t for t in page.context["tables"] if t.name == "control_on_time")
    assert chart.rows[-1].cells[4] == "Storm week"


def test_the_menu_offers_the_dashboard_to_managers_only(client, figures, sam, charlie):
    client.force_login(sam)
    assert (
        f'href="{reverse("dashboards:dashboard")}"' in client.get(reverse("dashboards:my-scorecard")).content.decode()
    )
    client.force_login(charlie)
    assert (
        f'href="{reverse("dashboards:dashboard")}"'
        not in client.get(reverse("dashboards:my-scorecard")).content.decode()
    )


def test_the_targets_page_and_a_persons_scorecard_read_a_fixed_number_of_queries(
    client, figures, sam, charlie, django_assert_max_num_queries
):
    client.force_login(sam)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("dashboards:targets")).status_code == 200
    client.force_login(charlie)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("dashboards:my-scorecard"), JUNE).status_code == 200


def test_a_cards_sparkline_labels_each_month_of_the_year_in_its_svg_and_its_table(client, figures, sam):
    client.force_login(sam)
    page = client.get(reverse("dashboards:dashboard"), {"period": "year", "on": "2026-06-10", "unit": "C0001-01"})
    card = next(card for card in page.context["cards"] if card.measure.code == "on_time")
    assert [point.month.month for point in card.trend] == list(range(1, 13))
    assert [point.value for point in card.trend][4:6] == [None, 75]
    text = page.content.decode()
    assert 'aria-labelledby="spark-on_time-title"' in text and "June 2026 75.0;" in text
    assert ">Jan</text>" in text and ">Dec</text>" in text
    assert '<th scope="row">June 2026</th><td>75.0</td>' in text
    client.cookies.load({"django_language": "zh-hans"})
    assert "6月</text>" in client.get(reverse("dashboards:dashboard"), {"period": "year", "on": "2026-06-10"}).text


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_figure_reads_as_djangos_number_format_writes_it(language):
    from django.utils import translation
    from django.utils.formats import number_format

    from dashboards.templatetags.dashboards import figure

    values = ["0", "0.001", "-0.004", "0.05", "9.99", "9.999", "10", "10.05", "97.56", "-12.345", "1234567.89", "1E+1"]
    with translation.override(language):
        for text in values:
            value = Decimal(text)
            assert figure(value) == number_format(value, decimal_pos=1 if abs(value) >= 10 else 2), text
    assert figure(None) == figure("") == "—" and figure(7) == "7"
