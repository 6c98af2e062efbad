"""From a submitted police incident to its Operation Encompass notifications (rule ENC-1,
``hearth.encompass.policy``): the plain data the policy needs, and each planned notification
recorded in the ledger with the content its recipient will see, frozen when it is made.

Like ``routing``, this is Hearth acting on a submission, not a person reading: it reads
without the reader's visibility and shows nothing to anyone. What the recipient later
sees is only ``EncompassNotification.content``, built here by the force's template
(domain.md §3.3): the perpetrator is never named in it, and the minimal template carries
no details of who, where or what.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from hearth.accounts.models import Area, TeamFunction
from hearth.core import clock
from hearth.encompass import policy as enc
from hearth.encompass.models import EncompassChild, EncompassNotification, EncompassSettings
from hearth.incidents.facts import children_at, incident_rows
from hearth.incidents.models import ChildInvolvement, Incident
from hearth.obligations import policy
from hearth.obligations.models import Obligation
from hearth.obligations.reference import area_of, home_area_id, once, team_for
from hearth.people.models import Person
from hearth.schools.models import EducationSetting
from hearth.schools.selectors import (
    area_calendar,
    own_calendars,
    setting_by_urn,
    settings_by_urn,
)

# A school and a local authority's term calendar are read once per submission, however
# many children and routes ask (``reference.once``).


def _setting(urn: str) -> EducationSetting | None:
    return once(("encompass.setting", urn), lambda: setting_by_urn(urn))


def _calendar(area_id: int | None) -> Any:
    return once(("encompass.area_calendar", area_id), lambda: area_calendar(area_id))


def force_template(incident: Incident) -> enc.Template:
    """The content template the recording force chose (its police force area's setting)."""
    force_areas = incident.recorded_by_agency.areas.filter(kind=Area.Kind.POLICE_FORCE_AREA)
    chosen = EncompassSettings.objects.filter(area__in=force_areas).first()
    return enc.Template(chosen.template) if chosen else enc.Template.MINIMAL


def _area_in(area_id: int) -> enc.AreaIn:
    area = area_of(area_id) or Area.objects.get(pk=area_id)
    chosen = EncompassSettings.objects.filter(area=area).first()
    education = team_for(TeamFunction.EDUCATION_SAFEGUARDING, area_id)
    health = team_for(TeamFunction.HEALTH_VISITING, area_id)
    la_calendar = _calendar(area_id)
    return enc.AreaIn(
        area_id=area.pk,
        area_name=area.name,
        education_team_id=education.pk if education else None,
        health_visiting_team_id=health.pk if health else None,
        health_visiting_opted_in=bool(chosen and chosen.health_visiting_under_school_age),
        calendars=(la_calendar,) if la_calendar else (),
        jurisdiction=area.country,
    )


def _settings_in(urns: set[str]) -> dict[str, enc.SettingIn]:
    """The children's schools as the policy sees them, read together (the settings, then
    the terms of those that set their own) and kept for the rest of the submission."""
    found = settings_by_urn(urns)
    for urn in urns:
        once(("encompass.setting", urn), partial(found.get, urn))
    own = own_calendars({s.pk for s in found.values()})
    return {
        urn: enc.SettingIn(
            urn=setting.urn,
            name=setting.name,
            is_open=setting.is_open,
            dsl_team_id=setting.dsl_team_id
            if setting.dsl_team is not None and setting.dsl_team.is_active
            else None,
            area_id=setting.local_authority_id,
            # The school's own terms, then its local authority's (``school_calendars_for``).
            calendars=tuple(
                c
                for c in (own.get(setting.pk), _calendar(setting.local_authority_id))
                if c is not None
            ),
        )
        for urn, setting in found.items()
    }


def encompass_input(
    incident: Incident,
) -> tuple[enc.EncompassIn, dict[str, enc.SettingIn], dict[int, enc.AreaIn]]:
    occurred = (incident.occurred_at or incident.submitted_at or clock.now()).astimezone(
        clock.LONDON
    )
    children = []
    # Everyone listed among the children, the child who harmed included; the policy's age
    # band leaves out anyone 18 or over on the day.
    for listed in children_at(incident):
        person, involvement = listed.person, listed.involvement
        children.append(
            enc.ChildIn(
                person_id=person.pk,
                date_of_birth=person.date_of_birth,
                age=person.age_on(occurred.date()) if person.date_of_birth is None else None,
                education=involvement.education if involvement else enc.Education.NOT_KNOWN,
                setting_urn=involvement.education_setting_urn if involvement else "",
                setting_named=involvement.education_setting if involvement else "",
                area_id=home_area_id(person, incident),
                harmed=listed.harmed,
            )
        )
    notified = frozenset(
        EncompassChild.objects.filter(notification__obligation__incident=incident)
        .exclude(notification__obligation__status=policy.Status.WITHDRAWN)
        .values_list("child_id", flat=True)
    )
    plan_input = enc.EncompassIn(
        incident_id=incident.pk,
        occurred_on=occurred.date(),
        received_at=incident.submitted_at or clock.now(),
        template=force_template(incident),
        children=tuple(children),
        notified=notified,
    )
    settings = _settings_in({c.setting_urn for c in children if c.setting_urn})
    area_ids = {c.area_id for c in children if c.area_id is not None}
    return plan_input, settings, {i: _area_in(i) for i in area_ids}


def encompass_read(
    incident: Incident,
) -> tuple[enc.EncompassIn, dict[str, enc.SettingIn], dict[int, enc.AreaIn]] | None:
    """What ENC-1 needs of a submitted incident: ``None`` for a concern raised by another
    agency (the duty is the police force's)."""
    if incident.kind != Incident.Kind.POLICE:
        return None
    return encompass_input(incident)


def encompass_plan(incident: Incident) -> policy.RoutingResult:
    """The notifications a submitted police incident still needs."""
    read = encompass_read(incident)
    return enc.route_encompass(*read) if read is not None else policy.RoutingResult((), ())


# --- The notification's content --------------------------------------------------------------


def _child_content(
    person: Person, involvement: ChildInvolvement | None, template: enc.Template, informed: bool
) -> dict[str, Any]:
    child: dict[str, Any] = {
        "person_id": person.pk,
        "name": person.full_name,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
        "present": involvement.present if involvement else None,
        "welfare_check_done": involvement.welfare_check_done if involvement else None,
        "childrens_services_informed": informed,
    }
    if template == enc.Template.FULL and involvement is not None:
        child.update(
            where_present=involvement.where_present,
            spoken_to=involvement.spoken_to,
            spoken_to_alone=involvement.spoken_to_alone,
            own_words=involvement.own_words,
        )
    return child


def notification_content(
    obligation: Obligation,
    template: enc.Template,
    child_ids: list[int],
    informed: set[int],
) -> dict[str, Any]:
    """What the recipient sees, by the force's template (domain.md §3.3). ``informed``:
    which of the children the front door was told of at this incident."""
    incident = obligation.incident
    occurred = incident.occurred_at.astimezone(clock.LONDON) if incident.occurred_at else None
    # The incident's rows, read once per submission (``incidents.facts.incident_rows``).
    parties, involved = incident_rows([incident.pk])
    involvements = involved[incident.pk]
    people: dict[int, Person] = {p.person_id: p.person for p in parties[incident.pk]}
    people.update((i.child_id, i.child) for i in involvements.values())
    if missing := [i for i in child_ids if i not in people]:
        people.update(Person.objects.in_bulk(missing))
    content: dict[str, Any] = {
        "template": str(template),
        "incident_date": occurred.date().isoformat() if occurred else None,
        "children": [
            _child_content(people[i], involvements.get(i), template, i in informed)
            for i in child_ids
        ],
    }
    if template == enc.Template.FULL:
        content.update(
            police_reference=incident.police_reference,
            occurred_at=occurred.isoformat() if occurred else None,
            location=", ".join(p for p in (incident.location_line_1, incident.location_town) if p),
        )
    return content


def _informed(incident_ids: list[int], child_ids: list[int]) -> set[tuple[int, int]]:
    """(incident, child) for each child the front door was told of at those incidents."""
    return set(
        Obligation.objects.filter(
            incident_id__in=incident_ids,
            route=enc.CHILDRENS_SERVICES_ROUTE,
            subject_id__in=child_ids,
        ).values_list("incident_id", "subject_id")
    )


def notifications_create(made: Sequence[tuple[Obligation, policy.PlannedObligation]]) -> None:
    """Each new notification's record, listing each child, with its frozen content: all of
    a submission's notifications in three statements (which children the front door was
    told of, the notifications, their children), however many schools."""
    children: list[list[int]] = [list(plan.data["children"]) for _, plan in made]  # type: ignore[call-overload]
    informed = _informed(
        sorted({obligation.incident_id for obligation, _ in made}),
        sorted({child for listed in children for child in listed}),
    )
    notifications = []
    for (obligation, plan), listed in zip(made, children, strict=True):
        template = enc.Template(str(plan.data["template"]))
        urn = str(plan.data.get("setting_urn") or "")
        told = {child for incident, child in informed if incident == obligation.incident_id}
        notifications.append(
            EncompassNotification(
                obligation=obligation,
                setting=_setting(urn) if urn else None,
                template=template,
                content=notification_content(obligation, template, listed, told),
            )
        )
    EncompassNotification.objects.bulk_create(notifications)
    EncompassChild.objects.bulk_create(
        EncompassChild(notification=notification, child_id=child)
        for notification, listed in zip(notifications, children, strict=True)
        for child in listed
    )
