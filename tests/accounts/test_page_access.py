"""Every persona against every page, with the exact status each must get.

Read a row as "this persona, opening each page, gets". 302 for the anonymous visitor is the way to the login
page; alice's 302 on unlink is the redirect after her own account was unlinked, and everyone's 302 on
register is the redirect home of someone already signed in; 302 on admin is the admin's own login page.
"""

import pytest
from django.urls import reverse

EXPECTED = """
            home  register  link  list  detail  unlink  search  password  admin
anonymous   200   200       302   302   302     302     302     302       302
alice       200   302       200   200   200     302     403     200       302
bob         200   302       200   200   404     404     403     200       302
charlie     200   302       403   403   200     403     200     200       302
grace       200   302       403   403   200     403     200     200       302
ray         200   302       403   403   200     403     200     200       302
ivan        200   302       403   403   200     403     200     200       302
hana        200   302       403   403   200     403     200     200       302
mona        200   302       403   403   200     403     200     200       302
root        200   302       403   403   200     403     200     200       200
"""

# page: (method, URL name, arguments). Alice's account is 3300000001.
PAGES = {
    "home": ("get", "portal:home", []),
    "register": ("get", "accounts:register", []),
    "link": ("get", "accounts:link", []),
    "list": ("get", "accounts:list", []),
    "detail": ("get", "accounts:detail", ["3300000001"]),
    "unlink": ("post", "accounts:unlink", ["3300000001"]),
    "search": ("get", "accounts:search", []),
    "password": ("get", "accounts:password_change", []),
    "admin": ("get", "admin:index", []),
}


def expectations() -> list[tuple[str, str, int]]:
    header, *rows = [line.split() for line in EXPECTED.strip().splitlines()]
    assert header == list(PAGES), "the table's columns must be the pages, in order"
    return [(row[0], page, int(status)) for row in rows for page, status in zip(header, row[1:], strict=True)]


@pytest.mark.parametrize(("persona", "page", "status"), expectations())
def test_page_access(client, personas, persona, page, status):
    method, name, args = PAGES[page]
    if persona != "anonymous":
        client.force_login(personas[persona])
    url = reverse(name, args=args)

    response = getattr(client, method)(url)

    assert response.status_code == status
    if persona == "anonymous" and status == 302:
        login = reverse("admin:login") if page == "admin" else reverse("accounts:login")
        assert response.url.startswith(f"{login}?next=")


def test_the_table_covers_every_persona(personas):
    rows = {persona for persona, _, _ in expectations()}
    assert rows == {"anonymous", *personas}
