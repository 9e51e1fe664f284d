"""The tariff guide's pages and API: the public calculator, an account's comparison, the switch as an order."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import CustomerClass, MeterReading
from services.applications.models import ServiceApplicationType
from services.tariffs import guide
from services.tariffs.models import TariffSwitch


@pytest.fixture
def readings(alice):
    """A year of a night-heavy household on the flat tiers: 300 kWh a month, 150 of it in the valley."""
    account = alice.linked_accounts.get()
    MeterReading.objects.bulk_create(
        MeterReading(account=account, period=date(2026, month, 1), total_kwh=300, peak_kwh=150, valley_kwh=150)
        for month in range(1, 13)
    )
    return account


def test_the_calculator_needs_no_login_and_works_a_year_tier_by_tier(db, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):  # province choices, tariffs, tiers (×2: the form and the guide)
        response = client.get(
            reverse("tariffs:calculator"), {"province": "ZJ", "monthly_kwh": "300", "valley_percent": "30"}
        )
    comparison = response.context["comparison"]
    flat = next(option for option in comparison.options if option.tariff.code == "ZJ-RES-TIER")
    # 3600 kWh a year: 2760 × 0.538 + 840 × 0.588 = 1484.88 + 493.92 = 1978.80.
    assert flat.year == Decimal("1978.80")
    assert "¥" in response.content.decode() and "tariff-chart" in response.content.decode()


def test_the_calculator_refuses_nonsense(db, client):
    response = client.get(
        reverse("tariffs:calculator"), {"province": "XX", "monthly_kwh": "-1", "valley_percent": "300"}
    )
    assert response.context["comparison"] is None and response.context["form"].errors


def test_an_accounts_guide_compares_its_readings_and_offers_the_cheaper_tariff(client, alice, readings):
    client.force_login(alice)
    response = client.get(reverse("tariffs:account", args=[readings.number]))
    comparison = response.context["comparison"]
    assert comparison.baseline.tariff.code == "ZJ-RES-TIER" and comparison.cheapest.tariff.code == "ZJ-RES-TOU"
    assert comparison.measured_split and comparison.saving > 0
    assert response.context["may_switch"]
    assert "Ask to change to" in response.content.decode()


def test_the_switch_files_a_service_application_once(client, alice, readings):
    client.force_login(alice)
    url = reverse("tariffs:switch", args=[readings.number])
    response = client.post(url, {"tariff": "ZJ-RES-TOU"})
    switch = TariffSwitch.objects.get()
    assert response.url == reverse("services:order", args=[switch.order.number])
    assert switch.order.application.application_type == ServiceApplicationType.OTHER
    assert (switch.from_code, switch.to_code) == ("ZJ-RES-TIER", "ZJ-RES-TOU")
    client.post(url, {"tariff": "ZJ-RES-TOU"})
    assert TariffSwitch.objects.count() == 1


def test_a_non_residential_account_may_not_switch(alice, readings):
    readings.customer_class = CustomerClass.LV_NON_RESIDENTIAL
    assert not guide.may_switch(readings)


def test_nobody_sees_another_customers_guide(client, bob, readings):
    client.force_login(bob)
    assert client.get(reverse("tariffs:account", args=[readings.number])).status_code == 404
    assert client.post(reverse("tariffs:switch", args=[readings.number]), {"tariff": "ZJ-RES-TOU"}).status_code == 404
    assert client.get(reverse("api:tariff-account", args=[readings.number])).status_code == 404


def test_the_api_gives_the_comparison_in_a_fixed_number_of_queries(
    client, alice, readings, django_assert_max_num_queries
):
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("api:tariff-account", args=[readings.number]))
    body = response.json()
    assert body["cheapest"] == "ZJ-RES-TOU" and len(body["options"][0]["months"]) == 12
    public = client.get(
        reverse("api:tariff-calculator"), {"province": "BJ", "monthly_kwh": "450", "valley_percent": "0"}
    )
    assert public.json()["options"][0]["year"] == "2912.88"  # 12 × 242.74
    assert client.get(reverse("api:tariff-calculator"), {"province": "BJ"}).status_code == 400


def test_the_account_guide_page_reads_the_same_queries_for_one_month_or_twelve(
    client, alice, django_assert_max_num_queries
):
    account = alice.linked_accounts.get()
    MeterReading.objects.create(account=account, period=date(2026, 1, 1), total_kwh=300, peak_kwh=150, valley_kwh=150)
    client.force_login(alice)
    with django_assert_max_num_queries(12) as one:
        assert client.get(reverse("tariffs:account", args=[account.number])).status_code == 200
    MeterReading.objects.bulk_create(
        MeterReading(account=account, period=date(2026, month, 1), total_kwh=300, peak_kwh=150, valley_kwh=150)
        for month in range(2, 13)
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("tariffs:account", args=[account.number]))
    assert response.status_code == 200
