"""Forms of the specialist support pages (GOV.UK patterns and words); the services check
the rules again."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms

from hearth.accounts.models import Team
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


# --- An area's settings (the service operator's administrators) -----------------------------

# The ranges ``services.specialist_settings_set`` allows (it checks them again): here they
# give each field its own words, as GOV.UK asks.
OFFER_DAYS = (1, 60)
ACKNOWLEDGE_DAYS = (1, 20)
THRESHOLD_WEEKS = (0, 52)


def _number(
    label: str, hint: str, what: str, bounds: tuple[int, int], example: int
) -> forms.IntegerField:
    low, high = bounds
    what_ = what[0].upper() + what[1:]
    between = f"{what_} must be between {low} and {high}"
    return forms.IntegerField(
        label=label,
        help_text=hint,
        min_value=low,
        max_value=high,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"{what_} must be a whole number, like {example}",
            "min_value": between,
            "max_value": between,
        },
    )


class SpecialistSettingsForm(GovukForm):
    """An area's lead team for specialist support (empty: its front door), its working
    days to offer support and for a service to acknowledge a referral, and its waiting
    threshold. ``teams`` are the teams that could lead (``selectors.lead_team_choices``)."""

    lead_team = forms.ChoiceField(
        label="Who offers specialist support to child victims?",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Select a team from the list"},
    )
    offer_working_days = _number(
        "Working days to offer specialist support",
        "From the front door's decision on the child concern notification. "
        f"Default: {policy.DEFAULT_OFFER_WORKING_DAYS}",
        "the working days to offer specialist support",
        OFFER_DAYS,
        policy.DEFAULT_OFFER_WORKING_DAYS,
    )
    acknowledge_working_days = _number(
        "Working days for a service to acknowledge a referral",
        f"Default: {policy.DEFAULT_ACKNOWLEDGE_WORKING_DAYS}",
        "the working days for a service to acknowledge a referral",
        ACKNOWLEDGE_DAYS,
        policy.DEFAULT_ACKNOWLEDGE_WORKING_DAYS,
    )
    waiting_threshold_weeks = _number(
        "Waiting threshold, in weeks",
        "A child who would wait longer than this for a service is recorded as unmet need. "
        f"Default: {policy.DEFAULT_WAITING_THRESHOLD_WEEKS}",
        "the waiting threshold in weeks",
        THRESHOLD_WEEKS,
        policy.DEFAULT_WAITING_THRESHOLD_WEEKS,
    )

    def __init__(
        self,
        *args: Any,
        area_name: str,
        teams: list[Team],
        front_door: Team | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.teams = {str(team.pk): team for team in teams}
        now = (
            f"Whichever team is the area's front door: now {front_door.name}"
            if front_door
            else "The area has no active front door team"
        )
        lead_team = self.fields["lead_team"]
        assert isinstance(lead_team, forms.ChoiceField)
        lead_team.label = f"Who offers specialist support to child victims in {area_name}?"
        lead_team.choices = [
            Choice("", "The front door (the default)", hint=now, divider="or" if teams else ""),
            *(Choice(pk, team.name, hint=team.agency.name) for pk, team in self.teams.items()),
        ]
        self.helper.layout = Layout(
            Field.radios("lead_team", legend_size=Size.MEDIUM),
            Fieldset(
                Field.text("offer_working_days", field_width=3),
                Field.text("acknowledge_working_days", field_width=3),
                Field.text("waiting_threshold_weeks", field_width=3),
                legend="Timescales",
                legend_size=Size.MEDIUM,
            ),
        )

    def clean_lead_team(self) -> Team | None:
        """The chosen team, or ``None`` for the front door."""
        return self.teams.get(self.cleaned_data["lead_team"] or "")
