"""The reviewer's decision on a link (GOV.UK patterns and words); the service checks the
transition and the reason again (``services``)."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from hearth.matching import policy
from hearth.matching.services import REASON_MAX
from hearth.people.forms import GovukForm

CHOICES: dict[policy.Action, str] = {
    policy.Action.CONFIRM: "Yes, these are the same person: link them",
    policy.Action.REJECT: "No, these are different people",
    policy.Action.UNDO: "Undo this link: these are different people",
}


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Are these records of the same person?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether these are the same person"},
    )
    reason = forms.CharField(
        label="Why?",
        help_text=(
            "Say what you checked, for example the school confirmed the date of birth. "
            "Do not copy other personal details here."
        ),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter the reason for your decision",
            "max_length": f"The reason must be {REASON_MAX} characters or fewer",
        },
    )

    def __init__(self, *args: Any, actions: list[policy.Action], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["decision"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [Choice(a.value, CHOICES[a]) for a in actions]
        if actions == [policy.Action.UNDO]:
            field.label = "Undo this link?"
            field.error_messages["required"] = "Select undo to undo this link"
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM),
            Field.textarea("reason", label_size=Size.SMALL),
        )


def actions_from(status: policy.LinkStatus) -> list[policy.Action]:
    """What a reviewer may do with a link in ``status`` (``policy.TRANSITIONS``)."""
    return [a for (s, a) in policy.TRANSITIONS if s == status]
