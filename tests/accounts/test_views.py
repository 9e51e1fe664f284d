import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.core import mail
from django.db import connection
from django.template import loader
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.forms import RegistrationForm
from accounts.models import AccountStatus, CustomerClass, ElectricityAccount, LinkAttempt, MeterReading, User
from tests.conftest import ALICE_ID_NUMBER
from tests.factories import ElectricityAccountFactory, UserFactory, id_card_number

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
# A well-formed identity number that is not the one on file for any account here.
WRONG_PROOF = id_card_number(9999)
NEW_PASSWORD = "grid-lamp-orchard-42"


def add_readings(account: ElectricityAccount, months: int, *, first: date = date(2025, 9, 1)) -> list[MeterReading]:
    """Monthly readings from `first` on, 100 kWh more each month, split 60/40 into peak and valley."""
    readings = []
    for index in range(months):
        year, month = divmod(first.year * 12 + first.month - 1 + index, 12)
        total = Decimal(100 * (index + 1))
        readings.append(
            MeterReading(
                account=account,
                period=date(year, month + 1, 1),
                total_kwh=total,
                peak_kwh=total * Decimal("0.6"),
                valley_kwh=total * Decimal("0.4"),
            )
        )
    return MeterReading.objects.bulk_create(readings)


def count_queries(client, url: str, **headers: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(queries)


def chart_data(response, number: str) -> dict:
    match = re.search(rf'<script id="consumption-{number}" type="application/json">(.*?)</script>', response.text)
    assert match, f"no chart data for {number}"
    return json.loads(match.group(1))


# --- Sign-in, lockout, password pages ------------------------------------------------------------------


def test_login_page_asks_for_mobile_email_or_user_name(client):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert '<label class="form-label" for="id_username">Mobile number, e-mail or user name' in response.text


@pytest.mark.parametrize("login", ["13812345678", "Carol@Example.com", "carol"])
def test_a_customer_logs_in_with_mobile_number_email_or_user_name(client, login):
    carol = UserFactory(username="carol", phone="13812345678", email="carol@example.com")
    response = client.post(reverse("accounts:login"), {"username": login, "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert client.session["_auth_user_id"] == str(carol.pk)


def test_a_wrong_password_is_refused_on_the_form(client, alice):
    response = client.post(reverse("accounts:login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert 'class="alert alert-danger"' in response.text
    assert "_auth_user_id" not in client.session


def test_five_wrong_passwords_lock_the_login_and_then_even_the_right_one_is_refused(client, alice, settings):
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert client.post(url, {"username": "alice", "password": "wrong"}).status_code == 200
    assert client.post(url, {"username": "alice", "password": "wrong"}).status_code == 429

    response = client.post(url, {"username": "alice", "password": PASSWORD})

    assert response.status_code == 429
    assert "registration/locked_out.html" in [template.name for template in response.templates]
    assert "locked for 30 minutes" in response.text
    assert reverse("accounts:password_reset") in response.text
    assert "95598" in response.text
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client, alice):
    client.force_login(alice)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_change_takes_the_old_password_and_a_valid_new_one(client, alice):
    client.force_login(alice)
    url = reverse("accounts:password_change")
    refused = client.post(url, {"old_password": "wrong", "new_password1": "123", "new_password2": "123"})
    assert refused.status_code == 200
    assert 'id="id_old_password_error"' in refused.text
    assert 'id="id_new_password2_error"' in refused.text

    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_change_done")
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    assert client.get(response.url).status_code == 200


def test_password_reset_mails_a_link_that_sets_a_new_password(client):
    carol = UserFactory(username="carol", email="carol@example.com")
    response = client.post(reverse("accounts:password_reset"), {"email": "Carol@Example.com"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert "Check your e-mail" in client.get(response.url).text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["carol@example.com"]
    assert message.subject == "Reset your password for the Power Supply Service Portal"
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/\S+/)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    response = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    assert "Your new password is set." in client.get(response.url).text
    carol.refresh_from_db()
    assert carol.check_password(NEW_PASSWORD)
    assert client.get(link, follow=True).context["validlink"] is False


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


# --- Registration --------------------------------------------------------------------------------------


def register(client, login: str, **extra: str):
    data = {"login": login, "full_name": "王芳", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD, **extra}
    return client.post(reverse("accounts:register"), data)


def test_registering_with_a_mobile_number_signs_in_and_leads_to_linking(client, db):
    response = register(client, "13812345678")

    assert response.status_code == 302
    assert response.url == reverse("accounts:link")
    user = User.objects.get(phone="13812345678")
    assert user.is_customer and user.full_name == "王芳" and user.email == ""
    assert client.session["_auth_user_id"] == str(user.pk)
    page = client.get(response.url)
    assert "Now link your electricity account" in page.text
    assert 'class="alert alert-success' in page.text


def test_registering_with_an_email_address_keeps_it_in_lower_case_and_signs_in_with_it(client, db):
    register(client, "Wang.Fang@Example.com")
    user = User.objects.get()
    assert user.email == "wang.fang@example.com"
    client.logout()
    response = client.post(reverse("accounts:login"), {"username": "wang.fang@example.com", "password": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.parametrize(
    ("login", "extra", "field"),
    [
        ("1381234567", {}, "login"),
        ("not-an-address", {}, "login"),
        ("1" + "3" * 200, {}, "login"),
        ("13812345678", {"full_name": "名" * 101}, "full_name"),
        ("13812345678", {"password2": "something-else-42"}, "password2"),
        ("13812345678", {"password1": "12345678", "password2": "12345678"}, "password1"),
    ],
)
def test_bad_registrations_are_refused_next_to_the_field_and_create_nothing(client, db, login, extra, field):
    response = register(client, login, **extra)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert f'id="id_{field}_error"' in response.text
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session


def test_a_duplicate_registration_is_refused_whatever_the_case(client, db):
    UserFactory(username="someone", email="wang@example.com", phone="13812345678")
    for login in ("WANG@example.com", "13812345678"):
        response = register(client, login)
        assert response.status_code == 200
        assert response.context["form"].errors["login"] == ["This mobile number or e-mail is already registered."]
    assert User.objects.count() == 1


def test_a_registration_racing_another_for_the_same_login_is_refused_on_the_form(client, db, monkeypatch):
    UserFactory(username="13812345678", phone="13812345678")
    # The other registration commits between this form's duplicate check and its insert.
    monkeypatch.setattr(RegistrationForm, "clean_login", lambda form: form.cleaned_data["login"])
    response = register(client, "13812345678")
    assert response.status_code == 200
    assert response.context["form"].errors["login"] == ["This mobile number or e-mail is already registered."]
    assert User.objects.count() == 1


def test_someone_signed_in_is_sent_home_from_registration(client, alice):
    client.force_login(alice)
    response = client.get(reverse("accounts:register"))
    assert response.status_code == 302
    assert response.url == reverse("portal:home")


# --- Linking an account --------------------------------------------------------------------------------


@pytest.fixture
def carol(db) -> User:
    return UserFactory(username="carol", full_name="Carol")


@pytest.fixture
def unlinked(grid) -> ElectricityAccount:
    return ElectricityAccountFactory(number="3300000099", grid=grid, customer__id_number=id_card_number(4242))


def link(client, number: str, proof: str):
    return client.post(reverse("accounts:link"), {"number": number, "proof": proof})


def test_a_customer_links_an_account_and_is_taken_to_it(client, carol, unlinked):
    client.force_login(carol)
    response = link(client, "3300000099", id_card_number(4242))

    assert response.status_code == 302
    assert response.url == reverse("accounts:detail", args=["3300000099"])
    unlinked.refresh_from_db()
    assert unlinked.linked_user == carol
    page = client.get(response.url)
    assert "Account 3300000099 is now linked to you." in page.text


def test_the_proof_is_accepted_in_lower_case_with_spaces(client, carol, grid):
    ElectricityAccountFactory(number="3300000098", grid=grid, customer__id_number="33011019900101008X")
    client.force_login(carol)
    response = link(client, "3300000098", " 330110 19900101 008x ")
    assert response.status_code == 302
    assert ElectricityAccount.objects.get(number="3300000098").linked_user == carol


def test_a_wrong_proof_is_an_error_on_the_proof_field(client, carol, unlinked):
    client.force_login(carol)
    response = link(client, "3300000099", WRONG_PROOF)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "proof": ["The account number and the identity number do not match our records."]
    }
    assert 'class="form-control is-invalid"' in response.text
    assert 'aria-describedby="id_proof_helptext id_proof_error"' in response.text
    assert ElectricityAccount.objects.get(number="3300000099").linked_user is None


def test_a_malformed_account_number_is_refused_before_any_attempt_is_counted(client, carol):
    client.force_login(carol)
    response = link(client, "33000", "123456")
    assert response.status_code == 200
    assert response.context["form"].errors["number"] == ["An account number is exactly 10 digits."]
    assert not LinkAttempt.objects.exists()


def test_an_account_linked_to_another_customer_is_an_error_on_the_number(client, alice, carol):
    client.force_login(carol)
    response = link(client, "3300000001", ALICE_ID_NUMBER)
    assert response.status_code == 200
    assert "already linked to another customer" in response.context["form"].errors["number"][0]
    assert ElectricityAccount.objects.get(number="3300000001").linked_user == alice


def test_repeated_wrong_proofs_are_throttled_with_status_429(client, carol, unlinked, settings):
    client.force_login(carol)
    for _ in range(settings.LINK_FAILURE_LIMIT):
        assert link(client, "3300000099", WRONG_PROOF).status_code == 200

    response = link(client, "3300000099", id_card_number(4242))

    assert response.status_code == 429
    assert response.context["form"].non_field_errors()[0].startswith("Too many wrong attempts.")
    assert 'class="alert alert-danger" role="alert"' in response.text
    assert ElectricityAccount.objects.get(number="3300000099").linked_user is None


# --- A customer's accounts -----------------------------------------------------------------------------


def test_my_accounts_lists_only_my_linked_accounts(client, alice, bob):
    client.force_login(alice)
    response = client.get(reverse("accounts:list"))
    assert response.status_code == 200
    assert reverse("accounts:detail", args=["3300000001"]) in response.text
    assert "3300000002" not in response.text


def test_my_accounts_says_how_to_link_when_there_is_none(client, carol):
    client.force_login(carol)
    response = client.get(reverse("accounts:list"))
    assert "No electricity account is linked to you yet." in response.text


def test_my_accounts_runs_the_same_queries_for_two_or_twenty_accounts(client, alice, grid):
    client.force_login(alice)
    ElectricityAccountFactory(grid=grid, linked_user=alice, linked_at=alice.date_joined)
    few = count_queries(client, reverse("accounts:list"))
    ElectricityAccountFactory.create_batch(20, grid=grid, linked_user=alice, linked_at=alice.date_joined)
    assert (
        count_queries(client, reverse("accounts:list")) == few <= 5
    )  # the last one: the unread-message badge in the navigation


def test_unlinking_my_account_removes_the_link(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:unlink", args=["3300000001"]))
    assert response.status_code == 302
    assert response.url == reverse("accounts:list")
    assert ElectricityAccount.objects.get(number="3300000001").linked_user is None
    assert "is no longer linked to you" in client.get(response.url).text


def test_unlinking_is_only_a_post(client, alice):
    client.force_login(alice)
    assert client.get(reverse("accounts:unlink", args=["3300000001"])).status_code == 405
    assert ElectricityAccount.objects.get(number="3300000001").linked_user == alice


def test_a_customer_cannot_unlink_another_customers_account(client, alice, bob):
    client.force_login(bob)
    assert client.post(reverse("accounts:unlink", args=["3300000001"])).status_code == 404
    assert ElectricityAccount.objects.get(number="3300000001").linked_user == alice


# --- Account detail ------------------------------------------------------------------------------------


def test_account_detail_shows_the_account_with_the_identity_number_masked(client, alice):
    account = ElectricityAccount.objects.select_related("customer", "grid").get(number="3300000001")
    client.force_login(alice)
    response = client.get(reverse("accounts:detail", args=["3300000001"]))

    assert response.status_code == 200
    text = response.text
    for shown in (
        account.customer.name,
        account.customer.id_number_masked,
        account.address,
        account.grid.name,
        "Low-voltage residential",
        "220 V",
        "8.0 kVA",
        account.tariff_code,
        "Active",
    ):
        assert shown in text
    assert account.customer.id_number_masked == ALICE_ID_NUMBER[0] + "*" * 16 + ALICE_ID_NUMBER[-1]
    assert ALICE_ID_NUMBER not in text


def test_account_detail_charts_and_tables_the_latest_twelve_months(client, alice):
    account = ElectricityAccount.objects.get(number="3300000001")
    add_readings(account, 14)  # 2025-09 .. 2026-10: the first two fall out of the window
    client.force_login(alice)
    response = client.get(reverse("accounts:detail", args=["3300000001"]))

    data = chart_data(response, "3300000001")
    assert data["labels"] == [f"{year}-{month:02d}" for year, month in [(2025, 11), (2025, 12)]] + [
        f"2026-{month:02d}" for month in range(1, 11)
    ]
    assert [series["key"] for series in data["series"]] == ["peak", "valley"]
    assert data["series"][0]["values"][-1] == "840.00"  # 60 % of 1400
    assert "2025-10" not in response.text
    total = sum(range(3, 15)) * 100
    assert f"Total {total}.00 kWh" in response.text
    assert "vendor/chart.js-4.6.1/chart.umd.min.js" in response.text
    assert "js/consumption-chart.js" in response.text


def test_a_meter_without_time_of_use_is_charted_as_totals(client, alice):
    account = ElectricityAccount.objects.get(number="3300000001")
    MeterReading.objects.create(account=account, period=date(2026, 10, 1), total_kwh=Decimal("230.50"))
    client.force_login(alice)
    data = chart_data(client.get(reverse("accounts:detail", args=["3300000001"])), "3300000001")
    assert data["series"] == [{"key": "total", "label": "Total (kWh)", "values": ["230.50"]}]


def test_staff_see_any_account_in_detail(client, alice, charlie):
    client.force_login(charlie)
    response = client.get(reverse("accounts:detail", args=["3300000001"]))
    assert response.status_code == 200
    assert ALICE_ID_NUMBER not in response.text


def test_an_unknown_or_malformed_account_number_is_not_found(client, charlie):
    client.force_login(charlie)
    assert client.get(reverse("accounts:detail", args=["3399999999"])).status_code == 404
    assert client.get("/accounts/33000/").status_code == 404


def test_account_detail_runs_the_same_queries_however_many_readings(client, alice):
    client.force_login(alice)
    url = reverse("accounts:detail", args=["3300000001"])
    account = ElectricityAccount.objects.get(number="3300000001")
    add_readings(account, 2)
    few = count_queries(client, url)
    add_readings(account, 30, first=date(2023, 1, 1))
    # The unread-message badge in the navigation, and the account's history of changes (accounts.panels).
    assert count_queries(client, url) == few <= 6


# --- Staff search --------------------------------------------------------------------------------------


@pytest.fixture
def many_accounts(grid) -> list[ElectricityAccount]:
    return ElectricityAccountFactory.create_batch(30, grid=grid, customer__name="周大福珠宝")


def test_staff_search_by_number_prefix(client, charlie, alice, bob):
    client.force_login(charlie)
    response = client.get(reverse("accounts:search"), {"q": "330000000"})
    assert response.status_code == 200
    assert [account.number for account in response.context["page"]] == ["3300000001", "3300000002"]
    assert f'href="{reverse("accounts:detail", args=["3300000001"])}"' in response.text


def test_staff_search_by_customer_name_and_filters(client, charlie, grid):
    ElectricityAccountFactory(number="4400000001", grid=grid, customer__name="杭州钱江纺织有限公司")
    ElectricityAccountFactory(
        number="4400000002",
        grid=grid,
        customer__name="杭州钱江印染厂",
        status=AccountStatus.SUSPENDED,
        customer_class=CustomerClass.HIGH_VOLTAGE,
    )
    client.force_login(charlie)

    def found(**params: str) -> list[str]:
        return [account.number for account in client.get(reverse("accounts:search"), params).context["page"]]

    assert found(q="钱江") == ["4400000001", "4400000002"]
    assert found(q="钱江", status="suspended") == ["4400000002"]
    assert found(customer_class="high_voltage") == ["4400000002"]
    assert found(q="纺织", status="suspended") == []


def test_search_without_criteria_lists_nothing_and_says_what_to_enter(client, charlie, alice):
    client.force_login(charlie)
    response = client.get(reverse("accounts:search"))
    assert response.context["page"] is None
    assert "Enter the beginning of an account number" in response.text


def test_a_bad_search_filter_is_a_field_error(client, charlie, alice):
    client.force_login(charlie)
    response = client.get(reverse("accounts:search"), {"status": "deleted", "q": "x" * 101})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"status", "q"}
    assert response.context["page"] is None


def test_search_pages_by_25_and_keeps_the_query_in_the_page_links(client, charlie, many_accounts):
    client.force_login(charlie)
    response = client.get(reverse("accounts:search"), {"q": "周大福"})
    page = response.context["page"]
    assert page.paginator.count == 30 and len(page.object_list) == 25
    assert 'href="?q=%E5%91%A8%E5%A4%A7%E7%A6%8F&amp;page=2"' in response.text
    second = client.get(reverse("accounts:search"), {"q": "周大福", "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_htmx_gets_only_the_results_and_caches_are_told_so(client, charlie, many_accounts):
    client.force_login(charlie)
    response = client.get(reverse("accounts:search"), {"q": "周大福"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "30 accounts found." in response.text
    assert 'hx-target="#search-results"' in response.text
    assert "HX-Request" in response["Vary"]
    full = client.get(reverse("accounts:search"), {"q": "周大福"})
    assert "<html" in full.text and 'id="search-results"' in full.text


def test_htmx_restoring_history_gets_the_whole_page(client, charlie):
    client.force_login(charlie)
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in client.get(reverse("accounts:search"), headers=headers).text


def test_search_runs_the_same_queries_for_two_or_thirty_results(client, charlie, alice, bob, grid):
    client.force_login(charlie)
    url = reverse("accounts:search") + "?status=active"
    few = count_queries(client, url)
    ElectricityAccountFactory.create_batch(30, grid=grid)
    # The unread-message badge in the navigation, and the account's history of changes (accounts.panels).
    assert count_queries(client, url) == few <= 6
    assert count_queries(client, url, **{"HX-Request": "true"}) == few


# --- The layout ----------------------------------------------------------------------------------------


def nav_links(response) -> set[str]:
    nav = response.text.split('id="main-nav"')[1].split("</nav>")[0]
    return set(re.findall(r'href="([^"#]+)"', nav))


def test_anonymous_navigation_offers_log_in_and_register(client, db):
    links = nav_links(client.get(reverse("portal:home")))
    # Besides the public information pages of issue 11: outage notices, the knowledge base, the tariff calculator.
    public = {reverse("notices:lookup"), reverse("kb:index"), reverse("tariffs:calculator")}
    assert links == {reverse("accounts:login"), reverse("accounts:register"), reverse("outlets:finder")} | public


def test_customer_navigation(client, alice):
    client.force_login(alice)
    links = nav_links(client.get(reverse("portal:home")))
    assert links == {
        reverse("portal:home"),
        reverse("accounts:list"),
        reverse("accounts:link"),
        reverse("accounts:password_change"),
        reverse("services:my-requests"),
        reverse("services:report-fault"),
        reverse("services:file-application"),
        reverse("complaints:file"),  # complaints (issue 9)
        reverse("services:inbox"),
        # Pre-sale (issue 11): asking a question, and the public information pages.
        reverse("services:ask"),
        reverse("notices:lookup"),
        reverse("kb:index"),
        reverse("tariffs:calculator"),
        reverse("outlets:finder"),
        reverse("outlets:my-tickets"),
        # In-sale (issue 12): a new connection and a change of use, in the "New request" menu.
        reverse("services:apply-connection"),
        reverse("services:apply-change"),
        reverse("billing:home"),  # bills and payment (issue 14)
    }


def test_staff_navigation(client, charlie):
    client.force_login(charlie)
    links = nav_links(client.get(reverse("portal:home")))
    assert links == {
        reverse("portal:home"),
        reverse("accounts:search"),
        reverse("accounts:password_change"),
        reverse("services:my-queue"),
        reverse("services:team-queue"),
        reverse("services:dispatcher"),
        reverse("services:enter-fault"),
        reverse("services:enter-application"),
        reverse("complaints:enter"),  # complaints (issue 9)
        reverse("complaints:my-actions"),  # improvement actions and the case library (issue 9)
        reverse("complaints:library"),
        reverse("complaints:my-study"),
        reverse("services:closed-orders"),
        reverse("services:inbox"),
        # Pre-sale (issue 11): entering an enquiry, writing notices, and the public information pages.
        reverse("services:enter-enquiry"),
        reverse("notices:manage"),
        reverse("notices:lookup"),
        reverse("kb:index"),
        reverse("tariffs:calculator"),
        reverse("outlets:finder"),
        reverse("outlets:counter"),
        reverse("outlets:statistics"),
        reverse("services:connection-funnel"),  # in-sale (issue 12): a tool in "Work orders"
        reverse("services:enter-connection"),  # … and the counter's paper applications, in "New request"
        reverse("services:enter-change"),
        reverse("billing:arrears"),  # billing (issue 14)
        reverse("dashboards:my-scorecard"),  # their own scorecard, in the user menu (issue 15)
    }


def test_staff_with_admin_access_also_get_the_admin_link(client, root, charlie):
    client.force_login(root)
    assert reverse("admin:index") in nav_links(client.get(reverse("portal:home")))
    charlie.is_staff = True
    charlie.save(update_fields=["is_staff"])
    client.force_login(charlie)
    assert reverse("admin:index") in nav_links(client.get(reverse("portal:home")))


def test_log_out_is_a_form_posting_with_a_csrf_token(client, alice):
    client.force_login(alice)
    text = client.get(reverse("portal:home")).text
    form = re.search(rf'<form method="post" action="{reverse("accounts:logout")}".*?</form>', text, re.S).group(0)
    assert "csrfmiddlewaretoken" in form


def test_pages_are_in_simplified_chinese_by_default_and_say_so(client, db, chinese_default):
    text = client.get(reverse("portal:home")).text
    assert '<html lang="zh-hans">' in text
    assert 'href="#main">' in text and 'id="main"' in text


def test_the_language_switch_posts_both_languages_and_comes_back_to_the_page(client, db):
    url = reverse("accounts:login") + "?next=/accounts/"
    text = client.get(url).text
    form = re.search(rf'<form method="post" action="{reverse("set_language")}".*?</form>', text, re.S).group(0)
    assert 'name="next" value="/accounts/login/?next=/accounts/"' in form
    assert 'value="zh-hans"' in form and 'value="en"' in form

    response = client.post(reverse("set_language"), {"language": "en", "next": url})

    assert response.status_code == 302 and response.url == url
    assert '<html lang="en">' in client.get(url).text


def test_the_footer_gives_the_95598_hotline(client, db):
    assert 'href="tel:95598"' in client.get(reverse("portal:home")).text


def test_pages_load_their_assets_from_the_portal_only(client, alice, charlie):
    pages = [(None, reverse("portal:home")), (None, reverse("accounts:login")), (alice, reverse("portal:home"))]
    pages += [(alice, reverse("accounts:detail", args=["3300000001"])), (charlie, reverse("accounts:search"))]
    for user, url in pages:
        if user:
            client.force_login(user)
        text = client.get(url).text
        assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', text)
        assert assets, url
        for asset in assets:
            assert asset.startswith("/static/"), asset
            assert finders.find(asset.removeprefix("/static/")), asset


def test_an_unknown_page_answers_with_the_portals_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We could not find that page" in response.text
    assert '<html lang="en">' in response.text


def test_a_refused_page_answers_with_the_portals_403(client, charlie):
    client.force_login(charlie)
    response = client.get(reverse("accounts:link"))
    assert response.status_code == 403
    assert "This page is not for your role" in response.text


def test_the_500_page_renders_without_a_request_or_the_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        html = loader.get_template("500.html").render()
    assert "Something went wrong on our side" in html
    assert "95598" in html
    assert "<link" not in html and "<script" not in html


def test_every_template_compiles(settings):
    templates_dir = settings.BASE_DIR / "templates"
    names = [str(path.relative_to(templates_dir)) for path in templates_dir.rglob("*.*")]
    assert "base.html" in names and "registration/locked_out.html" in names
    for name in names:
        loader.get_template(name)
