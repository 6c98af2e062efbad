"""The refer page's "Back" leads to a page the person may open. A front door knows a
child through its notifications: it may open the child's safeguarding record but not the
child's record (an incident's own pages), so "Back to the child's record" was a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.obligations.tests.factories import FRONT_DOOR, OFFICER, submitted_incident
from hearth.specialist.tests.test_services import child

pytestmark = pytest.mark.django_db


def back_link(client: Client, child_id: int) -> str:
    page = client.get(reverse("specialist_refer", args=[child_id]))
    assert page.status_code == 200
    text = page.content.decode()
    start = text.index('class="govuk-back-link"')
    return text[
        text.rindex('href="', 0, start) + 6 : text.index('"', text.rindex('href="', 0, start) + 6)
    ]


def test_the_front_door_goes_back_to_the_safeguarding_record(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    mia = child(submitted_incident(wessex), "Mia")
    front_door = client_for(FRONT_DOOR)
    back = back_link(front_door, mia.pk)
    assert back == reverse("child_safeguarding_record", args=[mia.pk])
    assert front_door.get(back).status_code == 200
    assert front_door.get(reverse("child_detail", args=[mia.pk])).status_code == 404


def test_whoever_may_open_the_childs_record_goes_back_to_it(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    mia = child(submitted_incident(wessex), "Mia")
    officer = client_for(OFFICER)
    back = back_link(officer, mia.pk)
    assert back == reverse("child_detail", args=[mia.pk])
    assert officer.get(back).status_code == 200
