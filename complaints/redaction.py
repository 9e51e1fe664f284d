"""Keeping personal data out of the typical-case library: redact a complaint's text, refuse what is left.

A case is read by every employee for years; the customer's name, phone, identity number or account number has
no place in it. `redact()` pre-fills a draft from the complaint with them removed: the names known to the
complaint (customer, contact, the staff involved), any word jieba tags as a person's name, a surname with an
honorific (王先生 → 某先生), mobile and landline numbers, ID card numbers (GB 11643) and unified social credit
codes (GB 32100), 10-digit account numbers (户号) and e-mail addresses. `find_personal_data()` finds what
remains in what the author wrote, and `PersonalDataValidator` refuses it: the form cannot be saved with it.

The validator does not refuse every word jieba takes for a name (张家港 is a town): it refuses the names
the complaint knows, a surname with an honorific, and every number and address pattern above.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from accounts.identity import CREDIT_CODE_RE, id_card_check_char
from services import textsearch

NAME_MASK = "某某"
NUMBER_MASK = "***"

# Digits not inside a longer run of digits or letters.
_EDGE_LEFT, _EDGE_RIGHT = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
MOBILE = re.compile(_EDGE_LEFT + r"1[3-9]\d(?:[ -]?\d{4}){2}" + _EDGE_RIGHT)
LANDLINE = re.compile(_EDGE_LEFT + r"0\d{2,3}[ -]?\d{7,8}" + _EDGE_RIGHT)
ID_CARD = re.compile(_EDGE_LEFT + r"\d{17}[\dXx]" + _EDGE_RIGHT)
ID_CARD_OLD = re.compile(_EDGE_LEFT + r"\d{15}" + _EDGE_RIGHT)
CREDIT_CODE = re.compile(_EDGE_LEFT + r"[0-9A-Z]{18}" + _EDGE_RIGHT)
ACCOUNT_NUMBER = re.compile(_EDGE_LEFT + r"\d{10}" + _EDGE_RIGHT)
# 户号 followed by any digits, however many: "户号：33000123".
LABELLED_ACCOUNT = re.compile(r"(户号|账号|帐号|客户编号)\s*[:：]?\s*\d{4,}")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.ASCII)
HONORIFIC = re.compile(r"([\u4e00-\u9fff])(先生|女士|小姐|老先生|老太太|大爷|大妈|阿姨|师傅)")
# Not surnames: the honorific follows something else ("该先生", "这位女士", "某女士").
NOT_SURNAMES = frozenset("某该这那此位其老小一")


@dataclass(frozen=True)
class Finding:
    """Personal data found in a text: what kind, and the text found."""

    kind: str
    text: str


KIND_LABELS = {
    "name": _("a person's name"),
    "phone": _("a phone number"),
    "identity": _("an identity number"),
    "account": _("an account number"),
    "email": _("an e-mail address"),
}


def _is_id_card(number: str) -> bool:
    number = number.upper()
    return id_card_check_char(number[:17]) == number[17]


def _numbers(text: str) -> Iterable[Finding]:
    for match in ID_CARD.finditer(text):
        if _is_id_card(match.group()):
            yield Finding("identity", match.group())
    for match in CREDIT_CODE.finditer(text):
        if CREDIT_CODE_RE.match(match.group()) and not match.group().isdigit():
            yield Finding("identity", match.group())
    yield from (Finding("identity", m.group()) for m in ID_CARD_OLD.finditer(text))
    yield from (Finding("phone", m.group()) for m in MOBILE.finditer(text))
    yield from (Finding("phone", m.group()) for m in LANDLINE.finditer(text))
    yield from (Finding("account", m.group()) for m in LABELLED_ACCOUNT.finditer(text))
    yield from (Finding("account", m.group()) for m in ACCOUNT_NUMBER.finditer(text))
    yield from (Finding("email", m.group()) for m in EMAIL.finditer(text))


def _honorifics(text: str) -> Iterable[Finding]:
    for match in HONORIFIC.finditer(text):
        if match.group(1) not in NOT_SURNAMES:
            yield Finding("name", match.group())


def _known_names(text: str, names: Iterable[str]) -> Iterable[Finding]:
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2 and name in text:
            yield Finding("name", name)


def find_personal_data(text: str, *, names: Iterable[str] = ()) -> list[Finding]:
    """The personal data in `text`: numbers and addresses, the `names` given, surnames with an honorific."""
    if not text:
        return []
    found = [*_numbers(text), *_honorifics(text), *_known_names(text, names)]
    return list(dict.fromkeys(found))


def _tagged_names(text: str) -> list[str]:
    """The words jieba's part-of-speech tagger takes for people's names (nr, nrfg, nrt)."""
    textsearch._jieba()  # the dictionary, loaded once per process
    from jieba import posseg

    return [word for word, flag in posseg.cut(text) if flag.startswith("nr") and len(word) >= 2]


def _mask_name(name: str) -> str:
    honorific = HONORIFIC.fullmatch(name)
    if honorific:
        return "某" + honorific.group(2)
    return name if name.endswith("某") else NAME_MASK


def redact(text: str, *, names: Iterable[str] = ()) -> str:
    """The text with personal data replaced: names by 某某 (王先生 by 某先生), numbers and e-mails by ***."""
    if not text:
        return ""
    for finding in sorted(_number_findings(text), key=lambda f: len(f.text), reverse=True):
        text = text.replace(finding.text, _mask_number(finding))
    candidates = {f.text for f in [*_honorifics(text), *_known_names(text, names)]} | set(_tagged_names(text))
    for name in sorted(candidates, key=len, reverse=True):
        text = text.replace(name, _mask_name(name))
    return text


def _number_findings(text: str) -> list[Finding]:
    return list(dict.fromkeys(_numbers(text)))


def _mask_number(finding: Finding) -> str:
    labelled = LABELLED_ACCOUNT.fullmatch(finding.text)
    return f"{labelled.group(1)}{NUMBER_MASK}" if labelled else NUMBER_MASK


def refusal(findings: list[Finding]) -> ValidationError:
    """The form's error for what was found, naming each kind once."""
    kinds = ", ".join(str(KIND_LABELS[kind]) for kind in dict.fromkeys(f.kind for f in findings))
    return ValidationError(
        _("A case must not contain personal data; remove %(kinds)s: %(found)s."),
        code="personal_data",
        params={"kinds": kinds, "found": "、".join(f.text for f in findings[:5])},
    )


@deconstructible
class PersonalDataValidator:
    """Refuse a text holding personal data (the names given at construction, numbers, e-mails)."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = tuple(names)

    def __call__(self, text: str) -> None:
        findings = find_personal_data(text, names=self.names)
        if findings:
            raise refusal(findings)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PersonalDataValidator) and other.names == self.names

    def __hash__(self) -> int:
        return hash(self.names)
