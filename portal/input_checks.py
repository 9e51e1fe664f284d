"""What no input may contain: control characters and unpaired surrogates.

PostgreSQL refuses NUL in text (psycopg raises before the query is sent) and UTF-8 cannot encode a lone
surrogate, so either one in a path, a query, a form or a JSON body reached the database as a 500. Tabs and
line breaks are text people type; every other C0 control character and DEL is not. The middleware
(portal.middleware_input) and the API's JSON parser (portal.parsers) both ask here.
"""

import re
from collections.abc import Iterable

FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def has_forbidden_characters(values: Iterable[str]) -> bool:
    return any(FORBIDDEN.search(value) for value in values)
