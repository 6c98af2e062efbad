"""The administrators' pages for schools and term calendars: only the service operator's
administrators see them (everyone else gets the same 404 as a missing page), what they
show, the changes made through them, refusals in an error summary, and the access event
when a setting's safeguarding leads are shown."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hearth.audit.models import AccessEvent
from hearth.schools import services
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


def admin(wessex: Any) -> Any:
    return wessex.actor(ADMIN, HOST)


@pytest.fixture
def admin_client(client_for: Callable[[str], Client], wessex: Any) -> Client:
    # The administrator also administers the police force: the service desk is chosen.
    client = client_for(ADMIN)
    client.post(reverse("choose_agency"), {"agency": wessex.agency(HOST).pk})
    return client


@pytest.fixture
def setting(wessex: Any) -> EducationSetting:
    """A setting linked to the first demo school, with Dana Greenwood as its DSL."""
    team = dsl_team(0)
    made = services.setting_link_set(
        actor=admin(wessex),
        setting=a_setting(name="Zedcombe Primary School", urn="800100"),
        agency=team.agency,
        dsl_team=team,
        trust=None,
    )
    services.setting_contact_add(
        actor=admin(wessex), setting=made, user=wessex.user(DSL), role=ContactRole.DSL
    )
    return made


@pytest.fixture
def calendar(wessex: Any) -> TermCalendar:
    calendar = services.term_calendar_create(
        actor=admin(wessex),
        local_authority=spare_local_authority(),
        name="Testshire term dates",
        day_starts=dt.time(8, 45),
    )
    services.term_period_add(
        actor=admin(wessex),
        calendar=calendar,
        name="Autumn 1",
        starts_on=dt.date(2025, 9, 1),
        ends_on=dt.date(2025, 10, 24),
    )
    return calendar


def html_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def without_nonce(response: Any) -> str:
    """The page without its CSP nonce and CSRF token, which differ on every response."""
    return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())


def no_inline_style_or_script(html: str) -> None:
    assert " style=" not in html
    assert "<script>" not in html  # only the base template's nonce'd one


# --- Who sees the pages ------------------------------------------------------------------


def every_page(setting: EducationSetting, calendar: TermCalendar) -> list[str]:
    contact = SettingContact.objects.filter(setting=setting).first()
    assert contact is not None
    term = calendar.terms.get()
    return [
        reverse("school_list"),
        reverse("school_detail", args=[setting.urn]),
        reverse("school_links", args=[setting.urn]),
        reverse("school_contact_add", args=[setting.urn]),
        reverse("school_contact_end", args=[setting.urn, contact.pk]),
        reverse("school_calendar_create", args=[setting.urn]),
        reverse("gias_import"),
        reverse("term_calendar_list"),
        reverse("term_calendar_create"),
        reverse("term_calendar_detail", args=[calendar.pk]),
        reverse("term_calendar_day_starts", args=[calendar.pk]),
        reverse("term_dates_import", args=[calendar.pk]),
        reverse("term_add", args=[calendar.pk]),
        reverse("term_remove", args=[calendar.pk, term.pk]),
        reverse("inset_day_add", args=[calendar.pk]),
    ]


@pytest.mark.parametrize("who", [DSL, OFFICER])
def test_nobody_but_the_service_operators_administrators_sees_any_page(
    who: str,
    client_for: Callable[[str], Client],
    setting: EducationSetting,
    calendar: TermCalendar,
) -> None:
    client = client_for(who)
    missing = client.get(reverse("school_detail", args=["999999"]))
    read_only = {  # pages that only show (a POST to them is 405 for everyone)
        reverse("school_list"),
        reverse("school_detail", args=[setting.urn]),
        reverse("term_calendar_list"),
        reverse("term_calendar_detail", args=[calendar.pk]),
    }
    assert missing.status_code == 404
    for url in every_page(setting, calendar):
        responses = [client.get(url)]
        if url not in read_only:
            responses.append(client.post(url, {"name": "x"}))
        for response in responses:
            assert response.status_code == 404, url
            assert without_nonce(response) == without_nonce(missing), url
    assert SettingContact.objects.current().filter(setting=setting).count() == 1
    assert TermCalendar.objects.get(pk=calendar.pk).version == 2


def test_the_administrator_acting_for_the_police_force_gets_404(
    client_for: Callable[[str], Client], wessex: Any, setting: EducationSetting
) -> None:
    client = client_for(ADMIN)
    client.post(reverse("choose_agency"), {"agency": wessex.agency("wessex-police").pk})
    assert client.get(reverse("school_list")).status_code == 404
    assert client.get(reverse("school_detail", args=[setting.urn])).status_code == 404


def test_a_missing_setting_or_calendar_is_404_for_the_administrator_too(
    admin_client: Client,
) -> None:
    assert admin_client.get(reverse("school_detail", args=["999999"])).status_code == 404
    assert admin_client.get(reverse("school_links", args=["999999"])).status_code == 404
    assert admin_client.get(reverse("term_calendar_detail", args=[999999])).status_code == 404


def test_every_page_works_for_the_administrator_without_inline_style_or_script(
    admin_client: Client, setting: EducationSetting, calendar: TermCalendar
) -> None:
    for url in every_page(setting, calendar):
        response = admin_client.get(url, follow=True)
        html = html_of(response)
        no_inline_style_or_script(html)
        assert "govuk-breadcrumbs" in html, url


def test_the_administrators_home_page_links_to_the_schools(admin_client: Client) -> None:
    html = html_of(admin_client.get(reverse("home")))
    assert reverse("school_list") in html
    assert "Manage schools, their safeguarding leads and term dates" in html


# --- The directory -------------------------------------------------------------------------


def test_the_directory_lists_settings_with_their_status_and_dsl_team(
    admin_client: Client, setting: EducationSetting, django_assert_max_num_queries: Any
) -> None:
    a_setting(name="Zedcombe Old School", urn="800200", status=SettingStatus.CLOSED)
    before = AccessEvent.objects.count()
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("school_list"), {"q": "zedcombe"})
    html = html_of(response)
    assert "2 settings found" in html
    assert reverse("school_detail", args=[setting.urn]) in html
    assert "URN 800100, community school, primary, ages 4 to 11" in html
    assert '<strong class="govuk-tag govuk-tag--grey">Closed</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--green">Open</strong>' in html
    assert "Testshire" in html
    assert AccessEvent.objects.count() == before  # reference data, not personal data


def test_the_directory_is_paginated_50_a_page_keeping_the_search(
    admin_client: Client, wessex: Any, django_assert_max_num_queries: Any
) -> None:
    area = spare_local_authority()
    settings(120, local_authority=area)
    with django_assert_max_num_queries(12):
        first = html_of(admin_client.get(reverse("school_list"), {"local_authority": area.pk}))
    assert "120 settings found" in first and "Showing 1 to 50" in first
    assert 'class="govuk-pagination"' in first
    assert f'href="?local_authority={area.pk}&amp;page=2"' in first
    assert 'aria-current="page">1</a>' in first
    with django_assert_max_num_queries(12):
        last = html_of(
            admin_client.get(reverse("school_list"), {"local_authority": area.pk, "page": 3})
        )
    assert "Showing 101 to 120" in last and 'rel="prev"' in last and 'rel="next"' not in last
    assert "(page 3 of 3)" in last


def test_a_search_that_finds_nothing_says_so(admin_client: Client) -> None:
    html = html_of(admin_client.get(reverse("school_list"), {"q": "no such school"}))
    assert "No settings match your search" in html
    assert "clear the search" in html


def test_a_bad_filter_is_ignored(admin_client: Client) -> None:
    response = admin_client.get(
        reverse("school_list"), {"local_authority": "x", "status": "bad", "page": "y"}
    )
    assert response.status_code == 200


# --- One setting ---------------------------------------------------------------------------


def test_a_settings_page_shows_it_and_logs_reading_its_safeguarding_leads(
    admin_client: Client, wessex: Any, setting: EducationSetting
) -> None:
    before = AccessEvent.objects.count()
    html = html_of(admin_client.get(reverse("school_detail", args=[setting.urn])))
    assert "Zedcombe Primary School" in html and "URN 800100" in html
    assert "Community school" in html and "4 to 11" in html and "WX1 1AA" in html
    assert setting.agency.name in html and setting.dsl_team.name in html  # type: ignore[union-attr]
    assert "Dana Greenwood" in html and DSL in html
    assert "Designated safeguarding lead" in html
    assert "None: due times are estimated from weekdays" in html
    assert "Create its own term calendar" in html
    assert AccessEvent.objects.count() == before + 1
    event = AccessEvent.objects.latest("pk")
    assert event.route == "school_detail"
    assert event.user == wessex.user(ADMIN)
    assert ("accounts.user", str(wessex.user(DSL).pk)) in {
        (r.record_type, r.record_id) for r in event.records.all()
    }


def test_a_settings_page_says_which_calendar_applies(
    admin_client: Client, wessex: Any, calendar: TermCalendar
) -> None:
    in_area = a_setting(local_authority=spare_local_authority())
    url = reverse("school_detail", args=[in_area.urn])
    html = html_of(admin_client.get(url))
    assert "Its local authority's term dates apply" in html and calendar.name in html
    response = admin_client.post(reverse("school_calendar_create", args=[in_area.urn]), follow=True)
    own = TermCalendar.objects.get(setting=in_area)
    assert response.redirect_chain[-1][0] == reverse("term_calendar_detail", args=[own.pk])
    assert own.name == f"{in_area.name} term dates" and not own.terms.exists()
    html = html_of(admin_client.get(url))
    assert "sets its own term dates" in html and "Create its own term calendar" not in html


def test_a_closed_setting_says_it_is_never_notified(admin_client: Client) -> None:
    closed = a_setting(status=SettingStatus.CLOSED)
    html = html_of(admin_client.get(reverse("school_detail", args=[closed.urn])))
    assert "never notified" in html and "govuk-tag--grey" in html


def test_an_administrator_links_a_setting_to_hearth(admin_client: Client) -> None:
    target = a_setting()
    team = dsl_team(3)
    url = reverse("school_links", args=[target.urn])
    html_of(admin_client.get(url))
    response = admin_client.post(
        url, {"agency": team.agency_id, "dsl_team": team.pk, "trust": ""}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("school_detail", args=[target.urn])
    assert "links to Hearth have been saved" in html_of(response)
    target.refresh_from_db()
    assert target.agency_id == team.agency_id and target.dsl_team == team


def test_a_dsl_team_of_another_school_is_refused_with_an_error_summary(
    admin_client: Client,
) -> None:
    target = a_setting()
    own, other = dsl_team(3), dsl_team(4)
    response = admin_client.post(
        reverse("school_links", args=[target.urn]),
        {"agency": own.agency_id, "dsl_team": other.pk, "trust": ""},
    )
    html = html_of(response)
    assert "<title>Error: " in html
    assert "govuk-error-summary" in html
    assert "Choose a team of the setting&#x27;s own organisation or of its trust" in html
    assert 'href="#id_dsl_team"' in html
    target.refresh_from_db()
    assert target.agency is None


def test_an_administrator_adds_and_ends_a_safeguarding_lead(
    admin_client: Client, wessex: Any, setting: EducationSetting
) -> None:
    services.setting_contact_end(
        actor=admin(wessex), contact=SettingContact.objects.get(setting=setting)
    )
    url = reverse("school_contact_add", args=[setting.urn])
    html = html_of(admin_client.get(url))
    assert f"They must already work for {setting.agency.name} in Hearth" in html  # type: ignore[union-attr]
    response = admin_client.post(url, {"email": DSL.upper(), "role": "deputy"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("school_detail", args=[setting.urn])
    contact = SettingContact.objects.current().get(setting=setting)
    assert contact.role == ContactRole.DEPUTY and contact.user == wessex.user(DSL)
    assert "Deputy designated safeguarding lead" in html_of(response)
    response = admin_client.post(
        reverse("school_contact_end", args=[setting.urn, contact.pk]), follow=True
    )
    assert "contact ended" in html_of(response)
    assert not SettingContact.objects.current().filter(setting=setting).exists()


@pytest.mark.parametrize(
    ("posted", "problem"),
    [
        ({"email": "", "role": "dsl"}, "Enter their email address"),
        ({"email": "not-an-email", "role": "dsl"}, "Enter an email address in the correct format"),
        ({"email": "nobody@example.com", "role": "dsl"}, "someone who has a Hearth account"),
        ({"email": OFFICER, "role": "dsl"}, "Enter the email address of someone who works for"),
        ({"email": DSL, "role": ""}, "Select whether they are the DSL or a deputy DSL"),
    ],
)
def test_a_contact_who_cannot_be_added_is_refused_with_an_error_summary(
    admin_client: Client, setting: EducationSetting, posted: dict[str, str], problem: str
) -> None:
    response = admin_client.post(reverse("school_contact_add", args=[setting.urn]), posted)
    html = html_of(response)
    assert "<title>Error: " in html and "govuk-error-summary" in html
    assert problem in html
    assert SettingContact.objects.filter(setting=setting).count() == 1


# --- Term calendars ------------------------------------------------------------------------


def test_the_calendar_list_shows_every_calendar_with_its_version(
    admin_client: Client, calendar: TermCalendar, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(12):
        html = html_of(admin_client.get(reverse("term_calendar_list")))
    assert "Testshire term dates" in html and "Testshire's maintained schools" in html
    assert "Northshire" in html  # the demo's
    assert "1 term, 1 Sep 2025 to 24 Oct 2025; 0 INSET days" in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in html
    assert "Every local authority has a term calendar" in html


def test_an_administrator_creates_a_local_authoritys_calendar(
    admin_client: Client,
) -> None:
    area = spare_local_authority()
    assert "Add a local authority's term calendar" in html_of(
        admin_client.get(reverse("term_calendar_list"))
    )
    url = reverse("term_calendar_create")
    assert "Testshire" in html_of(admin_client.get(url))
    refused = html_of(
        admin_client.post(url, {"local_authority": "", "name": "", "day_starts": "2pm"})
    )
    assert "<title>Error: " in refused
    for problem in ("Select the local authority", "Enter a name for the term calendar"):
        assert problem in refused
    assert "The school day must start between 6am and 11am" in html_of(
        admin_client.post(url, {"local_authority": area.pk, "name": "T", "day_starts": "2pm"})
    )
    response = admin_client.post(
        url, {"local_authority": area.pk, "name": "Testshire terms", "day_starts": "8.50am"}
    )
    made = TermCalendar.objects.get(local_authority=area)
    assert response.url == reverse("term_calendar_detail", args=[made.pk])  # type: ignore[attr-defined]
    assert made.day_starts == dt.time(8, 50) and made.version == 1


def test_a_calendar_page_shows_its_terms_inset_days_and_start_time(
    admin_client: Client, wessex: Any, calendar: TermCalendar
) -> None:
    services.inset_day_add(
        actor=admin(wessex), calendar=calendar, day=dt.date(2025, 9, 1), note="Staff training"
    )
    html = html_of(admin_client.get(reverse("term_calendar_detail", args=[calendar.pk])))
    assert "Autumn 1" in html and "Mon 1 Sep 2025" in html and "Fri 24 Oct 2025" in html
    assert "Staff training" in html
    assert "8:45am" in html
    assert '<dd class="govuk-summary-list__value">3<br>' in html  # the version


def test_an_administrator_adds_a_term_and_the_version_goes_up(
    admin_client: Client, calendar: TermCalendar
) -> None:
    url = reverse("term_add", args=[calendar.pk])
    html_of(admin_client.get(url))
    response = admin_client.post(
        url,
        {
            "name": "Autumn 2",
            "starts_on_0": "3",
            "starts_on_1": "11",
            "starts_on_2": "2025",
            "ends_on_0": "19",
            "ends_on_1": "12",
            "ends_on_2": "2025",
        },
        follow=True,
    )
    html = html_of(response)
    assert "Autumn 2 has been added: 3 November 2025 to 19 December 2025" in html
    assert TermCalendar.objects.get(pk=calendar.pk).version == 3


def test_an_overlapping_term_is_refused_with_an_error_summary(
    admin_client: Client, calendar: TermCalendar
) -> None:
    response = admin_client.post(
        reverse("term_add", args=[calendar.pk]),
        {
            "name": "Clash",
            "starts_on_0": "20",
            "starts_on_1": "10",
            "starts_on_2": "2025",
            "ends_on_0": "31",
            "ends_on_1": "10",
            "ends_on_2": "2025",
        },
    )
    html = html_of(response)
    assert "<title>Error: " in html and "govuk-error-summary" in html
    assert "The term overlaps Autumn 1 (1 September 2025 to 24 October 2025)" in html
    assert 'href="#id_starts_on_0"' in html
    assert TermCalendar.objects.get(pk=calendar.pk).version == 2


def test_a_term_with_missing_dates_is_refused_in_govuk_words(
    admin_client: Client, calendar: TermCalendar
) -> None:
    html = html_of(admin_client.post(reverse("term_add", args=[calendar.pk]), {"name": ""}))
    for problem in (
        "Enter the term&#x27;s name, like Autumn 1",
        "Enter the first day of term",
        "Enter the last day of term",
    ):
        assert problem in html


def test_an_inset_day_outside_term_is_refused_and_one_inside_is_added(
    admin_client: Client, calendar: TermCalendar
) -> None:
    url = reverse("inset_day_add", args=[calendar.pk])
    html_of(admin_client.get(url))
    outside = {"day_0": "29", "day_1": "10", "day_2": "2025", "note": ""}
    html = html_of(admin_client.post(url, outside))
    assert "<title>Error: " in html
    assert "An INSET day must be in a term: add the term first" in html
    inside = {"day_0": "24", "day_1": "10", "day_2": "2025", "note": "Training"}
    response = admin_client.post(url, inside, follow=True)
    assert "24 October 2025 has been added as an INSET day" in html_of(response)
    assert list(calendar.inset_days.values_list("day", flat=True)) == [dt.date(2025, 10, 24)]


def test_an_administrator_removes_a_term_and_an_inset_day(
    admin_client: Client, wessex: Any, calendar: TermCalendar
) -> None:
    inset = services.inset_day_add(actor=admin(wessex), calendar=calendar, day=dt.date(2025, 9, 2))
    services.inset_day_add(actor=admin(wessex), calendar=calendar, day=dt.date(2025, 9, 3))
    response = admin_client.post(
        reverse("inset_day_remove", args=[calendar.pk, inset.pk]), follow=True
    )
    assert "2 September 2025 is no longer an INSET day" in html_of(response)
    term = calendar.terms.get()
    response = admin_client.post(reverse("term_remove", args=[calendar.pk, term.pk]), follow=True)
    assert "Autumn 1 has been removed with its 1 INSET day" in html_of(response)
    assert not calendar.terms.exists() and not calendar.inset_days.exists()
    assert TermCalendar.objects.get(pk=calendar.pk).version == 6
    # A term that is no longer there: the same 404 as any missing page.
    assert admin_client.post(reverse("term_remove", args=[calendar.pk, term.pk])).status_code == 404


def test_an_administrator_changes_when_the_school_day_starts(
    admin_client: Client, calendar: TermCalendar
) -> None:
    url = reverse("term_calendar_day_starts", args=[calendar.pk])
    assert 'value="08:45"' in html_of(admin_client.get(url))
    html = html_of(admin_client.post(url, {"day_starts": "soon"}))
    assert "Enter the start time as a real time, like 08:45" in html
    response = admin_client.post(url, {"day_starts": "08:30"}, follow=True)
    assert "The school day now starts at 08:30" in html_of(response)
    assert TermCalendar.objects.get(pk=calendar.pk).day_starts == dt.time(8, 30)


# --- Uploads ---------------------------------------------------------------------------------

GIAS_HEADER = (
    "URN,EstablishmentName,TypeOfEstablishment (name),PhaseOfEducation (name),"
    "StatutoryLowAge,StatutoryHighAge,LA (code),LA (name),EstablishmentStatus (name),Postcode\n"
)


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_a_gias_file_with_problems_imports_nothing_and_lists_each_one(
    admin_client: Client,
) -> None:
    text = GIAS_HEADER + (
        "12x,Bad URN School,Community school,Primary,4,11,999,Testshire,Open,WX1 1AA\n"
        "800901,,Community school,Primary,4,11,999,Testshire,Open,WX1 1AA\n"
    )
    before = EducationSetting.objects.count()
    response = admin_client.post(reverse("gias_import"), {"file": upload("gias.csv", text)})
    html = html_of(response)
    assert "<title>Error: " in html and "govuk-error-summary" in html
    assert "Line 2:" in html and "Line 3:" in html
    assert EducationSetting.objects.count() == before


def test_a_good_gias_file_is_imported_with_counts(admin_client: Client) -> None:
    text = GIAS_HEADER + (
        "800901,Quillbrook Primary,Community school,Primary,4,11,999,Testshire,Open,WX1 1AA\n"
    )
    html = html_of(admin_client.post(reverse("gias_import"), {"file": upload("gias.csv", text)}))
    assert "The file has been imported: 1 new setting, 0 updated and 0 unchanged" in html
    assert EducationSetting.objects.filter(urn="800901", name="Quillbrook Primary").exists()


def test_an_upload_with_a_byte_that_is_not_utf8_is_refused_naming_its_line(
    admin_client: Client,
) -> None:
    """It was read as Windows-1252, so the accented names on every line were changed."""
    text = GIAS_HEADER + (
        "800901,École Quillbrook,Community school,Primary,4,11,999,Testshire,Open,WX1 1AA\n"
        "800902,Quillbrook Café,Community school,Primary,4,11,999,Testshire,Open,WX1 1AA\n"
    )
    data = text.encode().replace("Café".encode(), b"Caf\xe9")
    before = EducationSetting.objects.count()
    upload = SimpleUploadedFile("gias.csv", data, content_type="text/csv")
    html = html_of(admin_client.post(reverse("gias_import"), {"file": upload}))
    assert "<title>Error: " in html
    assert "Line 3: byte" in html and "(0xE9) cannot be read as UTF-8" in html
    assert EducationSetting.objects.count() == before


def test_no_file_is_refused(admin_client: Client) -> None:
    html = html_of(admin_client.post(reverse("gias_import"), {}))
    assert "Select a Get Information About Schools file" in html


def test_term_dates_are_uploaded_to_a_calendar(
    admin_client: Client, calendar: TermCalendar
) -> None:
    url = reverse("term_dates_import", args=[calendar.pk])
    bad = "term,starts_on,ends_on\nAutumn 2,2025-12-19,2025-11-03\n"
    html = html_of(admin_client.post(url, {"file": upload("t.csv", bad), "file_format": "csv"}))
    assert "<title>Error: " in html and "Line 2:" in html
    assert TermCalendar.objects.get(pk=calendar.pk).version == 2
    good = "term,starts_on,ends_on\nAutumn 2,2025-11-03,2025-12-19\nINSET,2025-11-03,\n"
    html = html_of(admin_client.post(url, {"file": upload("t.csv", good), "file_format": "csv"}))
    assert "1 term and 1 INSET day imported" in html
    assert "The calendar is now version 3" in html
    assert calendar.terms.count() == 2
