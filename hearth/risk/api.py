"""API: risk assessments of an incident's adult victim, a supervisor's countersignature,
and a child's own record with the child's risk levels.

Thin adapters over ``risk.services`` and ``risk.selectors``. A POST to an incident's
assessments is a whole checklist
(safety checks, answers, professional judgement) recorded and graded in one transaction
behind an ``Idempotency-Key`` (``hearth.core.idempotency``); the service's error fields
are given back as paths into the body (``answers.3.item``, ``judgement.grade``). An
incident the caller may not see is a 404, exactly like a missing one.

Countersigning is an action on an assessment, not a create, so it takes no
``Idempotency-Key``: the same supervisor (or agency system) countersigning again is
answered with the assessment as it is, and anyone else gets a 409.

``GET /children/{child_id}`` lives here, not in ``incidents.api``, because a child's risk
sits above incidents in the layers; its record is built by ``incidents.api.child_out``.
"""

from __future__ import annotations

import json
from dataclasses import replace

from django.db import transaction
from django.http import HttpRequest
from ninja import Header, Path, Query, Router, Status

from hearth.accounts.api_auth import acting_on, path_id
from hearth.core.actor import Actor
from hearth.core.api import CREATE_RESPONSES, ERROR_RESPONSES, ErrorOut
from hearth.core.errors import Conflict, InvalidTransition, NotFound, ValidationFailed
from hearth.core.idempotency import MAX_KEY_LENGTH, idempotent_create, scope_for
from hearth.core.personal_data import reads_personal_data
from hearth.incidents import selectors as incident_selectors
from hearth.incidents.api import child_out
from hearth.incidents.models import Incident, Party
from hearth.incidents.policy import PartyRole
from hearth.incidents.schemas import MAX_ID, MAX_PAGE
from hearth.people.models import Person
from hearth.risk import services
from hearth.risk.instruments import instrument
from hearth.risk.models import ChildRisk, RiskAssessment
from hearth.risk.policy import Answer, ChildRiskLevel, Grade
from hearth.risk.schemas import (
    AnswerOut,
    AssessmentIn,
    AssessmentOut,
    ChildRiskOut,
    ChildWithRiskOut,
    CountersignIn,
    CriterionOut,
    MaracOut,
    SafetyOut,
)
from hearth.risk.selectors import AssessmentDetail, assessment_get_for

router = Router(tags=["risk"])

CREATE_OPERATION = "risk.assessments.create"

GRADES = {g.value: g.name.lower() for g in Grade}

# An action on a record that may clash with what is already recorded (409).
ACTION_RESPONSES = {**ERROR_RESPONSES, 409: ErrorOut}


def _actor(request: HttpRequest) -> Actor:
    actor: Actor = request.auth  # type: ignore[attr-defined]
    return actor


def _visible_incident(actor: Actor, incident_id: int) -> Incident:
    incident = Incident.objects.visible_to(actor).filter(pk=incident_id).first()
    if incident is None:
        raise NotFound("No such incident")
    return incident


# --- Authorise before validating (issue 11 §2) -------------------------------------------
# Asked as the caller is authenticated (``acting_on``), before ninja reads the body: whoever
# may not see the record gets 404, whoever may not act on it 403, whatever they sent.


def _may_assess_incident(actor: Actor, path: dict[str, str]) -> None:
    incident_id = path_id(path, "incident_id")
    if incident_id is not None:
        _visible_incident(actor, incident_id)


def _may_countersign(actor: Actor, path: dict[str, str]) -> None:
    assessment_id = path_id(path, "assessment_id")
    if assessment_id is None:
        return
    assessment = RiskAssessment.objects.visible_to(actor).filter(pk=assessment_id).first()
    if assessment is None:
        raise NotFound("No such assessment")
    services.require_may_countersign(actor, assessment)


# --- What the API answers ------------------------------------------------------------


def _assessment_out(detail: AssessmentDetail) -> AssessmentOut:
    assessment, used = detail.assessment, detail.instrument
    items = {i.key: i for i in used.items}
    items |= {i.key: i for s in used.supplementary.values() for i in s.items}
    order = {key: n for n, key in enumerate(items)}
    answers = sorted(assessment.answers.all(), key=lambda a: order.get(a.item_key, len(order)))
    return AssessmentOut(
        id=assessment.pk,
        incident_id=assessment.incident_id,
        victim_id=assessment.victim_id,
        perpetrator_id=assessment.perpetrator_id,
        instrument=assessment.instrument_key,
        instrument_version=assessment.instrument_version,
        reason=assessment.reason,
        status=assessment.status,  # type: ignore[arg-type]
        score=assessment.score,
        actuarial_grade=GRADES.get(assessment.actuarial_grade)
        if assessment.actuarial_grade
        else None,  # type: ignore[arg-type]
        grade=GRADES.get(assessment.grade) if assessment.grade else None,  # type: ignore[arg-type]
        basis=assessment.basis,
        judgement_reason=assessment.judgement_reason,
        reasons=list(assessment.reasons),
        bands=dict(assessment.bands),
        rule=assessment.rule,
        completed_at=assessment.completed_at,
        safety=SafetyOut(**{name: getattr(assessment, name) for name in SafetyOut.model_fields}),
        answers=[
            AnswerOut(
                item=a.item_key,
                number=items[a.item_key].number if a.item_key in items else None,
                label=items[a.item_key].label if a.item_key in items else a.item_key,
                answer=a.answer,
                comment=a.comment,
                source=a.source,
            )
            for a in answers
        ],
        marac=MaracOut(
            met=detail.marac.met,
            criteria=[
                CriterionOut(key=c.key, met=c.met, basis=c.basis) for c in detail.marac.criteria
            ],
            rule=detail.marac.rule,
        )
        if detail.marac is not None
        else None,
        countersigned=assessment.countersigned_at is not None,
        countersigned_at=assessment.countersigned_at,
        countersign_note=assessment.countersign_note,
    )


def _child_risk_out(risk: ChildRisk) -> ChildRiskOut:
    return ChildRiskOut(
        level=risk.level,
        label=ChildRiskLevel(risk.level).label,
        factors=list(risk.factors),
        basis=risk.basis,
        rule=risk.rule,
        raised_reason=risk.raise_reason,
        incident_id=risk.incident_id,
        recorded_at=risk.created_at,
    )


# --- Recording a checklist -----------------------------------------------------------


def _party(incident: Incident, role: PartyRole, person_id: int | None, field: str) -> Person | None:
    parties = Party.objects.filter(incident=incident, role=role).select_related("person")
    if person_id is not None:
        parties = parties.filter(person_id=person_id)
        if not parties.exists():
            what = "an adult victim" if role == PartyRole.ADULT_VICTIM else "a perpetrator"
            raise ValidationFailed.from_fields({field: [f"Not {what} in this incident"]})
    party = parties.order_by("id").first()
    return party.person if party else None


def _record(actor: Actor, incident: Incident, payload: AssessmentIn) -> tuple[str, int]:
    victim = _party(incident, PartyRole.ADULT_VICTIM, payload.victim_id, "victim_id")
    if victim is None:
        raise ValidationFailed.from_fields({"victim_id": ["This incident has no adult victim"]})
    perpetrator = _party(
        incident, PartyRole.ALLEGED_PERPETRATOR, payload.perpetrator_id, "perpetrator_id"
    )
    assessment = services.assessment_start(
        actor=actor,
        victim=victim,
        incident=incident,
        perpetrator=perpetrator,
        reason=payload.reason,
        instrument_key=payload.instrument,
    )
    services.assessment_safety_record(
        actor=actor,
        assessment=assessment,
        checks=services.SafetyChecks(**payload.safety.model_dump()),
    )
    used = instrument(assessment.instrument_key, assessment.instrument_version)
    main = {i.key for i in used.items}
    first: dict[str, int] = {}
    for index, given in enumerate(payload.answers):
        if given.item in first:
            raise ValidationFailed.from_fields(
                {f"answers.{index}.item": [f"Already answered in answers.{first[given.item]}"]}
            )
        first[given.item] = index
    # Main items first, so a supplementary set's trigger is answered before its questions.
    for index, given in sorted(enumerate(payload.answers), key=lambda p: p[1].item not in main):
        try:
            services.assessment_answer(
                actor=actor,
                assessment=assessment,
                item_key=given.item,
                answer=Answer(given.answer),
                comment=given.comment,
                source=given.source,
            )
        except ValidationFailed as error:
            messages = [m for found in error.fields.values() for m in found] or [error.message]
            raise ValidationFailed(error.message, {f"answers.{index}.item": messages}) from None
    judgement = payload.judgement
    try:
        services.assessment_complete(
            actor=actor,
            assessment=assessment,
            judged=Grade[judgement.grade.upper()] if judgement else None,
            judgement_reason=judgement.reason if judgement else "",
        )
    except ValidationFailed as error:
        paths = {"judged": "judgement.grade"}
        raise error.renamed(lambda name: paths.get(name, name)) from None
    return RiskAssessment._meta.label_lower, assessment.pk


# --- Routes -----------------------------------------------------------------------------


@router.post(
    "/incidents/{incident_id}/assessments",
    response={201: AssessmentOut, **CREATE_RESPONSES},
    auth=acting_on(_may_assess_incident),
    summary="Record a risk assessment of the incident's adult victim",
)
@reads_personal_data
def assessment_create(
    request: HttpRequest,
    payload: AssessmentIn,
    incident_id: int = Path(..., ge=1, le=MAX_ID),
    idempotency_key: str = Header(
        ...,
        alias="Idempotency-Key",
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        description=(
            "Your own unique key for this request (for example a UUID). A retry with the "
            "same key and body answers with the same assessment and records nothing; the "
            "same key with a different body is a 409. Keys belong to your agency."
        ),
    ),
) -> Status[AssessmentOut]:
    """Start, answer and grade a whole checklist in one transaction: the police DASH for a
    police force, the SafeLives RIC for any other agency, unless ``instrument`` says. Every
    main item must be answered (else a 422 naming ``answers``); professional judgement may
    only raise the grade and needs a reason. Errors name each bad field by its path in the
    body, for example ``answers.3.item``. The answer shows the grade, its basis and the
    MARAC criteria, each with its basis (an access-logged read)."""
    actor = _actor(request)
    with transaction.atomic():
        incident = _visible_incident(actor, incident_id)
        created = idempotent_create(
            scope=scope_for(actor),
            key=idempotency_key,
            operation=CREATE_OPERATION,
            body={"incident_id": incident_id, "body": json.loads(request.body)},
            create=lambda: _record(actor, incident, payload),
        )
        detail = assessment_get_for(
            actor=actor,
            assessment_id=int(created.resource_id),
            purpose="Record a risk assessment",
        )
    return Status(201, _assessment_out(detail))


@router.get(
    "/incidents/{incident_id}/assessments",
    response={200: list[AssessmentOut], **ERROR_RESPONSES},
    summary="An incident's risk assessments",
)
@reads_personal_data
def assessment_list(
    request: HttpRequest, incident_id: int = Path(..., ge=1, le=MAX_ID)
) -> list[AssessmentOut]:
    """Every risk assessment of the incident you may see, newest first: the history of
    grades, each with its MARAC criteria (each read is access-logged)."""
    actor = _actor(request)
    incident = _visible_incident(actor, incident_id)
    ids = (
        RiskAssessment.objects.visible_to(actor)
        .filter(incident=incident)
        .values_list("pk", flat=True)
    )
    return [
        _assessment_out(
            assessment_get_for(
                actor=actor, assessment_id=pk, purpose="View an incident's risk assessments"
            )
        )
        for pk in ids
    ]


@router.get(
    "/assessments/{assessment_id}",
    response={200: AssessmentOut, **ERROR_RESPONSES},
    summary="A risk assessment",
)
@reads_personal_data
def assessment_get(
    request: HttpRequest, assessment_id: int = Path(..., ge=1, le=MAX_ID)
) -> AssessmentOut:
    """A risk assessment with its answers, grade and MARAC criteria (an access-logged
    read). One you may not see is a 404, like a missing one."""
    return _assessment_out(assessment_get_for(actor=_actor(request), assessment_id=assessment_id))


@router.post(
    "/assessments/{assessment_id}/countersign",
    response={200: AssessmentOut, **ACTION_RESPONSES},
    auth=acting_on(_may_countersign),
    summary="Countersign a risk assessment",
)
@reads_personal_data
def assessment_countersign(
    request: HttpRequest,
    payload: CountersignIn,
    assessment_id: int = Path(..., ge=1, le=MAX_ID),
) -> AssessmentOut:
    """A supervisor of the agency that recorded a completed assessment (a public protection
    officer, front door manager or MARAC coordinator) countersigns it, with an optional
    review note; nobody countersigns their own. Answers with the assessment, as ``GET
    /assessments/{assessment_id}`` does (an access-logged read). Countersigning again by
    the same supervisor or system is a safe retry: it answers the same and changes
    nothing, the first note included. One you may not see is a 404, like a missing one;
    a 403 if you may not countersign it; a 409 if it is not complete yet or someone else
    has countersigned it."""
    actor = _actor(request)
    with transaction.atomic():
        detail = assessment_get_for(
            actor=actor, assessment_id=assessment_id, purpose="Countersign a risk assessment"
        )
        try:
            signed = services.assessment_countersign(
                actor=actor, assessment=detail.assessment, note=payload.note
            )
        except InvalidTransition as error:
            raise Conflict(error.message) from None
    return _assessment_out(replace(detail, assessment=signed))


@router.get(
    "/children/{child_id}",
    response={200: ChildWithRiskOut, **ERROR_RESPONSES},
    summary="A child's own record",
)
@reads_personal_data
def child_get(
    request: HttpRequest,
    child_id: int = Path(..., ge=1, le=MAX_ID),
    page: int = Query(1, ge=1, le=MAX_PAGE, description="The page of incidents (20 a page)."),
) -> ChildWithRiskOut:
    """A child and the incidents you may see that they were part of, newest first, a page
    at a time, with their involvement and s.3 status in each, and the child's own risk
    level (the latest, and its history, newest first) as far as you may see (an
    access-logged read)."""
    actor = _actor(request)
    detail = incident_selectors.child_get_for(actor=actor, child_id=child_id, page=page)
    # Read with the child's record, whose access event names the child: the risk levels
    # are part of that record (one read, one event).
    levels = [
        _child_risk_out(r) for r in ChildRisk.objects.visible_to(actor).filter(child_id=child_id)
    ]
    return ChildWithRiskOut(
        **child_out(detail).model_dump(),
        risk=levels[0] if levels else None,
        risk_history=levels,
    )
