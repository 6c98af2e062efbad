"""Starting an incident is idempotent per form submission (issue 11): the Start form
carries a one-time token, so a double click (or a resent form) leads to one draft."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from hearth.incidents.models import Incident

pytestmark = pytest.mark.django_db

OFFICER = "response.officer@police.wessex.example"


def start_token(client: Client) -> str:
    page = client.get(reverse("incident_start")).content.decode()
    match = re.search(r'name="start_token" value="([^"]+)"', page)
    assert match, "the Start form carries a one-time token"
    return match.group(1)


def test_two_posts_of_one_start_form_make_one_draft_and_both_lead_to_it(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for(OFFICER)
    token = start_token(client)
    before = Incident.objects.count()
    first = client.post(reverse("incident_start"), {"start_token": token})
    second = client.post(reverse("incident_start"), {"start_token": token})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Incident.objects.count() == before + 1


def test_each_new_start_form_starts_a_new_draft(client_for: Callable[[str], Client]) -> None:
    client = client_for(OFFICER)
    before = Incident.objects.count()
    first = client.post(reverse("incident_start"), {"start_token": start_token(client)})
    second = client.post(reverse("incident_start"), {"start_token": start_token(client)})
    assert first["Location"] != second["Location"]
    assert Incident.objects.count() == before + 2
