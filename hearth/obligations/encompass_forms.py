"""Forms of the Operation Encompass pages: the support the school will give, and later
how it went. GOV.UK patterns and wording; the services check the rules again."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from hearth.obligations import policy
from hearth.people.forms import GovukForm

_NOTE_TOO_LONG = "The note must be 2000 characters or fewer"


class SupportForm(GovukForm):
    support = forms.ChoiceField(
        label="What support will the school give?",
        choices=[Choice(s.value, label) for s, label in policy.ENCOMPASS_SUPPORT_LABELS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the support the school will give"},
    )
    note = forms.CharField(
        label="Note for the child's safeguarding file (optional)",
        help_text="For example, who will check in with the child and when",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": _NOTE_TOO_LONG},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("support", legend_size=Size.MEDIUM, small=True),
            Field.textarea("note", rows=4),
        )


class SupportOutcomeForm(GovukForm):
    outcome = forms.CharField(
        label="How did the support go?",
        help_text="Recording this closes the notification",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={"required": "Enter how the support went", "max_length": _NOTE_TOO_LONG},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.textarea("outcome", rows=5, label_size=Size.MEDIUM))
