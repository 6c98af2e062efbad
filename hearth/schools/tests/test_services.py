"""Changing settings, their safeguarding leads and their term calendars (the service
operator's administrators only), and the selectors behind the administrators' pages:
validation in GOV.UK words, the calendar's version, timeline and access events, and
refusals for everyone else."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from hearth.accounts.models import Area, Team
from hearth.audit.models import AccessEvent, TimelineEvent
from hearth.core.errors import NotFound, NotPermitted, ValidationFailed
from hearth.schools import selectors, services
from hearth.schools.models import (
    ContactRole,
    EducationSetting,
    SettingContact,
    SettingStatus,
    TermCalendar,
)
from hearth.schools.tests.factories import a_setting, dsl_team, settings, spare_local_authority

ADMIN = "administrator@hearth.wessex.example"
HOST = "hearth-service-for-wessex"
DSL = "dsl@schools.wessex.example"
OFFICER = "response.officer@police.wessex.example"
FRONT_DOOR = "front.door@northshire.wessex.example"

# The autumn half terms of 2025 (Monday 1 September is a weekday in term).
AUTUMN_1 = (dt.date(2025, 9, 1), dt.date(2025, 10, 24))
AUTUMN_2 = (dt.date(2025, 11, 3), dt.date(2025, 12, 19))


def admin(wessex: Any) -> Any:
    return wessex.actor(ADMIN, HOST)


def events(subject: Any, verb: str) -> list[TimelineEvent]:
    return list(TimelineEvent.objects.for_subject(subject).filter(verb=verb))


@pytest.fixture
def calendar(wessex: Any) -> TermCalendar:
    return services.term_calendar_create(
        actor=admin(wessex),
        local_authority=spare_local_authority(),
        name="Testshire term dates",
        day_starts=dt.time(8, 45),
    )


def version(calendar: TermCalendar) -> int:
    return TermCalendar.objects.get(pk=calendar.pk).version


# --- Term calendars -----------------------------------------------------------------------


def test_a_local_authoritys_calendar_starts_at_version_1_with_a_timeline_event(
    wessex: Any, calendar: TermCalendar
) -> None:
    assert calendar.version == 1 and calendar.local_authority == spare_local_authority()
    (event,) = events(calendar, "schools.term_calendar_created")
    assert event.payload["local_authority_id"] == spare_local_authority().pk
    assert event.actor_agency == wessex.agency(HOST)


def test_each_change_to_a_calendar_adds_1_to_its_version_and_records_an_event(
    wessex: Any, calendar: TermCalendar
) -> None:
    term = services.term_period_add(
        actor=admin(wessex),
        calendar=calendar,
        name="Autumn 1",
        starts_on=AUTUMN_1[0],
        ends_on=AUTUMN_1[1],
    )
    assert version(calendar) == 2
    inset = services.inset_day_add(
        actor=admin(wessex), calendar=calendar, day=dt.date(2025, 9, 1), note="Staff training"
    )
    assert version(calendar) == 3
    services.term_calendar_day_starts_set(
        actor=admin(wessex), calendar=calendar, day_starts=dt.time(8, 30)
    )
    assert version(calendar) == 4
    services.inset_day_remove(actor=admin(wessex), inset_day=inset)
    assert version(calendar) == 5
    services.term_period_remove(actor=admin(wessex), term=term)
    assert version(calendar) == 6
    verbs = [e.verb for e in TimelineEvent.objects.for_subject(calendar).order_by("pk")]
    assert verbs == [
        "schools.term_calendar_created",
        "schools.term_added",
        "schools.inset_day_added",
        "schools.term_calendar_day_starts_set",
        "schools.inset_day_removed",
        "schools.term_removed",
    ]
    (added,) = events(calendar, "schools.term_added")
    assert added.payload == {
        "term_id": term.pk,
        "starts_on": "2025-09-01",
        "ends_on": "2025-10-24",
        "version": 2,
    }
    assert added.summary == "Autumn 1 added: 1 September 2025 to 24 October 2025"
    (starts,) = events(calendar, "schools.term_calendar_day_starts_set")
    assert starts.payload["before"] == "08:45" and starts.payload["after"] == "08:30"


def test_what_the_calendar_holds_is_what_routing_reads_with_the_new_version(
    wessex: Any, calendar: TermCalendar
) -> None:
    services.term_period_add(
        actor=admin(wessex),
        calendar=calendar,
        name="Autumn 1",
        starts_on=AUTUMN_1[0],
        ends_on=AUTUMN_1[1],
    )
    services.inset_day_add(actor=admin(wessex), calendar=calendar, day=dt.date(2025, 10, 24))
    plain = selectors.area_calendar(spare_local_authority().pk)
    assert plain is not None
    assert plain.stamp == f"la-{spare_local_authority().pk}/v3"
    assert plain.inset_days == frozenset({dt.date(2025, 10, 24)})
    assert [(t.starts_on, t.ends_on) for t in plain.terms] == [AUTUMN_1]


def test_saving_the_same_start_time_changes_nothing(wessex: Any, calendar: TermCalendar) -> None:
    services.term_calendar_day_starts_set(
        actor=admin(wessex), calendar=calendar, day_starts=dt.time(8, 45)
    )
    assert version(calendar) == 1
    assert not events(calendar, "schools.term_calendar_day_starts_set")


def test_a_start_time_outside_the_morning_is_refused(wessex: Any, calendar: TermCalendar) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.term_calendar_day_starts_set(
            actor=admin(wessex), calendar=calendar, day_starts=dt.time(14, 45)
        )
    assert refused.value.fields == {
        "day_starts": ["The school day must start between 6am and 11am"]
    }
    assert version(calendar) == 1


@pytest.mark.parametrize(
    ("starts_on", "ends_on"),
    [
        (dt.date(2025, 10, 20), dt.date(2025, 10, 31)),  # starts inside Autumn 1
        (dt.date(2025, 8, 25), dt.date(2025, 9, 1)),  # ends on its first day
        (dt.date(2025, 8, 1), dt.date(2025, 12, 31)),  # covers it
        (dt.date(2025, 9, 1), dt.date(2025, 9, 5)),  # starts the same day
    ],
)
def test_a_term_that_overlaps_another_is_refused(
    wessex: Any, calendar: TermCalendar, starts_on: dt.date, ends_on: dt.date
) -> None:
    services.term_period_add(
        actor=admin(wessex),
        calendar=calendar,
        name="Autumn 1",
        starts_on=AUTUMN_1[0],
        ends_on=AUTUMN_1[1],
    )
    with pytest.raises(ValidationFailed) as refused:
        services.term_period_add(
            actor=admin(wessex),
            calendar=calendar,
            name="Clash",
            starts_on=starts_on,
            ends_on=ends_on,
        )
    assert refused.value.fields == {
        "starts_on": [
            "The term overlaps Autumn 1 (1 September 2025 to 24 October 2025): change its "
            "dates so that terms do not overlap"
        ]
    }
    assert calendar.terms.count() == 1 and version(calendar) == 2


def test_terms_back_to_back_are_allowed(wessex: Any, calendar: TermCalendar) -> None:
    for name, (first, last) in (("Autumn 1", AUTUMN_1), ("Autumn 2", AUTUMN_2)):
        services.term_period_add(
            actor=admin(wessex), calendar=calendar, name=name, starts_on=first, ends_on=last
        )
    services.term_period_add(
        actor=admin(wessex),
        calendar=calendar,
        name="One day",
        starts_on=dt.date(2025, 10, 27),
        ends_on=dt.date(2025, 10, 27),
    )
    assert calendar.terms.count() == 3


def test_a_term_that_ends_before_it_starts_or_has_no_name_is_refused(
    wessex: Any, calendar: TermCalendar
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.term_period_add(
            actor=admin(wessex),
            calendar=calendar,
            name=" ",
            starts_on=AUTUMN_1[1],
            ends_on=AUTUMN_1[0],
        )
    assert refused.value.fields == {
        "name": ["Enter the term's name, like Autumn 1"],
        "ends_on": ["The last day of the term must be on or after its first day"],
    }
    assert not calendar.terms.exists() and version(calendar) == 1


@pytest.mark.parametrize(
    ("day", "problem"),
    [
        (dt.date(2025, 10, 29), "An INSET day must be in a term: add the term first"),
        (dt.date(2025, 8, 29), "An INSET day must be in a term: add the term first"),
        (dt.date(2025, 9, 6), "An INSET day must be a weekday"),
    ],
)
def test_an_inset_day_outside_term_or_at_a_weekend_is_refused(
    wessex: Any, calendar: TermCalendar, day: dt.date, problem: str
) -> None:
    services.term_period_add(
        actor=admin(wessex),
        calendar=calendar,
        name="Autumn 1",
        starts_on=AUTUMN_1[0],
        ends_on=AUTUMN_1[1],
    )
    with pytest.raises(ValidationFailed) as refused:
        services.inset_day_add(actor=admin(wessex), calendar=calendar, day=day)
    assert refused.value.fields == {"day": [problem]}
    assert not calendar.inset_days.exists() and version(calendar) == 2


def test_the_same_inset_day_twice_is_refused(wessex: Any, calendar: TermCalendar) -> None:
    services.term_period_add(
        actor=admin(wessex),
        calendar=calendar,
        name="Autumn 1",
        starts_on=AUTUMN_1[0],
        ends_on=AUTUMN_1[1],
    )
    services.inset_day_add(actor=admin(wessex), calendar=calendar, day=dt.date(2025, 9, 1))
    with pytest.raises(ValidationFailed) as refused:
        services.inset_day_add(actor=admin(wessex), calendar=calendar, day=dt.date(2025, 9, 1))
    assert refused.value.fields == {"day": ["1 September 2025 is already an INSET day"]}


def test_removing_a_term_removes_its_inset_days_and_no_others(
    wessex: Any, calendar: TermCalendar
) -> None:
    first = services.term_period_add(
        actor=admin(wessex),
        calendar=calendar,
        name="Autumn 1",
        starts_on=AUTUMN_1[0],
        ends_on=AUTUMN_1[1],
    )
    services.term_period_add(
        actor=admin(wessex),
        calendar=calendar,
        name="Autumn 2",
        starts_on=AUTUMN_2[0],
        ends_on=AUTUMN_2[1],
    )
    for day in (dt.date(2025, 9, 1), dt.date(2025, 9, 2), dt.date(2025, 11, 3)):
        services.inset_day_add(actor=admin(wessex), calendar=calendar, day=day)
    removed = services.term_period_remove(actor=admin(wessex), term=first)
    assert removed == [dt.date(2025, 9, 1), dt.date(2025, 9, 2)]
    assert list(calendar.inset_days.values_list("day", flat=True)) == [dt.date(2025, 11, 3)]
    (event,) = events(calendar, "schools.term_removed")
    assert event.payload["inset_days_removed"] == ["2025-09-01", "2025-09-02"]
    assert event.summary.endswith("with 2 INSET days")


def test_a_local_authority_has_one_calendar_and_a_police_area_none(
    wessex: Any, calendar: TermCalendar
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        services.term_calendar_create(
            actor=admin(wessex),
            local_authority=spare_local_authority(),
            name="Again",
            day_starts=dt.time(9),
        )
    assert refused.value.fields == {"local_authority": ["Testshire already has a term calendar"]}
    police_area = Area.objects.get(kind=Area.Kind.POLICE_FORCE_AREA)
    with pytest.raises(ValidationFailed) as refused:
        services.term_calendar_create(
            actor=admin(wessex), local_authority=police_area, name="Police", day_starts=dt.time(9)
        )
    assert refused.value.fields == {"local_authority": ["Choose a local authority"]}
    with pytest.raises(ValidationFailed):
        services.term_calendar_create(actor=admin(wessex), name="Nobody's", day_starts=dt.time(9))
    assert TermCalendar.objects.filter(name__in=["Again", "Police", "Nobody's"]).count() == 0


def test_a_setting_may_have_its_own_calendar_once(wessex: Any) -> None:
    setting = a_setting()
    own = services.term_calendar_create(
        actor=admin(wessex), setting=setting, name="Own terms", day_starts=dt.time(8, 30)
    )
    assert own.setting == setting and own.stamp == f"urn-{setting.pk}/v1"
    with pytest.raises(ValidationFailed) as refused:
        services.term_calendar_create(
            actor=admin(wessex), setting=setting, name="Again", day_starts=dt.time(8, 30)
        )
    assert refused.value.message == f"{setting.name} already has its own term calendar"
    with pytest.raises(ValidationFailed):
        services.term_calendar_create(
            actor=admin(wessex),
            setting=setting,
            local_authority=spare_local_authority(),
            name="Both",
            day_starts=dt.time(9),
        )


# --- A setting's links and contacts -------------------------------------------------------


def linked(wessex: Any, setting: EducationSetting | None = None) -> EducationSetting:
    """A setting linked to the first demo school (where Dana Greenwood is the DSL)."""
    team = dsl_team(0)
    return services.setting_link_set(
        actor=admin(wessex),
        setting=setting or a_setting(),
        agency=team.agency,
        dsl_team=team,
        trust=None,
    )


def test_an_administrator_links_a_setting_to_its_organisation_and_dsl_team(wessex: Any) -> None:
    setting = linked(wessex)
    team = dsl_team(0)
    setting.refresh_from_db()
    assert setting.agency == team.agency and setting.dsl_team == team and setting.trust is None
    (event,) = events(setting, "schools.setting_link_set")
    assert event.payload == {
        "before": {"agency_id": None, "dsl_team_id": None, "trust_id": None},
        "after": {"agency_id": team.agency_id, "dsl_team_id": team.pk, "trust_id": None},
    }
    linked(wessex, setting)  # the same again: nothing to record
    assert len(events(setting, "schools.setting_link_set")) == 1


def test_a_trusts_team_may_be_the_dsl_team(wessex: Any) -> None:
    own, trusts = dsl_team(0), dsl_team(1)
    setting = services.setting_link_set(
        actor=admin(wessex),
        setting=a_setting(),
        agency=own.agency,
        dsl_team=trusts,
        trust=trusts.agency,
    )
    assert setting.dsl_team == trusts


def test_a_dsl_team_must_be_a_school_safeguarding_team_of_the_setting_or_its_trust(
    wessex: Any,
) -> None:
    setting = a_setting()
    own, other = dsl_team(0), dsl_team(1)
    cases: list[tuple[dict[str, Any], dict[str, list[str]]]] = [
        (
            {"agency": own.agency, "dsl_team": other, "trust": None},
            {"dsl_team": ["Choose a team of the setting's own organisation or of its trust"]},
        ),
        (
            {"agency": None, "dsl_team": own, "trust": None},
            {"agency": ["Choose the setting's organisation in Hearth to choose its DSL team"]},
        ),
        (
            {
                "agency": own.agency,
                "dsl_team": Team.objects.get(slug="northshire-front-door"),
                "trust": None,
            },
            {"dsl_team": ["Choose a school safeguarding team"]},
        ),
        (
            {"agency": wessex.agency("wessex-police"), "dsl_team": None, "trust": own.agency},
            {"agency": ["Choose an organisation that is a school or college in Hearth"]},
        ),
        (
            {"agency": own.agency, "dsl_team": own, "trust": own.agency},
            {"trust": ["The trust must be a different organisation from the setting's own"]},
        ),
    ]
    for links, problems in cases:
        with pytest.raises(ValidationFailed) as refused:
            services.setting_link_set(actor=admin(wessex), setting=setting, **links)
        assert refused.value.fields == problems
    setting.refresh_from_db()
    assert setting.agency is None and not events(setting, "schools.setting_link_set")


def test_a_contact_must_work_for_the_settings_organisation(wessex: Any) -> None:
    unlinked = a_setting()
    with pytest.raises(ValidationFailed) as refused:
        services.setting_contact_add(
            actor=admin(wessex), setting=unlinked, user=wessex.user(DSL), role=ContactRole.DSL
        )
    assert "organisation in Hearth" in refused.value.message
    setting = linked(wessex)
    with pytest.raises(ValidationFailed) as refused:
        services.setting_contact_add(
            actor=admin(wessex), setting=setting, user=wessex.user(FRONT_DOOR), role="dsl"
        )
    assert refused.value.fields == {
        "user": [
            f"Enter the email address of someone who works for {setting.agency.name} in Hearth"  # type: ignore[union-attr]
        ]
    }
    assert not SettingContact.objects.filter(setting__in=[unlinked, setting]).exists()


def test_an_administrator_adds_and_ends_a_settings_dsl(wessex: Any) -> None:
    setting = linked(wessex)
    contact = services.setting_contact_add(
        actor=admin(wessex), setting=setting, user=wessex.user(DSL), role=ContactRole.DSL
    )
    assert selectors.contact_emails(setting, ContactRole.DSL) == [DSL]
    (added,) = events(setting, "schools.setting_contact_added")
    assert added.payload == {
        "contact_id": contact.pk,
        "user_id": wessex.user(DSL).pk,
        "role": "dsl",
    }
    assert "Greenwood" not in added.summary  # no names on the timeline
    with pytest.raises(ValidationFailed) as refused:
        services.setting_contact_add(
            actor=admin(wessex), setting=setting, user=wessex.user(DSL), role=ContactRole.DEPUTY
        )
    assert refused.value.fields["user"] == [
        f"{DSL} is already a safeguarding lead contact for {setting.name}"
    ]
    ended = services.setting_contact_end(actor=admin(wessex), contact=contact)
    assert ended.ended_at is not None
    assert selectors.contact_emails(setting, ContactRole.DSL) == []
    services.setting_contact_end(actor=admin(wessex), contact=contact)  # again: nothing
    assert len(events(setting, "schools.setting_contact_ended")) == 1
    # Once ended, the same person may be named again (as a deputy, say).
    services.setting_contact_add(
        actor=admin(wessex), setting=setting, user=wessex.user(DSL), role=ContactRole.DEPUTY
    )
    assert selectors.contact_emails(setting, ContactRole.DEPUTY) == [DSL]


def test_a_setting_with_contacts_keeps_its_organisation_until_they_are_ended(
    wessex: Any,
) -> None:
    setting = linked(wessex)
    contact = services.setting_contact_add(
        actor=admin(wessex), setting=setting, user=wessex.user(DSL), role=ContactRole.DSL
    )
    other = dsl_team(1)
    with pytest.raises(ValidationFailed) as refused:
        services.setting_link_set(
            actor=admin(wessex), setting=setting, agency=other.agency, dsl_team=other, trust=None
        )
    assert "End the setting's safeguarding lead contacts" in refused.value.fields["agency"][0]
    services.setting_contact_end(actor=admin(wessex), contact=contact)
    services.setting_link_set(
        actor=admin(wessex), setting=setting, agency=other.agency, dsl_team=other, trust=None
    )


# --- Nobody else ---------------------------------------------------------------------------


def _changes(wessex: Any) -> list[Callable[[Any], Any]]:
    setting = linked(wessex)
    contact = services.setting_contact_add(
        actor=admin(wessex), setting=setting, user=wessex.user(DSL), role=ContactRole.DSL
    )
    calendar = services.term_calendar_create(
        actor=admin(wessex),
        local_authority=spare_local_authority(),
        name="N",
        day_starts=dt.time(8, 45),
    )
    term = services.term_period_add(
        actor=admin(wessex),
        calendar=calendar,
        name="Autumn 1",
        starts_on=AUTUMN_1[0],
        ends_on=AUTUMN_1[1],
    )
    inset = services.inset_day_add(actor=admin(wessex), calendar=calendar, day=AUTUMN_1[0])
    team = dsl_team(0)
    return [
        lambda a: services.setting_link_set(
            actor=a, setting=setting, agency=team.agency, dsl_team=None, trust=None
        ),
        lambda a: services.setting_contact_add(
            actor=a, setting=setting, user=wessex.user(DSL), role=ContactRole.DEPUTY
        ),
        lambda a: services.setting_contact_end(actor=a, contact=contact),
        lambda a: services.term_calendar_create(
            actor=a, setting=setting, name="Own", day_starts=dt.time(9)
        ),
        lambda a: services.term_calendar_day_starts_set(
            actor=a, calendar=calendar, day_starts=dt.time(9)
        ),
        lambda a: services.term_period_add(
            actor=a, calendar=calendar, name="Autumn 2", starts_on=AUTUMN_2[0], ends_on=AUTUMN_2[1]
        ),
        lambda a: services.term_period_remove(actor=a, term=term),
        lambda a: services.inset_day_add(actor=a, calendar=calendar, day=AUTUMN_1[1]),
        lambda a: services.inset_day_remove(actor=a, inset_day=inset),
    ]


def test_nobody_but_the_service_operators_administrators_changes_anything(wessex: Any) -> None:
    changes = _changes(wessex)
    before = TimelineEvent.objects.count()
    calendar = TermCalendar.objects.get(local_authority=spare_local_authority())
    # A school's DSL, a police officer, and the same administrator acting for the police.
    for who in (wessex.actor(DSL), wessex.actor(OFFICER), wessex.actor(ADMIN, "wessex-police")):
        for change in changes:
            with pytest.raises(NotPermitted):
                change(who)
    assert TimelineEvent.objects.count() == before
    assert version(calendar) == 3
    assert SettingContact.objects.current().filter(setting__urn__startswith="8").count() == 1


def test_nobody_but_the_service_operators_administrators_reads_the_pages_selectors(
    wessex: Any,
) -> None:
    setting = linked(wessex)
    calendar = services.term_calendar_create(
        actor=admin(wessex),
        local_authority=spare_local_authority(),
        name="N",
        day_starts=dt.time(8, 45),
    )
    reads: list[Callable[[Any], Any]] = [
        lambda who: selectors.setting_list_for(actor=who),
        lambda who: selectors.setting_get_for(actor=who, urn=setting.urn),
        lambda who: selectors.setting_for_change(actor=who, urn=setting.urn),
        lambda who: selectors.setting_link_choices_for(actor=who),
        lambda who: selectors.calendar_list_for(actor=who),
        lambda who: selectors.calendar_get_for(actor=who, calendar_id=calendar.pk),
        lambda who: selectors.local_authorities_without_calendar_for(actor=who),
        lambda who: selectors.user_by_email_for(actor=who, email=DSL),
    ]
    for who in (wessex.actor(DSL), wessex.actor(OFFICER), wessex.actor(ADMIN, "wessex-police")):
        for read in reads:
            with pytest.raises(NotFound):
                read(who)


# --- What the administrators' pages read ----------------------------------------------------


def test_the_directory_searches_by_name_or_urn_and_filters_by_area_and_status(
    wessex: Any,
) -> None:
    area = spare_local_authority()
    a_setting(urn="100001", name="Zedcombe Primary", local_authority=area)
    a_setting(urn="100002", name="Yarrow Academy", local_authority=area)
    a_setting(
        urn="200003", name="Zedcombe Infants", status=SettingStatus.CLOSED, local_authority=None
    )

    def names(**filters: Any) -> list[str]:
        page = selectors.setting_list_for(actor=admin(wessex), **filters).page
        return [s.name for s in page]

    assert names(q="zedcombe") == ["Zedcombe Infants", "Zedcombe Primary"]
    assert names(q="10000") == ["Yarrow Academy", "Zedcombe Primary"]
    assert names(local_authority_id=area.pk) == ["Yarrow Academy", "Zedcombe Primary"]
    assert "Zedcombe Infants" in names(status="closed")
    assert "Zedcombe Infants" not in names(status="open")
    assert names(status="no-such-status") == names()
    assert names(q="zedcombe", status="open", local_authority_id=area.pk) == ["Zedcombe Primary"]


def test_the_directory_shows_50_settings_a_page(wessex: Any) -> None:
    settings(51, local_authority=spare_local_authority())
    listing = selectors.setting_list_for(
        actor=admin(wessex), local_authority_id=spare_local_authority().pk
    )
    first = listing.page
    assert len(first) == 50 and first.paginator.num_pages == 2
    last = selectors.setting_list_for(
        actor=admin(wessex), local_authority_id=spare_local_authority().pk, page=2
    ).page
    assert len(last) == 1
    assert selectors.setting_list_for(actor=admin(wessex), page="nonsense").page.number == 1


def test_reading_the_directory_or_a_calendar_is_not_logged_but_a_settings_contacts_are(
    wessex: Any,
) -> None:
    setting = linked(wessex)
    contact = services.setting_contact_add(
        actor=admin(wessex), setting=setting, user=wessex.user(DSL), role=ContactRole.DSL
    )
    calendar = services.term_calendar_create(
        actor=admin(wessex),
        local_authority=spare_local_authority(),
        name="N",
        day_starts=dt.time(8, 45),
    )
    before = AccessEvent.objects.count()
    selectors.setting_list_for(actor=admin(wessex))
    selectors.calendar_list_for(actor=admin(wessex))
    selectors.calendar_get_for(actor=admin(wessex), calendar_id=calendar.pk)
    assert AccessEvent.objects.count() == before
    detail = selectors.setting_get_for(actor=admin(wessex), urn=setting.urn)
    assert detail.contacts == [contact]
    event = AccessEvent.objects.latest("pk")
    assert AccessEvent.objects.count() == before + 1
    assert {(r.record_type, r.record_id) for r in event.records.all()} == {
        ("schools.educationsetting", str(setting.pk)),
        ("accounts.user", str(wessex.user(DSL).pk)),
    }


def test_a_settings_own_calendar_applies_before_its_local_authoritys(wessex: Any) -> None:
    setting = a_setting(local_authority=spare_local_authority())
    assert selectors.setting_get_for(actor=admin(wessex), urn=setting.urn).calendar is None
    la = services.term_calendar_create(
        actor=admin(wessex),
        local_authority=spare_local_authority(),
        name="N",
        day_starts=dt.time(8, 45),
    )
    assert selectors.setting_get_for(actor=admin(wessex), urn=setting.urn).calendar == la
    own = services.term_calendar_create(
        actor=admin(wessex), setting=setting, name="Own", day_starts=dt.time(8, 45)
    )
    detail = selectors.setting_get_for(actor=admin(wessex), urn=setting.urn)
    assert detail.calendar == own and detail.local_authority_calendar == la
    with pytest.raises(NotFound):
        selectors.setting_get_for(actor=admin(wessex), urn="999999")
