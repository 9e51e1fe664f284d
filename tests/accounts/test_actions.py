from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts.actions import LinkRefused, link_account, unlink_account
from accounts.models import ElectricityAccount, LinkAttempt
from tests.conftest import ALICE_ID_NUMBER
from tests.factories import ElectricityAccountFactory, UserFactory, id_card_number

pytestmark = pytest.mark.django_db

# A well-formed identity number that is not the one on file for any account here.
WRONG_PROOF = id_card_number(9999)


@pytest.fixture
def carol(db):
    return UserFactory(username="carol")


@pytest.fixture
def unlinked(grid):
    return ElectricityAccountFactory(number="3300000099", grid=grid, customer__id_number=id_card_number(4242))


def test_customer_links_an_account_with_the_whole_identity_number(carol, unlinked):
    proof = id_card_number(4242)
    account = link_account(by=carol, number="3300000099", proof=proof)
    account.refresh_from_db()
    assert account.linked_user == carol
    assert account.linked_at is not None
    assert LinkAttempt.objects.get(user=carol).succeeded


def test_proof_is_accepted_in_lower_case_with_spaces(carol, grid):
    number = "33011019900101008X"
    ElectricityAccountFactory(number="3300000098", grid=grid, customer__id_number=number)
    link_account(by=carol, number="3300000098", proof=" 330110 19900101 008x ")
    assert ElectricityAccount.objects.get(number="3300000098").linked_user == carol


def test_wrong_proof_is_refused_and_links_nothing(carol, unlinked):
    with pytest.raises(LinkRefused) as refused:
        link_account(by=carol, number="3300000099", proof=WRONG_PROOF)
    assert "do not match" in refused.value.message
    unlinked.refresh_from_db()
    assert unlinked.linked_user is None
    assert not LinkAttempt.objects.get(user=carol).succeeded


def test_unknown_account_is_refused_like_a_wrong_proof(carol, unlinked):
    with pytest.raises(LinkRefused) as unknown:
        link_account(by=carol, number="3399999999", proof=WRONG_PROOF)
    with pytest.raises(LinkRefused) as wrong:
        link_account(by=carol, number="3300000099", proof=WRONG_PROOF)
    assert unknown.value.message == wrong.value.message


def test_account_linked_to_another_customer_cannot_be_taken_over(alice, carol):
    with pytest.raises(LinkRefused) as refused:
        link_account(by=carol, number="3300000001", proof=ALICE_ID_NUMBER)
    assert refused.value.field == "number"
    assert ElectricityAccount.objects.get(number="3300000001").linked_user == alice


def test_linking_again_your_own_account_is_harmless(alice):
    before = ElectricityAccount.objects.get(number="3300000001").linked_at
    link_account(by=alice, number="3300000001", proof=ALICE_ID_NUMBER)
    assert ElectricityAccount.objects.get(number="3300000001").linked_at == before


def test_repeated_wrong_proofs_throttle_even_the_right_one(carol, unlinked, settings):
    for _ in range(settings.LINK_FAILURE_LIMIT):
        with pytest.raises(LinkRefused):
            link_account(by=carol, number="3300000099", proof=WRONG_PROOF)
    with pytest.raises(LinkRefused) as throttled:
        link_account(by=carol, number="3300000099", proof=id_card_number(4242))
    assert "Too many" in throttled.value.message
    assert ElectricityAccount.objects.get(number="3300000099").linked_user is None


def test_wrong_proofs_by_others_never_lock_the_holder_out(unlinked, settings):
    for n in range(settings.LINK_FAILURE_LIMIT * 2):
        with pytest.raises(LinkRefused):
            link_account(by=UserFactory(), number="3300000099", proof=id_card_number(9000 + n))
    holder = UserFactory()
    link_account(by=holder, number="3300000099", proof=id_card_number(4242))
    assert ElectricityAccount.objects.get(number="3300000099").linked_user == holder


def test_wrong_proofs_for_many_accounts_throttle_the_one_who_makes_them(carol, grid, settings):
    numbers = [f"33000001{n:02d}" for n in range(settings.LINK_USER_FAILURE_LIMIT + 1)]
    for number in numbers:
        ElectricityAccountFactory(number=number, grid=grid, customer__id_number=id_card_number(int(number) % 10**4))
    for number in numbers[:-1]:
        with pytest.raises(LinkRefused) as refused:
            link_account(by=carol, number=number, proof=WRONG_PROOF)
        assert not refused.value.throttled
    with pytest.raises(LinkRefused) as throttled:
        link_account(by=carol, number=numbers[-1], proof=id_card_number(int(numbers[-1]) % 10**4))
    assert throttled.value.throttled
    assert ElectricityAccount.objects.get(number=numbers[-1]).linked_user is None


def test_a_throttled_attempt_is_not_evaluated_or_recorded(carol, unlinked, settings):
    for _ in range(settings.LINK_FAILURE_LIMIT + 3):
        with pytest.raises(LinkRefused):
            link_account(by=carol, number="3300000099", proof=WRONG_PROOF)
    assert LinkAttempt.objects.filter(user=carol).count() == settings.LINK_FAILURE_LIMIT


def test_the_last_six_characters_are_no_longer_a_proof(carol, unlinked):
    with pytest.raises(LinkRefused):
        link_account(by=carol, number="3300000099", proof=id_card_number(4242)[-6:])
    assert ElectricityAccount.objects.get(number="3300000099").linked_user is None


def test_throttle_lifts_after_the_window(carol, unlinked, settings):
    for _ in range(settings.LINK_FAILURE_LIMIT):
        with pytest.raises(LinkRefused):
            link_account(by=carol, number="3300000099", proof=WRONG_PROOF)
    with time_machine.travel(timezone.now() + settings.LINK_FAILURE_WINDOW + timedelta(minutes=1)):
        link_account(by=carol, number="3300000099", proof=id_card_number(4242))
    assert ElectricityAccount.objects.get(number="3300000099").linked_user == carol


def test_unlink_frees_the_account(alice):
    account = ElectricityAccount.objects.get(number="3300000001")
    unlink_account(account, by=alice)
    account.refresh_from_db()
    assert (account.linked_user, account.linked_at) == (None, None)
