"""Operation Encompass on the database (rule ENC-1, issue 6): a submitted police incident
tells each child's school once, with the content of the force's template and never the
perpetrator; the proof of the duty (delivered, first opened by the school, acknowledged);
the support the school will give and how it went; the school's inbox and the force's
list of late ones, with access events and a fixed number of queries; and what the school
can never open: the incident, any person's record, the ledger's own pages."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import Wessex, _SeedCopy
from hearth.accounts.models import Area
from hearth.audit.models import AccessEvent, TimelineEvent
from hearth.core.clock import LONDON
from hearth.core.errors import NotFound, NotPermitted, ValidationFailed
from hearth.core.models import OutboundMessage
from hearth.encompass import policy as enc
from hearth.encompass import services
from hearth.encompass.models import EncompassNotification, EncompassSettings
from hearth.encompass.policy import DO_NOT_APPROACH_PARENTS, Template
from hearth.encompass.routing import encompass_plan
from hearth.encompass.selectors import Show, encompass_notification_get_for
from hearth.encompass.tests.test_inbox_reads_the_rule import (
    assert_each_filter_lists_newest_first_what_it_counts,
)
from hearth.incidents.models import Incident
from hearth.incidents.tests.factories import family_document
from hearth.obligations.models import Obligation, UnroutedWork
from hearth.obligations.routing import incident_route
from hearth.obligations.selectors import child_record_for, incident_obligations_for
from hearth.obligations.tests.factories import (
    EDUCATION,
    FRONT_DOOR,
    OFFICER,
    PPU,
    of,
    submitted_incident,
    team,
)
from hearth.people.models import Person
from hearth.referrals.policy import Route, Status
from hearth.schools.models import EducationSetting

pytestmark = pytest.mark.django_db

# Brackenford Primary School (Northshire's terms) and its people in the demo.
SCHOOL = "Brackenford Primary School"
SCHOOL_TEAM = "brackenford-primary-school-safeguarding"
DSL = "dsl03@schools.wessex.example"
DEPUTY = "deputy.dsl@schools.wessex.example"
OTHER_DSL = "dsl04@schools.wessex.example"  # Brackenford Academy's
ADMINISTRATOR = "administrator@hearth.wessex.example"
HOST = "hearth-service-for-wessex"
FORCE_AREA = "E23900001"

SEEDED = dt.datetime(2026, 11, 30, 12, 0, tzinfo=LONDON)  # a Monday in the autumn term
MONDAY_EVENING = dt.datetime(2026, 11, 30, 22, 0, tzinfo=LONDON)
SUBMITTED = dt.datetime(2026, 12, 1, 22, 0, tzinfo=LONDON)  # Tuesday evening
DUE = dt.datetime(2026, 12, 2, 8, 45, tzinfo=LONDON)  # Wednesday's start, Northshire's terms
PERPETRATOR = ("Dean", "1989-09-15")  # family_document's alleged perpetrator


_SEEDED_AT_A_FIXED_MOMENT = _SeedCopy()


@pytest.fixture
def wessex(db: None) -> Wessex:
    """The demo seeded at a fixed moment (once per test process, then copied for each
    test), so its term calendars cover these tests' dates whenever they run."""
    with time_machine.travel(SEEDED):
        _SEEDED_AT_A_FIXED_MOMENT.seed()
    return Wessex()


def urn(name: str) -> str:
    return EducationSetting.objects.get(name=name).urn


def at_schools(
    wessex: Any,
    reference: str,
    *,
    mia: dict[str, Any] | None = None,
    leo: dict[str, Any] | None = None,
    la: str | None = "E06900001",
) -> Incident:
    """``family_document``'s family with Mia and Leo registered at Brackenford Primary
    School (chosen from the directory) unless told otherwise; Ava is under school age."""
    at_school = {"education": "registered", "education_setting_urn": urn(SCHOOL)}
    changes = {"mia": mia or at_school, "leo": leo or at_school}
    children = [
        replace(c, involvement={**c.involvement, "education_setting": "", **changes[c.ref]})
        if c.ref in changes
        else c
        for c in family_document().children
    ]
    return submitted_incident(wessex, reference=reference, la=la, children=children)


def notification_of(incident: Incident) -> EncompassNotification:
    (obligation,) = of(incident, enc.ROUTE)
    return EncompassNotification.objects.get(obligation=obligation)


def child(incident: Incident, given: str) -> Person:
    return incident.parties.get(role="child", person__given_names=given).person


def events(obligation: Obligation, verb: str) -> int:
    return TimelineEvent.objects.filter(subject_id=str(obligation.pk), verb=verb).count()


def latest_access(purpose: str) -> AccessEvent:
    event = AccessEvent.objects.filter(purpose=purpose).order_by("-pk").first()
    assert event is not None, f"no access event for {purpose!r}"
    return event


def records_of(event: AccessEvent) -> set[tuple[str, str]]:
    return {(r.record_type, r.record_id) for r in event.records.all()}


def detail_url(obligation_id: int, name: str = "encompass_detail") -> str:
    return reverse(name, args=[obligation_id])


@pytest.fixture
def incident(wessex: Any) -> Incident:
    with time_machine.travel(SUBMITTED, tick=False):
        return at_schools(wessex, "WX/2026/0601")


# --- Routing, content, delivery ----------------------------------------------------------


def test_a_police_incident_tells_the_school_once_with_proof_of_delivery_and_no_names(
    wessex: Any,
    django_capture_on_commit_callbacks: Any,
    mailoutbox: list[Any],
    deliver_outbox: Any,
) -> None:
    with (
        time_machine.travel(SUBMITTED, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        incident = at_schools(wessex, "WX/2026/0600")
    mia, leo, ava = child(incident, "Mia"), child(incident, "Leo"), child(incident, "Ava")

    # Mia and Leo at one school: one notification, listing both, to its DSL team.
    notification = notification_of(incident)
    obligation = notification.obligation
    school = team(SCHOOL_TEAM)
    assert obligation.team == school and obligation.status == Status.SENT
    assert notification.setting == EducationSetting.objects.get(name=SCHOOL)
    assert [c.child_id for c in notification.children.all()] == [mia.pk, leo.pk]
    assert obligation.subject_id == mia.pk
    assert obligation.referrer_team == team("wessex-police-public-protection-unit")
    # Ava is under school age and Northshire does not tell health visiting.
    assert not EncompassNotification.objects.filter(children__child=ava).exists()
    assert not UnroutedWork.objects.filter(incident=incident, route=enc.ROUTE).exists()

    # Due before Wednesday's school day, by Northshire's terms; delivered at once.
    (due,) = obligation.deadlines.all()
    assert due.due_at == DUE and not due.estimated
    assert "Northshire's term dates" in due.basis
    assert notification.delivered_at == SUBMITTED
    assert notification.first_opened_at is None

    # Routing again (an amendment, a retry) creates nothing.
    with time_machine.travel(SUBMITTED + dt.timedelta(hours=1)):
        again = incident_route(actor=None, incident=incident)
    assert again.created == [] and again.unrouted == []
    assert len(of(incident, enc.ROUTE)) == 1

    # The alert: to the team's mailbox and the school's DSL (not yet its deputy), naming
    # nobody, reminding the school not to approach the parents.
    alerts = OutboundMessage.objects.filter(
        about_id=str(obligation.pk), purpose="Operation Encompass notification"
    )
    assert sorted(a.recipient for a in alerts) == sorted([school.email, DSL])
    names = {"Mia", "Leo", "Ava", "Vance", "Hart", "Kerry", "Dean"}
    deliver_outbox()
    mails = [m for m in mailoutbox if f"/encompass/{obligation.pk}/" in m.body]
    assert sorted(to for m in mails for to in m.to) == sorted([school.email, DSL])
    for text in (
        *(m.subject for m in mails),
        *(m.body for m in mails),
        *(a.subject for a in alerts),
    ):
        assert not {n for n in names if n in text}, text
    for mail in mails:
        assert DO_NOT_APPROACH_PARENTS in mail.body
        assert "8:45am on Wednesday 2 December" in mail.body


def test_content_follows_the_forces_template_and_never_names_the_perpetrator(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    administrator = wessex.actor(ADMINISTRATOR, HOST)
    force = Area.objects.get(code=FORCE_AREA)
    with pytest.raises(NotPermitted):
        services.encompass_settings_set(actor=wessex.actor(PPU), area=force, template="minimal")
    with time_machine.travel(SUBMITTED):
        services.encompass_settings_set(actor=administrator, area=force, template=Template.MINIMAL)
        minimal = notification_of(at_schools(wessex, "WX/2026/0610"))
        services.encompass_settings_set(actor=administrator, area=force, template=Template.FULL)
        full = notification_of(at_schools(wessex, "WX/2026/0611"))

    assert (minimal.template, full.template) == ("minimal", "full")
    # Minimal: that an incident happened on a date, and each child's basics; no details of
    # who, where or what.
    assert set(minimal.content) == {"template", "incident_date", "children"}
    assert minimal.content["incident_date"] == "2026-11-20"
    mia = minimal.content["children"][0]
    assert mia == {
        "person_id": mia["person_id"],
        "name": "Mia Vance",
        "date_of_birth": "2018-06-11",
        "present": True,
        "welfare_check_done": True,
        "childrens_services_informed": True,  # the front door has its notification
    }
    leo = minimal.content["children"][1]
    assert (leo["name"], leo["present"], leo["childrens_services_informed"]) == (
        "Leo Hart",
        False,
        True,
    )
    text = json.dumps(minimal.content)
    for detail in ("WX/2026/0610", "Larch Close", "Landing", "shouting", "Kerry"):
        assert detail not in text

    # Full: adds the police reference, time and place, where the child was, whether they
    # were spoken to (and alone), and the child's own words.
    assert full.content["police_reference"] == "WX/2026/0611"
    assert full.content["location"] == "14 Larch Close, Ashcombe"
    assert full.content["occurred_at"].startswith("2026-11-20T22:40")
    mia = full.content["children"][0]
    assert mia["where_present"] == "Landing, at the top of the stairs"
    assert (mia["spoken_to"], mia["spoken_to_alone"]) == (True, True)
    assert mia["own_words"].startswith("Daddy was shouting and pushed Mummy")
    assert mia["childrens_services_informed"] is True

    # Neither ever carries the perpetrator (name, date of birth or record).
    perpetrator = Person.objects.get(
        parties__incident=minimal.obligation.incident, parties__role="alleged_perpetrator"
    )
    for notification in (minimal, full):
        text = json.dumps(notification.content)
        assert not [p for p in PERPETRATOR if p in text]
        ids = {c["person_id"] for c in notification.content["children"]}
        assert perpetrator.pk not in ids

    # The DSL's page shows what the template carries, and the perpetrator nowhere.
    with time_machine.travel(DUE - dt.timedelta(hours=1)):
        client = client_for(DSL)
        minimal_page = client.get(detail_url(minimal.obligation_id)).content.decode()
        full_page = client.get(detail_url(full.obligation_id)).content.decode()
    assert "Mia Vance" in minimal_page and "Leo Hart" in minimal_page
    assert "WX/2026/0610" not in minimal_page and "Larch Close" not in minimal_page
    assert "Police reference WX/2026/0611" in full_page and "14 Larch Close" in full_page
    assert "Daddy was shouting" in full_page
    for page in (minimal_page, full_page):
        assert "Dean" not in page and "Do not contact the child&#x27;s parents" in page


def test_childrens_services_informed_is_false_when_no_front_door_was_told(wessex: Any) -> None:
    with time_machine.travel(SUBMITTED):
        incident = at_schools(wessex, "WX/2026/0620", la=None)
    assert of(incident, Route.CHILD_CONCERN) == []  # no area known: not routed
    notification = notification_of(incident)
    assert notification.obligation.team == team(SCHOOL_TEAM)
    assert [c["childrens_services_informed"] for c in notification.content["children"]] == [
        False,
        False,
    ]


def test_a_concern_raised_by_a_school_creates_no_notification(wessex: Any) -> None:
    # The demo's concern: a DSL's concern about Ruby, registered at Ashcombe Primary School.
    concern = Incident.objects.get(kind=Incident.Kind.CONCERN)
    (involvement,) = concern.child_involvements.all()
    assert involvement.education_setting_urn == urn("Ashcombe Primary School")
    assert not of(concern, enc.ROUTE)
    assert encompass_plan(concern).planned == () and encompass_plan(concern).unrouted == ()
    incident_route(actor=None, incident=concern)
    assert not of(concern, enc.ROUTE)
    # The demo's police incidents did tell Brackenford Primary School.
    assert EncompassNotification.objects.filter(obligation__team=team(SCHOOL_TEAM)).exists()


# --- Opening and acting on it --------------------------------------------------------------


def test_opening_is_stamped_once_by_the_school_and_never_by_the_police(
    wessex: Wessex, incident: Incident, client_for: Callable[[str], Client]
) -> None:
    notification = notification_of(incident)
    obligation = notification.obligation
    url = detail_url(obligation.pk)
    children = {("people.person", str(child(incident, n).pk)) for n in ("Mia", "Leo")}

    with time_machine.travel(SUBMITTED + dt.timedelta(minutes=30)):
        police = client_for(PPU)
        response = police.get(url)
        assert response.status_code == 200
        assert not response.context["detail"].is_recipient
        services.notification_open(actor=wessex.actor(PPU), notification=notification)
    notification.refresh_from_db()
    assert notification.first_opened_at is None
    event = latest_access("Read an Operation Encompass notification")
    assert event.user == wessex.user(PPU)
    assert records_of(event) >= {("encompass.encompassnotification", str(notification.pk))}

    opened = DUE - dt.timedelta(minutes=75)
    with time_machine.travel(opened, tick=False):
        school = client_for(DSL)
        page = school.get(url)
    assert page.status_code == 200 and page.context["detail"].is_recipient
    notification.refresh_from_db()
    assert notification.first_opened_at == opened
    assert notification.first_opened_by == wessex.user(DSL)
    event = latest_access("Read an Operation Encompass notification")
    assert event.user == wessex.user(DSL) and event.action == "read"
    assert records_of(event) >= children

    with time_machine.travel(opened + dt.timedelta(minutes=10)):
        assert school.get(url).status_code == 200
        services.notification_open(actor=wessex.actor(DSL), notification=notification)
    notification.refresh_from_db()
    assert notification.first_opened_at == opened
    assert events(obligation, "encompass.opened") == 1


def test_the_school_acknowledges_records_support_and_how_it_went_each_once(
    wessex: Wessex, incident: Incident
) -> None:
    dsl = wessex.actor(DSL)
    notification = notification_of(incident)
    obligation = notification.obligation

    with time_machine.travel(DUE - dt.timedelta(hours=1), tick=False):
        with pytest.raises(ValidationFailed):
            services.notification_outcome_record(
                actor=dsl, notification=notification, outcome="Settled"
            )
        # Only the school acts on it.
        for outsider in (PPU, OTHER_DSL, FRONT_DOOR):
            with pytest.raises(NotPermitted):
                services.notification_acknowledge(
                    actor=wessex.actor(outsider), notification=notification
                )
        services.notification_acknowledge(actor=dsl, notification=notification)
    with time_machine.travel(DUE, tick=False):
        services.notification_acknowledge(actor=dsl, notification=notification)  # a retry
    obligation.refresh_from_db()
    notification.refresh_from_db()
    acknowledged = DUE - dt.timedelta(hours=1)
    assert obligation.status == Status.ACKNOWLEDGED
    assert obligation.acknowledged_at == acknowledged
    assert obligation.deadlines.get().met_at == acknowledged
    # Acknowledging without reading first (a school system) still counts as opening it.
    assert notification.first_opened_at == acknowledged
    assert events(obligation, "obligation.acknowledged") == 1
    assert events(obligation, "encompass.opened") == 1

    with time_machine.travel(DUE + dt.timedelta(hours=2)):
        with pytest.raises(ValidationFailed):  # how it went, before the support
            services.notification_outcome_record(
                actor=dsl, notification=notification, outcome="Settled"
            )
        with pytest.raises(ValidationFailed):
            services.notification_support_record(
                actor=dsl, notification=notification, support="a hug"
            )
        for _ in range(2):
            services.notification_support_record(
                actor=dsl, notification=notification, support="silent_support", note="Class TA"
            )
        obligation.refresh_from_db()
        assert (obligation.status, obligation.outcome) == (
            Status.OUTCOME_RECORDED,
            "silent_support",
        )
        assert events(obligation, "obligation.outcome_recorded") == 1
        services.notification_support_record(
            actor=dsl, notification=notification, support="overt_support"
        )
        obligation.refresh_from_db()
        assert obligation.outcome == "overt_support"
        assert events(obligation, "obligation.outcome_recorded") == 2

    how = "Talked with her form tutor; settled by the end of the week"
    closed = DUE + dt.timedelta(days=7)
    with time_machine.travel(closed, tick=False):
        with pytest.raises(ValidationFailed):
            services.notification_outcome_record(actor=dsl, notification=notification, outcome=" ")
        services.notification_outcome_record(actor=dsl, notification=notification, outcome=how)
    with time_machine.travel(closed + dt.timedelta(hours=1)):
        services.notification_outcome_record(actor=dsl, notification=notification, outcome=how)
        with pytest.raises(ValidationFailed):
            services.notification_support_record(
                actor=dsl, notification=notification, support="silent_support"
            )
        # The force sees the support chosen, not the school's own notes.
        detail = encompass_notification_get_for(
            actor=wessex.actor(PPU), obligation_id=obligation.pk
        )
    obligation.refresh_from_db()
    notification.refresh_from_db()
    assert obligation.status == Status.CLOSED and obligation.outcome == "overt_support"
    assert (notification.support_outcome, notification.support_outcome_at) == (how, closed)
    assert events(obligation, "encompass.support_outcome") == 1
    assert events(obligation, "obligation.closed") == 1
    assert detail.view.support_label.startswith("Overt support")


def test_the_dsls_journey_through_the_pages(
    wessex: Wessex, incident: Incident, client_for: Callable[[str], Client]
) -> None:
    obligation = notification_of(incident).obligation
    pk = obligation.pk
    with time_machine.travel(DUE - dt.timedelta(minutes=30)):
        client = client_for(DSL)
        # How it went cannot come before the support.
        response = client.get(detail_url(pk, "encompass_outcome"))
        assert response.status_code == 302 and response["Location"] == detail_url(pk)
        response = client.post(detail_url(pk, "encompass_acknowledge"))
        assert response.status_code == 302 and response["Location"] == detail_url(pk)
        assert client.post(detail_url(pk, "encompass_acknowledge")).status_code == 302
        page = client.get(detail_url(pk)).content.decode()
        assert "Record the support the school will give" in page
        response = client.post(detail_url(pk, "encompass_support"), {"support": ""})
        assert response.status_code == 200
        assert "Select the support the school will give" in response.content.decode()
        response = client.post(
            detail_url(pk, "encompass_support"), {"support": "silent_support", "note": ""}
        )
        assert response.status_code == 302
        response = client.post(detail_url(pk, "encompass_outcome"), {"outcome": "Going well"})
        assert response.status_code == 302
        # The police read it but may not act on it.
        police = client_for(PPU)
        assert police.post(detail_url(pk, "encompass_acknowledge")).status_code == 403
        assert police.get(detail_url(pk, "encompass_support")).status_code == 403
    obligation.refresh_from_db()
    assert obligation.status == Status.CLOSED
    assert obligation.outcome == "silent_support"
    assert obligation.encompass.support_outcome == "Going well"


def test_no_one_else_sees_or_acts_on_a_schools_notification(
    wessex: Wessex, incident: Incident, client_for: Callable[[str], Client]
) -> None:
    obligation = notification_of(incident).obligation
    pk = obligation.pk
    # Another school's DSL, the executive DSL of two other schools, the front door of the
    # same local authority and its education safeguarding team (nothing escalated yet).
    outsiders = (OTHER_DSL, "dsl@schools.wessex.example", FRONT_DOOR, EDUCATION)
    with time_machine.travel(DUE - dt.timedelta(minutes=30)):
        for email in outsiders:
            with pytest.raises(NotFound):
                encompass_notification_get_for(actor=wessex.actor(email), obligation_id=pk)
            client = client_for(email)
            for name in ("encompass_detail", "encompass_support", "encompass_outcome"):
                assert client.get(detail_url(pk, name)).status_code == 404, (email, name)
            assert client.post(detail_url(pk, "encompass_acknowledge")).status_code == 404
            listed = client.get(reverse("encompass_inbox")).context["inbox"].items
            assert pk not in {item.obligation.pk for item in listed}
    obligation.refresh_from_db()
    assert obligation.status == Status.SENT
    assert obligation.encompass.first_opened_at is None


def test_the_school_can_never_open_the_incident_or_any_persons_record(
    wessex: Wessex, incident: Incident, client_for: Callable[[str], Client]
) -> None:
    obligation = notification_of(incident).obligation
    people = [p.person for p in incident.parties.select_related("person")]
    concerns = of(incident, Route.CHILD_CONCERN)
    with time_machine.travel(DUE - dt.timedelta(minutes=30)):
        client = client_for(DSL)
        assert client.get(detail_url(obligation.pk)).status_code == 200
        urls = [
            reverse("incident_detail", args=[incident.pk]),
            reverse("incident_children", args=[incident.pk]),
            reverse("obligation_detail", args=[obligation.pk]),
            *(reverse("obligation_detail", args=[o.pk]) for o in concerns),
            *(reverse("person_detail", args=[p.pk]) for p in people),
            *(reverse("child_detail", args=[p.pk]) for p in people),
            *(reverse("child_safeguarding_record", args=[p.pk]) for p in people),
        ]
        for url in urls:
            assert client.get(url).status_code == 404, url
        # The team's /work/ inbox is the ledger's: Encompass is read only on its own pages.
        work = client.get(reverse("inbox_home"), follow=True)
        assert work.status_code == 200
        rows = work.context["inbox"].rows
        assert all(row.obligation.route != enc.ROUTE for row in rows)
        assert f"/obligations/{obligation.pk}/" not in work.content.decode()
        assert not Obligation.objects.visible_to(wessex.actor(DSL)).filter(pk=obligation.pk)


# --- The school's inbox and the force's list ----------------------------------------------


def _inbox_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("encompass_inbox")).status_code == 200
    return len(queries)


def test_the_inbox_lists_newest_first_with_overdue_flags_in_few_queries(
    wessex: Wessex, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    with time_machine.travel(MONDAY_EVENING):
        older = notification_of(at_schools(wessex, "WX/2026/0630")).obligation
    with time_machine.travel(SUBMITTED):
        newer = notification_of(at_schools(wessex, "WX/2026/0631")).obligation
    with time_machine.travel(DUE - dt.timedelta(minutes=30)):
        client = client_for(DSL)
        with django_assert_max_num_queries(18):
            response = client.get(reverse("encompass_inbox"))
        assert response.status_code == 200
        inbox = response.context["inbox"]
        ours = [i for i in inbox.items if i.obligation.pk in (older.pk, newer.pk)]
        assert [i.obligation.pk for i in ours] == [newer.pk, older.pk]  # newest first
        assert [i.is_overdue for i in ours] == [False, True]  # Tuesday's start has passed
        assert inbox.overdue >= 1
        page = response.content.decode()
        assert "Mia Vance" in page and "overdue" in page and "Not opened" in page
        event = latest_access("See the Operation Encompass inbox")
        assert event.user == wessex.user(DSL) and event.action == "search"
        assert {
            ("encompass.encompassnotification", str(older.encompass.pk)),
            ("encompass.encompassnotification", str(newer.encompass.pk)),
        } <= records_of(event)
        # One more notification costs no more queries.
        before = _inbox_queries(client)
        at_schools(wessex, "WX/2026/0632")
        assert _inbox_queries(client) == before
        # A school with nothing yet sees an empty inbox.
        empty = client_for(OTHER_DSL).get(reverse("encompass_inbox"))
        assert "No notifications have been sent to you" in empty.content.decode()


def test_each_filter_lists_newest_first_what_it_counts_however_far_each_has_gone(
    wessex: Wessex,
) -> None:
    dsl = wessex.actor(DSL)
    with time_machine.travel(MONDAY_EVENING):  # due at Tuesday's start: overdue by Wednesday
        late = notification_of(at_schools(wessex, "WX/2026/0633"))
    with time_machine.travel(SUBMITTED):
        waiting = notification_of(at_schools(wessex, "WX/2026/0634"))
        opened = notification_of(at_schools(wessex, "WX/2026/0635"))
        acknowledged = notification_of(at_schools(wessex, "WX/2026/0636"))
    with time_machine.travel(SUBMITTED + dt.timedelta(hours=1)):
        services.notification_open(actor=dsl, notification=opened)
        services.notification_acknowledge(actor=dsl, notification=acknowledged)
    with time_machine.travel(DUE - dt.timedelta(minutes=30)):
        shown = assert_each_filter_lists_newest_first_what_it_counts(dsl)
    everything = shown[Show.ALL]
    assert everything.index(acknowledged.pk) < everything.index(late.pk)  # newest first
    assert {late.pk, waiting.pk} <= set(shown[Show.NOT_OPENED])
    assert opened.pk not in shown[Show.NOT_OPENED]
    assert {late.pk, waiting.pk, opened.pk} <= set(shown[Show.NOT_ACKNOWLEDGED])
    assert acknowledged.pk not in shown[Show.NOT_ACKNOWLEDGED]
    assert late.pk in shown[Show.OVERDUE] and waiting.pk not in shown[Show.OVERDUE]


def test_the_ppu_sees_each_acknowledgement_and_the_late_ones(
    wessex: Wessex, client_for: Callable[[str], Client], django_assert_max_num_queries: Any
) -> None:
    dsl = wessex.actor(DSL)
    with time_machine.travel(MONDAY_EVENING):  # due at Tuesday's start
        late = notification_of(at_schools(wessex, "WX/2026/0640"))
    with time_machine.travel(SUBMITTED):  # due at Wednesday's start
        on_time = notification_of(at_schools(wessex, "WX/2026/0641"))
        missed = notification_of(at_schools(wessex, "WX/2026/0642"))
    with time_machine.travel(dt.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON)):
        services.notification_acknowledge(actor=dsl, notification=late)
    with time_machine.travel(DUE - dt.timedelta(minutes=15), tick=False):
        services.notification_acknowledge(actor=dsl, notification=on_time)

    with time_machine.travel(DUE + dt.timedelta(minutes=15)):
        client = client_for(PPU)
        with django_assert_max_num_queries(20):
            everything = client.get(reverse("encompass_sent"))
        with django_assert_max_num_queries(20):
            late_only = client.get(reverse("encompass_sent") + "?late=1")
    assert everything.status_code == late_only.status_code == 200

    def shown(response: Any) -> dict[int, Any]:
        return {item.obligation.pk: item for item in response.context["sent"].items}

    ours = {n.obligation_id for n in (late, on_time, missed)}
    listed = shown(everything)
    assert ours <= set(listed)
    assert listed[on_time.obligation_id].acknowledged_at == DUE - dt.timedelta(minutes=15)
    assert listed[late.obligation_id].acknowledged_late
    assert not listed[on_time.obligation_id].acknowledged_late
    assert listed[missed.obligation_id].is_overdue
    assert ours & set(shown(late_only)) == {late.obligation_id, missed.obligation_id}
    page = everything.content.decode()
    assert 'Acknowledged <time datetime="2026-12-02T08:30' in page
    assert ">Late</strong>" in page and ">Not acknowledged</strong>" in page
    assert "WX/2026/0640" in page
    event = latest_access("See the force's Operation Encompass notifications")
    assert event.user == wessex.user(PPU) and event.query["late_only"] is True
    # The response officer who recorded them sees their own; a school sees no such list.
    with time_machine.travel(DUE + dt.timedelta(minutes=20)):
        officer = client_for(OFFICER).get(reverse("encompass_sent"))
        assert ours <= set(shown(officer))
        school = client_for(DSL).get(reverse("encompass_sent"))
        assert not ours & set(shown(school))


def test_each_sibling_on_one_notification_has_it_on_their_own_record(
    wessex: Any, incident: Incident
) -> None:
    notification = notification_of(incident)
    mia, leo = child(incident, "Mia"), child(incident, "Leo")
    assert {c.child_id for c in notification.children.all()} == {mia.pk, leo.pk}
    front_door = wessex.actor("front.door@northshire.wessex.example")
    for sibling in (mia, leo):
        record = child_record_for(actor=front_door, child_id=sibling.pk)
        assert notification.obligation in record.obligations
    progress = incident_obligations_for(
        actor=wessex.actor("ppu.officer@police.wessex.example"), incident_id=incident.pk
    )
    by_child = {p.child.pk: p.obligations for p in progress.children}
    assert notification.obligation in by_child[mia.pk]
    assert notification.obligation in by_child[leo.pk]


# --- Each area's choices -----------------------------------------------------------------


def test_the_administrators_set_the_forces_template_and_health_visiting_per_area(
    wessex: Any, client_for: Callable[[str], Client]
) -> None:
    admin = client_for(ADMINISTRATOR)
    force = Area.objects.get(code=FORCE_AREA)
    southmoor = Area.objects.get(code="E06900002")
    listing = admin.get(reverse("encompass_area_list")).content.decode()
    assert "Full: adds the police reference" in listing  # the demo force's choice
    assert "Health visiting is told about children under school age" in listing  # Southmoor

    page = admin.get(reverse("encompass_area_settings", args=[force.pk])).content.decode()
    assert "What should the force" in page and "Tell health visiting" not in page
    refused = admin.post(reverse("encompass_area_settings", args=[force.pk]), {})
    assert refused.status_code == 200
    assert "Error: " in refused.content.decode()
    assert "Select what the notifications carry" in refused.content.decode()
    saved = admin.post(reverse("encompass_area_settings", args=[force.pk]), {"template": "minimal"})
    assert saved.status_code == 302
    settings = EncompassSettings.objects.get(area=force)
    assert settings.template == Template.MINIMAL
    assert TimelineEvent.objects.filter(
        subject_id=str(force.pk), verb="encompass.settings_set"
    ).exists()

    admin.post(reverse("encompass_area_settings", args=[southmoor.pk]), {"health_visiting": "no"})
    assert not EncompassSettings.objects.get(area=southmoor).health_visiting_under_school_age

    for email in (DSL, "ppu.officer@police.wessex.example"):
        other = client_for(email)
        assert other.get(reverse("encompass_area_list")).status_code == 404
        assert other.get(reverse("encompass_area_settings", args=[force.pk])).status_code == 404


def test_an_area_choice_that_does_not_fit_the_area_is_refused(wessex: Any) -> None:
    admin = wessex.actor(ADMINISTRATOR, HOST)
    with pytest.raises(ValidationFailed) as refused:
        services.encompass_settings_set(
            actor=admin, area=Area.objects.get(code="E06900001"), template="full"
        )
    assert "template" in refused.value.fields
    with pytest.raises(NotPermitted):
        services.encompass_settings_set(
            actor=wessex.actor(DSL), area=Area.objects.get(code=FORCE_AREA), template="full"
        )
