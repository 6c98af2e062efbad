"""The incident's own pages: when and where, what happened, what the police did, and
pregnancy. Each gives back only what was changed, as ``IncidentChanges``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from django import forms

from hearth.core import clock
from hearth.incidents.forms._fields import (
    InitialFrom,
    local_date_and_time,
    parse_time,
    text_area,
    time_field,
)
from hearth.incidents.models import Incident
from hearth.incidents.policy import ABUSE_TYPE_LABELS
from hearth.incidents.services import IncidentChanges
from hearth.people.forms import GovukDateField, GovukForm, changed_values, yes_no_field


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
    occurred_time = time_field("Time")
    reported_date = GovukDateField(
        label="Date", what="The date it was reported", help_text="For example, 20 11 2026"
    )
    reported_time = time_field("Time")
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
        occurred_date, occurred_time = local_date_and_time(incident.occurred_at)
        reported_date, reported_time = local_date_and_time(incident.reported_at)
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


class _IncidentPageForm(InitialFrom, GovukForm):
    """A page of the incident's answers, saved as whichever of them were changed."""

    def changes(self) -> IncidentChanges:
        return IncidentChanges(**changed_values(self))


class WhatHappenedForm(_IncidentPageForm):
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
    summary = text_area(
        "Describe what happened",
        rows=6,
        help_text="In your own words: what you saw, and what you were told",
    )
    injuries = text_area("Injuries to the adults (optional)", rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.checkboxes("abuse_types", legend_size=Size.MEDIUM, small=True),
            Field.radios("pattern", legend_size=Size.MEDIUM, small=True),
            Field.textarea("summary", label_size=Size.MEDIUM, rows=6),
            Field.textarea("injuries", rows=3),
        )


class PoliceActionForm(_IncidentPageForm):
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
    no_arrest_reason = text_area("If no arrest was made, why not?", rows=3)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("weapons_used", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.text("weapons_description"),
            Field.text("crimes_recorded"),
            Field.radios("arrest_made", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.textarea("no_arrest_reason", rows=3),
        )


class PregnancyForm(_IncidentPageForm):
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
