import pytest
from django.urls import reverse

from accounts import identity
from accounts.models import Customer, CustomerKind, ElectricityAccount
from tests.conftest import ALICE_ID_NUMBER
from tests.factories import id_card_number

pytestmark = pytest.mark.django_db

NEW_ID_NUMBER = id_card_number(7777)
CREDIT_CODE = "91330106MA2KXXXX0X"


@pytest.fixture
def admin_client(client, root):
    """The test client signed in as root, the portal's superuser."""
    client.force_login(root)
    return client


@pytest.fixture
def alices_customer(alice) -> Customer:
    return ElectricityAccount.objects.get(number="3300000001").customer


def change_data(customer: Customer, **changes: str) -> dict[str, str]:
    data = {"kind": customer.kind, "name": customer.name, "phone": customer.phone, "email": customer.email}
    return {**data, "identity_number": "", **changes}


def stored_values(customer: Customer) -> list[str]:
    return [str(value) for value in Customer.objects.filter(pk=customer.pk).values().get().values()]


def test_the_customer_list_shows_identity_numbers_masked_only(admin_client, alices_customer):
    response = admin_client.get(reverse("admin:accounts_customer_changelist"))
    assert response.status_code == 200
    assert alices_customer.id_number_masked in response.text
    assert ALICE_ID_NUMBER not in response.text


def test_the_customer_page_shows_the_identity_number_masked_only(admin_client, alices_customer):
    response = admin_client.get(reverse("admin:accounts_customer_change", args=[alices_customer.pk]))
    assert response.status_code == 200
    assert alices_customer.id_number_masked in response.text
    assert ALICE_ID_NUMBER not in response.text
    assert ALICE_ID_NUMBER[-6:] not in response.text


def test_the_account_page_never_shows_the_holders_identity_number(admin_client, alices_customer):
    account = ElectricityAccount.objects.get(number="3300000001")
    response = admin_client.get(reverse("admin:accounts_electricityaccount_change", args=[account.pk]))
    assert response.status_code == 200
    assert ALICE_ID_NUMBER not in response.text


def test_a_new_identity_number_is_stored_as_digests_and_a_masked_form(admin_client, alices_customer):
    url = reverse("admin:accounts_customer_change", args=[alices_customer.pk])

    response = admin_client.post(url, change_data(alices_customer, identity_number=NEW_ID_NUMBER.lower()))

    assert response.status_code == 302
    alices_customer.refresh_from_db()
    assert alices_customer.id_number_masked == identity.mask(NEW_ID_NUMBER)
    assert alices_customer.id_number_digest == identity.digest(NEW_ID_NUMBER)
    assert alices_customer.holds_identity_number(NEW_ID_NUMBER)
    values = stored_values(alices_customer)
    assert not any(NEW_ID_NUMBER in value or NEW_ID_NUMBER[-6:] in value for value in values)


def test_leaving_the_identity_number_empty_keeps_the_one_on_file(admin_client, alices_customer):
    before = alices_customer.id_number_digest
    url = reverse("admin:accounts_customer_change", args=[alices_customer.pk])
    response = admin_client.post(url, change_data(alices_customer, name="Alice Wang"))
    assert response.status_code == 302
    alices_customer.refresh_from_db()
    assert alices_customer.name == "Alice Wang"
    assert alices_customer.id_number_digest == before


@pytest.mark.parametrize("number", ["330106198001077770", "12345", "3301061980010777X7"])
def test_an_invalid_identity_number_is_a_form_error_and_changes_nothing(admin_client, alices_customer, number):
    before = Customer.objects.filter(pk=alices_customer.pk).values().get()
    url = reverse("admin:accounts_customer_change", args=[alices_customer.pk])

    response = admin_client.post(url, change_data(alices_customer, identity_number=number, name="Changed"))

    assert response.status_code == 200
    assert "identity_number" in response.context["adminform"].form.errors
    assert Customer.objects.filter(pk=alices_customer.pk).values().get() == before


def test_an_organisation_is_added_with_its_credit_code(admin_client):
    data = {"kind": CustomerKind.ORGANISATION, "name": "杭州钱江纺织有限公司", "phone": "", "email": ""}
    response = admin_client.post(reverse("admin:accounts_customer_add"), {**data, "identity_number": CREDIT_CODE})
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert customer.id_number_masked == identity.mask(CREDIT_CODE)
    assert not any(CREDIT_CODE in value for value in stored_values(customer))


def test_a_new_customer_needs_an_identity_number(admin_client):
    data = {"kind": CustomerKind.INDIVIDUAL, "name": "王芳", "phone": "", "email": "", "identity_number": ""}
    response = admin_client.post(reverse("admin:accounts_customer_add"), data)
    assert response.status_code == 200
    assert "identity_number" in response.context["adminform"].form.errors
    assert not Customer.objects.exists()
