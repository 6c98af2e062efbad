"""The specialist pages through the Django test client, and who sees what: a service
sees only the children referred to it, only what the referral shares, and for as long
as the ledger allows; the referrer and the lead agency see each step; every read is
logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from hearth.audit.models import AccessEvent, AccessEventRecord
from hearth.core import clock
from hearth.obligations.tests.factories import FRONT_DOOR, SOUTH_FRONT_DOOR, submitted_incident
from hearth.specialist import selectors, services
from hearth.specialist.models import SpecialistReferral
from hearth.specialist.tests.factories import SPECIALIST, service
from hearth.specialist.tests.test_services import child, refer

pytestmark = pytest.mark.django_db

IDVA = "idva@idva.wessex.example"


def logged(referral: SpecialistReferral) -> int:
    return AccessEventRecord.objects.filter(
        record_type="specialist.specialistreferral", record_id=str(referral.pk)
    ).count()


def test_refer_from_the_childs_record(
    empty_directory: Any, client_for: Callable[[str], Client]
) -> None:
    little_oaks = service()
    service("Southmoor only", areas=("E06900002",))
    incident = submitted_incident(empty_directory)
    mia = child(incident, "Mia")
    front_door = client_for(FRONT_DOOR)
    page = front_door.get(reverse("specialist_refer", args=[mia.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Little Oaks therapy" in text and "9 of 12 places free, waiting time 2 weeks" in text
    assert "Southmoor only</strong>: Does not cover Northshire" in text
    form = reverse("specialist_refer_form", args=[mia.pk, little_oaks.pk])
    assert front_door.get(form).status_code == 200
    problems = front_door.post(form, {"need": ""})
    assert (
        problems.status_code == 200
        and "Enter what support the child needs" in problems.content.decode()
    )
    sent = front_door.post(
        form, {"need": "Someone to talk to", "parent_consent": "given", "child_view": "Yes"}
    )
    referral = SpecialistReferral.objects.get(child=mia)
    assert sent.status_code == 302
    assert sent["Location"] == reverse("specialist_referral", args=[referral.obligation_id])
    assert front_door.get(sent["Location"]).status_code == 200


def test_the_service_acts_on_its_pages(
    empty_directory: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(empty_directory)
    referral = refer(empty_directory, incident, service())
    specialist = client_for(SPECIALIST)
    number = referral.obligation_id
    page = specialist.get(reverse("specialist_referral", args=[number]))
    text = page.content.decode()
    assert page.status_code == 200 and "Acknowledge the referral" in text
    assert "I want the shouting to stop" in text
    # Only what the referral shares: not the incident or the child's record.
    assert incident.police_reference and incident.police_reference not in text
    assert specialist.get(reverse("child_detail", args=[referral.child_id])).status_code == 404
    assert specialist.post(reverse("specialist_acknowledge", args=[number])).status_code == 302
    for name in ("specialist_accept", "specialist_decline"):
        assert specialist.get(reverse(name, args=[number])).status_code == 200
    today = clock.local_now().date()
    expected = today + dt.timedelta(days=14)
    accepted = specialist.post(
        reverse("specialist_accept", args=[number]),
        {
            "answer": "waiting_list",
            "expected_start_on_0": expected.day,
            "expected_start_on_1": expected.month,
            "expected_start_on_2": expected.year,
        },
    )
    assert accepted.status_code == 302
    waiting = specialist.get(reverse("specialist_waiting_list"))
    assert waiting.status_code == 200 and "Mia Vance" in waiting.content.decode()
    start = {"on_0": today.day, "on_1": today.month, "on_2": today.year}
    assert specialist.post(reverse("specialist_start", args=[number]), start).status_code == 302
    assert specialist.post(reverse("specialist_session", args=[number]), start).status_code == 302
    assert specialist.get(reverse("specialist_outcome", args=[number])).status_code == 200
    ended = specialist.post(reverse("specialist_outcome", args=[number]), {"outcome": "moved_on"})
    assert ended.status_code == 302
    referral.refresh_from_db()
    assert referral.obligation.outcome == "moved_on" and referral.sessions.count() == 1
    # The front door sees each step on the child's safeguarding record.
    record = client_for(FRONT_DOOR).get(
        reverse("child_safeguarding_record", args=[referral.child_id])
    )
    assert record.status_code == 200 and "Moved on to another service" in record.content.decode()


def test_a_service_sees_only_its_own_referrals(
    empty_directory: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(empty_directory)
    referral = refer(empty_directory, incident, service())
    number = referral.obligation_id
    for email in (SOUTH_FRONT_DOOR, IDVA):
        other = client_for(email)
        assert other.get(reverse("specialist_referral", args=[number])).status_code == 404
        assert other.get(reverse("specialist_refer", args=[referral.child_id])).status_code == 404
        assert other.post(reverse("specialist_acknowledge", args=[number])).status_code == 404
    # The referrer may read but not act.
    front_door = client_for(FRONT_DOOR)
    assert front_door.get(reverse("specialist_referral", args=[number])).status_code == 200
    assert front_door.post(reverse("specialist_acknowledge", args=[number])).status_code == 404
    assert front_door.get(reverse("specialist_accept", args=[number])).status_code == 403


def test_access_ends_with_the_ledgers_window(empty_directory: Any) -> None:
    incident = submitted_incident(empty_directory)
    referral = refer(empty_directory, incident, service())
    specialist = empty_directory.actor(SPECIALIST)
    services.referral_decline(
        actor=specialist, referral=referral, reason="family_declined", note="Not now"
    )
    referral.obligation.refresh_from_db()
    ends = referral.obligation.access_ends_at
    assert ends is not None
    with time_machine.travel(ends - dt.timedelta(minutes=1)):
        assert selectors.referral_get_for(actor=specialist, obligation_id=referral.obligation_id)
    with time_machine.travel(ends + dt.timedelta(minutes=1)):
        from hearth.core.errors import NotFound

        with pytest.raises(NotFound):
            selectors.referral_get_for(actor=specialist, obligation_id=referral.obligation_id)
        # The referrer still sees it.
        front_door = empty_directory.actor(FRONT_DOOR)
        assert selectors.referral_get_for(actor=front_door, obligation_id=referral.obligation_id)


def test_every_read_is_logged(empty_directory: Any) -> None:
    incident = submitted_incident(empty_directory)
    referral = refer(empty_directory, incident, service())
    before = logged(referral)
    selectors.referral_get_for(
        actor=empty_directory.actor(SPECIALIST), obligation_id=referral.obligation_id
    )
    selectors.referrals_received(actor=empty_directory.actor(SPECIALIST), waiting_only=False)
    selectors.referrals_for_child(
        actor=empty_directory.actor(FRONT_DOOR), child_id=referral.child_id
    )
    assert logged(referral) == before + 3
    assert AccessEvent.objects.filter(purpose="View a specialist support referral").exists()


def test_the_lead_agency_sees_its_unmet_need(
    empty_directory: Any, client_for: Callable[[str], Client]
) -> None:
    service()
    incident = submitted_incident(empty_directory)
    page = client_for(FRONT_DOOR).get(reverse("specialist_unmet_need"))
    text = page.content.decode()
    assert page.status_code == 200 and "Ava Vance" in text and "Mia Vance" not in text
    assert "No service covers the child&#x27;s area and age" in text
    other = client_for(SOUTH_FRONT_DOOR).get(reverse("specialist_unmet_need")).content.decode()
    assert "Ava Vance" not in other
    assert AccessEventRecord.objects.filter(
        record_type="specialist.unmetneed", event__purpose__startswith="List unmet need"
    ).exists()
    del incident


def test_the_childs_page_links_to_referring(
    empty_directory: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(empty_directory)
    mia = child(incident, "Mia")
    page = client_for("ppu.officer@police.wessex.example").get(
        reverse("child_detail", args=[mia.pk])
    )
    assert page.status_code == 200
    assert reverse("specialist_refer", args=[mia.pk]) in page.content.decode()


def test_the_aggregate_suppresses_small_counts(empty_directory: Any) -> None:
    service()
    submitted_incident(empty_directory)
    rows = selectors.unmet_need_aggregate()
    ava = [r for r in rows if r.age_band == "under_1" and r.area == "Northshire"]
    assert ava and all(r.count == "c" for r in ava)
    assert all(not hasattr(r, "child") for r in rows)


def test_no_service_fits_and_the_referrer_records_unmet_need(
    empty_directory: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(empty_directory)
    mia = child(incident, "Mia")
    from hearth.specialist.models import UnmetNeed

    UnmetNeed.objects.filter(child=mia).delete()  # as if the offer found a service then
    front_door = client_for(FRONT_DOOR)
    url = reverse("specialist_refer", args=[mia.pk])
    page = front_door.get(url).content.decode()
    assert "No service covers the child&#x27;s area and age" in page
    assert "Record this as unmet need" in page
    recorded = front_door.post(reverse("specialist_refer_unmet", args=[mia.pk]))
    assert recorded.status_code == 302
    assert UnmetNeed.objects.open().filter(child=mia, reason="no_service").count() == 1
    assert "Record this as unmet need" not in front_door.get(url).content.decode()
    other = client_for(SOUTH_FRONT_DOOR).post(reverse("specialist_refer_unmet", args=[mia.pk]))
    assert other.status_code == 404


def test_the_lead_agency_follows_a_referral_another_agency_made(empty_directory: Any) -> None:
    incident = submitted_incident(empty_directory)
    police = empty_directory.actor("ppu.officer@police.wessex.example")
    referral = services.referral_create(
        actor=police,
        child_id=child(incident, "Leo").pk,
        service_id=service().pk,
        need="Support after the incident",
        parent_consent="given",
    )
    assert referral.obligation.referrer_agency_id == police.agency_id
    lead = empty_directory.actor(FRONT_DOOR)
    seen = selectors.referral_get_for(actor=lead, obligation_id=referral.obligation_id)
    assert seen.referral.pk == referral.pk and not seen.is_recipient
    assert selectors.referral_get_for(actor=police, obligation_id=referral.obligation_id)
    from hearth.core.errors import NotFound

    with pytest.raises(NotFound):
        selectors.referral_get_for(
            actor=empty_directory.actor(SOUTH_FRONT_DOOR), obligation_id=referral.obligation_id
        )
