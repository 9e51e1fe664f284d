from decimal import Decimal

import pytest
from django.urls import reverse

from dashboards import actions
from dashboards.models import Target


@pytest.fixture
def company_target(company, mona):
    return actions.set_target(by=mona, measure="on_time", year=2026, department=company, value=Decimal("99"))


def test_a_unit_may_tighten_its_parents_target_but_not_loosen_it(company_target, station, sam):
    actions.set_target(by=sam, measure="on_time", year=2026, department=station, value=Decimal("99.5"))
    with pytest.raises(actions.TargetRefused):
        actions.set_target(by=sam, measure="on_time", year=2026, department=station, value=Decimal("95"))
    assert Target.objects.get(department=station).value == Decimal("99.5")


def test_lower_is_better_measures_cascade_the_other_way(company, station, mona):
    actions.set_target(by=mona, measure="wait_minutes", year=2026, department=company, value=Decimal("15"))
    actions.set_target(by=mona, measure="wait_minutes", year=2026, department=station, value=Decimal("12"))
    with pytest.raises(actions.TargetRefused):
        actions.set_target(by=mona, measure="wait_minutes", year=2026, department=station, value=Decimal("20"))


def test_a_grid_target_is_no_looser_than_its_units(company_target, grid, station, grace, sam):
    target = actions.set_target(
        by=sam, measure="on_time", year=2026, department=station, grid=grid, value=Decimal("100"), owner=grace
    )
    assert target.owner == grace
    with pytest.raises(actions.TargetRefused):
        actions.set_target(by=sam, measure="on_time", year=2026, department=station, grid=grid, value=Decimal("90"))


def test_the_page_sets_a_target_and_shows_it_against_the_actual(client, figures, company_target, sam, station):
    client.force_login(sam)
    data = {"measure": "on_time", "year": 2026, "department": station.code, "value": "99.5", "owner": "sam"}
    assert client.post(reverse("dashboards:targets"), data).status_code == 302
    page = client.get(reverse("dashboards:targets"), {"year": 2026})
    row = next(r for r in page.context["rows"] if r["target"].department == station)
    assert row["actual"] == 75 and row["rag"] == "red"
    refused = client.post(reverse("dashboards:targets"), {**data, "value": "90"})
    assert refused.status_code == 400 and "may not be looser" in refused.content.decode()


def test_a_station_manager_cannot_set_another_units_target(client, company_target, sam, west):
    client.force_login(sam)
    data = {"measure": "on_time", "year": 2026, "department": west.code, "value": "99.5"}
    assert client.post(reverse("dashboards:targets"), data).status_code == 400
    assert not Target.objects.filter(department=west).exists()


def test_the_dashboard_shows_red_amber_green_against_the_target_in_force(client, figures, company_target, sam):
    client.force_login(sam)
    page = client.get(reverse("dashboards:dashboard"), {"period": "month", "on": "2026-06-10"})
    card = next(c for c in page.context["cards"] if c.measure.code == "on_time")
    assert card.target == Decimal("99") and card.rag == "red"


def test_target_writes_are_limited_per_user(client, company_target, sam, station, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "dashboards_writes": (1, settings.RATE_LIMIT_WINDOW)}
    client.force_login(sam)
    data = {"measure": "on_time", "year": 2026, "department": station.code, "value": "99.5"}
    assert client.post(reverse("dashboards:targets"), data).status_code == 302
    refused = client.post(reverse("dashboards:targets"), {**data, "value": "99.9"})
    assert refused.status_code == 429
    assert Target.objects.get(department=station).value == Decimal("99.5")
