"""API: incidents and concerns as one JSON document (a child's own record, which adds
the child's risk, is served by ``hearth.risk.api`` from ``child_out`` here).

Thin adapters: a POST becomes an ``IncidentDocument`` recorded by
``incident_record_document`` behind an ``Idempotency-Key`` (``hearth.core.idempotency``);
reads go through the same selectors as the pages, so the same records are visible and
the same access events are written. The error paths a service reports (``police_reference``,
``people.2.nhs_number``, ``children.0.present``) are given back as paths into the body.
The documents themselves, in and out, are ``incidents.schemas``.
"""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja import Header, Path, Router, Status

from hearth.accounts.api_auth import acting_on
from hearth.accounts.models import Area
from hearth.core.actor import Actor
from hearth.core.api import CREATE_RESPONSES, ERROR_RESPONSES
from hearth.core.errors import NotFound, NotPermitted, ValidationFailed
from hearth.core.idempotency import MAX_KEY_LENGTH, idempotent_create, scope_for
from hearth.core.personal_data import reads_personal_data
from hearth.incidents import selectors, services
from hearth.incidents.directory import settings_named
from hearth.incidents.documents import IncidentDocument, incident_record_document
from hearth.incidents.models import ChildInvolvement, Incident
from hearth.incidents.policy import Assessment, PartyRole, Problem
from hearth.incidents.schemas import (
    MAX_ID,
    AgencyRefOut,
    AreaOut,
    ChildIncidentOut,
    ChildOut,
    IncidentChildOut,
    IncidentIn,
    IncidentOut,
    IncidentRefOut,
    InvolvementOut,
    LegalTestOut,
    OtherNameOut,
    PartyOut,
    PersonOut,
    ProblemOut,
    body_path,
    document_from,
)
from hearth.people.models import Person, PersonName

router = Router(tags=["incidents"])

CREATE_OPERATION = "incidents.create"


def _actor(request: HttpRequest) -> Actor:
    actor: Actor = request.auth  # type: ignore[attr-defined]
    return actor


def _assessment(assessment: Assessment) -> LegalTestOut:
    return LegalTestOut(finding=assessment.finding, reasons=list(assessment.reasons))


def _person(person: Person) -> dict[str, Any]:
    names: list[PersonName] = list(person.other_names.all())
    return {
        **{name: getattr(person, name) for name in PersonOut.model_fields if name != "other_names"},
        "other_names": [
            OtherNameOut(kind=n.kind, given_names=n.given_names, family_name=n.family_name)
            for n in names
        ],
    }


def _involvement(involvement: ChildInvolvement) -> InvolvementOut:
    return InvolvementOut(
        **{name: getattr(involvement, name) for name in InvolvementOut.model_fields}
    )


def _problems(problems: list[Problem]) -> list[ProblemOut]:
    return [ProblemOut(field=body_path(p.field), message=p.message) for p in problems]


def _incident_out(detail: selectors.IncidentDetail) -> IncidentOut:
    incident, facts = detail.incident, detail.facts
    # Everyone's other names in one query, not one a person.
    prefetch_related_objects(
        [*facts.victims, *facts.perpetrators, *facts.others, *(c.child for c in facts.children)],
        "other_names",
    )
    parties = [
        PartyOut(role=role, person=PersonOut(**_person(person)))
        for role, people in (
            (PartyRole.ADULT_VICTIM, facts.victims),
            (PartyRole.ALLEGED_PERPETRATOR, facts.perpetrators),
            (PartyRole.OTHER_HOUSEHOLD_MEMBER, facts.others),
            # A child who harmed is listed once, as the alleged perpetrator.
            (PartyRole.CHILD, [c.child for c in facts.children if not c.harmed]),
        )
        for person in people
    ]
    scalar = {
        name: getattr(incident, name)
        for name in IncidentOut.model_fields
        if name
        not in {
            "recorded_by_agency",
            "local_authority",
            "definition",
            "pregnancy_flag",
            "parties",
            "children",
            "problems",
        }
    }
    area = incident.local_authority
    return IncidentOut(
        **scalar,
        recorded_by_agency=AgencyRefOut(
            id=incident.recorded_by_agency_id, name=incident.recorded_by_agency.name
        ),
        local_authority=AreaOut(id=area.pk, name=area.name) if area else None,
        definition=_assessment(facts.definition) if facts.definition else None,
        pregnancy_flag=facts.pregnancy_flag,
        parties=parties,
        children=[
            IncidentChildOut(
                person=PersonOut(**_person(c.child)),
                age=c.age,
                victim_status=_assessment(c.victim_status),
                involvement=_involvement(c.involvement),
                harmed=c.harmed,
            )
            for c in facts.children
        ],
        problems=_problems(detail.problems),
    )


def _may_record(actor: Actor, path: dict[str, str]) -> None:
    """Authorise before validating (issue 11 §2): asked as the caller is authenticated,
    before the document is read, so an agency that records no incidents (the service
    operator, analysts, any administrator) is refused (403) whatever it sent."""
    services.incident_kind_for(actor)


# --- Routes -----------------------------------------------------------------------------


@router.post(
    "/incidents",
    response={201: IncidentOut, **CREATE_RESPONSES},
    auth=acting_on(_may_record),
    summary="Record an incident or concern",
)
@reads_personal_data
def incident_create(
    request: HttpRequest,
    payload: IncidentIn,
    idempotency_key: str = Header(
        ...,
        alias="Idempotency-Key",
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        description=(
            "Your own unique key for this request (for example a UUID). A retry with the "
            "same key and body answers with the same incident and creates nothing; the "
            "same key with a different body is a 409. Keys belong to your agency."
        ),
    ),
) -> Status[IncidentOut]:
    """Record the whole incident (a police force) or concern (any other agency) in one
    transaction, and submit it unless ``submit`` is false. Errors name each bad field by
    its path in the body, for example ``people.2.nhs_number``."""
    actor = _actor(request)
    document = document_from(payload)
    with transaction.atomic():
        created = idempotent_create(
            scope=scope_for(actor),
            key=idempotency_key,
            operation=CREATE_OPERATION,
            body=json.loads(request.body),
            create=lambda: _record(actor, document),
        )
        try:
            detail = selectors.incident_get_for(
                actor=actor,
                incident_id=int(created.resource_id),
                purpose="Record an incident",
                history=False,
            )
        except NotFound:
            # Rolls the whole request back: recording what the caller cannot then read
            # or amend would leave an orphan (for example a response officer's key).
            raise NotPermitted(
                "This key cannot see the incidents it records: "
                "ask your administrator for a key with the public protection role"
            ) from None
    return Status(201, _incident_out(detail))


def _record(actor: Actor, document: IncidentDocument) -> tuple[str, int]:
    services.incident_kind_for(actor, document.kind)  # may they record it? before the rest
    area_id = document.details.local_authority_id
    if (
        area_id is not None
        and not Area.objects.filter(pk=area_id, kind=Area.Kind.LOCAL_AUTHORITY).exists()
    ):
        raise ValidationFailed.from_fields({"local_authority_id": ["No such local authority"]})
    # The children's schools read in one query.
    schools = settings_named(
        {
            urn
            for child in document.children
            if (urn := child.involvement.get("education_setting_urn"))
        }
    )
    problems = {
        f"children.{index}.involvement.{name}": messages
        for index, child in enumerate(document.children)
        for name, messages in services.child_involvement_problems(
            child.involvement, schools
        ).items()
    }
    if problems:
        raise ValidationFailed.from_fields(problems)
    try:
        incident = incident_record_document(actor=actor, document=document)
    except ValidationFailed as error:
        raise error.renamed(body_path) from None
    return Incident._meta.label_lower, incident.pk


@router.get(
    "/incidents/{incident_id}",
    response={200: IncidentOut, **ERROR_RESPONSES},
    summary="An incident or concern",
)
@reads_personal_data
def incident_get(
    request: HttpRequest, incident_id: int = Path(..., ge=1, le=MAX_ID)
) -> IncidentOut:
    """An incident with its people, each child's involvement and s.3 status, and the s.1
    definition (an access-logged read). One you may not see is a 404, like a missing one."""
    return _incident_out(
        selectors.incident_get_for(actor=_actor(request), incident_id=incident_id, history=False)
    )


def child_out(detail: selectors.ChildDetail) -> ChildOut:
    """A child's own record as the API answers it. The route, ``GET /children/{child_id}``,
    is ``hearth.risk.api``'s: it adds the child's risk levels, which sit above incidents."""
    return ChildOut(
        **_person(detail.child),
        incidents=[
            ChildIncidentOut(
                incident=IncidentRefOut(
                    id=i.involvement.incident.pk,
                    kind=i.involvement.incident.kind,
                    status=i.involvement.incident.status,
                    police_reference=i.involvement.incident.police_reference,
                    occurred_at=i.involvement.incident.occurred_at,
                    recorded_by_agency=AgencyRefOut(
                        id=i.involvement.incident.recorded_by_agency_id,
                        name=i.involvement.incident.recorded_by_agency.name,
                    ),
                ),
                age=i.age,
                victim_status=_assessment(i.victim_status),
                involvement=_involvement(i.involvement),
            )
            for i in detail.incidents
        ],
        page=detail.page.number if detail.page else 1,
        pages=detail.page.paginator.num_pages if detail.page else 1,
    )
