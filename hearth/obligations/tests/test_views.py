"""The obligations pages through the test client: a team's inbox (overdue first, filters,
bulk acknowledgement, the manager's view, a fixed number of queries), one obligation and
acting on it (decision, assessment, outcome, redirect, withdraw), completing and sending
a MARAC referral, the referrer's list, the child's safeguarding record, the incident's
section, access (404 for another agency, 403 for an action the viewer may not take) and
the access log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.audit.models import AccessEvent
from hearth.core import clock
from hearth.encompass import services as encompass
from hearth.encompass.models import EncompassNotification
from hearth.obligations import services
from hearth.obligations.models import Obligation
from hearth.obligations.tests.factories import (
    EDUCATION,
    FRONT_DOOR,
    FRONT_DOOR_MANAGER,
    IDVA,
    OFFICER,
    PPU,
    SOUTH_FRONT_DOOR,
    SOUTHMOOR,
    checklist,
    of,
    submitted_incident,
    team,
)
from hearth.referrals import services as referral_services
from hearth.referrals.policy import Route, Status

pytestmark = pytest.mark.django_db

NOVEMBER_23 = dt.datetime(2026, 11, 23, 10, tzinfo=dt.UTC)  # a Monday
NOVEMBER_30 = dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC)


def inbox_url(slug: str = "northshire-front-door", **query: str) -> str:
    url = reverse("team_inbox", args=[team(slug).pk])
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def detail_url(obligation: Obligation) -> str:
    return reverse("obligation_detail", args=[obligation.pk])


def text(response: Any) -> str:
    return response.content.decode()


def date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- The inbox ----------------------------------------------------------------------------------


def test_the_inbox_lists_overdue_work_first_with_siblings_and_counts(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    with time_machine.travel(NOVEMBER_23):
        old = submitted_incident(wessex, reference="WX/2026/0100")
    with time_machine.travel(NOVEMBER_30):
        new = submitted_incident(wessex, reference="WX/2026/0101")
        client = client_for(FRONT_DOOR)
        response = client.get(inbox_url())
        rows = response.context["inbox"].rows
        ours = [
            r
            for r in rows
            if r.obligation.incident_id in (old.pk, new.pk)
            and r.obligation.route == Route.CHILD_CONCERN
        ]
        assert [r.is_overdue for r in ours] == [True] * 3 + [False] * 3
    assert response.status_code == 200
    page = text(response)
    assert page.index("WX/2026/0100") < page.index("WX/2026/0101")
    assert "Overdue by" in page and ">Overdue</strong>" in page
    assert "with Leo Hart, Ava Vance" in page  # Mia's siblings under her name
    inbox = response.context["inbox"]
    assert f"{inbox.total} open, {inbox.overdue} overdue" in page
    assert "Manager view" not in page
    assert 'name="obligations"' in page and "Acknowledge selected" in page


def test_the_manager_sees_the_open_work_by_status_and_by_person(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    services.obligation_claim(
        actor=wessex.actor(FRONT_DOOR), obligation=of(incident, Route.CHILD_CONCERN)[0]
    )
    page = text(client_for(FRONT_DOOR_MANAGER).get(inbox_url()))
    assert "Manager view" in page
    open_sent = Obligation.objects.filter(team=team("northshire-front-door"), status="sent")
    assert f"<li>Sent: {open_sent.count()}</li>" in page
    assert "<li>Frankie Carver: 1</li>" in page and "<li>Not claimed: " in page


def test_the_inbox_filters(wessex: Any, client_for: Callable[[str], Client]) -> None:
    incident = submitted_incident(wessex, reference="WX/2026/0200")
    southmoor = submitted_incident(wessex, reference="WX/2026/0201", la=SOUTHMOOR)
    practitioner = wessex.actor(FRONT_DOOR)
    mia, leo, ava = of(incident, Route.CHILD_CONCERN)
    services.obligation_claim(actor=practitioner, obligation=leo)
    referral_services.decision_record(
        actor=practitioner, obligation=ava, decision="no_further_action"
    )
    client = client_for(FRONT_DOOR)

    def shown(**query: str) -> set[int]:
        response = client.get(inbox_url(**query))
        assert response.status_code == 200
        return {row.obligation.pk for row in response.context["inbox"].rows}

    assert {mia.pk, leo.pk} <= shown() and ava.pk not in shown()
    assert shown(show="mine") == {leo.pk}
    assert shown(status="ended") >= {ava.pk} and mia.pk not in shown(status="ended")
    assert shown(status="closed") & {mia.pk, leo.pk, ava.pk} == {ava.pk}
    follow_ups = shown(route="child_follow_up")
    assert {o.route for o in Obligation.objects.filter(pk__in=follow_ups)} <= {"child_follow_up"}
    assert not follow_ups & {mia.pk, leo.pk}
    southmoor_la = southmoor.local_authority_id
    assert shown(local_authority=str(southmoor_la)) == set()  # Southmoor's front door has it
    assert shown(local_authority=str(incident.local_authority_id)) >= {mia.pk, leo.pk}
    assert shown(show="overdue") & {mia.pk, leo.pk} == set()
    due = mia.deadlines.order_by("due_at").first()
    assert due is not None
    day = due.due_at.astimezone(dt.timezone(dt.timedelta(0))).date() - dt.timedelta(days=1)
    assert {mia.pk, leo.pk} & shown(
        due_by_0=str(day.day), due_by_1=str(day.month), due_by_2=str(day.year)
    ) == set()


def test_a_filter_with_a_bad_date_shows_a_govuk_error(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    response = client_for(FRONT_DOOR).get(inbox_url(due_by_0="31", due_by_1="2", due_by_2="2026"))
    assert response.status_code == 200
    page = text(response)
    assert "<title>Error: " in page
    assert "There is a problem" in page and "The due date must be a real date" in page


def test_bulk_acknowledge_acknowledges_exactly_the_chosen_items(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    mia, leo, ava = of(incident, Route.CHILD_CONCERN)
    client = client_for(FRONT_DOOR)
    url = reverse("team_inbox_acknowledge", args=[team("northshire-front-door").pk])
    response = client.post(url, {"obligations": [str(mia.pk), str(ava.pk)]}, follow=True)
    assert response.redirect_chain[-1][0] == inbox_url()
    assert "You have acknowledged 2 items" in messages_of(response)
    statuses = {o.pk: o.status for o in of(incident, Route.CHILD_CONCERN)}
    assert statuses == {
        mia.pk: Status.ACKNOWLEDGED,
        leo.pk: Status.SENT,
        ava.pk: Status.ACKNOWLEDGED,
    }

    # Nothing chosen, or only another team's item (a forged id), acknowledges nothing.
    south = submitted_incident(wessex, reference="WX/2026/0300", la=SOUTHMOOR)
    forged = of(south, Route.CHILD_CONCERN)[0]
    for data in ({}, {"obligations": [str(forged.pk)]}, {"obligations": ["x"]}):
        response = client.post(url, data, follow=True)
        assert "Select the items to acknowledge" in messages_of(response)
    forged.refresh_from_db()
    assert forged.status == Status.SENT
    # Another team's inbox is not found.
    other = reverse("team_inbox_acknowledge", args=[team("southmoor-front-door").pk])
    assert client.post(other, {"obligations": [str(forged.pk)]}).status_code == 404


def test_bulk_acknowledge_keeps_the_filters(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    mia = of(incident, Route.CHILD_CONCERN)[0]
    url = reverse("team_inbox_acknowledge", args=[team("northshire-front-door").pk])
    response = client_for(FRONT_DOOR).post(
        f"{url}?route=child_concern_notification", {"obligations": [mia.pk]}
    )
    assert response["Location"] == inbox_url(route="child_concern_notification")


def test_another_local_authority_finds_neither_the_obligation_nor_the_inbox(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    mia = of(incident, Route.CHILD_CONCERN)[0]
    client = client_for(SOUTH_FRONT_DOOR)
    missing = Obligation.objects.latest("pk").pk + 1000
    for url in (
        detail_url(mia),
        reverse("obligation_detail", args=[missing]),
        reverse("obligation_decision", args=[mia.pk]),
        inbox_url(),
        reverse("child_safeguarding_record", args=[mia.subject_id]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("obligation_acknowledge", args=[mia.pk])).status_code == 404
    mia.refresh_from_db()
    assert mia.status == Status.SENT


def test_the_inbox_takes_the_same_number_of_queries_for_3_or_12_items(
    wessex: Any, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    submitted_incident(wessex, reference="WX/2026/0400")
    client = client_for(FRONT_DOOR_MANAGER)
    client.get(inbox_url())  # warm the session
    with CaptureQueriesContext(connection) as three:
        assert client.get(inbox_url()).status_code == 200
    for number in range(401, 404):
        submitted_incident(wessex, reference=f"WX/2026/0{number}")
    with django_assert_max_num_queries(len(three)):
        response = client.get(inbox_url())
    assert (
        len(
            [
                r
                for r in response.context["inbox"].rows
                if r.obligation.incident.police_reference.startswith("WX/2026/04")
                and r.obligation.route == Route.CHILD_CONCERN
            ]
        )
        == 12
    )
    with CaptureQueriesContext(connection) as twelve:
        client.get(inbox_url())
    assert len(twelve) == len(three)


def test_the_work_link_goes_to_the_persons_inbox_or_says_there_is_none(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    response = client_for(FRONT_DOOR).get(reverse("inbox_home"))
    assert response["Location"] == inbox_url()
    analysis = team("partnership-analysis")
    analysis.is_active = False
    analysis.save()
    page = text(client_for("analyst@partnership.wessex.example").get(reverse("inbox_home")))
    assert "You do not work from a team inbox" in page


# --- One obligation ------------------------------------------------------------------------------


def test_the_front_door_sees_what_the_notification_shares(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=10)
    mia = of(incident, Route.CHILD_CONCERN)[0]
    before = AccessEvent.objects.count()
    response = client_for(FRONT_DOOR).get(detail_url(mia))
    assert response.status_code == 200
    page = text(response)
    assert "Child concern notification for Mia Vance" in page
    assert "Rule CCN-1 version 1" in page
    assert "Daddy was shouting and pushed Mummy." in page and "govuk-inset-text" in page
    assert "Kerry Vance" in page and "Dean Vance" in page
    assert "Risk to Kerry Vance" in page and "10 yes answers" in page
    assert "Leo Hart" in page and detail_url(of(incident, Route.CHILD_CONCERN)[1]) in page
    assert "Acknowledge</button>" in page and "Record the decision" in page and "Claim" in page
    assert "Withdraw</a>" not in page  # only the team's manager withdraws
    assert reverse("child_safeguarding_record", args=[mia.subject_id]) in page
    assert AccessEvent.objects.count() > before
    assert AccessEvent.objects.latest("pk").route == "obligation_detail"


def test_acknowledging_and_claiming_from_the_page(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    mia = of(submitted_incident(wessex), Route.CHILD_CONCERN)[0]
    client = client_for(FRONT_DOOR)
    response = client.post(reverse("obligation_acknowledge", args=[mia.pk]), follow=True)
    assert "You have acknowledged the child concern notification for Mia Vance" in messages_of(
        response
    )
    assert client.get(reverse("obligation_acknowledge", args=[mia.pk])).status_code == 405
    response = client.post(reverse("obligation_claim", args=[mia.pk]), follow=True)
    assert "You have claimed the child concern notification for Mia Vance" in messages_of(response)
    mia.refresh_from_db()
    assert mia.status == Status.ACKNOWLEDGED and mia.claimed_by == wessex.user(FRONT_DOOR)
    page = text(client.get(detail_url(mia)))
    assert "By Frankie Carver on" in page and "Acknowledge</button>" not in page
    # The referrer sees it but may not act on it.
    officer = client_for(OFFICER)
    assert officer.get(detail_url(mia)).status_code == 200
    assert officer.post(reverse("obligation_claim", args=[mia.pk])).status_code == 403
    assert officer.get(reverse("obligation_decision", args=[mia.pk])).status_code == 403


def test_a_decision_needs_a_choice_and_the_officer_then_sees_it(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    mia = of(incident, Route.CHILD_CONCERN)[0]
    client = client_for(FRONT_DOOR)
    url = reverse("obligation_decision", args=[mia.pk])
    assert "What have you decided for Mia Vance?" in text(client.get(url))  # with her siblings
    response = client.post(url, {"note": "Thinking"})
    page = text(response)
    assert response.status_code == 200
    assert "<title>Error: Record the decision" in page
    assert page.index("govuk-error-summary") < page.index("<h1")
    assert 'href="#id_decision_1">Select the decision' in page

    response = client.post(url, {"decision": "early_help", "note": "Family hub in Ashcombe"})
    assert response["Location"] == detail_url(mia)
    mia.refresh_from_db()
    assert (mia.status, mia.outcome) == (Status.CLOSED, "early_help")
    # Decided already: the page goes back to the obligation.
    assert client.get(url)["Location"] == detail_url(mia)

    summary = text(client_for(OFFICER).get(reverse("incident_detail", args=[incident.pk])))
    assert "Referrals and notifications" in summary
    assert "Decision: Early help" in summary
    assert "Still open" in summary


def test_a_decision_to_assess_starts_an_assessment_recorded_on_its_page(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    mia, leo, _ = of(incident, Route.CHILD_CONCERN)
    client = client_for(FRONT_DOOR)
    today = clock.local_now().date()
    started = today - dt.timedelta(days=2)
    response = client.post(
        reverse("obligation_decision", args=[mia.pk]),
        {"decision": "child_in_need_assessment", **date_fields("assessment_started_on", started)},
    )
    assert response.status_code == 302
    (assessment,) = mia.assessments.all()
    assert assessment.started_on == started
    page = text(client.get(detail_url(mia)))
    assert "Record the assessment" in page
    url = reverse("obligation_assessment", args=[mia.pk, assessment.pk])
    assert "Factors identified at the end of the assessment" in text(client.get(url))
    dates = {**date_fields("started_on", started), **date_fields("authorised_on", today)}
    response = client.post(url, {**dates, "factors": ["21", "3A"]})
    page = text(response)
    assert response.status_code == 200 and "<title>Error: " in page
    assert "&#x27;No factors identified&#x27; cannot be chosen with other factors" in page
    response = client.post(url, {**dates, "factors": ["3A", "99Z"]})
    assert "Select the factors from the list" in text(response)
    response = client.post(url, {**dates, "factors": ["3A", "3B"]})
    assert response["Location"] == detail_url(mia)
    mia.refresh_from_db()
    assert mia.status == Status.CLOSED
    # An assessment of another notification is not found through this one.
    assert (
        client.get(reverse("obligation_assessment", args=[leo.pk, assessment.pk])).status_code
        == 404
    )


def test_an_outcome_closes_an_idva_referral(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=14)
    (idva,) = of(incident, Route.IDVA_REFERRAL)
    client = client_for(IDVA)
    page = text(client.get(detail_url(idva)))
    assert "07700 900123" in page and "Weekdays 10–12" in page  # the safe contact
    url = reverse("obligation_outcome", args=[idva.pk])
    response = client.post(url, {})
    assert "Select the outcome" in text(response)
    response = client.post(url, {"outcome": "engaged"})
    assert response["Location"] == detail_url(idva)
    idva.refresh_from_db()
    assert idva.status == Status.CLOSED
    # A child concern notification's outcome is its decision.
    mia = of(incident, Route.CHILD_CONCERN)[0]
    assert client_for(FRONT_DOOR).get(reverse("obligation_outcome", args=[mia.pk]))[
        "Location"
    ] == reverse("obligation_decision", args=[mia.pk])


def test_a_childs_follow_up_needs_a_note_saying_how_they_were_seen(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=14)
    services.obligation_acknowledge(
        actor=wessex.actor(IDVA), obligation=of(incident, Route.IDVA_REFERRAL)[0]
    )
    follow_up = of(incident, Route.CHILD_FOLLOW_UP)[0]
    client = client_for(FRONT_DOOR)
    page = text(client.get(detail_url(follow_up)))
    assert "IDVA referral acknowledged by Wessex IDVA team" in page
    url = reverse("obligation_outcome", args=[follow_up.pk])
    response = client.post(url, {"outcome": "safe_and_supported"})
    assert "Enter when and how the child was seen, and what support they have" in text(response)
    response = client.post(
        url, {"outcome": "safe_and_supported", "note": "Seen at school on 1 December"}
    )
    assert response.status_code == 302


def test_redirecting_sends_it_to_another_team_and_back_to_the_inbox(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    mia = of(submitted_incident(wessex), Route.CHILD_CONCERN)[0]
    client = client_for(FRONT_DOOR)
    url = reverse("obligation_redirect", args=[mia.pk])
    page = text(client.get(url))
    assert "Southmoor front door" in page and "Northshire front door</option>" not in page
    response = client.post(url, {"to_team": str(team("southmoor-front-door").pk)})
    assert "Enter why it should go to another team" in text(response)
    response = client.post(
        url, {"to_team": str(team("northshire-marac-coordination").pk), "reason": "x"}
    )
    assert "Select the team it should go to" in text(response)
    response = client.post(
        url,
        {"to_team": str(team("southmoor-front-door").pk), "reason": "Lives in Southmoor"},
        follow=True,
    )
    assert response.redirect_chain[0][0] == reverse("inbox_home")
    assert (
        "The child concern notification for Mia Vance has been redirected to Southmoor front door"
        in messages_of(response)
    )
    mia.refresh_from_db()
    assert mia.team == team("southmoor-front-door")
    assert client.get(detail_url(mia)).status_code == 404
    assert client_for(SOUTH_FRONT_DOOR).get(detail_url(mia)).status_code == 200


def test_only_the_teams_manager_withdraws(wessex: Any, client_for: Callable[[str], Client]) -> None:
    mia = of(submitted_incident(wessex), Route.CHILD_CONCERN)[0]
    url = reverse("obligation_withdraw", args=[mia.pk])
    assert client_for(FRONT_DOOR).get(url).status_code == 403
    assert client_for(FRONT_DOOR).post(url, {"reason": "Duplicate"}).status_code == 403
    manager = client_for(FRONT_DOOR_MANAGER)
    assert "Withdraw</a>" in text(manager.get(detail_url(mia)))
    response = manager.post(url, {"reason": " "})
    assert "Enter why it is being withdrawn" in text(response)
    response = manager.post(url, {"reason": "Duplicate of WX/2026/0099"}, follow=True)
    assert "The child concern notification for Mia Vance has been withdrawn" in messages_of(
        response
    )
    assert "Duplicate of WX/2026/0099" in text(response)
    mia.refresh_from_db()
    assert mia.status == Status.WITHDRAWN


# --- A MARAC referral ---------------------------------------------------------------------------


def test_the_referrer_completes_and_sends_a_marac_referral(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=15)
    (marac,) = of(incident, Route.MARAC_REFERRAL)
    client = client_for(PPU)
    page = text(client.get(detail_url(marac)))
    assert "This referral cannot be sent yet" in page
    assert "Say whether the victim knows about this referral" in page
    assert "Visible high risk" in page and "Mia Vance" in page
    response = client.post(reverse("obligation_send", args=[marac.pk]), follow=True)
    assert any("The referral has not been sent" in m for m in messages_of(response))
    marac.refresh_from_db()
    assert marac.status == Status.CREATED

    url = reverse("marac_referral_edit", args=[marac.pk])
    assert "07700 900123" in text(client.get(url))  # the safe contact from the checklist
    response = client.post(url, {"victim_aware": "no"})
    page = text(response)
    assert "<title>Error: " in page
    assert "Enter why the victim does not know about this referral" in page
    response = client.post(
        url,
        {
            "victim_aware": "no",
            "not_aware_reason": "The perpetrator checks her phone",
            "consent_given": "not_asked",
            "safe_contact_number": "07700 900123",
            "number_safe_to_call": "yes",
            "safe_times": "Weekdays 10–12",
            "afraid_of": "Dean Vance",
        },
    )
    assert response["Location"] == detail_url(marac)
    page = text(client.get(detail_url(marac)))
    assert "This referral cannot be sent yet" not in page and "Send referral" in page
    response = client.post(reverse("obligation_send", args=[marac.pk]), follow=True)
    assert (
        "The MARAC referral for Kerry Vance has been sent to Northshire MARAC coordination"
        in messages_of(response)
    )
    marac.refresh_from_db()
    assert marac.status == Status.SENT
    assert client.get(url)["Location"] == detail_url(marac)  # sent: no longer changed
    # The MARAC sees the children and their notifications' status.
    page = text(client_for("marac.coordinator@northshire.wessex.example").get(detail_url(marac)))
    assert "Children in the household" in page and "Leo Hart" in page
    assert "The perpetrator checks her phone" in page


def test_the_referrer_raises_a_missing_childs_notification(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=15)
    (marac,) = of(incident, Route.MARAC_REFERRAL)
    link = marac.marac_referral.children.first()
    assert link is not None and link.notification is not None
    services.obligation_withdraw(
        actor=wessex.actor(FRONT_DOOR_MANAGER), obligation=link.notification, reason="In error"
    )
    link.notification = None
    link.save()
    client = client_for(PPU)
    page = text(client.get(detail_url(marac)))
    assert f"Send a child concern notification for {link.child.full_name}" in page
    url = reverse("marac_child_notification_raise", args=[marac.pk, link.child_id])
    response = client.post(url, follow=True)
    assert any("has been sent and linked to this referral" in m for m in messages_of(response))
    link.refresh_from_db()
    assert link.notification is not None
    not_in_it = reverse("marac_child_notification_raise", args=[marac.pk, 10**6])
    assert client.post(not_in_it).status_code == 404
    # Only the referrer completes the referral.
    assert (
        client_for(FRONT_DOOR).get(reverse("marac_referral_edit", args=[marac.pk])).status_code
        == 404
    )


# --- The referrer's list, the incident and the child's record -----------------------------------------


def test_the_police_follow_up_what_they_sent(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    with time_machine.travel(NOVEMBER_23):
        late = submitted_incident(wessex, reference="WX/2026/0500")
    with time_machine.travel(NOVEMBER_30):
        fresh = submitted_incident(wessex, reference="WX/2026/0501")
        client = client_for(PPU)
        page = text(client.get(reverse("referrals_sent")))
        assert "WX/2026/0500" in page and "WX/2026/0501" in page
        assert page.index("WX/2026/0501") < page.index("WX/2026/0500")  # newest first
        assert "Northshire front door" in page
        response = client.get(reverse("referrals_sent"), {"late": "on"})
    shown = {row.obligation.incident_id for row in response.context["referrals"].rows}
    assert late.pk in shown and fresh.pk not in shown
    assert "Not acknowledged in time" in text(response)
    event = AccessEvent.objects.latest("pk")
    assert event.route == "referrals_sent" and event.query == {"not_acknowledged_in_time": "yes"}


def test_the_incident_page_shows_complete_when_every_childs_obligations_are_closed(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    for notification in of(incident, Route.CHILD_CONCERN):
        referral_services.decision_record(
            actor=wessex.actor(FRONT_DOOR), obligation=notification, decision="no_further_action"
        )
    url = reverse("incident_detail", args=[incident.pk])
    # The children's schools are not known: the education safeguarding team was told too,
    # and the incident is complete only when that notification is closed as well.
    assert "Every child's obligations are closed" not in text(client_for(OFFICER).get(url))
    education = wessex.actor(EDUCATION)
    for school_notice in EncompassNotification.objects.filter(obligation__incident=incident):
        encompass.notification_support_record(
            actor=education, notification=school_notice, support="already_known"
        )
        encompass.notification_outcome_record(
            actor=education, notification=school_notice, outcome="Known to the team"
        )
    # And each child's offer of specialist support (SPECIALIST-1) has its outcome.
    assert "Every child's obligations are closed" not in text(client_for(OFFICER).get(url))
    for offer in of(incident, "specialist_offer"):
        services.outcome_record(
            actor=wessex.actor(FRONT_DOOR), obligation=offer, outcome="not_needed", note="Known"
        )
    page = text(client_for(OFFICER).get(url))
    assert "Every child's obligations are closed" in page
    assert page.count("Decision: No further action") == 3


def test_the_incident_page_warns_of_work_that_could_not_be_sent(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex, la=None)
    page = text(client_for(OFFICER).get(reverse("incident_detail", args=[incident.pk])))
    # Each child's child concern notification, the two school-age children's Operation
    # Encompass notifications (no education safeguarding team is known either), and each
    # child victim's offer of specialist support (no lead agency is known).
    assert "Hearth could not send 8 items" in page
    assert "No children&#x27;s services front door is known" in page
    assert "no education safeguarding team is known" in page


def test_the_childs_safeguarding_record_lists_every_obligation(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    checklist(wessex, incident, yes=14)
    services.obligation_acknowledge(
        actor=wessex.actor(IDVA), obligation=of(incident, Route.IDVA_REFERRAL)[0]
    )
    mia = of(incident, Route.CHILD_CONCERN)[0]
    url = reverse("child_safeguarding_record", args=[mia.subject_id])
    before = AccessEvent.objects.count()
    page = text(client_for(FRONT_DOOR).get(url))
    assert "Mia Vance" in page and "4 still open" in page
    assert "Child concern notification" in page and "Child follow-up" in page
    assert "Operation Encompass notification" in page
    assert "Northshire Council children&#x27;s services" in page or "Northshire" in page
    assert AccessEvent.objects.count() == before + 1
    child_page = text(client_for(OFFICER).get(reverse("child_detail", args=[mia.subject_id])))
    assert url in child_page
    assert client_for(IDVA).get(url).status_code == 404


def test_every_obligations_page_with_personal_data_writes_an_access_event(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    incident = submitted_incident(wessex)
    mia = of(incident, Route.CHILD_CONCERN)[0]
    client = client_for(FRONT_DOOR_MANAGER)
    for name, args in (
        ("team_inbox", [team("northshire-front-door").pk]),
        ("obligation_detail", [mia.pk]),
        ("obligation_decision", [mia.pk]),
        ("obligation_redirect", [mia.pk]),
        ("obligation_withdraw", [mia.pk]),
        ("child_safeguarding_record", [mia.subject_id]),
    ):
        latest = AccessEvent.objects.order_by("pk").last()
        last = latest.pk if latest else 0
        assert client.get(reverse(name, args=args)).status_code == 200, name
        event = AccessEvent.objects.filter(pk__gt=last).latest("pk")
        assert event.route == name and event.user == wessex.user(FRONT_DOOR_MANAGER)


def test_the_referrers_list_takes_the_same_number_of_queries_for_3_or_12_items(
    wessex: Any, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    submitted_incident(wessex, reference="WX/2026/0600")
    client = client_for(PPU)
    client.get(reverse("referrals_sent"))  # warm the session
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("referrals_sent"))
    for number in range(601, 604):
        submitted_incident(wessex, reference=f"WX/2026/0{number}")
    with django_assert_max_num_queries(len(three)):
        response = client.get(reverse("referrals_sent"), {"late": "on"})
    with django_assert_max_num_queries(len(three)):
        response = client.get(reverse("referrals_sent"))
    assert text(response).count("WX/2026/06") >= 12
