"""The risk pages through the test client: the checklist from the incident's summary to
its result, the safety stop, the supplementary sets, judgement, access, a child's risk."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.tests.factories import family_document
from hearth.people.models import Person
from hearth.risk import services
from hearth.risk.instruments import instrument
from hearth.risk.models import ChildRisk, RiskAssessment

OFFICER = "response.officer@police.wessex.example"
OUTSIDER = "front.door@northshire.wessex.example"
DASH = instrument("police_dash")
SAFE = {"safe_to_talk": "yes", "safe_contact_number": "07700 900123", "safe_times": "Mornings"}


@pytest.fixture
def incident(wessex: Any) -> Incident:
    return incident_record_document(actor=wessex.actor(OFFICER), document=family_document())


@pytest.fixture
def officer(client_for: Callable[[str], Client]) -> Client:
    return client_for(OFFICER)


def start(client: Client, incident: Incident) -> RiskAssessment:
    response = client.post(reverse("risk_assessment_start", args=[incident.pk]))
    assessment = RiskAssessment.objects.get(incident=incident)
    assert response.status_code == 302
    assert response["Location"] == reverse("risk_assessment_safety", args=[assessment.pk])
    return assessment


def section_data(keys: list[str], yes: set[str]) -> dict[str, str]:
    return {key: "yes" if key in yes else "no" for key in keys}


def section_url(assessment: RiskAssessment, key: str) -> str:
    return reverse("risk_assessment_section", args=[assessment.pk, key])


def test_the_whole_checklist_from_the_incident_to_its_result(
    officer: Client, incident: Incident
) -> None:
    summary = officer.get(reverse("incident_detail", args=[incident.pk]))
    assert "Start the risk checklist" in summary.content.decode()
    assessment = start(officer, incident)
    safety = officer.get(reverse("risk_assessment_safety", args=[assessment.pk]))
    assert "Is it safe to talk now?" in safety.content.decode()
    response = officer.post(reverse("risk_assessment_safety", args=[assessment.pk]), SAFE)
    first = DASH.sections[0]
    assert response["Location"] == section_url(assessment, first.key)
    yes = {item.key for item in DASH.items[:15]} - {"isolated", "stalking_harassment"}
    yes |= {DASH.items[15].key, DASH.items[16].key}  # 15 yes, no supplementary set
    for index, section in enumerate(DASH.sections):
        page = officer.get(section_url(assessment, section.key))
        assert section.title in page.content.decode()
        data = section_data([i.key for i in section.items], yes)
        data[f"{section.items[0].key}_comment"] = "Said so twice"
        response = officer.post(section_url(assessment, section.key), data)
        following = (
            section_url(assessment, DASH.sections[index + 1].key)
            if index + 1 < len(DASH.sections)
            else reverse("risk_assessment_check", args=[assessment.pk])
        )
        assert response.status_code == 302, response.content.decode()
        assert response["Location"] == following
    check = officer.get(reverse("risk_assessment_check", args=[assessment.pk])).content.decode()
    assert "Check your answers" in check
    assert "15 yes answers so far" in check
    assert "Said so twice" in check
    response = officer.post(reverse("risk_assessment_check", args=[assessment.pk]), {})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == reverse("risk_assessment_detail", args=[assessment.pk])
    result = officer.get(response["Location"]).content.decode()
    assert "govuk-tag--red" in result and ">High<" in result
    assert "MARAC referral criteria" in result
    assert "Visible high risk" in result and "Potential escalation" in result
    assert "15 yes answers; 14 or more is visible high risk" in result
    assert "07700 900123" in result
    after = officer.get(reverse("incident_detail", args=[incident.pk])).content.decode()
    assert reverse("risk_assessment_detail", args=[assessment.pk]) in after
    assert "risk grades over time" in after


def test_not_safe_to_talk_stops_and_keeps_the_draft(officer: Client, incident: Incident) -> None:
    assessment = start(officer, incident)
    response = officer.post(
        reverse("risk_assessment_safety", args=[assessment.pk]),
        {"safe_to_talk": "no", "safe_times": "After 9am on weekdays"},
    )
    assert response["Location"] == reverse("risk_assessment_detail", args=[assessment.pk])
    page = officer.get(response["Location"]).content.decode()
    assert "It is not safe to talk now. Stop, and try again later at a safe time." in page
    assert "After 9am on weekdays" in page
    assessment.refresh_from_db()
    assert (assessment.status, assessment.safe_to_talk) == ("in_progress", "no")
    # The questions wait until it is safe.
    blocked = officer.get(section_url(assessment, DASH.sections[0].key))
    assert blocked["Location"] == reverse("risk_assessment_safety", args=[assessment.pk])
    officer.post(reverse("risk_assessment_safety", args=[assessment.pk]), SAFE)
    assert officer.get(section_url(assessment, DASH.sections[0].key)).status_code == 200


def test_the_stalking_questions_appear_only_after_question_8_is_yes(
    officer: Client, incident: Incident
) -> None:
    assessment = start(officer, incident)
    officer.post(reverse("risk_assessment_safety", args=[assessment.pk]), SAFE)
    assert officer.get(section_url(assessment, "stalking")).status_code == 404
    first = DASH.sections[0]
    keys = [i.key for i in first.items]
    response = officer.post(
        section_url(assessment, first.key), section_data(keys, {"stalking_harassment"})
    )
    assert response["Location"] == section_url(assessment, "stalking")
    page = officer.get(section_url(assessment, "stalking"))
    assert page.status_code == 200
    assert officer.get(section_url(assessment, "honour_based_abuse")).status_code == 404
    stalking = [i.key for i in DASH.supplementary["stalking"].items]
    response = officer.post(section_url(assessment, "stalking"), section_data(stalking, set()))
    assert response["Location"] == section_url(assessment, DASH.sections[1].key)


def test_an_unanswered_question_is_an_error(officer: Client, incident: Incident) -> None:
    assessment = start(officer, incident)
    officer.post(reverse("risk_assessment_safety", args=[assessment.pk]), SAFE)
    response = officer.post(section_url(assessment, DASH.sections[0].key), {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Error: " in page
    assert "Select yes, no or don&#x27;t know for question 1" in page


def answer_all(wessex: Any, assessment: RiskAssessment, yes: int) -> None:
    actor = wessex.actor(OFFICER)
    services.assessment_safety_record(
        actor=actor, assessment=assessment, checks=services.SafetyChecks(safe_to_talk="yes")
    )
    for index, item in enumerate(DASH.items):
        services.assessment_answer(
            actor=actor,
            assessment=assessment,
            item_key=item.key,
            answer="yes" if index < yes else "no",  # type: ignore[arg-type]
        )


def test_judgement_cannot_lower_the_grade(wessex: Any, officer: Client, incident: Incident) -> None:
    assessment = start(officer, incident)
    answer_all(wessex, assessment, yes=15)
    url = reverse("risk_assessment_check", args=[assessment.pk])
    response = officer.post(url, {"judged": "2", "judgement_reason": "Seems calmer"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Professional judgement cannot lower the grade" in page
    assert "govuk-error-summary" in page
    assessment.refresh_from_db()
    assert assessment.status == "in_progress"
    missing_reason = officer.post(url, {"judged": "3"}).content.decode()
    assert "Enter why your professional judgement raises it" in missing_reason


def test_judgement_raises_the_grade_with_a_reason(
    wessex: Any, officer: Client, incident: Incident
) -> None:
    assessment = start(officer, incident)
    answer_all(wessex, assessment, yes=3)
    url = reverse("risk_assessment_check", args=[assessment.pk])
    officer.post(url, {"judged": "3", "judgement_reason": "Threats to kill the children"})
    result = officer.get(reverse("risk_assessment_detail", args=[assessment.pk])).content.decode()
    assert ">High<" in result and "Professional judgement" in result
    assert "Threats to kill the children" in result


def test_an_outsider_gets_404_on_every_risk_page(
    wessex: Any, client_for: Callable[[str], Client], officer: Client, incident: Incident
) -> None:
    assessment = start(officer, incident)
    child = Person.objects.get(given_names="Mia", recorded_by_agency__slug="wessex-police")
    outsider = client_for(OUTSIDER)
    pk = assessment.pk
    for url in (
        reverse("risk_assessment_detail", args=[pk]),
        reverse("risk_assessment_safety", args=[pk]),
        section_url(assessment, DASH.sections[0].key),
        reverse("risk_assessment_check", args=[pk]),
        reverse("risk_child", args=[child.pk, incident.pk]),
    ):
        assert outsider.get(url).status_code == 404, url
    for url in (
        reverse("risk_assessment_start", args=[incident.pk]),
        reverse("risk_assessment_countersign", args=[pk]),
        reverse("risk_assessment_safety", args=[pk]),
    ):
        assert outsider.post(url, SAFE).status_code == 404, url
    assert RiskAssessment.objects.filter(incident=incident).count() == 1


def test_a_supervisor_countersigns_from_the_result_page(
    wessex: Any, client_for: Callable[[str], Client], officer: Client, incident: Incident
) -> None:
    assessment = start(officer, incident)
    answer_all(wessex, assessment, yes=5)
    officer.post(reverse("risk_assessment_check", args=[assessment.pk]), {})
    assert "Countersign" not in officer.get(
        reverse("risk_assessment_detail", args=[assessment.pk])
    ).content.decode().replace("Countersigned", "")
    ppu = client_for("ppu.officer@police.wessex.example")
    page = ppu.get(reverse("risk_assessment_detail", args=[assessment.pk])).content.decode()
    assert "Review and countersign" in page
    ppu.post(reverse("risk_assessment_countersign", args=[assessment.pk]), {"note": "Agreed"})
    assessment.refresh_from_db()
    assert assessment.countersigned_at is not None
    assert assessment.countersign_note == "Agreed"
    # Posting again (a double click) changes nothing.
    again = ppu.post(reverse("risk_assessment_countersign", args=[assessment.pk]), {"note": "x"})
    assert again.status_code == 302
    assessment.refresh_from_db()
    assert assessment.countersign_note == "Agreed"


def test_a_childs_risk_is_recorded_and_shown_on_their_record(
    officer: Client, incident: Incident
) -> None:
    mia = Person.objects.get(given_names="Mia", recorded_by_agency__slug="wessex-police")
    record = officer.get(reverse("child_detail", args=[mia.pk])).content.decode()
    assert "has not been assessed yet" in record
    url = reverse("risk_child", args=[mia.pk, incident.pk])
    page = officer.get(url).content.decode()
    assert "What applies to this child?" in page
    response = officer.post(
        url,
        {
            "factors": ["present_or_witnessed"],
            "age": "8",
            "previous_incidents": "0",
            "raise_to": "3",
            "reason": "Said she is scared to go home",
        },
    )
    assert response["Location"] == reverse("child_detail", args=[mia.pk])
    risk = ChildRisk.objects.get(child=mia)
    assert (risk.rule_level, risk.level) == (2, 3)
    record = officer.get(reverse("child_detail", args=[mia.pk])).content.decode()
    assert "Serious" in record and "Said she is scared to go home" in record
    assert "Present at or witnessed the abuse" in record


def test_a_child_risk_cannot_be_raised_without_a_reason(
    officer: Client, incident: Incident
) -> None:
    mia = Person.objects.get(given_names="Mia", recorded_by_agency__slug="wessex-police")
    url = reverse("risk_child", args=[mia.pk, incident.pk])
    response = officer.post(url, {"raise_to": "4"})
    assert "Enter why your professional judgement raises the level" in response.content.decode()
    assert not ChildRisk.objects.exists()


def test_licensed_wording_is_the_question_and_the_label_its_hint(
    officer: Client, incident: Incident, settings: Any, tmp_path: Any
) -> None:
    wording = {key: f"Licensed wording of {key}?" for key in DASH.all_keys}
    path = tmp_path / "dash.json"
    path.write_text(
        json.dumps({"instrument": "police_dash", "version": DASH.version, "items": wording})
    )
    settings.HEARTH_RISK_WORDING_FILES = [str(path)]
    assessment = start(officer, incident)
    officer.post(reverse("risk_assessment_safety", args=[assessment.pk]), SAFE)
    page = officer.get(section_url(assessment, DASH.sections[0].key)).content.decode()
    assert "1. Licensed wording of current_injury?" in page
    assert DASH.items[0].label in page  # as the hint


def test_the_victims_page_shows_their_grades_over_time(wessex, client_for) -> None:
    from hearth.incidents.documents import incident_record_document
    from hearth.incidents.tests.factories import family_document
    from hearth.risk.tests.test_services import answered

    incident = incident_record_document(
        actor=wessex.actor("response.officer@police.wessex.example"),
        document=family_document("WX/P/1"),
    )
    answered(wessex, incident, yes=15)
    victim = incident.parties.get(role="adult_victim").person
    page = client_for("ppu.officer@police.wessex.example").get(f"/people/{victim.pk}/")
    assert page.status_code == 200
    assert b"Risk grades over time" in page.content
    assert b"High (15 yes)" in page.content
