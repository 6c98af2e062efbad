"""The pages of recording an incident or raising a concern, one form per page, and the
public protection list's filter. GOV.UK patterns through crispy-forms-gds.

Forms only check what a person typed (a real date, a real time); whether the incident
can be submitted is ``policy.submission_problems``'s decision, so a draft can be saved
half-done from any page. Each form gives back only what was changed, so saving a page
unchanged records nothing (and, after submission, stores no new version).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from django import forms

from hearth.core import clock
from hearth.incidents.models import Education, Incident
from hearth.incidents.policy import ABUSE_TYPE_LABELS
from hearth.incidents.selectors import IncidentFilters
from hearth.incidents.services import IncidentChanges
from hearth.people.forms import (
    GovukDateField,
    GovukForm,
    changed_values,
    yes_no_field,
    yes_no_initial,
)
from hearth.people.models import Person
from hearth.people.policy import KINSHIP_LABELS, Kinship, Tie

# --- Times --------------------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2})(?:[:.]?(\d{2}))?(am|pm)?$")


def parse_time(text: str) -> dt.time | None:
    """A time as people type it: 22:40, 22.40, 2240, 10:40pm, 10pm, midday, midnight."""
    compact = text.strip().lower().replace(" ", "")
    if compact in {"midday", "noon", "12noon"}:
        return dt.time(12, 0)
    if compact == "midnight":
        return dt.time(0, 0)
    match = _TIME.match(compact)
    if not match:
        return None
    hour, minute, half = int(match[1]), int(match[2] or 0), match[3]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    elif match[2] is None:
        return None  # "10" alone could be morning or night
    if hour > 23 or minute > 59:
        return None
    return dt.time(hour, minute)


def _local(value: dt.datetime | None) -> tuple[dt.date | None, str]:
    if value is None:
        return None, ""
    local = value.astimezone(clock.LONDON)
    return local.date(), local.strftime("%H:%M")


class InitialFrom:
    """``initial_from(record)``: the form's fields as stored, yes/no answers as radios."""

    base_fields: dict[str, forms.Field]

    @classmethod
    def initial_from(cls, record: object) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for name, field in cls.base_fields.items():
            if not hasattr(record, name):
                continue
            value = getattr(record, name)
            is_yes_no = isinstance(field, forms.TypedChoiceField) and isinstance(
                field.widget, forms.RadioSelect
            )
            if is_yes_no and (value is None or isinstance(value, bool)):
                value = yes_no_initial(value)
            initial[name] = value
        return initial


# --- The incident ---------------------------------------------------------------------------


def _time_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text="Use the 24-hour clock or am and pm, for example 22:40 or 10:40pm",
        max_length=10,
        required=False,
    )


class IncidentDetailsForm(GovukForm):
    police_reference = forms.CharField(
        label="Police reference",
        help_text="The incident or occurrence number on your force's system",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    occurred_date = GovukDateField(
        label="Date", what="The date it happened", help_text="For example, 20 11 2026"
    )
    occurred_time = _time_field("Time")
    reported_date = GovukDateField(
        label="Date", what="The date it was reported", help_text="For example, 20 11 2026"
    )
    reported_time = _time_field("Time")
    location_line_1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    location_town = forms.CharField(label="Town or city", max_length=100, required=False)
    location_postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    local_authority = forms.TypedChoiceField(
        label="Local authority",
        help_text="The council area where it happened",
        coerce=int,
        empty_value=None,
        required=False,
    )
    other_attending = forms.CharField(
        label="Officers attending (optional)",
        help_text="Names or collar numbers",
        max_length=300,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        is_police: bool,
        local_authorities: Sequence[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].choices = [("", "Not known"), *local_authorities]  # type: ignore[attr-defined]
        when = "it happened" if is_police else "it happened, or when you became aware"
        if not is_police:
            del self.fields["police_reference"]
            del self.fields["other_attending"]
        self.helper.layout = Layout(
            *([Field.text("police_reference", field_width=20)] if is_police else []),
            Fieldset(
                Field("occurred_date"),
                Field.text("occurred_time", field_width=5),
                legend=f"When {when}",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field("reported_date"),
                Field.text("reported_time", field_width=5),
                legend="When it was reported" if is_police else "When it was reported to you",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("location_line_1"),
                Field.text("location_town", field_width=Fluid.TWO_THIRDS),
                Field.text("location_postcode", field_width=10),
                Field.select("local_authority"),
                legend="Where it happened",
                legend_size=Size.MEDIUM,
            ),
            *([Field.text("other_attending")] if is_police else []),
        )

    @classmethod
    def initial_from(cls, incident: Incident) -> dict[str, Any]:
        occurred_date, occurred_time = _local(incident.occurred_at)
        reported_date, reported_time = _local(incident.reported_at)
        return {
            "police_reference": incident.police_reference,
            "occurred_date": occurred_date,
            "occurred_time": occurred_time,
            "reported_date": reported_date,
            "reported_time": reported_time,
            "location_line_1": incident.location_line_1,
            "location_town": incident.location_town,
            "location_postcode": incident.location_postcode,
            "local_authority": incident.local_authority_id,
            "other_attending": incident.other_attending,
        }

    def _when(self, data: dict[str, Any], prefix: str, what: str) -> dt.datetime | None:
        day, text = data.get(f"{prefix}_date"), (data.get(f"{prefix}_time") or "").strip()
        time = parse_time(text) if text else None
        if text and time is None:
            self.add_error(f"{prefix}_time", "Enter a real time, like 22:40 or 10:40pm")
        if day and not text:
            self.add_error(f"{prefix}_time", f"Enter the time {what}")
        if text and not day and f"{prefix}_date" not in self.errors:
            self.add_error(f"{prefix}_date", f"Enter the date {what}")
        if day and time:
            return dt.datetime.combine(day, time, tzinfo=clock.LONDON)
        return None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        occurred = self._when(data, "occurred", "it happened")
        reported = self._when(data, "reported", "it was reported")
        if occurred and occurred > clock.now():
            self.add_error("occurred_date", "The date it happened must be today or in the past")
        if occurred and reported and reported < occurred:
            self.add_error(
                "reported_date",
                "When it was reported must be the same as or after when it happened",
            )
        data["occurred_at"], data["reported_at"] = occurred, reported
        return data

    def changes(self) -> IncidentChanges:
        changed, data = set(self.changed_data), self.cleaned_data
        values: dict[str, Any] = {}
        for name in (
            "police_reference",
            "location_line_1",
            "location_town",
            "location_postcode",
            "other_attending",
        ):
            if name in changed:
                values[name] = data[name].strip()
        if "local_authority" in changed:
            values["local_authority_id"] = data["local_authority"]
        for prefix in ("occurred", "reported"):
            if {f"{prefix}_date", f"{prefix}_time"} & changed:
                values[f"{prefix}_at"] = data[f"{prefix}_at"]
        return IncidentChanges(**values)


class WhatHappenedForm(InitialFrom, GovukForm):
    abuse_types = forms.MultipleChoiceField(
        label="What kind of abuse was it?",
        help_text="Select all that apply (Domestic Abuse Act 2021 section 1)",
        choices=[(str(k), v) for k, v in ABUSE_TYPE_LABELS.items()],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    pattern = forms.ChoiceField(
        label="Was it a single incident or part of a course of conduct?",
        choices=Incident.Pattern.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether it was a single incident or a course of conduct"
        },
    )
    summary = forms.CharField(
        label="Describe what happened",
        help_text="In your own words: what you saw, and what you were told",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    injuries = forms.CharField(
        label="Injuries to the adults (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.checkboxes("abuse_types", legend_size=Size.MEDIUM, small=True),
            Field.radios("pattern", legend_size=Size.MEDIUM, small=True),
            Field.textarea("summary", label_size=Size.MEDIUM, rows=6),
            Field.textarea("injuries", rows=3),
        )

    def changes(self) -> IncidentChanges:
        return IncidentChanges(**changed_values(self))


class PoliceActionForm(InitialFrom, GovukForm):
    weapons_used = yes_no_field("Were weapons used or threatened?", not_known=True)
    weapons_description = forms.CharField(
        label="If weapons were used or threatened, what were they?",
        max_length=300,
        required=False,
    )
    crimes_recorded = forms.CharField(
        label="Crimes recorded (optional)",
        help_text="For example, assault occasioning actual bodily harm",
        max_length=300,
        required=False,
    )
    arrest_made = yes_no_field("Was an arrest made?")
    no_arrest_reason = forms.CharField(
        label="If no arrest was made, why not?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("weapons_used", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.text("weapons_description"),
            Field.text("crimes_recorded"),
            Field.radios("arrest_made", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.textarea("no_arrest_reason", rows=3),
        )

    def changes(self) -> IncidentChanges:
        return IncidentChanges(**changed_values(self))


class PregnancyForm(InitialFrom, GovukForm):
    victim_pregnant = forms.ChoiceField(
        label="Is the adult victim pregnant?",
        help_text=(
            "Pregnancy, or a baby under 18 months, raises the risk to the victim and the baby"
        ),
        choices=Incident.Pregnancy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the adult victim is pregnant"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.radios("victim_pregnant", legend_size=Size.MEDIUM))

    def changes(self) -> IncidentChanges:
        return IncidentChanges(**changed_values(self))


# --- Relationships --------------------------------------------------------------------------

# How one adult may stand to the other (s.2 connections first, then relatives).
ADULT_KINSHIPS = (
    Kinship.MARRIED,
    Kinship.CIVIL_PARTNERS,
    Kinship.ENGAGED,
    Kinship.CIVIL_PARTNERSHIP_AGREEMENT,
    Kinship.INTIMATE_PARTNERS,
    Kinship.CO_PARENTS,
    Kinship.PARENT,
    Kinship.CHILD,
    Kinship.STEP_PARENT,
    Kinship.STEP_CHILD,
    Kinship.GRANDPARENT,
    Kinship.GRANDCHILD,
    Kinship.SIBLING,
    Kinship.AUNT_OR_UNCLE,
    Kinship.NIECE_OR_NEPHEW,
    Kinship.COUSIN,
    Kinship.OTHER,
)
# How an adult may stand to a child.
CHILD_KINSHIPS = (
    Kinship.PARENT,
    Kinship.STEP_PARENT,
    Kinship.GRANDPARENT,
    Kinship.SIBLING,
    Kinship.AUNT_OR_UNCLE,
    Kinship.COUSIN,
    Kinship.PARENTS_PARTNER,
    Kinship.CARER,
    Kinship.OTHER,
)


def kinship_phrase(kinship: Kinship, other: str) -> str:
    """``KINSHIP_LABELS`` with the other person's name where it belongs:
    "Parent of Mia Vance", "Carer of Mia Vance (not a relative)", "Married (now or in the past)"."""
    label = KINSHIP_LABELS[kinship]
    head, bracket, tail = label.partition(" (")
    if head.endswith((" of", " by")):
        label = f"{head} {other}{bracket}{tail}"
    return label[0].upper() + label[1:]


def _kinship_field(label: str, kinships: Sequence[Kinship], other: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=[("", "Not known yet"), *((str(k), kinship_phrase(k, other)) for k in kinships)],
        required=False,
    )


class AdultsRelationshipForm(GovukForm):
    """How each adult victim is related to each alleged perpetrator (s.2)."""

    def __init__(
        self,
        *args: Any,
        pairs: Sequence[tuple[Person, Person]],
        ties: dict[tuple[int, int], Tie],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.pairs = list(pairs)
        for victim, perpetrator in self.pairs:
            name = f"kinship_{victim.pk}_{perpetrator.pk}"
            self.fields[name] = _kinship_field(
                f"How is {victim.full_name} related to {perpetrator.full_name}?",
                ADULT_KINSHIPS,
                perpetrator.full_name,
            )
            tie = ties.get((victim.pk, perpetrator.pk))
            self.initial[name] = str(tie.kinship) if tie else ""
        self.helper.layout = Layout(*(Field.select(name) for name in self.fields))

    def changed_kinships(self) -> list[tuple[Person, Person, Kinship]]:
        found = []
        for victim, perpetrator in self.pairs:
            name = f"kinship_{victim.pk}_{perpetrator.pk}"
            if name in self.changed_data and self.cleaned_data[name]:
                found.append((victim, perpetrator, Kinship(self.cleaned_data[name])))
        return found


class ChildRelationshipsForm(GovukForm):
    """How each adult is related to the child, and who has parental responsibility."""

    def __init__(
        self,
        *args: Any,
        adults: Sequence[Person],
        child: Person,
        ties: dict[tuple[int, int], Tie],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.adults = list(adults)
        layout = []
        for adult in self.adults:
            kinship, responsibility = f"kinship_{adult.pk}", f"responsibility_{adult.pk}"
            self.fields[kinship] = _kinship_field(
                f"How is {adult.full_name} related to {child.given_names or child.full_name}?",
                CHILD_KINSHIPS,
                child.full_name,
            )
            self.fields[responsibility] = forms.BooleanField(
                label=f"{adult.full_name} has parental responsibility for {child.full_name}",
                required=False,
            )
            tie = ties.get((adult.pk, child.pk))
            self.initial[kinship] = str(tie.kinship) if tie else ""
            self.initial[responsibility] = bool(tie and tie.parental_responsibility)
            layout += [Field.select(kinship), Field.checkbox(responsibility, small=True)]
        self.helper.layout = Layout(*layout)

    def changed_ties(self) -> list[tuple[Person, Kinship, bool]]:
        found = []
        changed = set(self.changed_data)
        for adult in self.adults:
            kinship, responsibility = f"kinship_{adult.pk}", f"responsibility_{adult.pk}"
            if {kinship, responsibility} & changed and self.cleaned_data[kinship]:
                found.append(
                    (adult, Kinship(self.cleaned_data[kinship]), self.cleaned_data[responsibility])
                )
        return found


# --- A child's involvement, a page at a time -------------------------------------------------


class InvolvementForm(InitialFrom, GovukForm):
    """One page of a child's involvement. ``name`` is the child's first name, in labels."""

    def __init__(self, *args: Any, name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = name
        for field in self.fields.values():
            field.label = str(field.label).replace("{name}", name)
            field.help_text = str(field.help_text).replace("{name}", name)
            for key, message in field.error_messages.items():
                field.error_messages[key] = str(message).replace("{name}", name)
        self.helper.layout = self.layout()

    def layout(self) -> Layout:
        raise NotImplementedError

    def changes(self) -> dict[str, Any]:
        return changed_values(self)


class PresenceForm(InvolvementForm):
    present = yes_no_field("Was {name} there when it happened?")
    where_present = forms.CharField(
        label="If {name} was there, where were they?",
        help_text="For example, on the landing, in the same room, in bed",
        max_length=200,
        required=False,
    )
    normally_resident = yes_no_field("Does {name} normally live at the address?", not_known=True)

    def layout(self) -> Layout:
        return Layout(
            Field.radios("present", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.text("where_present"),
            Field.radios("normally_resident", legend_size=Size.MEDIUM, small=True, inline=True),
        )


EXPERIENCES = (
    ("saw", "Saw the abuse"),
    ("heard", "Heard the abuse"),
    ("experienced_effects", "Experienced the effects of the abuse"),
)


class ExperienceForm(InvolvementForm):
    experienced = forms.MultipleChoiceField(
        label="What did {name} see, hear or experience?",
        help_text=(
            "Select all that apply. The effects include being frightened, hurt, kept awake "
            "or cut off from a parent, even when they were not there"
        ),
        choices=[Choice(value, label) for value, label in EXPERIENCES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    injured = yes_no_field("Was {name} injured?", not_known=True)
    injuries = forms.CharField(
        label="If {name} was injured, describe the injuries",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def layout(self) -> Layout:
        return Layout(
            Field.checkboxes("experienced", legend_size=Size.MEDIUM, small=True),
            Field.radios("injured", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.textarea("injuries", rows=3),
        )

    @classmethod
    def initial_from(cls, record: object) -> dict[str, Any]:
        initial = super().initial_from(record)
        initial["experienced"] = [name for name, _ in EXPERIENCES if getattr(record, name)]
        return initial

    def changes(self) -> dict[str, Any]:
        values = changed_values(self)
        if "experienced" in values:
            chosen = set(values.pop("experienced"))
            values.update({name: name in chosen for name, _ in EXPERIENCES})
        return values


class WelfareForm(InvolvementForm):
    welfare_check_done = yes_no_field(
        "Was a welfare check done on {name}?",
        help_text="Seeing {name} and checking they are safe and well",
    )
    welfare_check_by = forms.CharField(
        label="Who did the welfare check?",
        help_text="Name or collar number",
        max_length=200,
        required=False,
    )

    def layout(self) -> Layout:
        return Layout(
            Field.radios("welfare_check_done", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.text("welfare_check_by", field_width=Fluid.TWO_THIRDS),
        )


class ConversationForm(InvolvementForm):
    spoken_to = yes_no_field("Was {name} spoken to?")
    not_spoken_to_reason = forms.CharField(
        label="If {name} was not spoken to, why not?",
        help_text="For example, a baby, asleep, or too distressed",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    spoken_to_alone = yes_no_field(
        "Was {name} spoken to alone, away from their parents?",
        help_text="Children often cannot say what happened in front of the adults involved",
    )
    not_alone_reason = forms.CharField(
        label="If {name} was not spoken to alone, why not?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    spoken_where = forms.CharField(
        label="Where was {name} spoken to?",
        help_text="For example, their bedroom with the door open",
        max_length=200,
        required=False,
    )
    others_present = forms.CharField(
        label="Who else was there when {name} was spoken to?",
        max_length=200,
        required=False,
    )

    def layout(self) -> Layout:
        return Layout(
            Field.radios("spoken_to", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.textarea("not_spoken_to_reason", rows=3),
            Field.radios("spoken_to_alone", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.textarea("not_alone_reason", rows=3),
            Field.text("spoken_where"),
            Field.text("others_present"),
        )


class VoiceForm(InvolvementForm):
    own_words = forms.CharField(
        label="What did {name} say?",
        help_text="Their own words, exactly as they said them",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    demeanour = forms.CharField(
        label="How did {name} behave and seem?",
        help_text="Their behaviour and demeanour: for example quiet, clinging, flinching, playing",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    worries = forms.CharField(
        label="What worries did {name} tell you about?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def layout(self) -> Layout:
        return Layout(
            Field.textarea("own_words", label_size=Size.MEDIUM, rows=6),
            Field.textarea("demeanour", rows=4),
            Field.textarea("worries", rows=4),
        )


class CommunicationForm(InvolvementForm):
    communication = forms.CharField(
        label="What language did {name} use, and do they have any communication needs?",
        help_text="For example, spoke Polish with an interpreter, or uses Makaton",
        max_length=200,
        required=False,
    )

    def layout(self) -> Layout:
        return Layout(Field.text("communication", label_size=Size.MEDIUM))


class EducationForm(InvolvementForm):
    education = forms.ChoiceField(
        label="Is {name} at a school, nursery or college?",
        choices=[
            Choice(
                Education.REGISTERED,
                Education.REGISTERED.label,
                hint="Give its name below",
            ),
            Choice(Education.NOT_IN_EDUCATION, Education.NOT_IN_EDUCATION.label),
            Choice(Education.ELECTIVELY_HOME_EDUCATED, Education.ELECTIVELY_HOME_EDUCATED.label),
            Choice(Education.UNDER_SCHOOL_AGE, Education.UNDER_SCHOOL_AGE.label),
            Choice(Education.NOT_KNOWN, Education.NOT_KNOWN.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether {name} is at a school, nursery or college"},
    )
    education_setting = forms.CharField(
        label="Name of the school, nursery or college",
        max_length=200,
        required=False,
    )
    gp = forms.CharField(label="GP surgery (optional)", max_length=200, required=False)
    health_visitor = forms.CharField(
        label="Health visitor (optional)",
        help_text="For a child under 5",
        max_length=200,
        required=False,
    )

    def layout(self) -> Layout:
        return Layout(
            Field.radios("education", legend_size=Size.MEDIUM, small=True),
            Field.text("education_setting"),
            Field.text("gp"),
            Field.text("health_visitor"),
        )


# The child's loop after their relationships: (step, form, page title).
CHILD_STEP_FORMS: dict[str, tuple[type[InvolvementForm], str]] = {
    "presence": (PresenceForm, "Where {name} was"),
    "experience": (ExperienceForm, "What {name} saw, heard or experienced"),
    "welfare": (WelfareForm, "Welfare check on {name}"),
    "conversation": (ConversationForm, "Talking to {name}"),
    "voice": (VoiceForm, "{name}'s own words"),
    "communication": (CommunicationForm, "{name}'s language and communication"),
    "education": (EducationForm, "{name}'s school and health services"),
}


class NoChildrenForm(GovukForm):
    confirm = forms.BooleanField(
        label="I confirm that no child lives in the household or is related to either adult",
        error_messages={
            "required": "Confirm that no child lives in or is related to the household"
        },
    )
    how = forms.CharField(
        label="How did you establish this?",
        help_text="For example, asked both adults separately and saw no children's belongings",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter how you established there are no children"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.checkbox("confirm"), Field.textarea("how", rows=4))


# --- The public protection list's filter -------------------------------------------------------

ANY, WITH, WITHOUT = "", "with", "without"


class IncidentFilterForm(GovukForm):
    reference = forms.CharField(label="Police reference", max_length=40, required=False)
    status = forms.ChoiceField(
        label="Status",
        choices=[("", "Any"), *Incident.Status.choices],
        required=False,
    )
    occurred_from = GovukDateField(
        label="Happened on or after", what="The from date", help_text="For example, 1 11 2026"
    )
    occurred_to = GovukDateField(
        label="Happened on or before", what="The to date", help_text="For example, 30 11 2026"
    )
    local_authority = forms.TypedChoiceField(
        label="Local authority", coerce=int, empty_value=None, required=False
    )
    children = forms.ChoiceField(
        label="Children",
        choices=[
            (ANY, "With or without children"),
            (WITH, "With children"),
            (WITHOUT, "Without children"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(
        self, *args: Any, local_authorities: Sequence[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].choices = [("", "Any"), *local_authorities]  # type: ignore[attr-defined]
        self.helper.layout = Layout(
            Field.text("reference"),
            Field.select("status"),
            Field("occurred_from"),
            Field("occurred_to"),
            Field.select("local_authority"),
            Field.radios("children", small=True),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("occurred_from"), data.get("occurred_to")
        if start and end and start > end:
            self.add_error("occurred_to", "The to date must be the same as or after the from date")
        return data

    def filters(self) -> IncidentFilters:
        data = self.cleaned_data if self.is_bound else {}
        return IncidentFilters(
            status=data.get("status", ""),
            occurred_from=data.get("occurred_from"),
            occurred_to=data.get("occurred_to"),
            local_authority_id=data.get("local_authority"),
            with_children={WITH: True, WITHOUT: False}.get(data.get("children", ANY)),
            reference=data.get("reference", "").strip(),
        )
