"""Forms of the MARAC pages (GOV.UK patterns and words); the services check the rules
again, and their refusals are shown on the fields they name."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms

from hearth.accounts.models import Agency, Team
from hearth.core.dates import govuk_date, govuk_time
from hearth.core.errors import ValidationFailed
from hearth.marac import policy
from hearth.marac.models import MaracMeeting
from hearth.people.forms import GovukDateField, GovukForm
from hearth.schools.forms import TimeField

_LONG = f"This must be {policy.MAX_TEXT} characters or fewer"


def _text(label: str, hint: str = "", required: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=bool(required),
        max_length=policy.MAX_TEXT,
        widget=forms.Textarea,
        error_messages={"required": required, "max_length": _LONG},
    )


class MeetingForm(GovukForm):
    held_on = GovukDateField(
        label="Date of the meeting",
        help_text="For example, 27 3 2027",
        what="The date of the meeting",
        required="Enter the date of the meeting",
    )
    starts_at = TimeField(label="What time does it start?", what="the time the meeting starts")
    format = forms.ChoiceField(
        label="How is it held?",
        choices=[Choice(k, v) for k, v in policy.MEETING_FORMAT_LABELS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the meeting is held"},
    )
    place = forms.CharField(
        label="Where, or how to join (optional)",
        help_text="For example, the room, or 'link sent by email'. Never a victim's address",
        required=False,
        max_length=policy.MAX_PLACE,
        error_messages={
            "max_length": f"Where or how it is held must be {policy.MAX_PLACE} characters or fewer"
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field("held_on"),
            Field.text("starts_at", field_width=5),
            Field.radios("format", legend_size=Size.SMALL, small=True),
            Field.text("place", field_width=Fluid.TWO_THIRDS),
        )


def _meeting_words(meeting: MaracMeeting) -> str:
    day = govuk_date(meeting.held_on, weekday=True)
    return f"{day} at {govuk_time(meeting.starts_at)} ({meeting.format_words})"


class ChooseMeetingForm(GovukForm):
    """Which scheduled meeting a referral joins (or a case moves to)."""

    meeting = forms.TypedChoiceField(
        label="Which meeting?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a meeting", "invalid_choice": "Select a meeting"},
    )

    def __init__(
        self, *args: Any, meetings: list[MaracMeeting], label: str = "", **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["meeting"]
        field.choices = [Choice(m.pk, _meeting_words(m)) for m in meetings]  # type: ignore[attr-defined]
        if label:
            field.label = label
        self.helper.layout = Layout(Field.radios("meeting", legend_size=Size.MEDIUM, small=True))


class HearForm(GovukForm):
    """What the meeting recorded for the case (its actions are ``ActionForm`` rows)."""

    attended_agency_ids = forms.TypedMultipleChoiceField(
        label="Which agencies attended for this case?",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    risks = _text("What risks were discussed?", "To the victim, the children and others")
    child_ids = forms.TypedMultipleChoiceField(
        label="Which children of the household did the meeting confirm?",
        help_text="Untick a child who is not part of the household now, and say why",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    unconfirmed_reason = _text("Why was a child not confirmed? (if one was not)")
    note = _text("Anything else to record (optional)")

    def __init__(
        self,
        *args: Any,
        agencies: list[Agency],
        children: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attended_agency_ids"].choices = [Choice(a.pk, a.name) for a in agencies]  # type: ignore[attr-defined]
        self.fields["child_ids"].choices = [Choice(pk, name) for pk, name in children]  # type: ignore[attr-defined]
        layout = [Field.checkboxes("attended_agency_ids", legend_size=Size.MEDIUM, small=True)]
        layout.append(Field.textarea("risks", rows=4))
        if children:
            layout.append(Field.checkboxes("child_ids", legend_size=Size.MEDIUM, small=True))
            layout.append(Field.textarea("unconfirmed_reason", rows=2))
        layout.append(Field.textarea("note", rows=3))
        self.helper.layout = Layout(*layout)


ACTION_FIELDS = ("for_person", "owner_team", "words", "due_on")


class ActionForm(GovukForm):
    """One row of the action plan; a row left empty is not an action."""

    for_person = forms.TypedChoiceField(
        label="Who is it for?", coerce=int, required=False, empty_value=None
    )
    owner_team = forms.TypedChoiceField(
        label="Which team owns it?", coerce=int, required=False, empty_value=None
    )
    words = _text("What must be done?")
    due_on = GovukDateField(label="Due by", help_text="For example, 27 3 2027", what="Due by")

    def __init__(
        self,
        *args: Any,
        number: int,
        people: list[tuple[int, str]],
        teams: list[Team],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, prefix=f"action-{number}", **kwargs)
        self.number = number
        self.fields["for_person"].choices = [("", "Select who it is for"), *people]  # type: ignore[attr-defined]
        self.fields["owner_team"].choices = [  # type: ignore[attr-defined]
            ("", "Select a team"),
            *[(t.pk, f"{t.name} ({t.agency.name})") for t in teams],
        ]
        self.helper.layout = Layout(
            # Full width: a long team name must not widen the page at 375px.
            Field.select("for_person", css_class="govuk-!-width-full"),
            Field.select("owner_team", css_class="govuk-!-width-full"),
            Field.textarea("words", rows=2),
            Field("due_on"),
        )

    def action(self) -> policy.ActionIn:
        data = self.cleaned_data
        return policy.ActionIn(
            for_person_id=data.get("for_person"),
            owner_team_id=data.get("owner_team"),
            words=data.get("words") or "",
            due_on=data.get("due_on"),
        )


def hear_failure(failure: ValidationFailed, form: HearForm, rows: list[ActionForm]) -> None:
    """A service's refusal shown where it belongs: ``actions.<n>.<field>`` on that row
    (numbered as the rows were given), the rest on the hearing's form."""
    rest: dict[str, list[str]] = {}
    for name, messages in failure.fields.items():
        parts = name.split(".")
        if len(parts) == 3 and parts[0] == "actions" and parts[1].isdigit():
            index, field = int(parts[1]), parts[2]
            if index < len(rows) and field in rows[index].fields:
                for message in messages:
                    rows[index].add_error(field, message)
                continue
        rest[name] = messages
    if rest or not failure.fields:
        form.add_failure(ValidationFailed(failure.message, rest))
