"""The API's JSON parser: DRF's, refusing with 400 what would otherwise fail deeper as a 500.

A body nested thousands deep made the decoder raise RecursionError (DRF catches only ValueError), and
strings with NUL or lone surrogates reached PostgreSQL. Both are now a ParseError, answered 400.
"""

from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from portal.input_checks import has_forbidden_characters

# No request body of the portal nests deeper than a few levels; 32 leaves ample room.
MAX_DEPTH = 32


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: dict | None = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError(_("The JSON body is nested too deeply.")) from error
        strings = _strings(data)
        if has_forbidden_characters(strings):
            raise ParseError(_("The JSON body contains control characters, which no field accepts."))
        return data


def _strings(data: Any) -> Iterator[str]:
    """Every key and string value in `data`, walked without recursion; ParseError past MAX_DEPTH."""
    pending = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise ParseError(_("The JSON body is nested too deeply."))
            items = value.items() if isinstance(value, dict) else ((None, item) for item in value)
            for key, item in items:
                if key is not None:
                    yield key
                pending.append((item, depth + 1))
