"""`marked`: a case's text with the search query's words highlighted (services.textsearch.highlight)."""

from django import template
from django.utils.safestring import SafeString

from services.textsearch import highlight

register = template.Library()


@register.filter
def marked(text: str, query: str) -> SafeString:
    """The text escaped, the query's words in <mark>; only escaped without a query."""
    return highlight(str(text or ""), query or "")
