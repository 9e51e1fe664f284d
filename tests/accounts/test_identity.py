"""Identity numbers: what is shown of them must not shorten the proof linking asks for (the whole number)."""

import pytest

from accounts import identity
from accounts.models import Customer, CustomerKind
from tests.factories import id_card_number

ID_NUMBER = id_card_number(4242)
CREDIT_CODE = "91330106MA2KXXXX0X"


@pytest.mark.parametrize("number", [ID_NUMBER, CREDIT_CODE])
def test_the_mask_shows_only_the_first_and_the_last_character(number):
    assert identity.mask(number) == number[0] + "*" * 16 + number[-1]


def test_a_customer_holds_only_their_whole_identity_number():
    customer = Customer(kind=CustomerKind.INDIVIDUAL)
    customer.set_identity_number(ID_NUMBER)
    assert customer.holds_identity_number(ID_NUMBER)
    assert customer.holds_identity_number(" " + ID_NUMBER.lower())
    assert not customer.holds_identity_number(ID_NUMBER[-6:])
    assert not customer.holds_identity_number(id_card_number(4243))
    assert not customer.holds_identity_number("")


def test_a_customer_without_an_identity_number_holds_none():
    assert not Customer().holds_identity_number("")
