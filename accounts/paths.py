"""The path of a page that takes no arguments, reversed once per name and script prefix.

The navigation bar links some thirty pages on every page it is on, and a dashboard links a hundred rows to a few
lists: Django's reverse() walks the URL resolver for each (about 30 µs here) to give the same answer every time.
In templates: `{% load paths %}{% path 'services:my-queue' %}` (accounts.templatetags.paths).
"""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, reverse


def path_of(name: str) -> str:
    """reverse(name), for a URL name without arguments; the same string, at a dictionary's cost after the first."""
    return _reversed(name, get_script_prefix())


@lru_cache(maxsize=512)
def _reversed(name: str, prefix: str) -> str:
    return reverse(name)
