"""The child's safeguarding record links to referring them: a front door knows a child
through its notifications and cannot open the child's record, so without this link it
had no way from the child's pages to refer them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.obligations.tests.factories import FRONT_DOOR, SOUTH_FRONT_DOOR, submitted_incident
from hearth.specialist.tests.test_services import child

pytestmark = pytest.mark.django_db


def test_the_safeguarding_record_links_to_referring_the_child(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    mia = child(submitted_incident(wessex), "Mia")
    front_door = client_for(FRONT_DOOR)
    record = front_door.get(reverse("child_safeguarding_record", args=[mia.pk]))
    refer = reverse("specialist_refer", args=[mia.pk])
    assert record.status_code == 200
    assert f'href="{refer}">Refer Mia to specialist support</a>' in record.content.decode()
    assert front_door.get(refer).status_code == 200


def test_no_link_for_whoever_may_not_refer_the_child(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    mia = child(submitted_incident(wessex), "Mia")
    # Another local authority's front door may not see her record at all.
    other = client_for(SOUTH_FRONT_DOOR)
    assert other.get(reverse("child_safeguarding_record", args=[mia.pk])).status_code == 404
    assert other.get(reverse("specialist_refer", args=[mia.pk])).status_code == 404
