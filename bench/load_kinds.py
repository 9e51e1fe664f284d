"""The request kinds of the load benchmark, in the order its table prints them (bench/locustfile.py sends them).

Apart from the locustfile so that bench/load.py can name them without importing locust, which patches the
standard library for gevent when it is imported.
"""

NAMES = (
    "customer: home",
    "customer: my requests",
    "customer: an order",
    "customer: API list",
    "customer: file a report",
    "staff: my queue",
    "staff: team queue",
    "staff: home",
    "staff: an order",
    "staff: API list",
    "staff: API team",
    "staff: an action",
    "bare: one row",
)


def user_class(name: str) -> str:
    """The locust user class that sends this kind."""
    return {"customer": "Customer", "staff": "Staff", "bare": "Bare"}[name.split(":")[0]]
