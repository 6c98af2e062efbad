"""What a DSL and a health visitor read (issue 17): each notification's state named for
what happened ("Support planned", not "Outcome recorded"; "Closed: how it went
recorded"), pages worded for who received it (health visiting is not told about "a child
at your school… before the school day starts"), one inbox in the menu, and a home page
that leads with the notifications, its counts linking to lists of exactly those."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from conftest import Wessex
from hearth.encompass import services
from hearth.encompass.models import EncompassNotification
from hearth.encompass.policy import EncompassSupport
from hearth.encompass.tests.test_encompass import (
    _SEEDED_AT_A_FIXED_MOMENT,
    DSL,
    DUE,
    SEEDED,
    SUBMITTED,
    at_schools,
)
from hearth.encompass.views import home_actions
from hearth.encompass.wording import (
    STATE_WORDS,
    NotificationState,
    Recipient,
    notification_state,
    recipient_for_agency,
    recipient_of,
    words_for,
)

HEALTH_VISITOR = "health.visitor@health.wessex.example"


@pytest.fixture
def wessex(db: None) -> Wessex:
    """The demo seeded at a fixed moment, as ``test_encompass``'s (its terms cover these
    tests' dates whenever they run)."""
    with time_machine.travel(SEEDED):
        _SEEDED_AT_A_FIXED_MOMENT.seed()
    return Wessex()


SOUTHMOOR = "E06900002"  # tells health visiting about under-school-age children (demo)

# --- Pure: the table of states to words ----------------------------------------------------

STATES = [
    # (status, opened, how it went recorded) -> words
    (("created", False, False), "Not sent yet"),
    (("sent", False, False), "Not opened"),
    (("sent", True, False), "Opened, not acknowledged"),
    (("acknowledged", True, False), "Acknowledged"),
    (("outcome_recorded", True, False), "Support planned"),
    (("closed", True, True), "Closed: how it went recorded"),
    (("closed", True, False), "Closed"),
    (("withdrawn", False, False), "Withdrawn by the police"),
    (("withdrawn", True, False), "Withdrawn by the police"),
]


@pytest.mark.parametrize(("given", "words"), STATES)
def test_each_state_is_named_for_what_happened(given: tuple[str, bool, bool], words: str) -> None:
    status, opened, how_it_went = given
    state = notification_state(status=status, opened=opened, how_it_went=how_it_went)
    assert STATE_WORDS[state][0] == words


def test_every_state_has_words_and_none_says_outcome_recorded() -> None:
    assert set(STATE_WORDS) == set(NotificationState)
    assert all("outcome" not in words.lower() for words, _ in STATE_WORDS.values())
    with pytest.raises(ValueError, match="Unknown status"):
        notification_state(status="unheard_of", opened=False, how_it_went=False)


def test_the_recipient_comes_from_the_notification_or_the_readers_agency() -> None:
    assert recipient_of("health_visiting") == Recipient.HEALTH_VISITING
    assert recipient_of("education_team") == Recipient.EDUCATION_TEAM
    assert recipient_of(None) == recipient_of("something else") == Recipient.SCHOOL
    assert recipient_for_agency("health") == Recipient.HEALTH_VISITING
    assert recipient_for_agency("childrens_services") == Recipient.EDUCATION_TEAM
    assert recipient_for_agency("school") == Recipient.SCHOOL


def test_health_visiting_is_worded_for_health_visiting_not_school() -> None:
    words = words_for(Recipient.HEALTH_VISITING)
    every = " ".join(
        [
            words.inbox_intro,
            words.due,
            words.overdue,
            words.who,
            words.response_heading,
            words.support_heading,
            words.support_question,
            words.support_recorded,
            words.do_not_approach,
            words.empty,
            *words.support_labels.values(),
        ]
    )
    assert "school" not in every.lower().replace("under school age", "")
    assert "next working day" in words.inbox_intro
    assert "health visit" in words.support_heading
    assert set(words.support_labels) == set(EncompassSupport)
    school = words_for(Recipient.SCHOOL)
    assert "at your school" in school.inbox_intro and "school day" in school.inbox_intro


# --- On the pages ----------------------------------------------------------------------------


def _text(response: Any) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def _main(response: Any) -> str:
    text = _text(response)
    return text[text.index("<main") :]


def _hv_notification(wessex: Wessex) -> EncompassNotification:
    """Ava (under school age) in Southmoor, which tells health visiting."""
    with time_machine.travel(SUBMITTED, tick=False):
        incident = at_schools(wessex, "WX/2026/1701", la=SOUTHMOOR)
    return EncompassNotification.objects.select_related("obligation").get(
        obligation__incident=incident, obligation__data__addressee="health_visiting"
    )


def _school_notification(wessex: Wessex, reference: str) -> EncompassNotification:
    with time_machine.travel(SUBMITTED, tick=False):
        incident = at_schools(wessex, reference)
    return EncompassNotification.objects.select_related("obligation").get(
        obligation__incident=incident, obligation__data__addressee="setting"
    )


@pytest.mark.django_db
def test_a_dsl_sees_support_planned_then_closed_how_it_went_recorded(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    notification = _school_notification(wessex, "WX/2026/1702")
    pk = notification.obligation_id
    dsl = wessex.actor(DSL)
    with time_machine.travel(DUE - dt.timedelta(minutes=30)):
        client = client_for(DSL)
        assert "Not opened" in _main(client.get(reverse("encompass_inbox")))
        services.notification_support_record(
            actor=dsl, notification=notification, support=EncompassSupport.SILENT
        )
        detail = _main(client.get(reverse("encompass_detail", args=[pk])))
        assert 'data-state="support_planned">Support planned<' in detail
        assert "Outcome recorded" not in detail
        inbox = _main(client.get(reverse("encompass_inbox")))
        assert "Support planned" in inbox and "Outcome recorded" not in inbox
        notification.refresh_from_db()
        services.notification_outcome_record(
            actor=dsl, notification=notification, outcome="Settled well"
        )
        detail = _main(client.get(reverse("encompass_detail", args=[pk])))
        assert "Closed: how it went recorded" in detail
        # The force's list names the states the same way.
        sent = _main(client_for("ppu.officer@police.wessex.example").get(reverse("encompass_sent")))
        assert "Closed: how it went recorded" in sent and "Outcome recorded" not in sent


@pytest.mark.django_db
def test_the_health_visitors_pages_are_worded_for_health_visiting(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    notification = _hv_notification(wessex)
    pk = notification.obligation_id
    with time_machine.travel(DUE - dt.timedelta(minutes=30)):
        client = client_for(HEALTH_VISITOR)
        inbox = _main(client.get(reverse("encompass_inbox")))
        assert words_for(Recipient.HEALTH_VISITING).inbox_intro in inbox
        assert "at your school" not in inbox and "school day" not in inbox
        assert "Ava Vance" in inbox
        detail = _main(client.get(reverse("encompass_detail", args=[pk])))
        assert "Health visiting's response" in detail
        assert "Record the support health visiting will give" in detail
        assert "school" not in detail.lower().replace("under school age", "")
        form = client.get(reverse("encompass_support", args=[pk]))
        page = _main(form)
        assert "What support will health visiting give?" in page
        assert "Watchful support" in page and "in school" not in page
        refused = _main(client.post(reverse("encompass_support", args=[pk]), {"support": ""}))
        assert "Select the support health visiting will give" in refused
        saved = client.post(
            reverse("encompass_support", args=[pk]), {"support": "overt_support"}, follow=True
        )
        assert "The support health visiting will give has been recorded" in _text(saved)
        assert "Extra support: the health visitor offers" in _text(saved)


def _nav(response: Any) -> str:
    text = _text(response)
    return text[text.index('<nav aria-label="Menu"') : text.index("</nav>")]


@pytest.mark.django_db
@pytest.mark.parametrize("email", [DSL, HEALTH_VISITOR])
def test_a_dsl_and_a_health_visitor_have_exactly_one_inbox_in_the_menu(
    wessex: Wessex, client_for: Callable[[str], Client], email: str
) -> None:
    nav = _nav(client_for(email).get(reverse("home")))
    assert nav.count(f'href="{reverse("encompass_inbox")}"') == 1
    assert f'href="{reverse("inbox_home")}"' not in nav
    assert ">Work<" not in nav and ">Encompass<" not in nav
    assert ">Notifications<" in nav


@pytest.mark.django_db
@pytest.mark.parametrize("email", [DSL, HEALTH_VISITOR])
def test_the_home_counts_link_to_lists_of_exactly_those_in_constant_queries(
    wessex: Wessex,
    client_for: Callable[[str], Client],
    email: str,
    django_assert_max_num_queries: Any,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _school_notification(wessex, "WX/2026/1703")
    opened = _school_notification(wessex, "WX/2026/1704")
    _hv_notification(wessex)
    actor = wessex.actor(email)
    with time_machine.travel(DUE - dt.timedelta(minutes=30)):
        if email == DSL:
            services.notification_open(actor=actor, notification=opened)
        client = client_for(email)

        def counted() -> tuple[Any, int]:
            with CaptureQueriesContext(connection) as queries:
                (action,) = home_actions(actor)
            return action, len(queries)

        action, queries = counted()
        assert action.label == "Open notifications" and action.order == 10
        assert action.url == reverse("encompass_inbox")
        for waiting in action.waiting[:2]:
            page = client.get(waiting.url)
            inbox = page.context["inbox"]
            assert inbox.page.paginator.count == waiting.count, waiting.words
            assert f"{waiting.count} notification" in _main(page)
        not_opened, not_acknowledged, *others = action.waiting
        # The demo gives each team one other item (a family plan's or MARAC's action).
        assert [o.url for o in others] == [reverse("team_inbox", args=[t]) for t in actor.team_ids]
        assert "not opened" in not_opened.words and not_opened.count >= 1
        assert "not yet acknowledged" in not_acknowledged.words
        assert not_acknowledged.count >= not_opened.count
        if email == DSL:
            assert not_acknowledged.count == not_opened.count + 1
        # More notifications cost the home page's count no more queries: Southmoor's
        # family tells both the school (Mia and Leo) and health visiting (Ava).
        _school_notification(wessex, "WX/2026/1705")
        at_schools(wessex, "WX/2026/1706", la=SOUTHMOOR)
        again, more = counted()
        assert more == queries
        assert again.waiting[0].count == not_opened.count + (2 if email == DSL else 1)
        home = _text(client.get(reverse("home")))
        assert f'href="{not_opened.url}"' in home.replace("&amp;", "&")


@pytest.mark.django_db
def test_a_schools_other_work_is_reached_from_its_one_inbox(
    wessex: Wessex, client_for: Callable[[str], Client]
) -> None:
    """A MARAC or family plan action for the school lands in the ledger's team inbox,
    which a DSL's menu no longer shows: the notifications page and the home page count
    it and link to it, and the team inbox lists exactly that many."""
    from hearth.accounts.models import Team
    from hearth.obligations.models import Obligation

    team = Team.objects.get(slug="brackenford-primary-school-safeguarding")
    client = client_for(DSL)
    dsl = wessex.actor(DSL)
    before = Obligation.objects.addressed_to(dsl).filter(team=team).open().count()
    if not before:
        assert 'data-testid="other-work"' not in _text(client.get(reverse("encompass_inbox")))
    # Work in the team's own inbox, as the ledger addresses it (a MARAC action, say).
    incident = at_schools(wessex, "WX/2026/1707")
    opened = Obligation.objects.filter(incident=incident).exclude(team=team).first()
    assert opened is not None
    Obligation.objects.filter(pk=opened.pk).update(team=team)
    expected = Obligation.objects.addressed_to(dsl).filter(team=team).open().count()
    assert expected == before + 1
    page = _text(client.get(reverse("encompass_inbox")))
    link = f'href="{reverse("team_inbox", args=[team.pk])}"'
    assert link in page and f"{expected} open item" in page
    (action,) = home_actions(wessex.actor(DSL))
    other = action.waiting[-1]
    assert other.count == expected and other.url == reverse("team_inbox", args=[team.pk])
    listed = client.get(other.url).context["inbox"]
    assert listed.total == expected


@pytest.mark.django_db
@pytest.mark.parametrize("show", ["not_opened", "not_acknowledged", "overdue"])
def test_a_filtered_inbox_takes_the_same_queries_however_many_rows(
    wessex: Wessex, client_for: Callable[[str], Client], show: str
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _school_notification(wessex, "WX/2026/1711")
    with time_machine.travel(DUE + dt.timedelta(minutes=30)):  # overdue by now
        client = client_for(DSL)
        url = f"{reverse('encompass_inbox')}?show={show}"

        def queries() -> tuple[int, int]:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            return len(captured), response.context["inbox"].page.paginator.count

        few, listed = queries()
        assert listed >= 1
        with time_machine.travel(SUBMITTED, tick=False):
            _school_notification(wessex, "WX/2026/1712")
            _school_notification(wessex, "WX/2026/1713")
        more, listed_more = queries()
        assert listed_more == listed + 2
        assert more == few


def test_the_ledger_lists_encompass_work_in_its_own_words() -> None:
    """Wherever the ledger lists an Operation Encompass notification (the child's
    safeguarding record, inboxes), support only planned reads "Support planned", never
    "Outcome recorded" (issue 17)."""
    from hearth.encompass import policy as enc
    from hearth.obligations import registry

    route = registry.get(enc.ROUTE)
    assert route.status_label("outcome_recorded") == "Support planned"
    assert route.status_label("withdrawn") == "Withdrawn by the police"
    assert route.status_label("acknowledged") == "Acknowledged"
