"""accounts.paths: a page's path reversed once, the same as {% url %} and reverse() give, under any script prefix."""

from django.template import Context, Template
from django.urls import clear_script_prefix, reverse, set_script_prefix

from accounts.paths import path_of


def test_the_path_tag_renders_what_the_url_tag_renders():
    template = Template("{% load paths %}{% path 'services:my-queue' %}|{% url 'services:my-queue' %}|{% path name %}")
    cached, url, named = template.render(Context({"name": "accounts:list"})).split("|")
    assert cached == url == reverse("services:my-queue") and named == reverse("accounts:list")


def test_a_script_prefix_gets_its_own_paths():
    home = path_of("portal:home")
    set_script_prefix("/portal/")
    try:
        assert path_of("portal:home") == "/portal" + home == reverse("portal:home")
    finally:
        clear_script_prefix()
    assert path_of("portal:home") == home
