"""Who is acting: the vocabulary every selector, service and rule is written against.

An ``Actor`` is a person signed in and working for one agency at the moment (a user
with memberships in several agencies acts for one at a time, chosen with the
organisation switcher), or an agency's own system calling the API with a key.
Visibility (``visible_to(actor)``) and the access log are computed from it, never
from the request. It lives in ``core`` because every context, the audit log
included, reasons about it; the records behind it live in ``accounts``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models


class AgencyKind(models.TextChoices):
    """The kinds of organisation that take part in the safeguarding flow (architecture §1)."""

    POLICE_FORCE = "police_force", "Police force"
    CHILDRENS_SERVICES = "childrens_services", "Local authority children's services"
    SCHOOL = "school", "School or college"
    MARAC = "marac", "MARAC"
    IDVA_SERVICE = "idva_service", "IDVA service"
    SPECIALIST_CHILDRENS_SERVICE = "specialist_childrens_service", "Specialist children's service"
    HEALTH = "health", "Health"
    ANALYTICS = "analytics", "Analytics"
    HOST = "host", "Hearth service operator"


class Role(models.TextChoices):
    """What a person does for an agency. A membership carries exactly one role."""

    RESPONSE_OFFICER = "response_officer", "Response officer"
    PUBLIC_PROTECTION_OFFICER = "public_protection_officer", "Public protection officer"
    FRONT_DOOR_PRACTITIONER = "front_door_practitioner", "Front door practitioner"
    FRONT_DOOR_MANAGER = "front_door_manager", "Front door manager"
    DESIGNATED_SAFEGUARDING_LEAD = "designated_safeguarding_lead", "Designated safeguarding lead"
    EDUCATION_SAFEGUARDING_OFFICER = (
        "education_safeguarding_officer",
        "Education safeguarding officer",
    )
    MARAC_COORDINATOR = "marac_coordinator", "MARAC coordinator"
    IDVA = "idva", "Independent domestic violence adviser (IDVA)"
    SPECIALIST_PRACTITIONER = "specialist_practitioner", "Specialist practitioner"
    HEALTH_PRACTITIONER = "health_practitioner", "Health practitioner"
    ANALYST = "analyst", "Analyst"
    # Confirms or rejects the links between one person's records across agencies (issue
    # 16 §2): sees only the fields needed to decide, through the review queue, never a case.
    DATA_QUALITY_REVIEWER = "data_quality_reviewer", "Data quality reviewer"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles that carry no case work: administrators configure the service and their agency
# (teams, people, keys, reference data), analysts see aggregates (architecture §1, §4),
# data-quality reviewers see only the identifying fields of the pairs they review, on the
# review pages (issue 16 §2). A person acting with only these roles sees no case content
# in any agency.
NO_CASE_CONTENT_ROLES: frozenset[str] = frozenset(
    {Role.ADMINISTRATOR, Role.ANALYST, Role.DATA_QUALITY_REVIEWER}
)

# Which roles make sense in which kind of agency: a membership outside this table is
# refused, so a school cannot be given a police role by mistake.
ROLES_BY_AGENCY_KIND: dict[str, frozenset[str]] = {
    AgencyKind.POLICE_FORCE: frozenset(
        {Role.RESPONSE_OFFICER, Role.PUBLIC_PROTECTION_OFFICER, Role.ADMINISTRATOR}
    ),
    AgencyKind.CHILDRENS_SERVICES: frozenset(
        {
            Role.FRONT_DOOR_PRACTITIONER,
            Role.FRONT_DOOR_MANAGER,
            Role.EDUCATION_SAFEGUARDING_OFFICER,
            Role.ADMINISTRATOR,
        }
    ),
    AgencyKind.SCHOOL: frozenset({Role.DESIGNATED_SAFEGUARDING_LEAD, Role.ADMINISTRATOR}),
    AgencyKind.MARAC: frozenset({Role.MARAC_COORDINATOR, Role.ADMINISTRATOR}),
    AgencyKind.IDVA_SERVICE: frozenset({Role.IDVA, Role.ADMINISTRATOR}),
    AgencyKind.SPECIALIST_CHILDRENS_SERVICE: frozenset(
        {Role.SPECIALIST_PRACTITIONER, Role.ADMINISTRATOR}
    ),
    AgencyKind.HEALTH: frozenset({Role.HEALTH_PRACTITIONER, Role.ADMINISTRATOR}),
    # A data-quality reviewer works for the service operator or a safeguarding
    # partnership (issue 16 §2), never for an agency whose own records are reviewed.
    AgencyKind.ANALYTICS: frozenset({Role.ANALYST, Role.DATA_QUALITY_REVIEWER, Role.ADMINISTRATOR}),
    AgencyKind.HOST: frozenset({Role.DATA_QUALITY_REVIEWER, Role.ADMINISTRATOR}),
}


@dataclass(frozen=True)
class Actor:
    """A person (``user_id``) or an agency system (``api_key_id``) acting for one agency."""

    agency_id: int
    agency_kind: str
    agency_name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    team_ids: frozenset[int] = field(default_factory=frozenset)
    # The teams this person manages (a membership marked as the team's manager).
    managed_team_ids: frozenset[int] = field(default_factory=frozenset)
    user_id: int | None = None
    api_key_id: int | None = None
    # How many agencies this person works for: the organisation switcher shows when > 1.
    agency_count: int = 1

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def manages(self, team_id: int) -> bool:
        return team_id in self.managed_team_ids

    @property
    def is_administrator(self) -> bool:
        """An administrator of the agency acted for (of any kind, the host included)."""
        return Role.ADMINISTRATOR in self.roles

    @property
    def sees_case_content(self) -> bool:
        """Whether any case record (people, incidents, children, risk, obligations and what
        they carry) may be visible at all. Administrators of any agency, the host's
        included, and analysts see none: configuration and aggregates, never a case
        (architecture §1, §4). Someone who also holds a practitioner role in the agency
        acted for sees what that role sees; an agency system's key with no role sees
        what is addressed to its agency."""
        return not self.roles or bool(self.roles - NO_CASE_CONTENT_ROLES)

    @property
    def is_host_administrator(self) -> bool:
        """An administrator of the organisation that runs this Hearth: configuration of every
        agency, never case content (architecture §1)."""
        return self.agency_kind == AgencyKind.HOST and Role.ADMINISTRATOR in self.roles
