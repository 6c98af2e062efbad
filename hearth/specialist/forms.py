"""Forms of the specialist support pages (GOV.UK patterns and words); the services check
the rules again."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from hearth.people.forms import GovukDateField, GovukForm
from hearth.specialist import policy
from hearth.specialist.models import Consent

_LONG = "This must be 4000 characters or fewer"


def _text(label: str, hint: str = "", required: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=hint,
        required=bool(required),
        max_length=4000,
        widget=forms.Textarea,
        error_messages={"required": required, "max_length": _LONG},
    )


class ReferralForm(GovukForm):
    need = _text(
        "What support does the child need, and why now?",
        "What the service needs to know to help: no more than it needs",
        "Enter what support the child needs",
    )
    child_view = _text("What does the child think about this support? (optional)")
    child_words = _text(
        "The child's own words, if they gave them (optional)", "Write down exactly what they said"
    )
    parent_consent = forms.ChoiceField(
        label="Does the non-abusing parent consent to the referral?",
        choices=[Choice(c.value, c.label) for c in Consent],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the non-abusing parent consents"},
    )
    parent_view = _text("The non-abusing parent's view (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.textarea("need", rows=4),
            Field.textarea("child_view", rows=3),
            Field.textarea("child_words", rows=3),
            Field.radios("parent_consent", legend_size=Size.MEDIUM, small=True),
            Field.textarea("parent_view", rows=3),
        )


class AcceptForm(GovukForm):
    answer = forms.ChoiceField(
        label="Can the child start?",
        choices=[
            Choice("accepted", "Yes: they have a start date"),
            Choice("waiting_list", "They join the waiting list"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the child has a start date"},
    )
    start_on = GovukDateField(label="Start date", what="Start date", required="")
    expected_start_on = GovukDateField(
        label="Expected start, if on the waiting list", what="Expected start", required=""
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("answer", legend_size=Size.MEDIUM, small=True),
            Field("start_on"),
            Field("expected_start_on"),
        )


class DeclineForm(GovukForm):
    reason = forms.ChoiceField(
        label="Why is the referral declined?",
        choices=[Choice(r.value, label) for r, label in policy.DECLINE_REASON_LABELS.items()],
        widget=forms.RadioSelect,
        error_messages={"required": "Select why the referral is declined"},
    )
    note = _text(
        "Note for the referrer",
        "What the referrer and the family should know",
        "Enter a note saying why, for the referrer and the family",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("reason", legend_size=Size.MEDIUM, small=True),
            Field.textarea("note", rows=3),
        )


class DateForm(GovukForm):
    on = GovukDateField(label="Date", what="Date", required="Enter the date")

    def __init__(self, *args: Any, label: str = "Date", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["on"].label = label
        self.helper.layout = Layout(Field("on"))


class OutcomeForm(GovukForm):
    outcome = forms.ChoiceField(
        label="How did support end?",
        choices=[
            Choice(o.value, policy.REFERRAL_OUTCOME_LABELS[o]) for o in policy.ENDING_OUTCOMES
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how support ended"},
    )
    reason = _text("Why did it end early? (if it did)")
    child_view = _text("The child's view of the support (optional)")
    parent_view = _text("The parent's view of the support (optional)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("outcome", legend_size=Size.MEDIUM, small=True),
            Field.textarea("reason", rows=3),
            Field.textarea("child_view", rows=3),
            Field.textarea("parent_view", rows=3),
        )
