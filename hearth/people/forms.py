"""Forms for recording a person at intake: who they are (name and date of birth, to look
for an existing record first), whether one of the possible records is them, and what
else is known. GOV.UK patterns through crispy-forms-gds; errors in GOV.UK wording.

The small GOV.UK helpers here (``GovukForm``, ``GovukDateField``, ``yes_no_field``) are
used by the incident journey's forms too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.fields import DateInputField
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from crispy_forms_gds.widgets import DateInputWidget
from django import forms
from django.core.exceptions import ValidationError

from hearth.core import clock
from hearth.core.errors import ValidationFailed
from hearth.people.models import Ethnicity, Person, Sex
from hearth.people.selectors import PossibleMatch
from hearth.people.services import PersonDetails

NEW_PERSON = "new"


# --- GOV.UK helpers -----------------------------------------------------------------------


class GovukForm(forms.Form):
    """A form laid out by crispy-forms-gds, whose error summary links to the input that
    needs fixing (the first radio or checkbox of a group, the day of a date)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's own <form> carries the token

    def error_links(self) -> list[tuple[str, str]]:
        fields = list(self.visible_fields())
        links = [
            (f"#{anchor_of(fields[0])}" if fields else "#", str(e)) for e in self.non_field_errors()
        ]
        for bound in fields:
            links += [(f"#{anchor_of(bound)}", str(error)) for error in bound.errors]
        return links

    def add_failure(self, failure: ValidationFailed) -> None:
        """Show a service's refusal on the fields it names (or above the form)."""
        if not failure.fields:
            self.add_error(None, failure.message)
        for name, messages in failure.fields.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


def anchor_of(bound: forms.BoundField) -> str:
    widget = bound.field.widget
    if isinstance(widget, forms.RadioSelect):  # radios and checkboxes: the first one
        return f"id_{bound.html_name}_1"
    if isinstance(widget, forms.MultiWidget):  # a date: the day
        return f"{bound.auto_id}_0"
    return str(bound.auto_id)


class GovukDateWidget(DateInputWidget):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for widget in self.widgets:
            widget.attrs["inputmode"] = "numeric"


_WIDTH = re.compile(r"govuk-input--width-(\d+)")


def date_parts(field: forms.BoundField) -> list[tuple[str, str, str]]:
    """Each part of a ``GovukDateField`` as a written-out filter template shows it
    (``core/filters/_date.html``): its label, its width and what was entered."""
    entered = [*(field.value() or []), "", "", ""]
    return [
        (widget.attrs["label"], _WIDTH.findall(widget.attrs["class"])[0], entered[i] or "")
        for i, widget in enumerate(field.field.widget.widgets)
    ]


class GovukDateField(DateInputField):
    """The GOV.UK date input, with the Design System's error messages: ``what`` names the
    date ("Date of birth") and ``required`` is the message when it is left empty."""

    widget = GovukDateWidget

    def __init__(self, *, what: str, required: str = "", **kwargs: Any) -> None:
        super().__init__(required=bool(required), **kwargs)
        self.what = what
        self.required_message = required

    def clean(self, value: Any) -> dt.date | None:
        parts = [str(v or "").strip() for v in (value or [])] + ["", "", ""]
        day, month, year = parts[:3]
        for field in self.fields:
            field.widget.errors = []
        if not (day or month or year):
            if self.required:
                raise ValidationError(self.required_message, code="required")
            return None
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if missing:
            raise ValidationError(f"{self.what} must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise ValidationError(f"{self.what} must be a real date")
        if len(year) != 4:
            raise ValidationError("Year must include 4 numbers")
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{self.what} must be a real date") from None


YES, NO, NOT_KNOWN = "yes", "no", "not_known"


def _to_bool(value: str) -> bool | None:
    return {YES: True, NO: False}.get(value)


def yes_no_field(
    label: str, *, help_text: str = "", not_known: bool = False, required: str = ""
) -> forms.TypedChoiceField:
    """A yes/no question as radios, cleaned to ``True``, ``False`` or ``None``."""
    choices = [(YES, "Yes"), (NO, "No")]
    if not_known:
        choices.append((NOT_KNOWN, "Not known"))
    return forms.TypedChoiceField(
        label=label,
        help_text=help_text,
        choices=choices,
        coerce=_to_bool,
        empty_value=None,
        required=bool(required),
        widget=forms.RadioSelect,
        error_messages={"required": required},
    )


def yes_no_initial(value: bool | None) -> str:
    """The radio to show as chosen for a stored answer ("not known" and "not asked yet"
    are both stored as ``None``, so neither is shown as chosen)."""
    if value is None:
        return ""
    return YES if value else NO


def changed_values(form: forms.Form) -> dict[str, Any]:
    """The cleaned values of the fields the person changed (so saving an unchanged page
    records nothing, and amends nothing after submission)."""
    return {name: form.cleaned_data[name] for name in form.changed_data}


# --- Adding a person ----------------------------------------------------------------------


class PersonFindForm(GovukForm):
    """Who are you adding? Asked first, to look for an existing record."""

    given_names = forms.CharField(label="First and middle names", max_length=120, required=False)
    family_name = forms.CharField(label="Family name", max_length=120)
    date_of_birth = GovukDateField(
        label="Date of birth",
        what="Date of birth",
        help_text="For example, 27 3 2019",
    )
    estimated_age = forms.IntegerField(
        label="If you do not know their date of birth, how old are they (roughly)?",
        help_text="Age in years",
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, who: str, date_required: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.date_required = date_required
        self.who = who
        self.fields["family_name"].error_messages["required"] = f"Enter {who}'s family name"
        age = self.fields["estimated_age"]
        age.error_messages.update(
            {
                "invalid": "Age must be a number, like 7",
                "min_value": "Age must be 0 or more",
                "max_value": "Age must be 120 or less",
            }
        )
        self.helper.layout = Layout(
            Field.text(
                "given_names", field_width=Fluid.TWO_THIRDS, autocomplete="off", spellcheck="false"
            ),
            Field.text(
                "family_name", field_width=Fluid.TWO_THIRDS, autocomplete="off", spellcheck="false"
            ),
            Field("date_of_birth"),
            Field.text("estimated_age", field_width=3),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        born, age = data.get("date_of_birth"), data.get("estimated_age")
        if born and born > clock.local_now().date():
            self.add_error("date_of_birth", "Date of birth must be today or in the past")
        if (
            self.date_required
            and not born
            and age is None
            and "date_of_birth" not in self.errors
            and "estimated_age" not in self.errors
        ):
            self.add_error(
                "date_of_birth", f"Enter {self.who}'s date of birth, or how old they are"
            )
        return data


def match_strength(score: float) -> str:
    """A candidate's score in words an officer can weigh."""
    if score >= 0.9:
        return "Strong match"
    if score >= 0.7:
        return "Possible match"
    return "Weak match"


def likelihood(score: float) -> str:
    """A match probability as an officer reads it: "87% likely", never "100%"."""
    if score >= 0.999:
        return "over 99.9% likely"
    return f"{score:.0%} likely"


def match_hint(candidate: Any) -> str:
    """Why a record is offered (issue 16 §1, "explained"): how strong, how likely, the
    short reasons, then each comparison in words ("Date of birth: day and month swapped
    — weaker evidence") from the model's explanation, where the matcher gives one."""
    reasons = "; ".join(r[0].lower() + r[1:] for r in candidate.reasons)
    hint = f"{match_strength(candidate.score)} ({likelihood(candidate.score)}): {reasons}"
    explanation = getattr(candidate, "explanation", ())
    if explanation:
        hint += ". Compared: " + "; ".join(explanation)
    return hint


def describe_person(person: Person) -> str:
    if person.date_of_birth:
        return f"{person.full_name}, born {person.date_of_birth:%-d %B %Y}"
    if person.estimated_age is not None:
        return f"{person.full_name}, about {person.estimated_age} years old when recorded"
    return f"{person.full_name}, date of birth not known"


class PersonMatchForm(GovukForm):
    """Is one of the possible existing records the person you are adding?"""

    choice = forms.ChoiceField(label="", widget=forms.RadioSelect)

    def __init__(
        self, *args: Any, matches: Sequence[PossibleMatch], who: str, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["choice"]
        assert isinstance(field, forms.ChoiceField)
        choices: list[Choice] = [
            Choice(
                str(match.person.pk),
                describe_person(match.person),
                hint=match_hint(match.candidate),
            )
            for match in matches
        ]
        if choices:
            choices[-1].divider = "or"
        choices.append(Choice(NEW_PERSON, f"None of these: add {who} as a new person"))
        field.choices = choices
        field.label = f"Is {who} one of these people?"
        field.error_messages["required"] = (
            f"Select the person who is {who}, or select none of these"
        )
        self.helper.layout = Layout(Field.radios("choice", legend_size=Size.MEDIUM))

    def chosen_person_id(self) -> int | None:
        value = self.cleaned_data["choice"]
        return None if value == NEW_PERSON else int(value)


class PersonDetailsForm(GovukForm):
    """What else is known about the person: for matching later, and for the agencies
    who will work with the child and the family."""

    sex = forms.ChoiceField(
        label="Sex", choices=Sex.choices, widget=forms.RadioSelect, required=False
    )
    ethnicity = forms.ChoiceField(
        label="Ethnicity (optional)",
        choices=[("", "Not recorded"), *Ethnicity.choices],
        required=False,
    )
    first_language = forms.CharField(label="First language", max_length=80, required=False)
    interpreter_needed = forms.BooleanField(label="They need an interpreter", required=False)
    communication_needs = forms.CharField(
        label="Communication needs (optional)",
        help_text="For example, uses British Sign Language, or non-verbal",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    nhs_number = forms.CharField(
        label="NHS number (optional)",
        help_text="10 digits, like 943 476 5919",
        max_length=14,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false"}),
    )
    unique_pupil_number = forms.CharField(
        label="Unique pupil number (optional)",
        help_text="A letter then 12 characters, like B801200005001",
        max_length=13,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    police_person_id = forms.CharField(
        label="Police person identifier (optional)",
        help_text="For example, the person's record number on your force's system",
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
    )
    address_line_1 = forms.CharField(label="Address line 1", max_length=200, required=False)
    address_line_2 = forms.CharField(
        label="Address line 2 (optional)", max_length=200, required=False
    )
    address_town = forms.CharField(label="Town or city", max_length=100, required=False)
    address_postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    address_confidential = forms.BooleanField(
        label="This is a confidential address (for example a refuge)",
        help_text="It will be marked so that nobody shares it with the alleged perpetrator",
        required=False,
    )

    def __init__(self, *args: Any, is_child: bool, is_police: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not is_child:
            del self.fields["unique_pupil_number"]
        if not is_police:
            del self.fields["police_person_id"]
        self.helper.layout = Layout(
            Field.radios("sex", small=True),
            Field.select("ethnicity"),
            Field.text("first_language", field_width=Fluid.TWO_THIRDS),
            Field.checkbox("interpreter_needed", small=True),
            Field.textarea("communication_needs", rows=3),
            Fieldset(
                Field.text("nhs_number", field_width=10),
                *([Field.text("unique_pupil_number", field_width=20)] if is_child else []),
                *([Field.text("police_person_id", field_width=20)] if is_police else []),
                legend="Identifiers",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("address_line_1", autocomplete="off"),
                Field.text("address_line_2", autocomplete="off"),
                Field.text("address_town", field_width=Fluid.TWO_THIRDS, autocomplete="off"),
                Field.text("address_postcode", field_width=10, autocomplete="off"),
                Field.checkbox("address_confidential", small=True),
                legend="Where they live now",
                legend_size=Size.MEDIUM,
            ),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("address_line_1") and not data.get("address_town"):
            self.add_error("address_town", "Enter the town or city")
        if data.get("address_town") and not data.get("address_line_1"):
            self.add_error("address_line_1", "Enter the first line of the address")
        return data

    def details(
        self,
        *,
        given_names: str,
        family_name: str,
        date_of_birth: dt.date | None,
        estimated_age: int | None,
    ) -> PersonDetails:
        data = self.cleaned_data
        return PersonDetails(
            given_names=given_names,
            family_name=family_name,
            date_of_birth=date_of_birth,
            estimated_age=estimated_age,
            sex=data.get("sex") or Sex.UNKNOWN,
            ethnicity=data.get("ethnicity", ""),
            first_language=data.get("first_language", ""),
            interpreter_needed=data.get("interpreter_needed", False),
            communication_needs=data.get("communication_needs", ""),
            nhs_number=data.get("nhs_number", "").strip(),
            unique_pupil_number=data.get("unique_pupil_number", "").strip(),
            police_person_id=data.get("police_person_id", ""),
        )

    def has_address(self) -> bool:
        return bool(self.cleaned_data.get("address_line_1"))
