"""Malformed input never gives a 500: every page and every API operation, as every kind of visitor.

The pages are found by walking the URLconf and the API by reading its OpenAPI schema, so an endpoint added
anywhere (services/ is reorganised in parallel) is walked without this file changing. Each is called as an
anonymous visitor, a customer, a member of staff and the administrator, with NUL in the path, the query and
the fields, 100 KB strings, and JSON nested 10,000 deep. NUL must answer 400 (portal.middleware_input,
portal.parsers); nothing may answer 5xx.
"""

import json
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse

from accounts.models import User
from tests.factories import WorkOrderFactory

pytestmark = pytest.mark.django_db

NUL = "bad\x00value"
LONG = "x" * 100_000
DEEP = "[" * 10_000 + "]" * 10_000
ORDER_NUMBER = "2026010199999999"
# Values tried for path parameters, in order: the first that reverses and finds something is used.
SAMPLES = ["3300000001", ORDER_NUMBER, "1", "accounts", "user"]
# How an API operation may refuse hostile input: bad input, or not for this caller (before reading it); 401
# from the kiosk API, whose device authentication refuses every caller but a kiosk.
REFUSED = (400, 401, 403, 404)
# The monitoring check answers 503 while a worker or beat is missing, as in the test run: that is its answer.
REPORTS_SERVICE_HEALTH = {"portal:healthz-monitor"}
FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def named_urls(resolver: URLResolver | None = None, namespace: str = "") -> Iterator[tuple[str, list[str]]]:
    """Every named URL of the URLconf, namespaced, with the names of its parameters."""
    resolver = resolver or get_resolver()
    for key in list(resolver.reverse_dict):
        if isinstance(key, str):
            (_, params), *_ = resolver.reverse_dict.getlist(key)[0][0]
            yield namespace + key, list(params)
    for name, (_, child) in resolver.namespace_dict.items():
        yield from named_urls(child, f"{namespace}{name}:")


def reversed_with(name: str, params: list[str], value: str | None = None) -> str | None:
    """The URL with every parameter set to `value`, or to the first sample that fits; None if none fits."""
    candidates = [value] if value is not None else SAMPLES
    for candidate in candidates:
        try:
            return reverse(name, kwargs=dict.fromkeys(params, candidate))
        except NoReverseMatch:
            continue
    return None


@pytest.fixture
def visitors(personas, grid) -> dict[str, User | None]:
    account = personas["alice"].linked_accounts.get()
    WorkOrderFactory(
        grid=grid, number=ORDER_NUMBER, account=account, customer=account.customer, reported_by=personas["alice"]
    )
    return {"anonymous": None, "customer": personas["alice"], "staff": personas["charlie"], "admin": personas["root"]}


def as_visitor(user: User | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def test_no_page_answers_5xx_to_hostile_input(visitors):
    failures = []
    for name, params in sorted(named_urls()):
        if name in REPORTS_SERVICE_HEALTH:
            continue
        url = reversed_with(name, params)
        for role, user in visitors.items():
            client = as_visitor(user)
            for method, target, data, expect_400 in page_requests(client, name, params, url):
                response = getattr(client, method)(target, data)
                if response.status_code >= 500 or (expect_400 and response.status_code != 400):
                    failures.append(f"{role} {method} {name} {target[:60]} {sorted(data)[:5]}: {response.status_code}")
    assert not failures, "\n".join(failures)


def page_requests(client: Client, name: str, params: list[str], url: str | None) -> Iterator[tuple]:
    """(method, url, data, must be 400) for one page: hostile path parameters, query and form fields."""
    for value in (NUL, LONG):
        hostile = reversed_with(name, params, value) if params else None
        if hostile:
            yield "get", hostile, {}, value == NUL
    if url is None:
        return
    fields = form_fields(client, url) | {"q", "page", "next"}
    yield "get", url, dict.fromkeys(fields, NUL), True
    yield "get", url, dict.fromkeys(fields, LONG[:4000]), False
    yield "post", url, dict.fromkeys(fields, NUL), True
    yield "post", url, dict.fromkeys(fields, LONG), False


def form_fields(client: Client, url: str) -> set[str]:
    response = client.get(url)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return set()
    return set(FIELD_NAME.findall(response.content.decode(errors="replace"))) - {"csrfmiddlewaretoken"}


@pytest.fixture
def operations(client) -> list[tuple[str, str, dict, dict]]:
    """(path, method, operation, components) for every operation of the API's schema."""
    schema = client.get(reverse("api-schema"), {"format": "json"}).json()
    components = schema["components"]["schemas"]
    return [
        (path, method, operation, components)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


@pytest.fixture
def kiosk_client(kiosk, visitors) -> Client:
    """A kiosk with a customer's session (alice's), so the kiosk API reads what it is sent."""
    from tests.conftest import ALICE_ID_NUMBER

    client = Client(raise_request_exception=False, headers={"Authorization": f"Kiosk {kiosk.key}"})
    proof = {"account": "3300000001", "id_tail": ALICE_ID_NUMBER[-6:]}
    token = client.post(reverse("api:kiosk-session-start"), proof, content_type="application/json").json()["token"]
    return Client(
        raise_request_exception=False, headers={"Authorization": f"Kiosk {kiosk.key}", "X-Kiosk-Session": token}
    )


def test_no_api_operation_answers_5xx_to_hostile_input(visitors, operations, kiosk_client, settings):
    settings.KIOSK_RATE = "100000/min"
    failures = []
    for path, method, operation, components in operations:
        for role, user in [*visitors.items(), ("kiosk", kiosk_client)]:
            client = user if isinstance(user, Client) else as_visitor(user)
            for target, body, expect_400 in api_requests(path, operation, components):
                response = client.generic(method.upper(), target, body.encode(), content_type="application/json")
                if response.status_code >= 500 or (expect_400 and response.status_code not in REFUSED):
                    failures.append(f"{role} {method} {target[:60]} {body[:60]}: {response.status_code}")
    assert not failures, "\n".join(failures)


def api_requests(path: str, operation: dict, components: dict) -> Iterator[tuple[str, str, bool]]:
    """(url, JSON body, must be refused) for one operation. A caller who may not act, or not see the order,
    is refused (403, 404) before the body is read; anyone else gets 400."""
    path_params = [p for p in operation.get("parameters", []) if p["in"] == "path"]
    plain = fill(path, path_params, None)
    for value in (NUL, LONG):
        yield fill(path, path_params, value), "{}", False
    query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
    if query:
        yield plain + "?" + "&".join(f"{name}=bad%00value" for name in query), "{}", True
    if "requestBody" not in operation:
        return
    fields = body_fields(operation, components)
    yield plain, DEEP, True
    yield plain, "{" + '"a":' * 5000 + "1" + "}" * 5000, True
    for value in (NUL, LONG, [[[[[[["deep"]]]]]]], {"a": {"b": None}}, 10**30, -1, None, True):
        body = json.dumps(dict.fromkeys(fields, value))
        yield plain, body, value == NUL


def fill(path: str, params: list[dict], value: str | None) -> str:
    for param in params:
        choice = value
        if choice is None:
            enum = param.get("schema", {}).get("enum")
            choice = enum[0] if enum else (ORDER_NUMBER if "work-orders" in path else "3300000001")
        path = path.replace("{" + param["name"] + "}", choice.replace("\x00", "%00"))
    return path


def body_fields(operation: dict, components: dict) -> list[str]:
    content = operation["requestBody"]["content"]
    schema = next(iter(content.values()))["schema"]
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    return list(schema.get("properties", {})) or ["x"]
