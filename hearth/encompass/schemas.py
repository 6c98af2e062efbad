"""The Operation Encompass API's documents, for school safeguarding systems (issue 6,
point 7): what a school's (or trust's) system sends to act on a notification
(``EncompassSupportIn``, ``EncompassOutcomeIn``; an acknowledgement takes
``schemas.AcknowledgeIn``) and what it answers: an inbox of ``EncompassNotificationOut``
summaries and one notification, ``EncompassNotificationDetailOut``.

Everything a notification answers comes from the notification itself: its frozen
``content`` (the force's template, ``encompass_routing.notification_content``), its
setting and team, and the proof of the duty (due, delivered, first opened,
acknowledged). No incident id, no person's id and no adult is ever in it (architecture
§4: "a school sees the Encompass content"). Codes are ``hearth.obligations.policy``'s.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema

from hearth.incidents.schemas import In
from hearth.obligations.schemas import MAX_NOTE, StatusCode, TeamRefOut

# The support a school will give (enc.EncompassSupport).
SupportCode = Literal["silent_support", "overt_support", "referred_on", "already_known"]
# The force's content template (enc.Template).
TemplateCode = Literal["minimal", "full"]
# Far beyond any inbox (25 a page): a bound keeps a page number a sane integer.
MAX_PAGE = 100000


# --- What a school's system sends --------------------------------------------------------


class EncompassInboxFiltersIn(Schema):
    """The inbox's query parameters."""

    page: int = Field(
        1, ge=1, le=MAX_PAGE, description="The page, 25 a page; past the last, the last."
    )


class EncompassSupportIn(In):
    """The support the school will give (acknowledging the notification first if need be).
    A different choice later replaces it; once how it went is recorded it cannot change."""

    support: SupportCode = Field(
        ...,
        description=(
            "silent_support (staff watch over the child without telling them), "
            "overt_support (a trusted adult talks with the child), referred_on (referred "
            "on for more help) or already_known (support already in place)."
        ),
    )
    note: str = Field("", max_length=MAX_NOTE, description="A note for the school's record.")


class EncompassOutcomeIn(In):
    """How the support went, which closes the notification."""

    outcome: str = Field(..., min_length=1, max_length=MAX_NOTE)


# --- What the API answers --------------------------------------------------------------------


class EncompassSettingOut(Schema):
    urn: str = Field(..., description="The setting's unique reference number (GIAS).")
    name: str


class EncompassChildSummaryOut(Schema):
    name: str
    date_of_birth: dt.date | None


class EncompassNotificationOut(Schema):
    """A notification as the inbox lists it."""

    id: int = Field(..., description="The notification's id (its obligation's).")
    status: StatusCode
    team: TeamRefOut = Field(..., description="The team it was sent to (the DSL's inbox).")
    setting: EncompassSettingOut | None = Field(
        ..., description="The school or college; null for a local authority's team."
    )
    children: list[EncompassChildSummaryOut]
    created_at: dt.datetime
    delivered_at: dt.datetime | None
    first_opened_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    due_at: dt.datetime | None = Field(
        ..., description="When it must be acknowledged: the start of the next school day."
    )
    estimated: bool = Field(
        ..., description="No term calendar covered the day: due by weekdays and bank holidays."
    )
    overdue: bool = Field(..., description="Not acknowledged and past its due time.")


class EncompassInboxOut(Schema):
    total: int = Field(..., description="Every notification you received.")
    overdue: int = Field(..., description="How many are not acknowledged by their due time.")
    page: int
    pages: int
    notifications: list[EncompassNotificationOut] = Field(..., description="Newest first.")


class EncompassChildOut(Schema):
    """A child as the force's template tells of them: the full template adds where they
    were, whether they were spoken to (and alone) and their own words (null otherwise)."""

    name: str
    date_of_birth: dt.date | None
    present: bool | None
    welfare_check_done: bool | None
    childrens_services_informed: bool
    where_present: str | None = None
    spoken_to: bool | None = None
    spoken_to_alone: bool | None = None
    own_words: str | None = None


class EncompassContentOut(Schema):
    """What the police shared, frozen when the notification was made: the minimal
    template says only that an incident was attended on a date; the full one adds the
    police reference, the time and the location (null otherwise)."""

    template: TemplateCode
    incident_date: dt.date | None
    police_reference: str | None = None
    occurred_at: dt.datetime | None = None
    location: str | None = None
    children: list[EncompassChildOut]


class EncompassSupportOut(Schema):
    code: SupportCode
    label: str
    note: str | None = Field(..., description="The school's own note; null for the force.")
    recorded_at: dt.datetime | None


class EncompassSupportOutcomeOut(Schema):
    outcome: str | None = Field(..., description="How it went; null for the force.")
    recorded_at: dt.datetime


class EncompassNotificationDetailOut(EncompassNotificationOut):
    """One notification: what it carries, the reminder not to approach the parents, the
    proof of the duty and the school's response."""

    do_not_approach_parents: str
    content: EncompassContentOut
    due_basis: str = Field(..., description="How the due time was worked out, in words.")
    acknowledged_late: bool
    support: EncompassSupportOut | None
    support_outcome: EncompassSupportOutcomeOut | None
    closed_at: dt.datetime | None
