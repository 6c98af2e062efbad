"""Forms of the Operation Encompass pages: the support the school will give, and later
how it went. GOV.UK patterns and wording; the services check the rules again."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from hearth.encompass import policy as enc
from hearth.encompass.policy import TEMPLATE_LABELS
from hearth.encompass.wording import RecipientWords
from hearth.people.forms import GovukForm

_NOTE_TOO_LONG = "The note must be 2000 characters or fewer"


class SupportForm(GovukForm):
    support = forms.ChoiceField(
        label="What support will the school give?",
        choices=[Choice(s.value, label) for s, label in enc.ENCOMPASS_SUPPORT_LABELS.items()],
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

    def __init__(self, *args: Any, words: RecipientWords | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if words is not None:
            # Worded for who gives the support: a school, or health visiting (issue 17).
            field = self.fields["support"]
            field.label = words.support_question
            field.choices = [Choice(s.value, label) for s, label in words.support_labels.items()]  # type: ignore[attr-defined]
            field.error_messages["required"] = f"Select the support {words.who} will give"
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


class AreaChoicesForm(GovukForm):
    """A police force area chooses its template; a local authority chooses whether to
    tell health visiting: the form asks only the question that fits the area."""

    template = forms.ChoiceField(
        label="What should the force's notifications to schools carry?",
        choices=[Choice(t.value, label) for t, label in TEMPLATE_LABELS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what the notifications carry"},
    )
    health_visiting = forms.ChoiceField(
        label="Tell health visiting about children under school age?",
        help_text="Operation Encompass covers children from reception to 17. Some areas "
        "also tell their health visiting team about younger children",
        choices=[Choice("yes", "Yes"), Choice("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if health visiting should be told"},
    )

    def __init__(self, *args: Any, is_force_area: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        asked = "template" if is_force_area else "health_visiting"
        del self.fields["health_visiting" if is_force_area else "template"]
        self.helper.layout = Layout(Field.radios(asked, legend_size=Size.MEDIUM, small=True))
