"""Answer 400 to a request whose path, query, cookies, headers or form fields carry forbidden characters.

Checked once here, before any view, form or query sees them, rather than field by field: a new endpoint
is covered without anyone remembering to. JSON bodies are checked by the API's parser (portal.parsers).
"""

from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from portal.input_checks import has_forbidden_characters

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RejectControlCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_forbidden_characters(_inputs(request)):
            return _bad_request(request)
        return self.get_response(request)


def _inputs(request: HttpRequest) -> Iterator[str]:
    """Every text the request carries that code may read: path, query, cookies, headers, form fields."""
    yield request.path_info
    yield from _pairs(request.GET.lists())
    yield from _pairs((name, [value]) for name, value in request.COOKIES.items())
    yield from (value for name, value in request.META.items() if name.startswith("HTTP_") and isinstance(value, str))
    if request.method == "POST" and request.content_type in FORM_TYPES:
        yield from _pairs(request.POST.lists())
        yield from (upload.name or "" for upload in request.FILES.values())


def _pairs(pairs: Iterator[tuple[str, list[str]]]) -> Iterator[str]:
    for name, values in pairs:
        yield name
        yield from values


def _bad_request(request: HttpRequest) -> HttpResponse:
    # No template: the page would render with the request's session and user, read from the same input.
    message = _("The request contains control characters, which no field accepts. Please remove them and try again.")
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": message}, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
