"""While the database (or Redis) does not answer, every request gets a clean 503, logged once per outage.

The database's failure is simulated with Django's own hook, `connection.execute_wrapper`: every query the
request makes, wherever it makes it (the session, the user, the view, a middleware), raises the
OperationalError psycopg raises while PostgreSQL restarts.
"""

import logging
from collections.abc import Callable, Iterator

import pytest
import redis
from django.db import OperationalError, connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.models import User
from portal import middleware

CHINESE_PORTAL = "供电服务门户"  # "Power Supply Service Portal", already in the catalogue
CHINESE_HOTLINE = "如遇电力故障或紧急情况，请随时拨打 95598 供电服务热线。"
ENGLISH_HEADLINE = "The service is briefly unavailable"
ENGLISH_DETAIL = "The service is briefly unavailable. Please try again in a few seconds."


def refuse(execute: Callable, sql: str, params: object, many: bool, context: dict) -> object:
    raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')


@pytest.fixture
def signed_in(client: Client, alice: User) -> Client:
    """Alice, signed in before the outage: her session row exists, and every request of hers reads it."""
    client.force_login(alice)
    return client


@pytest.fixture
def database_down(signed_in: Client) -> Iterator[None]:
    with connection.execute_wrapper(refuse):
        yield


@pytest.fixture(autouse=True)
def fresh_outage_log(monkeypatch: pytest.MonkeyPatch) -> middleware.OutageLog:
    """Each test starts with no outage seen by this process."""
    log = middleware.OutageLog()
    monkeypatch.setattr(middleware, "outage_log", log)
    return log


class TouchUserMiddleware:
    """A middleware that reads the signed-in user before the view, as many do: the session lookup fails there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.user.is_authenticated  # noqa: B018 - the lookup is the point
        return self.get_response(request)


def assert_clean_503(response: HttpResponse) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == str(middleware.RETRY_AFTER_SECONDS)
    assert response["Cache-Control"] == "no-store"


def test_a_page_answers_a_503_page_in_english_when_the_visitor_reads_english(client: Client, database_down) -> None:
    response = client.get(reverse("services:my-requests"))

    assert_clean_503(response)
    assert response["Content-Type"].startswith("text/html")
    assert ENGLISH_HEADLINE in response.text
    assert '<html lang="en">' in response.text
    assert "Traceback" not in response.text


def test_the_503_page_is_in_chinese_by_default(client: Client, chinese_default, database_down) -> None:
    response = client.get(reverse("services:my-requests"), HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert_clean_503(response)
    assert '<html lang="zh-hans">' in response.text
    assert response["Content-Language"] == "zh-hans"
    assert CHINESE_PORTAL in response.text
    assert CHINESE_HOTLINE in response.text


def test_the_503_page_is_in_english_for_a_visitor_who_chose_english(
    client: Client, chinese_default, database_down
) -> None:
    client.cookies["django_language"] = "en"

    response = client.get(reverse("services:my-requests"))

    assert_clean_503(response)
    assert '<html lang="en">' in response.text
    assert ENGLISH_HEADLINE in response.text


def test_the_api_answers_a_json_503_with_retry_after(client: Client, alice: User) -> None:
    client.force_login(alice)

    with connection.execute_wrapper(refuse):
        response = client.get(reverse("api:work-order-list"))

    assert_clean_503(response)
    assert response.json() == {"detail": ENGLISH_DETAIL}


def test_a_submission_through_the_api_answers_a_json_503(client: Client, alice: User) -> None:
    client.force_login(alice)
    report = {"account": "3300000001", "fault_type": "no_power_home", "description": "No power since noon"}

    with connection.execute_wrapper(refuse):
        response = client.post(reverse("api:fault-report-create"), report, content_type="application/json")

    assert_clean_503(response)
    assert response.json() == {"detail": ENGLISH_DETAIL}


def test_the_api_json_503_is_in_chinese_by_default(client: Client, chinese_default, database_down) -> None:
    response = client.get(reverse("api:work-order-list"))

    assert_clean_503(response)
    assert response["Content-Language"] == "zh-hans"
    assert set(response.json()) == {"detail"}


def test_a_client_that_asks_for_json_gets_json_on_any_path(client: Client, database_down) -> None:
    """The kiosks send Accept: application/json; their retry logic reads the JSON 503."""
    response = client.get(reverse("services:my-requests"), HTTP_ACCEPT="application/json")

    assert_clean_503(response)
    assert response.json() == {"detail": ENGLISH_DETAIL}


def test_a_signed_in_users_session_lookup_failing_in_a_middleware_answers_503(
    settings, alice: User, caplog: pytest.LogCaptureFixture
) -> None:
    """Django turns a middleware's exception into its 500 before an outer middleware sees it: not here."""
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.portal.test_unavailable.TouchUserMiddleware"]
    client = Client(raise_request_exception=False)  # as a real server: the exception is not re-raised
    client.force_login(alice)

    with caplog.at_level(logging.INFO), connection.execute_wrapper(refuse):
        response = client.get(reverse("services:my-requests"))

    assert_clean_503(response)
    assert ENGLISH_HEADLINE in response.text
    assert not [record for record in caplog.records if record.exc_info]
    assert [record.name for record in caplog.records if record.levelno >= logging.WARNING] == ["portal.middleware"]


def test_many_failures_log_one_line_without_a_traceback(
    client: Client, alice: User, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(alice)

    with caplog.at_level(logging.INFO), connection.execute_wrapper(refuse):
        statuses = {client.get(reverse("services:my-requests")).status_code for _ in range(20)}

    assert statuses == {503}
    warnings = [record for record in caplog.records if record.levelno >= logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].name == "portal.middleware"
    assert "OperationalError" in warnings[0].getMessage()
    assert "Connection refused" in warnings[0].getMessage()  # the cause is in the log, for whoever reads it
    assert not [record for record in caplog.records if record.exc_info]


def test_a_long_outage_logs_a_reminder_with_the_count(
    signed_in: Client, caplog: pytest.LogCaptureFixture, fresh_outage_log: middleware.OutageLog
) -> None:
    fresh_outage_log.every = 0  # every failure is "a minute later"

    with caplog.at_level(logging.WARNING), connection.execute_wrapper(refuse):
        for _ in range(3):
            signed_in.get(reverse("services:my-requests"))

    messages = [record.getMessage() for record in caplog.records if record.name == "portal.middleware"]
    assert len(messages) == 3
    assert messages[0].startswith("Service unavailable, answering 503")
    assert "3 requests answered 503" in messages[2]


def test_the_first_success_after_an_outage_logs_the_recovery_once(
    signed_in: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        with connection.execute_wrapper(refuse):
            for _ in range(4):
                signed_in.get(reverse("services:my-requests"))
        assert signed_in.get(reverse("services:my-requests")).status_code == 200
        signed_in.get(reverse("services:my-requests"))

    messages = [record.getMessage() for record in caplog.records if record.name == "portal.middleware"]
    assert len(messages) == 2
    assert messages[1].startswith("Service available again after")
    assert "4 requests answered 503" in messages[1]


def test_a_redis_cache_that_does_not_answer_answers_503(client: Client, db, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(*args: object, **kwargs: object) -> None:
        raise redis.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr("portal.views.render", unreachable)  # stands for any view that reads the cache

    response = client.get(reverse("portal:home"))

    assert_clean_503(response)


def test_other_errors_are_still_500s(client: Client, db, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr("portal.views.render", broken)

    with pytest.raises(ValueError, match="a bug"):
        client.get(reverse("portal:home"))


def test_a_403_is_logged_in_one_line_without_a_traceback(
    client: Client, charlie: User, caplog: pytest.LogCaptureFixture
) -> None:
    client.force_login(charlie)  # staff: the customer's pages are not for him

    with caplog.at_level(logging.INFO):
        response = client.get(reverse("services:report-fault"))

    assert response.status_code == 403
    forbidden = [record for record in caplog.records if record.name == "django.request"]
    assert len(forbidden) == 1
    assert forbidden[0].exc_info is None
    assert logging.getLogger("django").handlers == []  # its records reach the console once, through the root
