"""Forms of the risk pages: the safety checks, one section of a checklist, professional
judgement before completing, a supervisor's countersignature, a child's risk level, a
change of the victim's circumstances and an area's risk settings. GOV.UK patterns
through crispy-forms-gds; errors in GOV.UK wording."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import HTML, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.utils.html import format_html

from hearth.core import clock
from hearth.people.forms import GovukDateField, GovukForm
from hearth.risk import policy
from hearth.risk.instruments import Item, Section
from hearth.risk.models import CircumstanceChange, RiskAssessment
from hearth.risk.selectors import AreaRiskSettingsRow, StoredAnswer

ANSWER_CHOICES = [
    (policy.Answer.YES.value, "Yes"),
    (policy.Answer.NO.value, "No"),
    (policy.Answer.DONT_KNOW.value, "Don't know"),
]
ANSWER_LABELS = dict(ANSWER_CHOICES)


class SafetyChecksForm(GovukForm):
    """The checks practice requires before any question is asked (domain.md §1.2)."""

    safe_to_talk = forms.ChoiceField(
        label="Is it safe to talk now?",
        help_text="Ask when the victim is alone and cannot be overheard",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if it is safe to talk now"},
    )
    safe_contact_number = forms.CharField(
        label="Safe contact number", max_length=40, required=False
    )
    safe_times = forms.CharField(label="Safe times to call", max_length=200, required=False)
    afraid_of = forms.CharField(
        label="Who is the victim afraid of?", max_length=300, required=False
    )
    perpetrator_whereabouts = forms.CharField(
        label="Where is the alleged perpetrator now?", max_length=300, required=False
    )
    children_whereabouts = forms.CharField(
        label="Where are the children now?", max_length=300, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("safe_to_talk", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.text("safe_contact_number", field_width=Fluid.TWO_THIRDS, autocomplete="off"),
            Field.text("safe_times", autocomplete="off"),
            Field.text("afraid_of", autocomplete="off"),
            Field.text("perpetrator_whereabouts", autocomplete="off"),
            Field.text("children_whereabouts", autocomplete="off"),
        )

    @staticmethod
    def initial_from(assessment: RiskAssessment) -> dict[str, Any]:
        initial = {
            name: getattr(assessment, name)
            for name in (
                "safe_contact_number",
                "safe_times",
                "afraid_of",
                "perpetrator_whereabouts",
                "children_whereabouts",
            )
        }
        if assessment.safe_to_talk != RiskAssessment.SafeToTalk.NOT_ASKED:
            initial["safe_to_talk"] = assessment.safe_to_talk
        return initial


def _question(item: Item, wording: dict[str, str]) -> str:
    text = wording.get(item.key, item.label)
    return f"{item.number}. {text}" if item.number else text


class SectionForm(GovukForm):
    """One page of a checklist: each item as Yes / No / Don't know, with an optional
    comment and who said so if not the victim (behind "Add a comment or source", a
    details element that works without JavaScript)."""

    def __init__(
        self,
        *args: Any,
        section: Section,
        wording: dict[str, str],
        stored: dict[str, StoredAnswer],
        **kwargs: Any,
    ) -> None:
        initial = {}
        for key, answer in stored.items():
            initial.update(
                {
                    key: answer.answer,
                    f"{key}_comment": answer.comment,
                    f"{key}_source": answer.source,
                }
            )
        super().__init__(*args, initial=initial, **kwargs)
        self.items = section.items
        parts: list[Any] = []
        for index, item in enumerate(section.items, start=1):
            number = item.number or index
            self.fields[item.key] = forms.ChoiceField(
                label=_question(item, wording),
                help_text=item.label if item.key in wording else "",
                choices=[Choice(value, label) for value, label in ANSWER_CHOICES],
                widget=forms.RadioSelect,
                error_messages={"required": f"Select yes, no or don't know for question {number}"},
            )
            self.fields[f"{item.key}_comment"] = forms.CharField(
                label="Comment", required=False, widget=forms.Textarea
            )
            self.fields[f"{item.key}_source"] = forms.CharField(
                label="Who said this, if not the victim",
                max_length=200,
                required=False,
            )
            opened = (
                " open"
                if self[f"{item.key}_comment"].value() or self[f"{item.key}_source"].value()
                else ""
            )
            parts += [
                Field.radios(item.key, legend_size=Size.SMALL, small=True, inline=True),
                HTML(
                    format_html(
                        '<details class="govuk-details"{}><summary class="govuk-details__summary">'
                        '<span class="govuk-details__summary-text">Add a comment or source'
                        '<span class="govuk-visually-hidden"> for question {}</span></span>'
                        '</summary><div class="govuk-details__text">',
                        opened,
                        number,
                    )
                ),
                Field.textarea(f"{item.key}_comment", rows=2),
                Field.text(f"{item.key}_source", autocomplete="off"),
                HTML("</div></details>"),
            ]
        self.helper.layout = Layout(*parts)

    def answers(self) -> list[tuple[str, policy.Answer, str, str]]:
        """(item key, answer, comment, source) for each item, in order."""
        data = self.cleaned_data
        return [
            (
                item.key,
                policy.Answer(data[item.key]),
                data[f"{item.key}_comment"].strip(),
                data[f"{item.key}_source"].strip(),
            )
            for item in self.items
        ]


NO_CHANGE = ""
JUDGED_CHOICES = [
    Choice(NO_CHANGE, "No, keep the grade the answers give"),
    Choice(str(policy.Grade.MEDIUM.value), "Yes, raise it to medium"),
    Choice(str(policy.Grade.HIGH.value), "Yes, raise it to high"),
]


class CompleteForm(GovukForm):
    """Professional judgement, then complete. It can only raise the grade."""

    judged = forms.ChoiceField(
        label="Does your professional judgement raise the grade?",
        help_text=(
            "Professional judgement can raise the grade the answers give, never lower it. "
            "Give your reason if you raise it."
        ),
        choices=JUDGED_CHOICES,
        widget=forms.RadioSelect,
        required=False,
    )
    judgement_reason = forms.CharField(
        label="Why does your professional judgement raise the grade?",
        required=False,
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("judged", legend_size=Size.MEDIUM, small=True),
            Field.textarea("judgement_reason", rows=3),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("judged") and not data.get("judgement_reason", "").strip():
            self.add_error("judgement_reason", "Enter why your professional judgement raises it")
        return data

    def judged_grade(self) -> policy.Grade | None:
        value = self.cleaned_data.get("judged")
        return policy.Grade(int(value)) if value else None


class CountersignForm(GovukForm):
    note = forms.CharField(label="Review note (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.textarea("note", rows=2))


CHILD_FACTOR_CHOICES = [
    ("present_or_witnessed", "Was there, saw or heard the abuse"),
    ("directly_harmed", "Was directly harmed"),
    ("threatened", "Was threatened"),
    ("own_fears", "Said they are afraid or worried"),
    (
        "perpetrator_contact_or_conflict",
        "The perpetrator has contact with them, or there is conflict over contact",
    ),
    ("is_infant_or_unborn", "Is a baby under 18 months, or the victim is pregnant"),
    ("disability_or_additional_needs", "Has a disability or additional needs"),
]
NO_RAISE = ""


class ChildRiskForm(GovukForm):
    """The factors of rule CHILD-RISK-1, prefilled from the records, and an optional
    raise by the practitioner."""

    factors = forms.MultipleChoiceField(
        label="What applies to this child?",
        help_text="Select all that apply. Hearth has ticked what its records already show.",
        choices=CHILD_FACTOR_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    age = forms.IntegerField(
        label="Age in years",
        required=False,
        min_value=0,
        max_value=17,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Age must be a number, like 7",
            "min_value": "Age must be 0 or more",
            "max_value": "Age must be 17 or less",
        },
    )
    previous_incidents = forms.IntegerField(
        label="Earlier incidents involving the child",
        required=False,
        min_value=0,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the number of earlier incidents, like 2",
            "min_value": "The number of earlier incidents must be 0 or more",
        },
    )
    dash_yes = forms.MultipleChoiceField(
        label="Questions about children answered yes in the risk checklist",
        choices=[
            (key, f"Question {number}")
            for key, number in sorted(policy.CHILD_RELATED_DASH_ITEMS.items(), key=lambda kv: kv[1])
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    raise_to = forms.ChoiceField(
        label="Does your professional judgement raise the level?",
        help_text="You can raise the level the factors give, never lower it.",
        choices=[Choice(NO_RAISE, "No, keep the level the factors give")]
        + [
            Choice(str(level.value), f"Yes, raise it to {level.label.lower()}")
            for level in policy.ChildRiskLevel
            if level > policy.ChildRiskLevel.MODERATE
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    reason = forms.CharField(
        label="Why does your professional judgement raise the level?",
        required=False,
        widget=forms.Textarea,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.checkboxes("factors", legend_size=Size.MEDIUM, small=True),
            Field.text("age", field_width=3),
            Field.text("previous_incidents", field_width=3),
            Field.checkboxes("dash_yes", legend_size=Size.SMALL, small=True),
            Field.radios("raise_to", legend_size=Size.MEDIUM, small=True),
            Field.textarea("reason", rows=3),
        )

    @staticmethod
    def initial_from(factors: policy.ChildRiskFactors) -> dict[str, Any]:
        return {
            "factors": [name for name, _ in CHILD_FACTOR_CHOICES if getattr(factors, name)],
            "age": factors.age,
            "previous_incidents": factors.previous_incidents_involving_child,
            "dash_yes": sorted(factors.dash_yes),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("raise_to") and not data.get("reason", "").strip():
            self.add_error("reason", "Enter why your professional judgement raises the level")
        return data

    def to_factors(self, *, adult_grade: policy.Grade | None) -> policy.ChildRiskFactors:
        data = self.cleaned_data
        chosen = set(data["factors"])
        return policy.ChildRiskFactors(
            age=data["age"],
            previous_incidents_involving_child=data["previous_incidents"] or 0,
            dash_yes=frozenset(data["dash_yes"]),
            adult_grade=adult_grade,
            **{name: name in chosen for name, _ in CHILD_FACTOR_CHOICES},
        )

    def raise_level(self) -> policy.ChildRiskLevel | None:
        value = self.cleaned_data.get("raise_to")
        return policy.ChildRiskLevel(int(value)) if value else None


class CircumstanceChangeForm(GovukForm):
    """A change of the victim's circumstances that calls for a new assessment."""

    kind = forms.ChoiceField(
        label="What has changed?",
        choices=[
            Choice(
                CircumstanceChange.Kind.SEPARATION,
                "The victim has separated from the alleged perpetrator",
                hint="Or has tried to, or told them they want to",
            ),
            Choice(CircumstanceChange.Kind.PREGNANCY, "The victim is pregnant"),
            Choice(CircumstanceChange.Kind.OTHER, "Something else"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what has changed"},
    )
    changed_on = GovukDateField(
        label="When did it change?",
        what="The date the circumstances changed",
        required="Enter the date the circumstances changed",
        help_text="For example, 27 3 2026",
    )
    note = forms.CharField(
        label="Give details",
        help_text="You must say what has changed if you chose something else",
        max_length=500,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "Details must be 500 characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.radios("kind", legend_size=Size.SMALL, small=True),
            Field("changed_on"),
            Field.textarea("note", rows=3),
        )

    def clean(self) -> dict[str, Any]:
        # The service checks these too; here they show with the other errors at once.
        data = super().clean() or {}
        changed_on = data.get("changed_on")
        if changed_on and changed_on > clock.local_now().date():
            self.add_error(
                "changed_on", "The date the circumstances changed must be today or in the past"
            )
        if data.get("kind") == CircumstanceChange.Kind.OTHER and not data.get("note", "").strip():
            self.add_error("note", "Enter what has changed")
        return data


def _count_field(
    label: str, help_text: str, what: str, *, example: int, required: bool = True
) -> Any:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=required,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"{what[0].upper()}{what[1:]} must be a whole number, like {example}",
        },
    )


class AreaRiskSettingsForm(GovukForm):
    """An area's grading bands and MARAC thresholds; the service checks that they make
    sense together (``policy.area_settings``)."""

    high_from = _count_field(
        "High risk starts at this many yes answers",
        "SafeLives: 14",
        "the number of yes answers at which high risk starts",
        example=14,
    )
    medium_from = _count_field(
        "Medium risk starts at this many yes answers (optional)",
        "Leave this empty for no medium band. Areas that use one often start it at 10.",
        "the number of yes answers at which medium risk starts",
        example=10,
        required=False,
    )
    visible_high_risk_from = _count_field(
        "Visible high risk starts at this many yes answers",
        "SafeLives: 14",
        "the number of yes answers for visible high risk",
        example=14,
    )
    escalation_count = _count_field(
        "Number of incidents that is potential escalation",
        "SafeLives: 3 or more, recorded by any agency",
        "the number of incidents for potential escalation",
        example=3,
    )
    escalation_window_months = _count_field(
        "Months counted for potential escalation",
        "SafeLives: the last 12 months",
        "the number of months counted for potential escalation",
        example=12,
    )
    repeat_window_months = _count_field(
        "Months after a MARAC referral in which a new incident is a repeat",
        "SafeLives: 12",
        "the number of months counted for a repeat",
        example=12,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Fieldset(
                Field.text("high_from", field_width=3),
                Field.text("medium_from", field_width=3),
                legend="Grading bands",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("visible_high_risk_from", field_width=3),
                Field.text("escalation_count", field_width=3),
                Field.text("escalation_window_months", field_width=3),
                Field.text("repeat_window_months", field_width=3),
                legend="MARAC referral criteria",
                legend_size=Size.MEDIUM,
            ),
        )

    @staticmethod
    def initial_from(row: AreaRiskSettingsRow) -> dict[str, Any]:
        bands, marac = row.settings.bands, row.settings.marac
        return {
            "high_from": bands.high_from,
            "medium_from": bands.medium_from,
            "visible_high_risk_from": marac.visible_high_risk_from,
            "escalation_count": marac.escalation_count,
            "escalation_window_months": marac.escalation_window_months,
            "repeat_window_months": marac.repeat_window_months,
        }
