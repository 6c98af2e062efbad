"""Kinds of work are named by their proper names everywhere (issue 17): "IDVA referral",
"Operation Encompass notification", "Child concern notification"; never a route's key
("idva_referral") and never a name lower-cased ("idva referral", "operation encompass
notification"). One source: the route registry's labels, and ``registry.in_sentence`` for
a label inside a sentence. The test walks every registered route and every page that
lists work."""

from __future__ import annotations

import re
from collections.abc import Callable
from html import unescape
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.obligations import registry
from hearth.obligations.models import Obligation
from hearth.obligations.tests.factories import (
    FRONT_DOOR,
    IDVA,
    MARAC,
    PPU,
    checklist,
    submitted_incident,
    team,
)

pytestmark = pytest.mark.django_db


def visible_text(html: str) -> str:
    """What a person reads or hears (visually hidden text included), without tags and
    their attributes (a select's option values are keys, and never shown)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<title>.*?</title>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def wrong_words(text: str) -> list[str]:
    """Route keys and lower-cased labels in the text, if any."""
    found = []
    for route in registry.routes():
        if re.search(rf"\b{re.escape(route.key)}\b", text):
            found.append(route.key)
        lowered = route.label.lower()
        if lowered != registry.in_sentence(route.label) and lowered in text:
            found.append(lowered)
    return found


def test_every_route_reads_in_a_sentence_by_its_proper_name() -> None:
    for route in registry.routes():
        words = registry.sentence_label(route.key)
        assert words and "_" not in words and words != route.key
        assert words.lower() == route.label.lower()
        # Only an ordinary first word is lower-cased: every other capital stays.
        assert words[1:] == route.label[1:]
    assert registry.in_sentence("IDVA referral") == "IDVA referral"
    assert registry.in_sentence("MARAC referral") == "MARAC referral"
    assert registry.in_sentence("Operation Encompass notification") == (
        "Operation Encompass notification"
    )
    assert registry.in_sentence("Child concern notification") == "child concern notification"


def test_no_page_that_lists_work_shows_a_route_key_or_a_lowered_name(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=15)  # high risk: MARAC and IDVA referrals too
    routes = set(Obligation.objects.filter(incident=incident).values_list("route", flat=True))
    assert {"child_concern_notification", "marac_referral", "idva_referral"} <= routes
    pages: list[tuple[str, str]] = [
        (FRONT_DOOR, reverse("team_inbox", args=[team("northshire-front-door").pk])),
        (IDVA, reverse("inbox_home")),
        (MARAC, reverse("inbox_home")),
        (PPU, reverse("referrals_sent")),
        (PPU, reverse("incident_detail", args=[incident.pk])),
    ]
    child = Obligation.objects.filter(incident=incident, route="child_concern_notification")[0]
    pages.append((PPU, reverse("child_safeguarding_record", args=[child.subject_id])))
    for obligation in Obligation.objects.filter(incident=incident).exclude(
        route__in=registry.read_elsewhere()
    ):
        pages.append((PPU, reverse("obligation_detail", args=[obligation.pk])))
    pages.append((FRONT_DOOR, reverse("obligation_withdraw", args=[child.pk])))
    seen = 0
    for email, url in pages:
        response = client_for(email).get(url, follow=True)
        if response.status_code != 200:
            continue  # not theirs to see (a referral not sent yet, say)
        seen += 1
        assert wrong_words(visible_text(response.content.decode())) == [], url
    assert seen >= len(pages) - 3


def test_a_lowered_name_would_be_caught() -> None:
    """The check above can fail: the inbox's old hidden text is caught."""
    assert wrong_words("Select the idva referral for Kerry Vance") == ["idva referral"]
    assert wrong_words("the idva_referral") == ["idva_referral"]
    assert wrong_words("Select the IDVA referral for Kerry Vance") == []
