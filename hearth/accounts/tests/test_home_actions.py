"""Each role's home page leads with its main action (issue 17): the first button is the
role's main work, and a DSL is offered one inbox, not "Work" beside "Notifications"."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

DSL = "dsl03@schools.wessex.example"
ANALYST = "analyst@partnership.wessex.example"
ADMINISTRATOR = "administrator@hearth.wessex.example"


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def first_button(html: str) -> str:
    found = re.search(r'role="button"[^>]*>([^<]+)</a>', main_of(html))
    assert found, "no button on the home page"
    return found.group(1).strip()


@pytest.mark.parametrize(
    ("email", "button"),
    [
        (DSL, "Open notifications"),
        (ANALYST, "See the statistics"),
        (ADMINISTRATOR, "Search the access log"),
    ],
)
def test_the_home_page_leads_with_the_roles_main_action(
    client_for: Callable[[str], Client], email: str, button: str
) -> None:
    html = client_for(email).get(reverse("home")).content.decode()
    assert first_button(html) == button


def test_a_dsl_is_offered_one_inbox_on_the_home_page(
    client_for: Callable[[str], Client],
) -> None:
    main = main_of(client_for(DSL).get(reverse("home")).content.decode())
    assert reverse("inbox_home") + '"' not in main  # no "Work sent to your team"
    assert main.count(f'href="{reverse("encompass_inbox")}"') == 1
