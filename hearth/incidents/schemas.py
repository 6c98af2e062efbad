"""The incidents API's documents: what a record system sends (``IncidentIn`` and its
parts, checked before any service sees them) and what the API answers (``IncidentOut``,
``ChildOut``), with the conversions between a body and the services' terms."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    ConfigDict,
    Strict,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from hearth.incidents import documents
from hearth.incidents.documents import IncidentDocument
from hearth.incidents.models import Education, Incident
from hearth.incidents.policy import AbuseType, Finding, PartyRole
from hearth.incidents.services import INVOLVEMENT_FIELDS, IncidentChanges
from hearth.people.models import Ethnicity, Sex
from hearth.people.policy import Kinship
from hearth.people.services import OtherName

# A page number's bound: far beyond any list, it keeps the number a sane integer.
MAX_PAGE = 100000
MAX_ID = 2**63 - 1  # ids are 64-bit
MAX_PEOPLE = 100
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)

# --- What a record system sends ------------------------------------------------------


# Real offsets run from UTC-12:00 to UTC+14:00; anything beyond is a mistake.
MAX_OFFSET = dt.timedelta(hours=14)


def _require_offset(value: dt.datetime) -> dt.datetime:
    offset = value.utcoffset()
    if offset is None:
        raise ValueError("Give the time with its offset from UTC, for example 22:40:00Z")
    if abs(offset) > MAX_OFFSET:
        raise ValueError("Give a real offset from UTC, between -12:00 and +14:00")
    # Stored in UTC: databases differ in the offsets they accept.
    return value.astimezone(dt.UTC)


def _within_range(value: dt.date) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"Give a date between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return value


# The shapes of a date and a time the API takes, in the OpenAPI document as in the check
# (JSON Schema cannot compare dates, so the years 1900 to 2100 are in the pattern).
_DATE = r"(19[0-9]{2}|20[0-9]{2}|2100)-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
DAY_PATTERN = rf"^{_DATE}$"
MOMENT_PATTERN = (
    rf"^{_DATE}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{{1,6}})?"
    r"(Z|[+-](0[0-9]|1[0-3]):[0-5][0-9]|[+-]14:00)$"
)


def _iso_text(pattern: str, example: str) -> Callable[[Any], Any]:
    """JSON has no date type: a date or time is ISO 8601 text of the pattern's shape (or,
    from Python, a date), never a number (pydantic would read 123 as seconds since 1970)."""
    shape = re.compile(pattern)

    def check(value: Any) -> Any:
        if isinstance(value, dt.date) or (isinstance(value, str) and shape.fullmatch(value)):
            return value
        raise ValueError(
            f"Give it as ISO 8601 text between {EARLIEST.year} and {LATEST.year}, "
            f"for example {example}"
        )

    return check


# Strict input (``In``) refuses text for a date in Python mode, which is how ninja
# validates a parsed body: dates and times alone are read from text, and only from text.
Day = Annotated[
    dt.date,
    Strict(False),
    BeforeValidator(_iso_text(DAY_PATTERN, "2026-11-20")),
    AfterValidator(_within_range),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]
# A time with its offset (for example 2026-11-20T22:40:00Z): a time without one is ambiguous.
# The date is checked as given, before the time is moved to UTC.
Moment = Annotated[
    dt.datetime,
    Strict(False),
    BeforeValidator(_iso_text(MOMENT_PATTERN, "2026-11-20T22:40:00Z")),
    AfterValidator(_within_range),
    AfterValidator(_require_offset),
    WithJsonSchema({"type": "string", "format": "date-time", "pattern": MOMENT_PATTERN}),
]


def _whole_number(value: Any) -> Any:
    """JSON Schema counts 7.0 as an integer, so it is one here too; never a boolean or
    text (strict input)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# A whole number: ``Annotated[int, Field(ge=..., le=...), WHOLE]`` (see ``_whole_number``),
# the bounds before the validator and inside the type, so that the document states them
# as ``minimum`` and ``maximum`` (bounds given after it, or on an optional field's
# ``Field``, are checked but documented as stray ``ge`` and ``le`` keys).
WHOLE = BeforeValidator(_whole_number)
Id = Annotated[int, Field(ge=1, le=MAX_ID), WHOLE]


def _text_problem(value: Any) -> None:
    for text in value if isinstance(value, list) else [value]:
        if not isinstance(text, str):
            continue
        if "\x00" in text:
            raise ValueError("Text cannot contain the NUL character")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("Text must be valid Unicode") from None


# Any text but the NUL character, which cannot be stored (``_text_problem``).
STORABLE_TEXT = r"^[^\x00]*$"


def _declare_storable_text(schema: dict[str, Any]) -> None:
    """Say in the OpenAPI document what ``_storable_text`` refuses, so that every text the
    document allows is accepted: each free text property gets the pattern ``STORABLE_TEXT``
    (codes, dates and properties with their own pattern already exclude NUL)."""

    def declare(node: Any) -> None:
        if not isinstance(node, dict):
            return
        if node.get("type") == "string" and not {"enum", "const", "pattern", "format"} & set(node):
            node["pattern"] = STORABLE_TEXT
        for branch in node.get("anyOf", []):
            declare(branch)
        declare(node.get("items"))

    for prop in schema.get("properties", {}).values():
        declare(prop)


# One of a list of codes (an enumeration), given as its text: ``Annotated[Sex, CODE]``.
# Strict input refuses text for an enumeration in Python mode (how ninja validates a
# parsed body), so codes alone are read from text, and only from their own text.
CODE = Strict(False)


class In(Schema):
    """Input: unknown fields are refused (a misspelt field must not be silently lost), and
    nothing is coerced from another type (strict): ``"yes"`` is not a boolean, ``"12"``
    not a number, ``123`` not a time. Dates and times (``Day``, ``Moment``) are ISO 8601
    text and codes (``CODE``) their text."""

    model_config = ConfigDict(
        extra="forbid",
        use_enum_values=True,
        strict=True,
        json_schema_extra=lambda schema, _: _declare_storable_text(schema),
    )

    @field_validator("*", mode="after")
    @classmethod
    def _storable_text(cls, value: Any) -> Any:
        _text_problem(value)
        return value


class OtherNameIn(In):
    kind: Literal["alias", "previous", "birth"] = "alias"
    given_names: str = Field("", max_length=120)
    family_name: str = Field(..., min_length=1, max_length=120)


class PersonIn(In):
    """A person in the incident, given once and referred to everywhere else by ``ref``.
    Either ``existing_person_id`` (someone your agency has already recorded) or a name."""

    ref: str = Field(
        ..., min_length=1, max_length=100, description="Any string unique in this document."
    )
    existing_person_id: Id | None = None
    given_names: str = Field("", max_length=120)
    family_name: str = Field("", max_length=120)
    date_of_birth: Day | None = None
    estimated_age: Annotated[int, Field(ge=0, le=120), WHOLE] | None = Field(
        None, description="When the date of birth is not known."
    )
    sex: Annotated[Sex, CODE] = Sex.UNKNOWN
    ethnicity: Annotated[Ethnicity, CODE] | Literal[""] = Field("", description="DfE census code.")
    first_language: str = Field("", max_length=80)
    interpreter_needed: bool = False
    communication_needs: str = Field("", max_length=2000)
    nhs_number: str = Field("", max_length=20, description="10 digits with a valid check digit.")
    unique_pupil_number: str = Field(
        "", max_length=20, description="13 characters, check letter first."
    )
    police_person_id: str = Field("", max_length=40)
    other_names: list[OtherNameIn] = Field(default_factory=list, max_length=20)
    address_line_1: str = Field("", max_length=200)
    address_town: str = Field("", max_length=100)
    address_postcode: str = Field("", max_length=10)
    address_confidential: bool = Field(False, description="For example a refuge address.")


class RelationshipIn(In):
    """``person`` is ``kinship`` of ``other`` (for example a parent of a child)."""

    person: str = Field(..., max_length=100)
    other: str = Field(..., max_length=100)
    kinship: Annotated[Kinship, CODE]
    parental_responsibility: bool = Field(
        False, description="``person`` has parental responsibility for ``other``."
    )

    @field_validator("other")
    @classmethod
    def _two_people(cls, other: str, info: ValidationInfo) -> str:
        if other == info.data.get("person"):
            raise ValueError("A person cannot be related to themselves")
        return other


class InvolvementIn(In):
    """What happened to one child, in the officer's and the child's words."""

    normally_resident: bool | None = None
    present: bool | None = None
    where_present: str = Field("", max_length=200)
    saw: bool = False
    heard: bool = False
    experienced_effects: bool = False
    injured: bool | None = None
    injuries: str = Field("", max_length=10000)
    welfare_check_done: bool | None = None
    welfare_check_by: str = Field("", max_length=200)
    spoken_to: bool | None = None
    not_spoken_to_reason: str = Field("", max_length=10000)
    spoken_to_alone: bool | None = Field(None, description="Away from the parents.")
    not_alone_reason: str = Field("", max_length=10000)
    spoken_where: str = Field("", max_length=200)
    others_present: str = Field("", max_length=200)
    own_words: str = Field("", max_length=20000, description="What the child said, word for word.")
    demeanour: str = Field("", max_length=10000)
    worries: str = Field("", max_length=10000)
    communication: str = Field("", max_length=200)
    education: Annotated[Education, CODE] = Education.NOT_KNOWN
    education_setting: str = Field(
        "",
        max_length=200,
        description="The setting's name, when it is not in the directory of settings.",
    )
    education_setting_urn: str = Field(
        "",
        max_length=8,
        description=(
            "The open school, nursery or college the child is registered at, by its URN "
            "in Get Information About Schools."
        ),
    )
    gp: str = Field("", max_length=200)
    health_visitor: str = Field("", max_length=200)


class ChildIn(In):
    ref: str = Field(..., max_length=100)
    involvement: InvolvementIn = Field(default_factory=lambda: InvolvementIn.model_validate({}))


class IncidentIn(In):
    """A whole incident (a police force) or concern (any other agency) in one document.

    It is submitted unless ``submit`` is false; it cannot be submitted until every child
    is recorded in ``children``, or ``no_children_how`` says how it was established that
    no child lives in or is related to the household.
    """

    kind: Literal["police_incident", "concern"] | None = Field(
        None, description="Defaults to a police incident for a police force, else a concern."
    )
    submit: bool = True
    police_reference: str | None = Field(None, max_length=40)
    occurred_at: Moment | None = None
    reported_at: Moment | None = None
    location_line_1: str | None = Field(None, max_length=200)
    location_town: str | None = Field(None, max_length=100)
    location_postcode: str | None = Field(None, max_length=10)
    local_authority_id: Id | None = None
    other_attending: str | None = Field(None, max_length=300)
    abuse_types: list[Annotated[AbuseType, CODE]] | None = Field(None, max_length=len(AbuseType))
    pattern: Annotated[Incident.Pattern, CODE] | None = None
    summary: str | None = Field(None, max_length=20000)
    injuries: str | None = Field(None, max_length=10000)
    weapons_used: bool | None = None
    weapons_description: str | None = Field(None, max_length=300)
    crimes_recorded: str | None = Field(None, max_length=300)
    arrest_made: bool | None = None
    no_arrest_reason: str | None = Field(None, max_length=10000)
    victim_pregnant: Annotated[Incident.Pregnancy, CODE] | None = None
    people: list[PersonIn] = Field(..., max_length=MAX_PEOPLE)
    victims: list[Annotated[str, Field(max_length=100)]] = Field(..., max_length=MAX_PEOPLE)
    perpetrators: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, max_length=MAX_PEOPLE
    )
    children: list[ChildIn] = Field(default_factory=list, max_length=MAX_PEOPLE)
    others: list[Annotated[str, Field(max_length=100)]] = Field(
        default_factory=list, max_length=MAX_PEOPLE
    )
    relationships: list[RelationshipIn] = Field(default_factory=list, max_length=MAX_PEOPLE * 4)
    no_children_how: str = Field("", max_length=10000)


def document_from(payload: IncidentIn) -> IncidentDocument:
    """The body as the document ``incident_record_document`` records."""
    details = IncidentChanges(
        **{
            name: getattr(payload, name)
            for name in IncidentChanges.__dataclass_fields__
            if getattr(payload, name) is not None
        }
    )
    return IncidentDocument(
        people=[
            documents.PersonIn(
                **p.model_dump(exclude={"other_names"}),
                other_names=tuple(OtherName(**n.model_dump()) for n in p.other_names),
            )
            for p in payload.people
        ],
        victims=list(payload.victims),
        perpetrators=list(payload.perpetrators),
        children=[
            documents.ChildIn(c.ref, c.involvement.model_dump(exclude_unset=True))
            for c in payload.children
        ],
        others=list(payload.others),
        relationships=[
            documents.RelationshipIn(r.person, r.other, r.kinship, r.parental_responsibility)
            for r in payload.relationships
        ],
        details=details,
        no_children_how=payload.no_children_how,
        kind=payload.kind,
        submit=payload.submit,
    )


def body_path(field: str) -> str:
    """Where a service's field name is in the request body: a child's involvement is
    under ``children.N.involvement``, and a child's reference is ``children.N.ref``."""
    parts = field.split(".")
    if parts[0] == "children" and len(parts) == 2 and parts[1].isdigit():
        return f"{field}.ref"
    if parts[0] == "children" and len(parts) == 3 and parts[2] == "age":  # an adult listed
        return f"children.{parts[1]}.ref"
    if parts[0] == "children" and len(parts) == 3 and parts[2] in INVOLVEMENT_FIELDS:
        return f"children.{parts[1]}.involvement.{parts[2]}"
    return field


# --- What the API answers ------------------------------------------------------------


class AgencyRefOut(Schema):
    id: int
    name: str


class AreaOut(Schema):
    id: int
    name: str


class LegalTestOut(Schema):
    """A legal test's result and the reasons, in words a person can check."""

    finding: Finding
    reasons: list[str]


class ProblemOut(Schema):
    field: str
    message: str


class OtherNameOut(Schema):
    kind: str
    given_names: str
    family_name: str


class PersonOut(Schema):
    id: int
    given_names: str
    family_name: str
    date_of_birth: dt.date | None
    estimated_age: int | None
    sex: str
    ethnicity: str
    first_language: str
    interpreter_needed: bool
    communication_needs: str
    nhs_number: str
    unique_pupil_number: str
    police_person_id: str
    other_names: list[OtherNameOut]


class PartyOut(Schema):
    role: PartyRole
    person: PersonOut


class InvolvementOut(Schema):
    normally_resident: bool | None
    present: bool | None
    where_present: str
    saw: bool
    heard: bool
    experienced_effects: bool
    injured: bool | None
    injuries: str
    welfare_check_done: bool | None
    welfare_check_by: str
    spoken_to: bool | None
    not_spoken_to_reason: str
    spoken_to_alone: bool | None
    not_alone_reason: str
    spoken_where: str
    others_present: str
    own_words: str
    demeanour: str
    worries: str
    communication: str
    education: str
    education_setting: str
    education_setting_urn: str
    gp: str
    health_visitor: str


class IncidentChildOut(Schema):
    person: PersonOut
    age: int | None
    victim_status: LegalTestOut = Field(
        ..., description="Domestic Abuse Act 2021 s.3: a victim in their own right?"
    )
    involvement: InvolvementOut
    harmed: bool = Field(
        ...,
        description=(
            "The child is the alleged perpetrator, under 18 (a child who harmed, in "
            "child-to-parent abuse for example): a child to safeguard, listed among the "
            "parties as the alleged perpetrator"
        ),
    )


class IncidentOut(Schema):
    id: int
    kind: str
    status: Literal["draft", "submitted"]
    version: int
    submitted_at: dt.datetime | None
    recorded_by_agency: AgencyRefOut
    police_reference: str
    occurred_at: dt.datetime | None
    reported_at: dt.datetime | None
    location_line_1: str
    location_town: str
    location_postcode: str
    local_authority: AreaOut | None
    other_attending: str
    abuse_types: list[str]
    pattern: str
    summary: str
    injuries: str
    weapons_used: bool | None
    weapons_description: str
    crimes_recorded: str
    arrest_made: bool | None
    no_arrest_reason: str
    victim_pregnant: str
    no_children_attested: bool
    no_children_how: str
    definition: LegalTestOut | None = Field(
        ..., description="Domestic Abuse Act 2021 s.1: does it meet the statutory definition?"
    )
    pregnancy_flag: str | None
    parties: list[PartyOut]
    children: list[IncidentChildOut]
    problems: list[ProblemOut] = Field(
        ..., description="What stops a draft being submitted (empty once submitted)."
    )


class IncidentRefOut(Schema):
    id: int
    kind: str
    status: str
    police_reference: str
    occurred_at: dt.datetime | None
    recorded_by_agency: AgencyRefOut


class ChildIncidentOut(Schema):
    incident: IncidentRefOut
    age: int | None
    victim_status: LegalTestOut
    involvement: InvolvementOut


class ChildOut(PersonOut):
    incidents: list[ChildIncidentOut] = Field(
        ..., description="This page of the incidents you may see, newest first (20 a page)."
    )
    page: int = Field(1, description="This page of incidents (1 is the first).")
    pages: int = Field(1, description="How many pages of incidents there are.")
