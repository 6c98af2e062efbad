"""The school inbox reads what a school received from the rule's indexed arms (issue 12's
speed work), not by testing ``received_by`` on every notification: the two must agree,
for each kind of reader, or the inbox would show too much or too little."""

from __future__ import annotations

from typing import Any

import pytest

from hearth.encompass.models import EncompassNotification
from hearth.encompass.selectors import encompass_inbox_for

pytestmark = pytest.mark.django_db

READERS = [
    ("dsl03@schools.wessex.example", None),  # a school's DSL, with notifications
    ("dsl@schools.wessex.example", None),  # a DSL for two schools
    ("education.safeguarding@northshire.wessex.example", None),  # escalations reach it
    ("ppu.officer@police.wessex.example", None),  # the force: it sent them, received none
    ("administrator@hearth.wessex.example", None),  # sees no case content
]


@pytest.mark.parametrize(("email", "agency"), READERS)
def test_the_inbox_holds_exactly_what_the_rule_says_was_received(
    wessex: Any, email: str, agency: str | None
) -> None:
    actor = wessex.actor(email, agency)
    expected = set(EncompassNotification.objects.received_by(actor).values_list("pk", flat=True))
    seen: list[int] = []
    page = 1
    while True:
        inbox = encompass_inbox_for(actor=actor, page=page)
        seen += [item.notification.pk for item in inbox.items]
        if not inbox.page.has_next():
            break
        page += 1
    assert len(seen) == len(set(seen))
    assert set(seen) == expected
    assert inbox.page.paginator.count == len(expected)
    if email.startswith("dsl03"):
        assert expected, "the demo school has notifications: the test must see some"
