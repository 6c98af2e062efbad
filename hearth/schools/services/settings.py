"""A setting's links to Hearth and its designated safeguarding leads (see the package's
invariants)."""

from __future__ import annotations

from django.db import transaction

from hearth.accounts.models import Agency, Membership, Team, TeamFunction, User
from hearth.audit.services import timeline_record
from hearth.core import clock
from hearth.core.actor import Actor, AgencyKind
from hearth.core.errors import ValidationFailed
from hearth.schools.models import (
    ContactRole,
    EducationSetting,
    SettingContact,
)

# A start time outside these is almost certainly a typing slip (14:45 for 08:45): English
# schools open between about 08:00 and 09:30, and a breakfast club is not the school day.
from hearth.schools.services._common import _require_manager

# --- A setting's links to Hearth ----------------------------------------------------------


def _link_problems(
    setting: EducationSetting, agency: Agency | None, dsl_team: Team | None, trust: Agency | None
) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    if agency is not None and agency.kind != AgencyKind.SCHOOL:
        problems["agency"] = ["Choose an organisation that is a school or college in Hearth"]
    if trust is not None and trust.kind != AgencyKind.SCHOOL:
        problems["trust"] = ["Choose a trust or federation that is set up in Hearth"]
    elif trust is not None and agency is not None and trust.pk == agency.pk:
        problems["trust"] = ["The trust must be a different organisation from the setting's own"]
    if dsl_team is not None:
        owners = {a.pk for a in (agency, trust) if a is not None}
        if dsl_team.function != TeamFunction.SCHOOL_SAFEGUARDING or not dsl_team.is_active:
            problems["dsl_team"] = ["Choose a school safeguarding team"]
        elif not owners:
            problems.setdefault(
                "agency", ["Choose the setting's organisation in Hearth to choose its DSL team"]
            )
        elif dsl_team.agency_id not in owners:
            problems["dsl_team"] = [
                "Choose a team of the setting's own organisation or of its trust"
            ]
    return problems


def _links(setting: EducationSetting) -> dict[str, int | None]:
    return {
        "agency_id": setting.agency_id,
        "dsl_team_id": setting.dsl_team_id,
        "trust_id": setting.trust_id,
    }


@transaction.atomic
def setting_link_set(
    *,
    actor: Actor,
    setting: EducationSetting,
    agency: Agency | None,
    dsl_team: Team | None,
    trust: Agency | None,
) -> EducationSetting:
    """Say which Hearth organisation is the setting, which team is its designated
    safeguarding lead's inbox (where its Operation Encompass notifications go) and which
    trust, if any, may act for it. Saving the same links again records nothing."""
    _require_manager(actor)
    setting = EducationSetting.objects.select_for_update().get(pk=setting.pk)
    problems = _link_problems(setting, agency, dsl_team, trust)
    new_agency_id = agency.pk if agency else None
    if (
        not problems
        and setting.agency_id is not None
        and new_agency_id != setting.agency_id
        and setting.contacts.current().exists()
    ):
        # A contact must work for the setting's organisation: moving the setting would
        # leave its DSL answering for a school they do not work for.
        problems["agency"] = [
            "End the setting's safeguarding lead contacts before you change its organisation"
        ]
    if problems:
        raise ValidationFailed.from_fields(problems)
    before = _links(setting)
    setting.agency, setting.dsl_team, setting.trust = agency, dsl_team, trust
    after = _links(setting)
    if before == after:
        return setting
    setting.save(update_fields=["agency", "dsl_team", "trust", "updated_at"])
    timeline_record(
        actor=actor,
        subject=setting,
        verb="schools.setting_link_set",
        summary=(
            f"Organisation: {agency.name if agency else 'none'}; "
            f"DSL team: {dsl_team.name if dsl_team else 'none'}; "
            f"trust: {trust.name if trust else 'none'}"
        ),
        payload={"before": before, "after": after},
    )
    return setting


# --- Its designated safeguarding leads ----------------------------------------------------


@transaction.atomic
def setting_contact_add(
    *, actor: Actor, setting: EducationSetting, user: User, role: str
) -> SettingContact:
    """Name a person as the setting's DSL or a deputy: overdue notifications escalate to
    the DSL, then the deputies (issue 6 point 6)."""
    _require_manager(actor)
    setting = (
        EducationSetting.objects.select_for_update(of=("self",))
        .select_related("agency")
        .get(pk=setting.pk)
    )
    if role not in ContactRole.values:
        raise ValidationFailed.from_fields(
            {"role": ["Select whether they are the DSL or a deputy DSL"]}
        )
    if setting.agency is None:
        raise ValidationFailed(
            f"Choose {setting.name}'s organisation in Hearth before you add its safeguarding leads"
        )
    works_there = Membership.objects.current().filter(user=user, agency=setting.agency).exists()
    if not works_there or not user.is_active:
        raise ValidationFailed.from_fields(
            {
                "user": [
                    "Enter the email address of someone who works for "
                    f"{setting.agency.name} in Hearth"
                ]
            }
        )
    if SettingContact.objects.filter(setting=setting, user=user, ended_at__isnull=True).exists():
        raise ValidationFailed.from_fields(
            {"user": [f"{user.email} is already a safeguarding lead contact for {setting.name}"]}
        )
    contact = SettingContact.objects.create(setting=setting, user=user, role=role)
    timeline_record(
        actor=actor,
        subject=setting,
        verb="schools.setting_contact_added",
        summary=f"{ContactRole(role).label} added",
        payload={"contact_id": contact.pk, "user_id": user.pk, "role": role},
    )
    return contact


@transaction.atomic
def setting_contact_end(*, actor: Actor, contact: SettingContact) -> SettingContact:
    """Stop a person being the setting's DSL or deputy (the row is kept, with when).
    Ending a contact already ended changes nothing."""
    _require_manager(actor)
    contact = SettingContact.objects.select_for_update().get(pk=contact.pk)
    if contact.ended_at is not None:
        return contact
    contact.ended_at = clock.now()
    contact.save(update_fields=["ended_at", "updated_at"])
    timeline_record(
        actor=actor,
        subject=contact.setting,
        verb="schools.setting_contact_ended",
        summary=f"{contact.get_role_display()} ended",
        payload={"contact_id": contact.pk, "user_id": contact.user_id, "role": contact.role},
    )
    return contact
