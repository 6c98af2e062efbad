"""The MARAC pages through the Django test client: each renders for the MARAC, its forms
show errors and keep what was typed, and nobody else sees them (404, as if missing)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.accounts.models import Agency, Team
from hearth.audit.models import AccessEvent
from hearth.core import clock
from hearth.marac import policy
from hearth.marac.models import MaracCase, MaracMeeting
from hearth.marac.tests.factories import (
    FRONT_DOOR,
    IDVA,
    MARAC,
    PPU,
    SOUTH_MARAC,
    a_case,
    a_meeting,
    a_sent_referral,
    hear,
)

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def test_the_marac_schedules_a_meeting_and_sees_the_referrals_waiting(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    referral = a_sent_referral(wessex)
    marac = client_for(MARAC)
    page = marac.get(reverse("marac_meetings"))
    text = page.content.decode()
    assert page.status_code == 200
    assert referral.subject.full_name in text and "Add to a meeting" in text
    assert reverse("marac_referral_add", args=[referral.pk]) in text
    form = marac.get(reverse("marac_meeting_new"))
    assert form.status_code == 200
    refused = marac.post(reverse("marac_meeting_new"), {"starts_at": "25:99", "place": "Room 4"})
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "Enter the date of the meeting" in text
    assert "Enter the time the meeting starts as a real time" in text
    assert "Select how the meeting is held" in text
    assert 'value="Room 4"' in text  # kept
    day = clock.local_now().date() + dt.timedelta(days=7)
    made = marac.post(
        reverse("marac_meeting_new"),
        {**_date("held_on", day), "starts_at": "10:00", "format": "both", "place": "Room 4"},
    )
    meeting = MaracMeeting.objects.get()
    assert made.status_code == 302 and made["Location"] == reverse(
        "marac_meeting", args=[meeting.pk]
    )
    assert meeting.held_on == day and meeting.starts_at == dt.time(10)


def test_a_referral_is_added_to_a_meeting_and_shown_on_its_agenda(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    referral = a_sent_referral(wessex)
    referral.marac_referral.criteria = ["visible_high_risk", "repeat"]
    referral.marac_referral.save()
    meeting = a_meeting(wessex, days=3)
    marac = client_for(MARAC)
    url = reverse("marac_referral_add", args=[referral.pk])
    assert marac.get(url).status_code == 200
    refused = marac.post(url, {})
    assert "Select a meeting" in refused.content.decode()
    added = marac.post(url, {"meeting": meeting.pk})
    assert added.status_code == 302
    case = MaracCase.objects.get(referral=referral)
    agenda = marac.get(reverse("marac_meeting", args=[meeting.pk]))
    text = agenda.content.decode()
    assert referral.subject.full_name in text
    assert "Repeat" in text and "3 children in the household" in text and "Not heard yet" in text
    assert reverse("marac_case_hear", args=[case.pk]) in text
    assert reverse("obligation_detail", args=[referral.pk]) in text
    # The referral's own page says where it is.
    own = marac.get(reverse("obligation_detail", args=[referral.pk])).content.decode()
    assert "On the agenda of the MARAC meeting on" in own
    assert reverse("marac_case", args=[case.pk]) in own


def test_the_referral_page_offers_to_add_it_to_a_meeting(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    referral = a_sent_referral(wessex)
    own = client_for(MARAC).get(reverse("obligation_detail", args=[referral.pk])).content.decode()
    assert "Add to a MARAC meeting" in own
    police = client_for(PPU).get(reverse("obligation_detail", args=[referral.pk])).content.decode()
    assert "Add to a MARAC meeting" not in police


def test_the_hearing_form_adds_rows_without_javascript_and_keeps_what_was_typed(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    case = a_case(wessex)
    marac = client_for(MARAC)
    url = reverse("marac_case_hear", args=[case.pk])
    page = marac.get(url).content.decode()
    assert 'name="action-2-words"' in page and 'name="action-3-words"' not in page
    assert "Add another action" in page
    more = marac.post(url, {"rows": "3", "add_row": "1", "risks": "Threats to kill"})
    text = more.content.decode()
    assert 'name="action-3-words"' in text and 'value="4"' in text
    assert "Threats to kill" in text and "There is a problem" not in text
    refused = marac.post(url, {"rows": "3", "risks": "Threats to kill"})
    text = refused.content.decode()
    assert refused.status_code == 200
    assert "Error: " in text
    assert "Select the agencies that attended for this case" in text
    assert "A case is heard with an action plan: add at least one action" in text
    assert "Threats to kill" in text
    case.refresh_from_db()
    assert case.status == policy.CaseStatus.ON_AGENDA


def test_the_hearing_is_recorded_from_the_form(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    case = a_case(wessex)
    idva = Team.objects.get(agency__slug="wessex-idva-service")
    police = Agency.objects.get(slug="wessex-police")
    children = list(case.children.values_list("child_id", flat=True))
    marac = client_for(MARAC)
    url = reverse("marac_case_hear", args=[case.pk])
    due = clock.local_now().date() + dt.timedelta(days=5)
    bad = {
        "rows": "3",
        "attended_agency_ids": [str(police.pk)],
        "risks": "Threats to kill",
        "child_ids": [str(c) for c in children],
        "action-0-for_person": str(case.referral.subject_id),
        "action-0-owner_team": str(idva.pk),
        "action-0-words": "",
        **_date("action-0-due_on", due),
    }
    refused = marac.post(url, bad)
    text = refused.content.decode()
    assert "Action 1: Enter what must be done" in text
    done = marac.post(url, {**bad, "action-0-words": "Safety plan review"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == policy.CaseStatus.HEARD
    (action,) = case.actions.all()
    assert action.words == "Safety plan review" and action.due_on == due
    page = marac.get(reverse("marac_case", args=[case.pk])).content.decode()
    assert "Safety plan review" in page and "Threats to kill" in page
    assert reverse("obligation_detail", args=[action.obligation_id]) in page
    heard = marac.get(reverse("obligation_detail", args=[case.referral_id])).content.decode()
    assert "Heard at the MARAC meeting on" in heard


def test_an_action_owner_sees_the_action_in_the_ledger_but_not_the_case(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    case = hear(wessex, a_case(wessex))
    action = case.actions.get()
    idva = client_for(IDVA)
    page = idva.get(reverse("obligation_detail", args=[action.obligation_id]))
    text = page.content.decode()
    assert page.status_code == 200
    assert action.words in text and case.referral.subject.full_name in text
    assert "Escalating threats" not in text  # the case's risks are not shared
    assert idva.get(reverse("marac_case", args=[case.pk])).status_code == 404
    assert idva.get(reverse("marac_meeting", args=[case.meeting_id])).status_code == 404


def test_nobody_but_the_marac_sees_its_pages(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    case = a_case(wessex, days=1)
    urls = [
        reverse("marac_meetings"),
        reverse("marac_meeting_new"),
        reverse("marac_meeting", args=[case.meeting_id]),
        reverse("marac_meeting_edit", args=[case.meeting_id]),
        reverse("marac_referral_add", args=[case.referral_id]),
        reverse("marac_case", args=[case.pk]),
        reverse("marac_case_hear", args=[case.pk]),
        reverse("marac_case_move", args=[case.pk]),
    ]
    posts = [
        reverse("marac_meeting_cancel", args=[case.meeting_id]),
        reverse("marac_case_remove", args=[case.pk]),
    ]
    for email in (SOUTH_MARAC, FRONT_DOOR, PPU):
        other = client_for(email)
        for url in urls[2:] if email == SOUTH_MARAC else urls:
            assert other.get(url).status_code == 404, (email, url)
        for url in posts:
            assert other.post(url).status_code == 404, (email, url)
    case.refresh_from_db()
    assert case.status == policy.CaseStatus.ON_AGENDA
    # Another MARAC has its own list: this one's meeting and referrals are not on it.
    own = client_for(SOUTH_MARAC).get(reverse("marac_meetings")).content.decode()
    assert case.referral.subject.full_name not in own
    assert reverse("marac_meeting", args=[case.meeting_id]) not in own


def test_a_case_is_moved_and_taken_off_the_agenda(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    case = a_case(wessex, days=1)
    later = a_meeting(wessex, days=8)
    marac = client_for(MARAC)
    url = reverse("marac_case_move", args=[case.pk])
    assert marac.get(url).status_code == 200
    moved = marac.post(url, {"meeting": later.pk})
    assert moved.status_code == 302
    new = MaracCase.objects.get(meeting=later)
    assert marac.post(reverse("marac_case_remove", args=[new.pk])).status_code == 302
    new.refresh_from_db()
    assert new.status == policy.CaseStatus.REMOVED


def test_a_meeting_is_changed_and_cancelled(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    meeting = a_meeting(wessex, days=2)
    marac = client_for(MARAC)
    url = reverse("marac_meeting_edit", args=[meeting.pk])
    assert marac.get(url).status_code == 200
    day = meeting.held_on + dt.timedelta(days=1)
    changed = marac.post(url, {**_date("held_on", day), "starts_at": "14:30", "format": "online"})
    assert changed.status_code == 302
    meeting.refresh_from_db()
    assert meeting.held_on == day and meeting.starts_at == dt.time(14, 30)
    marac.post(reverse("marac_meeting_cancel", args=[meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == policy.MeetingStatus.CANCELLED


def test_the_home_page_counts_what_waits_for_the_marac(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    a_sent_referral(wessex)
    meeting = a_meeting(wessex, days=4)
    before = AccessEvent.objects.count()
    response = client_for(MARAC).get(reverse("home"))
    text = response.content.decode()
    assert AccessEvent.objects.count() == before  # counts only
    (action,) = [a for a in response.context["actions"] if a.label == "MARAC meetings"]
    assert response.context["actions"][0] is action  # the page's primary button
    waiting, agenda = action.waiting
    # The count is what the list it links to shows.
    listed = client_for(MARAC).get(reverse("marac_meetings")).context["page"].waiting
    assert waiting.count == len(listed) >= 1
    assert waiting.url == reverse("marac_meetings") + "#waiting"
    assert (
        f"{waiting.count} referral{'s' if waiting.count != 1 else ''} waiting to be heard" in text
    )
    assert agenda.url == reverse("marac_meeting", args=[meeting.pk])
    assert "on the agenda of the next meeting, " in text
    assert "MARAC meetings" not in client_for(FRONT_DOOR).get(reverse("home")).content.decode()


def test_reading_a_case_is_logged(wessex: Any, client_for: Callable[[str], Client]) -> None:
    case = a_case(wessex)
    before = AccessEvent.objects.count()
    client_for(MARAC).get(reverse("marac_case", args=[case.pk]))
    assert AccessEvent.objects.count() == before + 1


def test_the_agenda_and_the_meetings_read_in_a_fixed_number_of_queries(
    wessex: Any, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    from hearth.marac import services

    meeting = a_meeting(wessex, days=2)
    for _ in range(3):
        services.case_add(
            actor=wessex.actor(MARAC),
            meeting=meeting,
            referral_obligation_id=a_sent_referral(wessex).pk,
        )
    a_sent_referral(wessex)  # and one waiting
    marac = client_for(MARAC)
    with django_assert_max_num_queries(12):
        assert marac.get(reverse("marac_meeting", args=[meeting.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert marac.get(reverse("marac_meetings")).status_code == 200


def test_the_marac_administrator_sees_no_case(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    from hearth.accounts.services import membership_add
    from hearth.core.actor import Role

    case = a_case(wessex, days=1)
    admin = "administrator@hearth.wessex.example"
    marac_agency = Agency.objects.get(slug="northshire-marac")
    membership_add(
        actor=None, user=wessex.user(admin), agency=marac_agency, role=Role.ADMINISTRATOR
    )
    client = client_for(admin)
    assert client.post(reverse("choose_agency"), {"agency": marac_agency.pk}).status_code == 302
    for url in (
        reverse("marac_meetings"),
        reverse("marac_meeting", args=[case.meeting_id]),
        reverse("marac_case", args=[case.pk]),
        reverse("marac_case_hear", args=[case.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert "MARAC meetings" not in client.get(reverse("home")).content.decode()


def test_beyond_the_oldest_shown_the_waiting_referrals_are_counted(
    wessex: Any, client_for: Callable[[str], Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The meetings page lists the oldest waiting referrals and says how many there are in
    all, as the home page counts them (issue 17: a count and its list agree)."""
    from hearth.marac import selectors

    first, second = a_sent_referral(wessex), a_sent_referral(wessex)
    monkeypatch.setattr(selectors, "WAITING_SHOWN", 1)
    text = client_for(MARAC).get(reverse("marac_meetings")).content.decode()
    waiting = selectors._waiting(selectors.services.marac_team_of(wessex.actor(MARAC))).count()
    assert waiting >= 2
    assert f"Showing the oldest 1 of {waiting}" in text
    assert first.subject.full_name in text or second.subject.full_name in text
