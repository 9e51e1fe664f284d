"""`{% path 'name' %}`: `{% url 'name' %}` for a page that takes no arguments, reversed once (accounts.paths)."""

from django import template

from accounts.paths import path_of

register = template.Library()


@register.simple_tag
def path(name: str) -> str:
    return path_of(name)
