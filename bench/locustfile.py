"""The users of bench/load.py: customers and staff of the seeded city, and the bare endpoint.

bench/load.py writes the sessions and the orders to use into the file named by LOAD_FIXTURES and runs locust
on this file, either with the realistic mix (LOAD_KINDS empty: customers and staff four to one, each doing
their usual things) or with one request kind alone (LOAD_KINDS=<kind>), which is how each kind's throughput
is compared with the bare endpoint's. No think time: every user sends its next request when the last answers.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable

from load_kinds import NAMES
from locust import FastHttpUser, constant

with open(os.environ["LOAD_FIXTURES"], encoding="utf-8") as fixtures_file:
    FIXTURES = json.load(fixtures_file)
CSRF = "benchcsrftokenbenchcsrftoken1234"  # 32 letters: a token Django accepts from cookie and header alike


def get(user: FastHttpUser, url: str, name: str) -> None:
    with user.client.get(url, name=name, headers=user.headers, catch_response=True) as response:
        if response.status_code != 200:
            response.failure(f"{response.status_code}")


def post(user: FastHttpUser, url: str, name: str, body: dict[str, object], expected: int) -> None:
    with user.client.post(url, name=name, json=body, headers=user.json_headers, catch_response=True) as response:
        if response.status_code != expected:
            response.failure(f"{response.status_code}: {response.text[:200]}")


# Each request kind: (whose, weight in the mix, what it sends).
KINDS: dict[str, tuple[str, int, Callable[[FastHttpUser], None]]] = {
    "customer: home": ("customer", 3, lambda u: get(u, "/", "customer: home")),
    "customer: my requests": ("customer", 3, lambda u: get(u, "/services/", "customer: my requests")),
    "customer: an order": (
        "customer",
        3,
        lambda u: get(u, f"/services/{random.choice(u.me['orders'])}/", "customer: an order"),
    ),
    "customer: API list": ("customer", 2, lambda u: get(u, "/api/v1/work-orders/", "customer: API list")),
    "customer: file a report": (
        "customer",
        1,
        lambda u: post(
            u,
            "/api/v1/work-orders/fault-reports/",
            "customer: file a report",
            {"account": u.me["accounts"][0], "fault_type": "no_power_home", "description": "bench: 家里停电"},
            201,
        ),
    ),
    "staff: my queue": ("staff", 2, lambda u: get(u, "/services/queue/", "staff: my queue")),
    "staff: team queue": ("staff", 2, lambda u: get(u, "/services/queue/team/", "staff: team queue")),
    "staff: home": ("staff", 1, lambda u: get(u, "/", "staff: home")),
    "staff: an order": (
        "staff",
        3,
        lambda u: get(u, f"/services/{random.choice(u.me['orders'])}/", "staff: an order"),
    ),
    "staff: API list": ("staff", 1, lambda u: get(u, "/api/v1/work-orders/", "staff: API list")),
    "staff: API team": ("staff", 1, lambda u: get(u, "/api/v1/work-orders/?assigned=team", "staff: API team")),
    "staff: an action": (
        "staff",
        1,
        lambda u: post(
            u,
            f"/api/v1/work-orders/{random.choice(u.me['orders'])}/actions/comment/",
            "staff: an action",
            {"text": "bench: 已联系客户"},
            200,
        ),
    ),
    "bare: one row": ("bare", 0, lambda u: get(u, "/bench/bare/", "bare: one row")),
}


assert tuple(KINDS) == NAMES, "bench/load_kinds.py names the kinds in the same order"


class Person(FastHttpUser):
    abstract = True
    wait_time = constant(0)
    whose = ""

    def on_start(self) -> None:
        pool = FIXTURES["staff" if self.whose == "staff" else "customers"]
        self.me = random.choice(pool)
        cookie = f"sessionid={self.me['session']}; csrftoken={CSRF}"
        self.headers = {"Cookie": cookie, "Accept-Language": "zh-hans"}
        self.json_headers = {**self.headers, "X-CSRFToken": CSRF, "Content-Type": "application/json"}


def tasks_of(whose: str, only: str) -> dict[Callable, int]:
    return {
        function: (1 if only else weight)
        for name, (owner, weight, function) in KINDS.items()
        if owner == whose and (name == only if only else weight)
    }


ONLY = os.environ.get("LOAD_KINDS", "")  # bench/load.py names the classes to run on locust's command line


class Customer(Person):
    weight = 4
    whose = "customer"
    tasks = tasks_of("customer", ONLY)


class Staff(Person):
    weight = 1
    whose = "staff"
    tasks = tasks_of("staff", ONLY)


class Bare(Person):
    whose = "bare"
    tasks = tasks_of("bare", ONLY or "bare: one row")
