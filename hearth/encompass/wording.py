"""What an Operation Encompass notification's reader is told, in words (issue 17): the
state of each notification named for what happened, and pages worded for who received it
(a school's DSL, a local authority's education safeguarding team, or health visiting).

Pure: plain values in, words out, tested without a database.

Sources (../shared/docs/domain.md):
- §3.2-§3.3: a school's DSL is told before the next school day and decides the support
  ("silent" or overt) [S49][S50]; schools are asked not to approach the parents [S48];
- §3.4: under-school-age children are outside the duty; some areas tell health visiting
  instead [S47], whose day is the working day (``policy.HEALTH_VISITING_DAY_STARTS``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from hearth.encompass.policy import (
    DO_NOT_APPROACH_PARENTS,
    ENCOMPASS_SUPPORT_LABELS,
    EncompassSupport,
)


class NotificationState(StrEnum):
    """Where a notification is, as its reader knows it: the ledger's status alone says
    "Outcome recorded" after the support is only planned, which reads as finished."""

    NOT_SENT = "not_sent"
    NOT_OPENED = "not_opened"
    OPENED = "opened"  # opened, not yet acknowledged
    ACKNOWLEDGED = "acknowledged"
    SUPPORT_PLANNED = "support_planned"
    CLOSED_HOW_IT_WENT = "closed_how_it_went"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"


# Each state's words and its GOV.UK tag colour.
STATE_WORDS: Mapping[NotificationState, tuple[str, str]] = {
    NotificationState.NOT_SENT: ("Not sent yet", "grey"),
    NotificationState.NOT_OPENED: ("Not opened", "yellow"),
    NotificationState.OPENED: ("Opened, not acknowledged", "blue"),
    NotificationState.ACKNOWLEDGED: ("Acknowledged", "light-blue"),
    NotificationState.SUPPORT_PLANNED: ("Support planned", "turquoise"),
    NotificationState.CLOSED_HOW_IT_WENT: ("Closed: how it went recorded", "green"),
    NotificationState.CLOSED: ("Closed", "green"),
    NotificationState.WITHDRAWN: ("Withdrawn by the police", "grey"),
}


def notification_state(*, status: str, opened: bool, how_it_went: bool) -> NotificationState:
    """The state from the ledger's status (``obligations.policy.Status`` values), whether
    the recipient has opened it and whether how the support went is recorded."""
    if status == "created":
        return NotificationState.NOT_SENT
    if status == "sent":
        return NotificationState.OPENED if opened else NotificationState.NOT_OPENED
    if status == "acknowledged":
        return NotificationState.ACKNOWLEDGED
    if status == "outcome_recorded":
        return NotificationState.SUPPORT_PLANNED
    if status == "closed":
        return NotificationState.CLOSED_HOW_IT_WENT if how_it_went else NotificationState.CLOSED
    if status == "withdrawn":
        return NotificationState.WITHDRAWN
    raise ValueError(f"Unknown status {status!r}")


class Recipient(StrEnum):
    """Who a notification went to: ``policy._Addressee.kind``, kept on the obligation
    (``data["addressee"]``)."""

    SCHOOL = "setting"
    EDUCATION_TEAM = "education_team"
    HEALTH_VISITING = "health_visiting"


def recipient_of(addressee: str | None) -> Recipient:
    """A notification's recipient from its obligation's ``data["addressee"]`` (a school's
    when not recorded: the first notifications were all to schools)."""
    try:
        return Recipient(addressee or Recipient.SCHOOL)
    except ValueError:
        return Recipient.SCHOOL


def recipient_for_agency(agency_kind: str) -> Recipient:
    """Whose inbox it is, by the reader's kind of agency (``core.actor.AgencyKind``)."""
    if agency_kind == "health":
        return Recipient.HEALTH_VISITING
    if agency_kind == "childrens_services":
        return Recipient.EDUCATION_TEAM
    return Recipient.SCHOOL


@dataclass(frozen=True)
class RecipientWords:
    """The pages' words for one kind of recipient."""

    inbox_intro: str
    due: str  # when each is to be acknowledged by: "before the school day starts"
    overdue: str  # after the overdue count: "not acknowledged by the start of the school day"
    who: str  # who gives the support: "the school"
    response_heading: str
    support_heading: str
    support_question: str
    support_recorded: str
    do_not_approach: str
    support_labels: Mapping[EncompassSupport, str]
    empty: str


_WORDS: Mapping[Recipient, RecipientWords] = {
    Recipient.SCHOOL: RecipientWords(
        inbox_intro=(
            "The police tell you here when a child at your school may be a victim of "
            "domestic abuse, so that you can support them in school. Open and acknowledge "
            "each one before the school day starts."
        ),
        due="before the school day starts",
        overdue="not acknowledged by the start of the school day",
        who="the school",
        response_heading="The school's response",
        support_heading="Record the support the school will give",
        support_question="What support will the school give?",
        support_recorded="The support the school will give has been recorded",
        do_not_approach=DO_NOT_APPROACH_PARENTS,
        support_labels=ENCOMPASS_SUPPORT_LABELS,
        empty="No notifications have been sent to your school.",
    ),
    Recipient.EDUCATION_TEAM: RecipientWords(
        inbox_intro=(
            "The police tell you here about children of school age at a domestic abuse "
            "incident whose school cannot be told through Hearth (not registered at a "
            "school, electively home educated, or at a school that does not use it), and "
            "schools' notifications not acknowledged in time. Open and acknowledge each one "
            "before the school day starts."
        ),
        due="before the school day starts",
        overdue="not acknowledged by the start of the school day",
        who="the education safeguarding team",
        response_heading="The education safeguarding team's response",
        support_heading="Record the support the child will get",
        support_question="What support will the child get?",
        support_recorded="The support the child will get has been recorded",
        do_not_approach=(
            "Do not contact the child's parents or carers about this notification. It is "
            "shared so that the child can be supported, in confidence."
        ),
        support_labels={
            EncompassSupport.SILENT: (
                "Silent support: the child's setting or team watches over them without telling them"
            ),
            EncompassSupport.OVERT: "Overt support: a trusted adult talks with the child",
            EncompassSupport.REFERRED_ON: "Referred on for more help",
            EncompassSupport.ALREADY_KNOWN: "Already known: support already in place",
        },
        empty="No notifications have been sent to your team.",
    ),
    Recipient.HEALTH_VISITING: RecipientWords(
        inbox_intro=(
            "The police tell you here when a child under school age living in your area "
            "was in a household where there was a domestic abuse incident, so that health "
            "visiting can support the child and their family at your usual contacts. Open "
            "and acknowledge each one by the start of the next working day."
        ),
        due="by the start of the next working day",
        overdue="not acknowledged by the start of the working day",
        who="health visiting",
        response_heading="Health visiting's response",
        support_heading="Record the support health visiting will give",
        support_question="What support will health visiting give?",
        support_recorded="The support health visiting will give has been recorded",
        do_not_approach=(
            "Do not tell the child's parents or carers about this notification. It is shared "
            "so that you can support the child and their family at your usual contacts, in "
            "confidence."
        ),
        support_labels={
            EncompassSupport.SILENT: (
                "Watchful support: the health visitor keeps the child in mind at routine "
                "contacts, without mentioning the notification"
            ),
            EncompassSupport.OVERT: (
                "Extra support: the health visitor offers the family more contact, such as "
                "a home visit"
            ),
            EncompassSupport.REFERRED_ON: "Referred on for more help",
            EncompassSupport.ALREADY_KNOWN: "Already known: support already in place",
        },
        empty="No notifications have been sent to your health visiting team.",
    ),
}


def words_for(recipient: Recipient) -> RecipientWords:
    return _WORDS[recipient]
