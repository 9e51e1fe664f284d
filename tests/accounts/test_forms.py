import pytest

from accounts.forms import AccountSearchForm, LinkAccountForm, RegistrationForm
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "grid-lamp-orchard-42"
ID_NUMBER = "33011019900101008X"


def registration(login: str, **extra: str) -> RegistrationForm:
    return RegistrationForm({"login": login, "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD, **extra})


@pytest.mark.parametrize("login", ["13812345678", "carol@example.com", "  13812345678 "])
def test_a_mobile_number_or_an_email_address_registers(login):
    assert registration(login).is_valid()


def test_an_email_address_is_kept_in_lower_case():
    form = registration("Carol@Example.COM")
    assert form.is_valid()
    assert form.cleaned_data["login"] == "carol@example.com"


@pytest.mark.parametrize(
    "login",
    ["1381234567", "138123456789", "23812345678", "carol@", "carol example.com", "x" * 151],
)
def test_anything_else_is_a_field_error_on_the_login(login):
    form = registration(login)
    assert not form.is_valid()
    assert list(form.errors) == ["login"]


@pytest.mark.parametrize(
    ("existing", "login"),
    [
        ({"phone": "13812345678"}, "13812345678"),
        ({"email": "carol@example.com"}, "CAROL@example.com"),
        ({"username": "carol@example.com"}, "Carol@Example.com"),
    ],
)
def test_a_login_someone_already_registered_is_a_field_error(existing, login):
    UserFactory(**existing)
    form = registration(login)
    assert not form.is_valid()
    assert form.errors["login"] == ["This mobile number or e-mail is already registered."]


def test_the_passwords_must_match_and_pass_the_validators():
    mismatch = RegistrationForm({"login": "13812345678", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD + "x"})
    assert list(mismatch.errors) == ["password2"]
    common = RegistrationForm({"login": "13812345678", "password1": "password", "password2": "password"})
    assert list(common.errors) == ["password1"]
    like_login = RegistrationForm(
        {"login": "carolwang7@example.com", "password1": "carolwang7", "password2": "carolwang7"}
    )
    assert list(like_login.errors) == ["password1"]


def test_an_oversized_full_name_or_password_is_a_field_error():
    form = registration("13812345678", full_name="名" * 101)
    assert list(form.errors) == ["full_name"]
    long = "x" * 129
    form = RegistrationForm({"login": "13812345678", "password1": long, "password2": long})
    assert set(form.errors) == {"password1", "password2"}


def test_the_account_number_may_be_typed_in_groups_and_the_proof_in_lower_case():
    form = LinkAccountForm({"number": "3300 0000 01", "proof": " 330110 19900101 008x "})
    assert form.is_valid()
    assert form.cleaned_data == {"number": "3300000001", "proof": "33011019900101008X"}


@pytest.mark.parametrize(
    ("number", "proof", "field"),
    [
        ("330000001", ID_NUMBER, "number"),
        ("33000000011", ID_NUMBER, "number"),
        ("33000000ab", ID_NUMBER, "number"),
        ("3" * 21, ID_NUMBER, "number"),
        ("3300000001", "01008X", "proof"),  # the last six, which linking once asked for, are not enough
        ("3300000001", ID_NUMBER[:-1], "proof"),
        ("3300000001", ID_NUMBER + "1", "proof"),
        ("3300000001", ID_NUMBER[:-1] + "?", "proof"),
        ("3300000001", "1" * 31, "proof"),
    ],
)
def test_a_malformed_number_or_proof_is_an_error_on_that_field(number, proof, field):
    form = LinkAccountForm({"number": number, "proof": proof})
    assert not form.is_valid()
    assert list(form.errors) == [field]


def test_search_criteria_are_optional_but_must_be_known_choices():
    empty = AccountSearchForm({})
    assert empty.is_valid()
    assert not empty.has_criteria()
    form = AccountSearchForm({"status": "bogus", "q": "x" * 101})
    assert not form.is_valid()
    assert set(form.errors) == {"status", "q"}


def test_a_field_with_errors_is_marked_invalid_and_described_by_its_error():
    form = LinkAccountForm({"number": "12", "proof": ID_NUMBER})
    form.is_valid()
    html = str(form["number"])
    assert 'class="form-control is-invalid"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="id_number_helptext id_number_error"' in html
    assert 'class="form-control is-invalid"' not in str(form["proof"])
