"""Identity numbers (ID card, unified social credit code): validated, digested, masked, never stored raw.

A customer's identity number must be verifiable (linking an account asks for the whole number; a kiosk will
find a customer by ID card) but must never be shown or returned in full anywhere. So the database keeps only
a keyed HMAC digest of the whole number, and a masked form for display that shows no more than its first and
last characters: whatever is shown must not shorten the proof that is asked (an earlier mask showed the last
four of a six-character proof, leaving a birth day of at most 31 values to guess).
The key is settings.IDENTITY_HASH_KEY: changing it makes every stored digest unverifiable.
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ID_CARD_RE = re.compile(r"^\d{17}[\dX]$")
# GB 32100-2015: 18 characters from digits and upper-case letters without I, O, Z, S, V.
CREDIT_CODE_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
ID_CARD_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CARD_CHECK = "10X98765432"
# Both kinds of identity number (ID card, credit code) have 18 characters.
NUMBER_LENGTH = 18


def normalize(raw: str) -> str:
    """The number as compared and digested: no white space, letters in capitals."""
    return re.sub(r"\s+", "", raw or "").upper()


def id_card_check_char(first17: str) -> str:
    """Return the GB 11643 check character for the first 17 digits of an ID card number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, ID_CARD_WEIGHTS, strict=True))
    return ID_CARD_CHECK[total % 11]


def validate_id_card(raw: str) -> str:
    number = normalize(raw)
    if not ID_CARD_RE.match(number) or id_card_check_char(number[:17]) != number[17]:
        raise ValidationError(_("Enter a valid 18-character resident ID card number."), code="invalid_id_card")
    return number


def validate_credit_code(raw: str) -> str:
    number = normalize(raw)
    if not CREDIT_CODE_RE.match(number):
        raise ValidationError(
            _("Enter a valid 18-character unified social credit code (business licence)."), code="invalid_credit_code"
        )
    return number


def digest(value: str) -> str:
    key = settings.IDENTITY_HASH_KEY.encode()
    return hmac.new(key, normalize(value).encode(), hashlib.sha256).hexdigest()


def mask(value: str) -> str:
    """Return the display form: the first and the last character, the rest starred.

    The first is a province digit (or a credit code's registering authority), the last a check character
    computed from the rest: neither narrows the proof that linking asks for, the whole number.
    """
    number = normalize(value)
    if len(number) <= 2:
        return "*" * len(number)
    return number[0] + "*" * (len(number) - 2) + number[-1]


# A kiosk asks for the account number and the identity number's last six characters (the card reader reads the
# whole number instead): that proof is checked against a digest of its own, keyed differently from the whole
# number's so that neither digest helps guess the other.
TAIL_LENGTH = 6


def tail_digest(value: str) -> str:
    """The keyed digest of the number's last TAIL_LENGTH characters (outlets.kiosk's proof)."""
    key = ("tail:" + settings.IDENTITY_HASH_KEY).encode()
    return hmac.new(key, normalize(value)[-TAIL_LENGTH:].encode(), hashlib.sha256).hexdigest()


def matches(stored_digest: str, candidate: str) -> bool:
    return bool(stored_digest) and hmac.compare_digest(stored_digest, digest(candidate))


def tail_matches(stored_digest: str, candidate: str) -> bool:
    """Whether `candidate`, exactly TAIL_LENGTH characters, is the tail whose digest is stored."""
    candidate = normalize(candidate)
    return (
        bool(stored_digest)
        and len(candidate) == TAIL_LENGTH
        and hmac.compare_digest(stored_digest, tail_digest(candidate))
    )
