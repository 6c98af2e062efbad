"""Forms of the obligations pages: an inbox's filters, the front door's decision, an
assessment's dates and CIN factors, an outcome, redirecting, withdrawing, completing a
MARAC referral and the referrer's filter. GOV.UK patterns through crispy-forms-gds;
errors in GOV.UK wording. The services check the rules again: a form only shapes input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from django import forms

from hearth.core import clock
from hearth.obligations import policy, registry
from hearth.obligations.models import ChildAssessment, MaracReferral
from hearth.obligations.selectors import InboxFilters
from hearth.people.forms import GovukDateField, GovukForm, yes_no_field, yes_no_initial

OPEN, ENDED = "", "ended"
OVERDUE_ONLY, CLAIMED_BY_ME = "overdue", "mine"


def _not_in_future(form: forms.Form, name: str, what: str) -> None:
    day = form.cleaned_data.get(name)
    if day and day > clock.local_now().date():
        form.add_error(name, f"{what} must be today or in the past")


# --- The inbox and the referrer's list ------------------------------------------------------


class InboxFilterForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        choices=[
            (OPEN, "Open"),
            *[(s.value, policy.STATUS_LABELS[s]) for s in policy.Status],
            (ENDED, "Ended: closed or withdrawn"),
        ],
        required=False,
    )
    route = forms.ChoiceField(
        label="Kind of work",
        choices=[("", "Any")],  # the registered routes, when the form is made
        required=False,
    )
    due_by = GovukDateField(
        label="Due on or before", what="The due date", help_text="For example, 30 11 2026"
    )
    local_authority = forms.TypedChoiceField(
        label="Local authority of the incident", coerce=int, empty_value=None, required=False
    )
    show = forms.MultipleChoiceField(
        label="Show only",
        choices=[(OVERDUE_ONLY, "Overdue"), (CLAIMED_BY_ME, "Claimed by me")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(
        self, *args: Any, local_authorities: Sequence[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].choices = [("", "Any"), *local_authorities]  # type: ignore[attr-defined]
        self.fields["route"].choices = [("", "Any"), *[(r.key, r.label) for r in registry.routes()]]  # type: ignore[attr-defined]
        self.helper.layout = Layout(
            Field.select("status"),
            Field.select("route"),
            Field("due_by"),
            Field.select("local_authority"),
            Field.checkboxes("show", small=True),
        )

    def filters(self) -> InboxFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        show = set(data.get("show", []))
        return InboxFilters(
            status=data.get("status", OPEN),
            route=data.get("route", ""),
            due_by=data.get("due_by"),
            local_authority_id=data.get("local_authority"),
            overdue_only=OVERDUE_ONLY in show,
            claimed_by_me=CLAIMED_BY_ME in show,
        )


class ReferralFilterForm(GovukForm):
    late = forms.BooleanField(label="Only those not acknowledged by their due time", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.checkbox("late", small=True))

    def not_acknowledged_in_time(self) -> bool:
        return bool(self.is_bound and self.is_valid() and self.cleaned_data["late"])


class IdsField(forms.Field):
    """The ids of the items ticked in a table (each a checkbox named alike)."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise forms.ValidationError("Select the items to acknowledge", code="invalid") from None


class BulkAcknowledgeForm(forms.Form):
    obligations = IdsField(error_messages={"required": "Select the items to acknowledge"})


# --- The front door's decision and the assessment ------------------------------------------


class DecisionForm(GovukForm):
    """The decision on a child concern notification (Working Together 2023: within one
    working day). Without JavaScript the assessment's start date is shown under the
    radios, for an assessment decision only."""

    decision = forms.ChoiceField(
        label="What have you decided?",
        choices=[Choice(d.value, policy.DECISION_LABELS[d]) for d in policy.Decision],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the decision"},
    )
    assessment_started_on = GovukDateField(
        label="If you decided on an assessment, when did it start? (optional)",
        what="The assessment start date",
        help_text="Only for a child and family assessment or a strategy discussion. "
        "Leave it empty for today. For example, 27 11 2026",
    )
    note = forms.CharField(
        label="Reasons for the decision (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "Reasons must be 2000 characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM, small=True),
            Field("assessment_started_on"),
            Field.textarea("note", rows=4),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _not_in_future(self, "assessment_started_on", "The assessment start date")
        return data

    def started_on(self) -> dt.date | None:
        """The start date, only for a decision that starts an assessment."""
        if self.cleaned_data["decision"] in policy.ASSESSMENT_DECISIONS:
            return self.cleaned_data.get("assessment_started_on")
        return None


class AssessmentForm(GovukForm):
    """A child and family assessment's dates and the CIN factors identified at its end."""

    started_on = GovukDateField(
        label="When did the assessment start?",
        what="The start date",
        required="Enter the date the assessment started",
        help_text="For example, 27 11 2026",
    )
    authorised_on = GovukDateField(
        label="When was the assessment authorised? (optional)",
        what="The authorisation date",
        help_text="Leave this empty until a manager has authorised it. For example, 15 1 2027",
    )
    factors = forms.MultipleChoiceField(
        label="Factors identified at the end of the assessment",
        help_text="CIN census codes. Select all that apply, or 'No factors identified'. "
        "Needed once the assessment is authorised.",
        choices=[
            Choice(code, f"{code}: {label}") for code, label in policy.ASSESSMENT_FACTORS.items()
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Select the factors from the list"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field("started_on"),
            Field("authorised_on"),
            Field.checkboxes("factors", legend_size=Size.MEDIUM, small=True),
        )

    @staticmethod
    def initial_from(assessment: ChildAssessment) -> dict[str, Any]:
        return {
            "started_on": assessment.started_on,
            "authorised_on": assessment.authorised_on,
            "factors": list(assessment.factors),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _not_in_future(self, "started_on", "The start date")
        _not_in_future(self, "authorised_on", "The authorisation date")
        return data


# --- Outcomes, redirecting and withdrawing ---------------------------------------------------


class OutcomeForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What is the outcome?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "The note must be 2000 characters or fewer"},
    )

    def __init__(self, *args: Any, route: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcome = self.fields["outcome"]
        assert isinstance(outcome, forms.ChoiceField)
        outcome.choices = [
            Choice(value, label) for value, label in registry.get(route).outcomes.items()
        ]
        if route == policy.Route.CHILD_FOLLOW_UP:
            note = self.fields["note"]
            note.label = "When and how was the child seen, and what support do they have?"
            note.help_text = "You must say how the child's safety and support were confirmed"
        self.helper.layout = Layout(
            Field.radios("outcome", legend_size=Size.MEDIUM, small=True),
            Field.textarea("note", rows=4),
        )


class RedirectForm(GovukForm):
    to_team = forms.TypedChoiceField(
        label="Which team should it go to?",
        coerce=int,
        empty_value=None,
        error_messages={
            "required": "Select the team it should go to",
            "invalid_choice": "Select the team it should go to",
        },
    )
    reason = forms.CharField(
        label="Why should it go to that team?",
        help_text="For example, the child lives in another local authority",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why it should go to another team",
            "max_length": "The reason must be 2000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, teams: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_team"].choices = [("", "Choose a team"), *teams]  # type: ignore[attr-defined]
        self.helper.layout = Layout(Field.select("to_team"), Field.textarea("reason", rows=4))


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why is it being withdrawn?",
        help_text="For example, it is a duplicate of another notification. Everyone who can "
        "see it will see your reason.",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why it is being withdrawn",
            "max_length": "The reason must be 2000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.textarea("reason", rows=4))


# --- Completing a MARAC referral -------------------------------------------------------------

CONSENT_YES, CONSENT_NO, CONSENT_NOT_ASKED = "yes", "no", "not_asked"


class MaracReferralForm(GovukForm):
    """What the SafeLives MARAC referral form asks of the referrer (domain.md §2.3)."""

    victim_aware = yes_no_field(
        "Does the victim know about this referral?",
        required="Select yes if the victim knows about this referral",
    )
    not_aware_reason = forms.CharField(
        label="If not, why not?",
        help_text="For example, telling them would not be safe",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "The reason must be 2000 characters or fewer"},
    )
    consent_given = forms.ChoiceField(
        label="Has the victim consented to the referral?",
        help_text="A MARAC referral does not need consent when the risk is high",
        choices=[
            (CONSENT_YES, "Yes"),
            (CONSENT_NO, "No"),
            (CONSENT_NOT_ASKED, "Not asked"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    safe_contact_number = forms.CharField(
        label="Safe contact number (optional)", max_length=40, required=False
    )
    number_safe_to_call = yes_no_field("Is it safe to call this number?")
    safe_times = forms.CharField(
        label="Safe times to call (optional)", max_length=200, required=False
    )
    afraid_of = forms.CharField(
        label="Who is the victim afraid of? (optional)", max_length=300, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("victim_aware", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.textarea("not_aware_reason", rows=3),
            Field.radios("consent_given", legend_size=Size.SMALL, small=True),
            Fieldset(
                Field.text("safe_contact_number", field_width=Fluid.TWO_THIRDS, autocomplete="off"),
                Field.radios("number_safe_to_call", small=True, inline=True),
                Field.text("safe_times", autocomplete="off"),
                legend="Contacting the victim safely",
                legend_size=Size.MEDIUM,
            ),
            Field.text("afraid_of", autocomplete="off"),
        )

    @staticmethod
    def initial_from(referral: MaracReferral | None) -> dict[str, Any]:
        if referral is None:
            return {}
        return {
            "victim_aware": yes_no_initial(referral.victim_aware),
            "not_aware_reason": referral.not_aware_reason,
            "consent_given": {True: CONSENT_YES, False: CONSENT_NO}.get(
                referral.consent_given,  # type: ignore[arg-type]
                CONSENT_NOT_ASKED if referral.victim_aware is not None else "",
            ),
            "safe_contact_number": referral.safe_contact_number,
            "number_safe_to_call": yes_no_initial(referral.number_safe_to_call),
            "safe_times": referral.safe_times,
            "afraid_of": referral.afraid_of,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("victim_aware") is False and not data.get("not_aware_reason", "").strip():
            self.add_error(
                "not_aware_reason", "Enter why the victim does not know about this referral"
            )
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "victim_aware": data["victim_aware"],
            "not_aware_reason": data["not_aware_reason"],
            "consent_given": {CONSENT_YES: True, CONSENT_NO: False}.get(data["consent_given"]),
            "safe_contact_number": data["safe_contact_number"],
            "number_safe_to_call": data["number_safe_to_call"],
            "safe_times": data["safe_times"],
            "afraid_of": data["afraid_of"],
        }
