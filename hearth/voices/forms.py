"""The form for recording what a child said (GOV.UK patterns and words); the service
checks the rules again (``policy.voice_problems``)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from hearth.people.forms import GovukDateField, GovukForm
from hearth.voices import policy


class VoiceForm(GovukForm):
    seen_on = GovukDateField(
        label="When did you see the child?",
        what="The date you saw the child",
        required="Enter the date you saw the child",
        help_text="For example, 27 3 2026",
    )
    where = forms.CharField(
        label="Where did you see them?",
        help_text="For example, at school, at home, at the front door's office",
        max_length=policy.MAX_WHERE,
        error_messages={
            "required": "Enter where you saw the child",
            "max_length": f"Where you saw the child must be {policy.MAX_WHERE} characters or fewer",
        },
    )
    seen_alone = forms.TypedChoiceField(
        label="Did you see the child alone?",
        help_text="Away from their parents or carers",
        choices=[Choice("yes", "Yes"), Choice("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you saw the child alone"},
    )
    present = forms.CharField(
        label="Who else was there? (optional)",
        help_text="Their role, for example class teacher, mother, interpreter",
        required=False,
        max_length=policy.MAX_PRESENT,
        error_messages={
            "max_length": f"Who was present must be {policy.MAX_PRESENT} characters or fewer"
        },
    )
    said = forms.CharField(
        label="What did the child say?",
        help_text="Write down exactly what they said, in their own words",
        required=False,
        max_length=policy.MAX_SAID,
        widget=forms.Textarea,
        error_messages={
            "max_length": f"What the child said must be {policy.MAX_SAID} characters or fewer"
        },
    )
    how_they_are = forms.CharField(
        label="How are they? (optional if they spoke)",
        help_text="How they presented: their behaviour, mood and appearance",
        required=False,
        max_length=policy.MAX_HOW,
        widget=forms.Textarea,
        error_messages={"max_length": f"How they are must be {policy.MAX_HOW} characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field("seen_on"),
            Field.text("where"),
            Field.radios("seen_alone", legend_size=Size.SMALL, inline=True),
            Field.text("present"),
            Field.textarea("said", rows=5),
            Field.textarea("how_they_are", rows=4),
        )
