"""The referral routes' forms: the front door's decision and its assessment, and the
referrer completing a MARAC referral (GOV.UK patterns through crispy-forms-gds)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Layout, Size
from django import forms

from hearth.core import clock
from hearth.people.forms import GovukDateField, GovukForm, yes_no_field, yes_no_initial
from hearth.referrals import policy
from hearth.referrals.models import ChildAssessment, MaracReferral


def _not_in_future(form: forms.Form, name: str, what: str) -> None:
    day = form.cleaned_data.get(name)
    if day and day > clock.local_now().date():
        form.add_error(name, f"{what} must be today or in the past")


# --- The inbox and the referrer's list ------------------------------------------------------


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

    def __init__(
        self,
        *args: Any,
        child: str = "",
        siblings: Sequence[tuple[int, str]] = (),
        **kwargs: Any,
    ) -> None:
        """``siblings``: the other children of the household from the same incident whose
        notifications wait for this front door's decision, as (obligation id, name). Each
        gets a box, ticked at first, to record the same decision for them too, and their
        own decision to choose instead (issue 17)."""
        super().__init__(*args, **kwargs)
        self.siblings = list(siblings)
        if child and self.siblings:
            self.fields["decision"].label = f"What have you decided for {child}?"
        household: list[Any] = []
        for pk, name in self.siblings:
            self.fields[f"also_{pk}"] = forms.BooleanField(
                label=f"Record a decision for {name} too", required=False, initial=True
            )
            self.fields[f"decision_{pk}"] = forms.ChoiceField(
                label=f"Decision for {name}",
                choices=[("", "The same decision"), *self.base_fields["decision"].choices],  # type: ignore[attr-defined]
                required=False,
                error_messages={"invalid_choice": f"Select the decision for {name}"},
            )
            household.append(
                Fieldset(
                    Field.checkbox(f"also_{pk}", small=True),
                    Field.select(f"decision_{pk}"),
                    legend=name,
                    legend_size=Size.SMALL,
                )
            )
        self.helper.layout = Layout(
            Field.radios("decision", legend_size=Size.MEDIUM, small=True),
            *(
                [HTML('<h2 class="govuk-heading-m">Other children from this incident</h2>')]
                if household
                else []
            ),
            *household,
            Field("assessment_started_on"),
            Field.textarea("note", rows=4),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _not_in_future(self, "assessment_started_on", "The assessment start date")
        return data

    def others(self) -> dict[int, str]:
        """The ticked siblings and the decision for each: their own, else this one."""
        data = self.cleaned_data
        return {
            pk: data.get(f"decision_{pk}") or data["decision"]
            for pk, _ in self.siblings
            if data.get(f"also_{pk}")
        }

    def started_on(self) -> dt.date | None:
        """The start date, when any decision recorded starts an assessment."""
        chosen = {self.cleaned_data["decision"], *self.others().values()}
        if chosen & set(policy.ASSESSMENT_DECISIONS):
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
