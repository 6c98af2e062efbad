"""Search by name: what it finds, what it never finds, why, and the access log."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.audit.models import AccessAction, AccessEvent
from hearth.core.actor import Actor
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.tests.factories import family_document
from hearth.schools.models import EducationSetting
from hearth.search import selectors
from hearth.search.policy import similarity
from hearth.search.selectors import ResultKind, search_for
from hearth.search.tests.conftest import (
    FRONT_DOOR,
    OFFICER,
    PPU,
    REFERENCE,
    SOUTH_FRONT_DOOR,
)


def record_family(wessex: Any, reference: str) -> Incident:
    return incident_record_document(
        actor=wessex.actor(OFFICER), document=family_document(reference=reference)
    )


def titles(page: selectors.SearchPage) -> list[str]:
    return [r.title for r in page.results]


def test_a_misspelt_name_finds_the_child_first(wessex: Any, incident: Incident) -> None:
    page = search_for(actor=wessex.actor(OFFICER), query="Mia Vanse")
    first = page.results[0]
    assert (first.title, first.kind) == ("Mia Vance", ResultKind.CHILD)
    assert first.why == ["An incident you recorded"]
    assert first.link is not None and first.link.name == "child_detail"


def test_a_family_name_finds_the_adults_and_children_exactly(
    wessex: Any, incident: Incident
) -> None:
    page = search_for(actor=wessex.actor(OFFICER), query="vance")
    found = {r.title: r for r in page.results}
    assert {"Kerry Vance", "Dean Vance", "Mia Vance", "Ava Vance"} <= set(found)
    assert found["Kerry Vance"].kind == ResultKind.ADULT and found["Kerry Vance"].exact
    assert found["Kerry Vance"].link.name == "person_detail"  # type: ignore[union-attr]
    assert "Leo Hart" not in found


def test_a_date_of_birth_finds_the_child_born_that_day(wessex: Any, incident: Incident) -> None:
    page = search_for(actor=wessex.actor(OFFICER), query="11/06/2018")
    assert titles(page) == ["Mia Vance"]
    assert page.results[0].summary == "Child. Born 11 June 2018"


def test_a_name_and_a_date_of_birth_must_both_match(wessex: Any, incident: Incident) -> None:
    assert titles(search_for(actor=wessex.actor(OFFICER), query="Vance 2018-06-11")) == [
        "Mia Vance"
    ]
    assert titles(search_for(actor=wessex.actor(OFFICER), query="Hart 2018-06-11")) == []


def test_the_forces_reference_and_the_hearth_id_find_the_incident(
    wessex: Any, incident: Incident
) -> None:
    officer = wessex.actor(OFFICER)
    by_reference = search_for(actor=officer, query=REFERENCE.lower())
    assert by_reference.results[0].kind == ResultKind.INCIDENT
    assert by_reference.results[0].record_id == incident.pk and by_reference.results[0].exact
    by_id = search_for(actor=officer, query=f"#{incident.pk}")
    assert [(r.kind, r.record_id) for r in by_id.results] == [(ResultKind.INCIDENT, incident.pk)]


def test_a_school_finds_the_children_recorded_there(
    wessex: Any, incident: Incident, school: EducationSetting
) -> None:
    page = search_for(actor=wessex.actor(OFFICER), query=school.name)
    mia = next(r for r in page.results if r.title == "Mia Vance")
    assert mia.summary.endswith(f"Recorded at {school.name}")


def test_a_response_officer_never_finds_a_colleagues_incident(
    wessex: Any, incident: Incident, colleague: Actor
) -> None:
    assert search_for(actor=colleague, query="Mia Vance").results == []
    assert search_for(actor=colleague, query=REFERENCE).results == []
    assert search_for(actor=colleague, query="11/06/2018").results == []


def test_public_protection_finds_every_incident_of_the_force_and_says_so(
    wessex: Any, incident: Incident
) -> None:
    page = search_for(actor=wessex.actor(PPU), query="Mia Vance")
    assert page.results[0].why == ["All incidents of Wessex Police (public protection)"]


def test_the_front_door_finds_a_child_only_through_its_notification(
    wessex: Any, incident: Incident
) -> None:
    page = search_for(actor=wessex.actor(FRONT_DOOR), query="Mia Vance")
    mia = page.results[0]
    assert mia.title == "Mia Vance"
    assert any("addressed to your team" in why for why in mia.why)
    assert mia.link is not None and mia.link.name == "obligation_detail"
    # Not the incident itself, which the front door may not open.
    assert search_for(actor=wessex.actor(FRONT_DOOR), query=REFERENCE).results == []
    # Another local authority's front door was sent nothing about her.
    assert search_for(actor=wessex.actor(SOUTH_FRONT_DOOR), query="Mia Vance").results == []


@pytest.mark.parametrize(
    ("email", "agency"),
    [
        ("administrator@hearth.wessex.example", "hearth-service-for-wessex"),
        ("administrator@hearth.wessex.example", "wessex-police"),
        ("analyst@partnership.wessex.example", None),
    ],
)
def test_administrators_and_analysts_find_nothing(
    wessex: Any, incident: Incident, email: str, agency: str | None
) -> None:
    actor = wessex.actor(email, agency)
    assert not selectors.may_search(actor)
    assert search_for(actor=actor, query="Vance").results == []


def test_every_search_is_an_access_event_with_its_terms_and_results(
    wessex: Any, incident: Incident
) -> None:
    officer = wessex.actor(OFFICER)
    page = search_for(actor=officer, query="Mia Vanse 11/06/2018")
    event = AccessEvent.objects.latest("id")
    assert event.action == AccessAction.SEARCH
    assert event.query["name"] == "mia vanse" and event.query["date_of_birth"] == "2018-06-11"
    assert {(r.record_type, r.record_id) for r in event.records.all()} == {
        ("people.person", str(page.results[0].record_id))
    }


def test_a_search_that_finds_nothing_is_logged_too(wessex: Any, incident: Incident) -> None:
    before = AccessEvent.objects.count()
    page = search_for(actor=wessex.actor(OFFICER), query="Zebedee Quillfeather")
    assert page.results == [] and page.total == 0
    event = AccessEvent.objects.latest("id")
    assert AccessEvent.objects.count() == before + 1
    assert event.action == AccessAction.SEARCH and event.result_count == 0
    assert event.query["q"] == "Zebedee Quillfeather"


def test_results_are_capped_after_ranking_and_paged(
    wessex: Any, incident: Incident, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors.policy, "PAGE_SIZE", 2)
    first = search_for(actor=wessex.actor(OFFICER), query="vance")
    second = search_for(actor=wessex.actor(OFFICER), query="vance", page=2)
    assert first.pages >= 2 and first.has_next and second.has_previous
    assert not {r.record_id for r in first.results} & {r.record_id for r in second.results}
    assert all(r.exact for r in first.results)


def test_the_database_index_and_the_python_scoring_give_the_same_results(
    wessex: Any, incident: Incident, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL the trigram index chooses the candidates; on SQLite every person in
    scope is one. Forcing the second path on the same data gives the same answers."""
    officer = wessex.actor(PPU)
    queries = ["Mia Vanse", "vance", "Kery Vans", "Ava", "Leo Hartt", "dean 15/09/1989", "xyz"]
    indexed = [
        [(r.kind, r.record_id) for r in search_for(actor=officer, query=q).results] for q in queries
    ]
    monkeypatch.setattr(selectors, "_name_candidate_ids", lambda name: None)
    scored = [
        [(r.kind, r.record_id) for r in search_for(actor=officer, query=q).results] for q in queries
    ]
    assert indexed == scored
    assert indexed[0] and indexed[1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
@pytest.mark.django_db
def test_the_python_similarity_is_pg_trgms() -> None:
    pairs = [("vance", "vanse"), ("mia vanse", "vance"), ("kery", "kerry"), ("obrien", "o brien")]
    with connection.cursor() as cursor:
        for a, b in pairs:
            cursor.execute("SELECT similarity(%s, %s)", [a, b])
            assert cursor.fetchone()[0] == pytest.approx(similarity(a, b), abs=1e-6)


def test_a_search_takes_a_fixed_number_of_queries_however_many_it_finds(
    wessex: Any, incident: Incident, django_assert_max_num_queries: Any
) -> None:
    officer = wessex.actor(PPU)
    for reference in ("WX/2026/5502", "WX/2026/5503", "WX/2026/5504"):
        record_family(wessex, reference)
    # 13 on SQLite; PostgreSQL asks the trigram index for the candidates first.
    with django_assert_max_num_queries(14 if connection.vendor == "postgresql" else 13):
        page = search_for(actor=officer, query="vance")
    assert len(page.results) >= 16  # four families' worth, on one page


def test_the_query_count_is_the_same_however_many_are_found(
    wessex: Any, incident: Incident, school: EducationSetting
) -> None:
    """Each kind of search asks the database the same number of times with one family
    recorded as with four (and so at 100,000 incidents: docs/search.md, "Speed")."""
    officer = wessex.actor(PPU)
    queries = ["vance", "Mia Vanse", "11/06/2018", "Vance 11/06/2018", REFERENCE, school.name]

    def counts() -> dict[str, tuple[int, int]]:
        found = {}
        for query in queries:
            with CaptureQueriesContext(connection) as captured:
                page = search_for(actor=officer, query=query)
            found[query] = (len(captured.captured_queries), len(page.results))
        return found

    before = counts()
    for reference in ("WX/2026/5502", "WX/2026/5503", "WX/2026/5504"):
        record_family(wessex, reference)
    after = counts()
    assert {q: n for q, (n, _) in before.items()} == {q: n for q, (n, _) in after.items()}
    assert after["vance"][1] > before["vance"][1] > 0


@pytest.mark.parametrize("query", ["vance", "kerry", "Vance 11/06/2018", "Vanse"])
def test_more_exact_matches_than_are_ranked_give_the_same_results_as_python(
    wessex: Any, incident: Incident, monkeypatch: pytest.MonkeyPatch, query: str
) -> None:
    """With fewer results ranked than there are people of that name (a common family
    name at volume), PostgreSQL answers one word from its exact matches alone; the
    pages are still those Python's scoring gives."""
    officer = wessex.actor(PPU)
    for reference in ("WX/2026/5502", "WX/2026/5503"):
        record_family(wessex, reference)
    monkeypatch.setattr(selectors.policy, "MAX_RESULTS", 3)
    monkeypatch.setattr(selectors.policy, "PAGE_SIZE", 2)

    def pages() -> list[list[tuple[str, int, bool]]]:
        return [
            [
                (r.kind, r.record_id, r.exact)
                for r in search_for(actor=officer, query=query, page=p).results
            ]
            for p in (1, 2)
        ]

    indexed = pages()
    monkeypatch.setattr(selectors, "_name_candidate_ids", lambda name: None)
    assert indexed == pages()
    if query == "vance":
        assert [exact for page in indexed for _, _, exact in page] == [True] * 3
