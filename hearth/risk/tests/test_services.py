"""Completing checklists, judgement, countersigning, children's risk, and MARAC criteria
from a history recorded by more than one agency."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from hearth.accounts.models import Area
from hearth.accounts.selectors import actor_for_api_key
from hearth.accounts.services import api_key_issue
from hearth.audit.models import AccessEvent, TimelineEvent
from hearth.core.errors import InvalidTransition, NotFound, NotPermitted, ValidationFailed
from hearth.incidents.documents import incident_record_document
from hearth.incidents.models import Incident
from hearth.incidents.tests.factories import OCCURRED, family_document
from hearth.people.models import Person
from hearth.risk import services
from hearth.risk.instruments import instrument
from hearth.risk.models import AreaRiskSettings, RiskAssessment
from hearth.risk.policy import Answer, ChildRiskFactors, ChildRiskLevel, Grade
from hearth.risk.selectors import (
    assessment_get_for,
    child_risk_history_for,
    grade_history_for,
    reassessment_prompts,
)

OFFICER = "response.officer@police.wessex.example"
PPU = "ppu.officer@police.wessex.example"
DSL = "dsl@schools.wessex.example"


def answered(wessex: Any, incident: Incident, yes: int, **complete: Any) -> RiskAssessment:
    officer = wessex.actor(OFFICER)
    victim = incident.parties.get(role="adult_victim").person
    assessment = services.assessment_start(actor=officer, victim=victim, incident=incident)
    for index, item in enumerate(instrument("police_dash").items):
        services.assessment_answer(
            actor=officer,
            assessment=assessment,
            item_key=item.key,
            answer=Answer.YES if index < yes else Answer.DONT_KNOW,
        )
    return services.assessment_complete(actor=officer, assessment=assessment, **complete)


@pytest.fixture
def incident(wessex: Any) -> Incident:
    return incident_record_document(actor=wessex.actor(OFFICER), document=family_document())


def test_a_complete_checklist_is_graded_and_stamped(wessex: Any, incident: Incident) -> None:
    assessment = answered(wessex, incident, yes=14)
    assert (assessment.score, assessment.grade, assessment.basis) == (14, Grade.HIGH, "actuarial")
    assert (assessment.instrument_key, assessment.instrument_version) == ("police_dash", "2009")
    assert assessment.rule == "GRADE-1"
    assert TimelineEvent.objects.for_subject(incident).filter(verb="risk.completed").exists()


def test_local_bands_grade_medium(wessex: Any, incident: Incident) -> None:
    AreaRiskSettings.objects.create(
        area=Area.objects.get(code="E06900001"), high_from=14, medium_from=10
    )
    incident.local_authority = Area.objects.get(code="E06900001")
    incident.save()
    assert answered(wessex, incident, yes=10).grade == Grade.MEDIUM


def test_judgement_raises_with_a_reason_and_never_lowers(wessex: Any, incident: Incident) -> None:
    raised = answered(
        wessex, incident, yes=4, judged=Grade.HIGH, judgement_reason="Threats to kill"
    )
    assert (raised.actuarial_grade, raised.grade, raised.basis) == (
        Grade.STANDARD,
        Grade.HIGH,
        "professional_judgement",
    )
    with pytest.raises(ValidationFailed, match="lower"):
        answered(wessex, incident, yes=15, judged=Grade.STANDARD, judgement_reason="x")


def test_an_unanswered_checklist_cannot_be_completed(wessex: Any, incident: Incident) -> None:
    officer = wessex.actor(OFFICER)
    victim = incident.parties.get(role="adult_victim").person
    assessment = services.assessment_start(actor=officer, victim=victim, incident=incident)
    with pytest.raises(ValidationFailed, match="Answer every question"):
        services.assessment_complete(actor=officer, assessment=assessment)


def test_supplementary_questions_need_their_trigger(wessex: Any, incident: Incident) -> None:
    officer = wessex.actor(OFFICER)
    victim = incident.parties.get(role="adult_victim").person
    assessment = services.assessment_start(actor=officer, victim=victim, incident=incident)
    with pytest.raises(ValidationFailed, match="question 8"):
        services.assessment_answer(
            actor=officer, assessment=assessment, item_key="stalking_loitering", answer=Answer.YES
        )
    services.assessment_answer(
        actor=officer, assessment=assessment, item_key="stalking_harassment", answer=Answer.YES
    )
    services.assessment_answer(
        actor=officer, assessment=assessment, item_key="stalking_loitering", answer=Answer.YES
    )


def test_a_supervisor_countersigns_someone_elses_assessment(
    wessex: Any, incident: Incident
) -> None:
    assessment = answered(wessex, incident, yes=3)
    with pytest.raises(NotPermitted):
        services.assessment_countersign(actor=wessex.actor(OFFICER), assessment=assessment)
    signed = services.assessment_countersign(
        actor=wessex.actor(PPU), assessment=assessment, note="Agree"
    )
    assert signed.countersigned_at is not None
    with pytest.raises(InvalidTransition):
        services.assessment_answer(
            actor=wessex.actor(OFFICER),
            assessment=signed,
            item_key="current_injury",
            answer=Answer.NO,
        )


def test_reassessment_keeps_the_history_of_grades(wessex: Any, incident: Incident) -> None:
    answered(wessex, incident, yes=5)
    answered(wessex, incident, yes=15)
    victim = incident.parties.get(role="adult_victim").person
    grades = [a.grade for a in grade_history_for(actor=wessex.actor(PPU), victim_id=victim.pk)]
    assert grades == [Grade.HIGH, Grade.STANDARD]


def test_escalation_counts_a_police_incident_and_a_schools_concern(wessex: Any) -> None:
    police = wessex.actor(OFFICER)
    first = incident_record_document(actor=police, document=family_document("WX/H/1"))
    # The school records the same mother under its own record of her.
    school_doc = replace(
        family_document(reference=""),
        details=replace(
            family_document().details,
            police_reference="",
            occurred_at=OCCURRED - dt.timedelta(days=30),
            reported_at=OCCURRED - dt.timedelta(days=30),
            arrest_made=None,
        ),
    )
    incident_record_document(actor=wessex.actor(DSL), document=school_doc)
    kerry_records = Person.objects.filter(given_names="Kerry", family_name="Vance")
    assert kerry_records.count() == 2  # two agencies, two records of one person
    older = replace(
        family_document("WX/H/0"),
        details=replace(
            family_document().details,
            police_reference="WX/H/0",
            occurred_at=OCCURRED - dt.timedelta(days=200),
            reported_at=OCCURRED - dt.timedelta(days=200),
        ),
    )
    incident_record_document(actor=police, document=older)
    assessment = answered(wessex, first, yes=2)
    detail = assessment_get_for(actor=wessex.actor(PPU), assessment_id=assessment.pk)
    assert detail.marac is not None
    assert detail.marac.met_keys == ("potential_escalation",)
    escalation = detail.marac.criteria[2]
    assert "Ashcombe Academy" in escalation.basis  # the DSL acting for their first school
    assert "Wessex Police" in escalation.basis
    assert detail.marac.met


def test_assessments_follow_their_incident(wessex: Any, incident: Incident) -> None:
    assessment = answered(wessex, incident, yes=3)
    for outsider in ("front.door@northshire.wessex.example", DSL):
        with pytest.raises(NotFound):
            assessment_get_for(actor=wessex.actor(outsider), assessment_id=assessment.pk)
    before = AccessEvent.objects.count()
    assessment_get_for(actor=wessex.actor(PPU), assessment_id=assessment.pk)
    assert AccessEvent.objects.count() == before + 1


def test_a_childs_risk_is_recorded_separately_and_can_be_raised(
    wessex: Any, incident: Incident
) -> None:
    mia = Person.objects.get(given_names="Mia", recorded_by_agency__slug="wessex-police")
    officer = wessex.actor(OFFICER)
    first = services.child_risk_record(
        actor=officer,
        child=mia,
        incident=incident,
        factors=ChildRiskFactors(age=8, present_or_witnessed=True),
    )
    assert first.level == ChildRiskLevel.MODERATE_TO_SERIOUS
    raised = services.child_risk_record(
        actor=officer,
        child=mia,
        incident=incident,
        factors=ChildRiskFactors(age=8, present_or_witnessed=True),
        raise_to=ChildRiskLevel.SERIOUS,
        reason="Said she is scared to go home",
    )
    assert (raised.rule_level, raised.level) == (
        ChildRiskLevel.MODERATE_TO_SERIOUS,
        ChildRiskLevel.SERIOUS,
    )
    history = child_risk_history_for(actor=wessex.actor(PPU), child_id=mia.pk)
    assert [r.level for r in history] == [
        ChildRiskLevel.SERIOUS,
        ChildRiskLevel.MODERATE_TO_SERIOUS,
    ]
    with pytest.raises(ValidationFailed, match="only be raised"):
        services.child_risk_record(
            actor=officer,
            child=mia,
            incident=incident,
            factors=ChildRiskFactors(age=8, directly_harmed=True),
            raise_to=ChildRiskLevel.MODERATE,
            reason="x",
        )


def test_a_new_incident_or_pregnancy_prompts_a_new_assessment(
    wessex: Any, incident: Incident
) -> None:
    victim = incident.parties.get(role="adult_victim").person
    assert reassessment_prompts(victim=victim, since=None) == ["No completed risk assessment yet"]
    done = answered(wessex, incident, yes=3)
    assert reassessment_prompts(victim=victim, since=done) == []
    later = replace(
        family_document("WX/LATER/1"),
        people=[
            replace(family_document().people[0], existing_person_id=victim.pk),
            *family_document().people[1:],
        ],
        details=replace(
            family_document().details, police_reference="WX/LATER/1", victim_pregnant="yes"
        ),
    )
    incident_record_document(actor=wessex.actor(OFFICER), document=later)
    assert reassessment_prompts(victim=victim, since=done) == [
        "A new incident since the last assessment",
        "The victim is now pregnant",
    ]


def test_countersigning_again_is_a_retry_for_the_same_supervisor_and_refused_for_another(
    wessex: Any, incident: Incident
) -> None:
    assessment = answered(wessex, incident, yes=3)
    first = services.assessment_countersign(
        actor=wessex.actor(PPU), assessment=assessment, note="Agree"
    )
    again = services.assessment_countersign(
        actor=wessex.actor(PPU), assessment=assessment, note="Changed my mind"
    )
    assert (again.countersigned_at, again.countersign_note) == (first.countersigned_at, "Agree")
    assert (
        TimelineEvent.objects.for_subject(incident).filter(verb="risk.countersigned").count() == 1
    )
    system = api_key_issue(
        actor=None,
        agency=wessex.agency("wessex-police"),
        name="Force system",
        roles=["public_protection_officer"],
    )
    other = actor_for_api_key(raw_key=system.raw_key)
    assert other is not None
    with pytest.raises(InvalidTransition, match="already been countersigned"):
        services.assessment_countersign(actor=other, assessment=assessment, note="Me too")
