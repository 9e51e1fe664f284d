"""The Simplified Chinese catalogue: complete, compiled, and what every visitor gets unless they ask for English.

The catalogue is read here in Python, without the gettext tools, so that a .po edited but not compiled fails
the suite on a machine without msgfmt too.
"""

import ast
import gettext
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.models import AccountStatus, ElectricityAccount, User
from portal import settings as shipped_settings
from services.models import Status, WorkOrder
from tests.factories import UserFactory

# The suite runs in English (tests/conftest.py); these tests put the shipped default back.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("chinese_default")]

CATALOGUE = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
PASSWORD = "a-long-and-unusual-secret-42"

# The landing page's headline, in both languages (templates/portal/home_anonymous.html).
HEADLINE_ZH = "用电业务，随时在线办理"
HEADLINE_EN = "Electricity services, online, any time"


@dataclass(frozen=True)
class Entry:
    """One message of a .po file: msgstrs holds msgstr, or msgstr[0], msgstr[1], … in that order."""

    context: str | None
    msgid: str
    msgid_plural: str | None
    msgstrs: tuple[str, ...]
    is_fuzzy: bool

    @property
    def key(self) -> str:
        """The key of the message in a compiled catalogue: gettext joins a context to its msgid with EOT."""
        return self.msgid if self.context is None else f"{self.context}\x04{self.msgid}"


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file as makemessages writes it: one per block, blocks apart by a blank line."""
    return [entry for block in path.read_text(encoding="utf-8").split("\n\n") if (entry := _read_entry(block))]


def _read_entry(block: str) -> Entry | None:
    fields: dict[str, str] = {}
    flags: list[str] = []
    keyword = ""
    for line in block.strip().splitlines():
        if line.startswith("#,"):
            flags += [flag.strip() for flag in line[2:].split(",")]
        elif line.startswith("#"):
            continue  # locations, translator comments, and obsolete entries (#~), which are not compiled
        elif line.startswith('"'):
            fields[keyword] += ast.literal_eval(line)  # a C string literal reads the same in Python
        else:
            keyword, literal = line.split(" ", 1)
            fields[keyword] = ast.literal_eval(literal)
    if "msgid" not in fields:
        return None
    plurals = sorted((int(k[7:-1]), v) for k, v in fields.items() if re.fullmatch(r"msgstr\[\d+\]", k))
    return Entry(
        context=fields.get("msgctxt"),
        msgid=fields["msgid"],
        msgid_plural=fields.get("msgid_plural"),
        msgstrs=tuple(value for _, value in plurals) if plurals else (fields["msgstr"],),
        is_fuzzy="fuzzy" in flags,
    )


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return read_po(CATALOGUE / "django.po")


@pytest.fixture(scope="module")
def messages(entries: list[Entry]) -> list[Entry]:
    """The entries without the header (the entry of the empty msgid)."""
    return [entry for entry in entries if entry.msgid]


# --- The catalogue -------------------------------------------------------------------------------------


def test_the_catalogue_header_declares_simplified_chinese_with_one_plural_form_in_utf8(entries):
    header = next(entry for entry in entries if entry.msgid == "")
    assert not header.is_fuzzy
    fields = dict(line.split(": ", 1) for line in header.msgstrs[0].splitlines())
    assert fields["Language"] == "zh_Hans"
    assert fields["Plural-Forms"] == "nplurals=1; plural=0;"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"


def test_every_message_is_translated_and_none_is_left_fuzzy(messages):
    assert any(entry.msgid == "Account number" for entry in messages)  # the parser did read the catalogue
    assert any(entry.msgid_plural for entry in messages)
    assert [entry.msgid for entry in messages if not all(entry.msgstrs)] == []
    assert [entry.msgid for entry in messages if entry.is_fuzzy] == []
    # Chinese has a single plural form: a second one would never be shown.
    assert [entry.msgid for entry in messages if entry.msgid_plural and len(entry.msgstrs) != 1] == []


def test_every_placeholder_and_tag_of_a_message_is_kept_in_its_translation(messages):
    placeholder = re.compile(r"%\(\w+\)[-+ #0-9.]*[sdif]|\{\w+\}|</?\w+[^>]*>")
    mismatched = [
        entry.msgid
        for entry in messages
        for msgstr in entry.msgstrs
        if sorted(placeholder.findall(msgstr)) != sorted(placeholder.findall(entry.msgid_plural or entry.msgid))
    ]
    assert mismatched == []


def test_the_compiled_catalogue_holds_exactly_the_translations_of_the_po(messages):
    with (CATALOGUE / "django.mo").open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    expected: dict[str | tuple[str, int], str] = {}
    for entry in messages:
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstrs[0]
        else:
            expected.update({(entry.key, index): msgstr for index, msgstr in enumerate(entry.msgstrs)})
    # _catalog is the only way to list what a .mo holds; "" is its header.
    actual = {key: value for key, value in compiled._catalog.items() if key != ""}
    stale = {key: (expected.get(key), actual.get(key)) for key in expected.keys() | actual.keys()}
    assert {key: pair for key, pair in stale.items() if pair[0] != pair[1]} == {}
    assert compiled.plural(2) == 0


# --- Pages, messages and e-mail ------------------------------------------------------------------------


def test_the_portal_ships_in_simplified_chinese_with_english_second():
    assert shipped_settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _ in shipped_settings.LANGUAGES] == ["zh-hans", "en"]
    assert CATALOGUE.parent.parent in [Path(path) for path in shipped_settings.LOCALE_PATHS]


def test_the_home_page_is_in_simplified_chinese_by_default(client):
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert '<html lang="zh-hans">' in response.text
    assert HEADLINE_ZH in response.text
    assert HEADLINE_EN not in response.text


def test_the_language_switch_turns_the_portal_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("portal:home")})
    assert response.status_code == 302

    text = client.get(reverse("portal:home")).text
    assert '<html lang="en">' in text
    assert HEADLINE_EN in text
    assert HEADLINE_ZH not in text

    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("portal:home")})
    assert HEADLINE_ZH in client.get(reverse("portal:home")).text


@pytest.mark.parametrize(
    ("accept_language", "headline"),
    [
        ("en", HEADLINE_EN),
        ("en-US,en;q=0.9", HEADLINE_EN),
        ("zh-CN,zh;q=0.9,en;q=0.8", HEADLINE_ZH),
        ("fr-FR,fr;q=0.9", HEADLINE_ZH),
    ],
)
def test_the_browsers_language_chooses_english_or_else_chinese(client, accept_language, headline):
    response = client.get(reverse("portal:home"), HTTP_ACCEPT_LANGUAGE=accept_language)
    assert headline in response.text


def test_a_closed_account_reads_as_closed_out_and_a_closed_work_order_as_closed():
    # One English word, two messages: the account's carries the context "account status".
    account = ElectricityAccount(status=AccountStatus.CLOSED)
    order = WorkOrder(status=Status.CLOSED)
    with translation.override("zh-hans"):
        assert account.get_status_display() == "已销户"
        assert order.get_status_display() == "已关闭"
    with translation.override("en"):
        assert str(AccountStatus.CLOSED.label) == str(Status.CLOSED.label) == "Closed"


def register(client, login: str, **extra: str):
    data = {"login": login, "full_name": "王芳", "password1": PASSWORD, "password2": PASSWORD, **extra}
    return client.post(reverse("accounts:register"), data)


def test_a_malformed_mobile_number_is_refused_in_chinese_by_default(client):
    response = register(client, "1381234567")
    assert response.status_code == 200
    assert response.context["form"].errors["login"] == ["请输入以 1 开头的 11 位手机号码。"]
    assert "请输入以 1 开头的 11 位手机号码。" in response.text
    assert "请更正以下错误。" in response.text
    assert not User.objects.exists()


def test_django_s_own_form_messages_are_in_chinese_too(client):
    with translation.override("zh-hans"):
        required = translation.gettext("This field is required.")
    assert required != "This field is required."
    response = register(client, "13812345678", password2="")
    assert response.context["form"].errors["password2"] == [required]


def test_the_same_form_error_is_in_english_for_a_visitor_who_chose_english(client):
    client.post(reverse("set_language"), {"language": "en"})
    response = register(client, "1381234567")
    assert response.context["form"].errors["login"] == ["Enter an 11-digit mobile number starting with 1."]


def test_an_eleven_digit_account_number_is_refused_in_chinese(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:link"), {"number": "33000000011", "proof": "33011019900101008X"})
    assert response.status_code == 200
    assert response.context["form"].errors["number"] == ["户号必须为 10 位数字。"]


def test_the_notification_after_unlinking_is_in_chinese(client, alice):
    client.force_login(alice)
    response = client.post(reverse("accounts:unlink", args=["3300000001"]), follow=True)
    assert ElectricityAccount.objects.get(number="3300000001").linked_user is None
    assert "户号 3300000001 已解绑。" in [str(message) for message in response.context["messages"]]


def test_the_password_reset_mail_is_in_the_language_of_the_page(client):
    UserFactory(username="carol", full_name="陈静", email="carol@example.com")
    client.post(reverse("accounts:password_reset"), {"email": "carol@example.com"})
    client.post(reverse("set_language"), {"language": "en"})
    client.post(reverse("accounts:password_reset"), {"email": "carol@example.com"})

    chinese, english = mail.outbox
    assert chinese.subject == "重置您的供电服务门户密码"
    assert chinese.body.startswith("陈静，您好：")
    assert english.subject == "Reset your password for the Power Supply Service Portal"


def test_the_admin_of_third_party_packages_reads_in_chinese_too():
    """django-axes ships no Chinese: locale-thirdparty/ (the second of LOCALE_PATHS) gives its admin labels."""
    from axes.models import AccessAttempt

    with translation.override("zh-hans"):
        assert str(AccessAttempt._meta.verbose_name_plural) == "登录尝试"
