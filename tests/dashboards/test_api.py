from django.urls import reverse

from tests.dashboards.conftest import DAY


def test_the_figures_api_gives_a_units_figures_to_its_manager(client, figures, sam, django_assert_max_num_queries):
    client.force_login(sam)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("api:figures-summary"), {"period": "month", "on": DAY.date().isoformat()})
    assert response.status_code == 200
    on_time = next(f for f in response.json()["figures"] if f["measure"] == "on_time")
    assert on_time["value"] == "75.00" and on_time["key"] == "service_application|resolution"


def test_the_daily_figures_are_scoped_and_checked(client, figures, sam, west):
    client.force_login(sam)
    url = reverse("api:figures-daily")
    rows = client.get(url, {"measure": "on_time", "start": "2026-06-01", "end": "2026-06-30"}).json()
    assert rows == [
        {"day": "2026-06-10", "key": "service_application|resolution", "numerator": "3.00", "denominator": "4.00"}
    ]
    assert client.get(url, {"measure": "on_time", "unit": west.code}).status_code == 404
    assert client.get(url, {"measure": "nope"}).status_code == 400
    assert client.get(url, {"measure": "on_time", "start": "2024-01-01", "end": "2026-01-01"}).status_code == 400


def test_the_company_figures_name_each_breakdown_without_a_query_per_figure(
    client, figures, mona, django_assert_max_num_queries
):
    from complaints.models import ComplaintCategory

    ComplaintCategory.objects.get_or_create(code="test_cat", defaults={"name": "测试"})
    client.force_login(mona)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("api:figures-summary"), {"period": "month", "on": DAY.date().isoformat()})
    assert {f["label"] for f in response.json()["figures"] if f["measure"] == "characteristic"} >= {"Timeliness"}


def test_the_figures_api_is_for_managers_only(client, charlie):
    client.force_login(charlie)
    assert client.get(reverse("api:figures-measures")).status_code == 403
    client.logout()
    assert client.get(reverse("api:figures-measures")).status_code in (401, 403)
