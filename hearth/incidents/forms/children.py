"""The children: a child's involvement a page at a time (the loop after their
relationships), and the confirmation that there are none."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import HTML, Button, Field, Fluid, Layout, Size
from django import forms

from hearth.incidents.directory import SettingChoice, setting_choices
from hearth.incidents.forms._fields import InitialFrom, text_area
from hearth.incidents.models import Education
from hearth.people.forms import GovukForm, changed_values, yes_no_field
from hearth.people.policy import normalise_name


class InvolvementForm(InitialFrom, GovukForm):
    """One page of a child's involvement. ``name`` is the child's first name, in labels."""

    def __init__(self, *args: Any, name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.name = name
        for field in self.fields.values():
            field.label = str(field.label).replace("{name}", name)
            field.help_text = str(field.help_text).replace("{name}", name)
            for key, message in field.error_messages.items():
                field.error_messages[key] = str(message).replace("{name}", name)
        self.helper.layout = self.layout()

    def layout(self) -> Layout:
        raise NotImplementedError

    def changes(self) -> dict[str, Any]:
        return changed_values(self)

    # A page may have a search within it (the school picker): a submit that asks for
    # choices rather than saving.
    SEARCH_BUTTON: str | None = None

    @classmethod
    def searching(cls, data: Any) -> bool:
        """Whether ``data`` is a search within the page, not an answer to save."""
        return cls.SEARCH_BUTTON is not None and cls.SEARCH_BUTTON in data


class PresenceForm(InvolvementForm):
    present = yes_no_field("Was {name} there when it happened?")
    where_present = forms.CharField(
        label="If {name} was there, where were they?",
        help_text="For example, on the landing, in the same room, in bed",
        max_length=200,
        required=False,
    )
    normally_resident = yes_no_field("Does {name} normally live at the address?", not_known=True)

    def layout(self) -> Layout:
        return Layout(
            Field.radios("present", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.text("where_present"),
            Field.radios("normally_resident", legend_size=Size.MEDIUM, small=True, inline=True),
        )


EXPERIENCES = (
    ("saw", "Saw the abuse"),
    ("heard", "Heard the abuse"),
    ("experienced_effects", "Experienced the effects of the abuse"),
)


class ExperienceForm(InvolvementForm):
    experienced = forms.MultipleChoiceField(
        label="What did {name} see, hear or experience?",
        help_text=(
            "Select all that apply. The effects include being frightened, hurt, kept awake "
            "or cut off from a parent, even when they were not there"
        ),
        choices=[Choice(value, label) for value, label in EXPERIENCES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    injured = yes_no_field("Was {name} injured?", not_known=True)
    injuries = text_area("If {name} was injured, describe the injuries", rows=3)

    def layout(self) -> Layout:
        return Layout(
            Field.checkboxes("experienced", legend_size=Size.MEDIUM, small=True),
            Field.radios("injured", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.textarea("injuries", rows=3),
        )

    @classmethod
    def initial_from(cls, record: object) -> dict[str, Any]:
        initial = super().initial_from(record)
        initial["experienced"] = [name for name, _ in EXPERIENCES if getattr(record, name)]
        return initial

    def changes(self) -> dict[str, Any]:
        values = changed_values(self)
        if "experienced" in values:
            chosen = set(values.pop("experienced"))
            values.update({name: name in chosen for name, _ in EXPERIENCES})
        return values


class WelfareForm(InvolvementForm):
    welfare_check_done = yes_no_field(
        "Was a welfare check done on {name}?",
        help_text="Seeing {name} and checking they are safe and well",
    )
    welfare_check_by = forms.CharField(
        label="Who did the welfare check?",
        help_text="Name or collar number",
        max_length=200,
        required=False,
    )

    def layout(self) -> Layout:
        return Layout(
            Field.radios("welfare_check_done", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.text("welfare_check_by", field_width=Fluid.TWO_THIRDS),
        )


class ConversationForm(InvolvementForm):
    spoken_to = yes_no_field("Was {name} spoken to?")
    not_spoken_to_reason = text_area(
        "If {name} was not spoken to, why not?",
        rows=3,
        help_text="For example, a baby, asleep, or too distressed",
    )
    spoken_to_alone = yes_no_field(
        "Was {name} spoken to alone, away from their parents?",
        help_text="Children often cannot say what happened in front of the adults involved",
    )
    not_alone_reason = text_area("If {name} was not spoken to alone, why not?", rows=3)
    spoken_where = forms.CharField(
        label="Where was {name} spoken to?",
        help_text="For example, their bedroom with the door open",
        max_length=200,
        required=False,
    )
    others_present = forms.CharField(
        label="Who else was there when {name} was spoken to?",
        max_length=200,
        required=False,
    )

    def layout(self) -> Layout:
        return Layout(
            Field.radios("spoken_to", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.textarea("not_spoken_to_reason", rows=3),
            Field.radios("spoken_to_alone", legend_size=Size.MEDIUM, small=True, inline=True),
            Field.textarea("not_alone_reason", rows=3),
            Field.text("spoken_where"),
            Field.text("others_present"),
        )


class VoiceForm(InvolvementForm):
    own_words = text_area(
        "What did {name} say?", rows=6, help_text="Their own words, exactly as they said them"
    )
    demeanour = text_area(
        "How did {name} behave and seem?",
        rows=4,
        help_text="Their behaviour and demeanour: for example quiet, clinging, flinching, playing",
    )
    worries = text_area("What worries did {name} tell you about?", rows=4)

    def layout(self) -> Layout:
        return Layout(
            Field.textarea("own_words", label_size=Size.MEDIUM, rows=6),
            Field.textarea("demeanour", rows=4),
            Field.textarea("worries", rows=4),
        )


class CommunicationForm(InvolvementForm):
    communication = forms.CharField(
        label="What language did {name} use, and do they have any communication needs?",
        help_text="For example, spoke Polish with an interpreter, or uses Makaton",
        max_length=200,
        required=False,
    )

    def layout(self) -> Layout:
        return Layout(Field.text("communication", label_size=Size.MEDIUM))


# At most this many settings are offered to choose from after a search.
SETTING_MATCHES_SHOWN = 20


def settings_matching(query: str, choices: list[SettingChoice]) -> list[SettingChoice]:
    """The settings a search names: its URN, or every word in the setting's name or local
    authority (case, accents and punctuation aside). Pure, over the directory given."""
    text = query.strip()
    words = normalise_name(text).split()
    if not words:
        return []
    found = [
        choice
        for choice in choices
        if choice.urn == text
        or all(w in normalise_name(f"{choice.name} {choice.local_authority}") for w in words)
    ]
    return found[:SETTING_MATCHES_SHOWN]


class SettingField(forms.ChoiceField):
    """A setting chosen by its URN: any open setting of the directory is a valid answer,
    though only the settings a search found (and the one already chosen) are offered."""

    directory_urns: frozenset[str] = frozenset()

    def valid_value(self, value: Any) -> bool:
        return str(value) in self.directory_urns


class EducationForm(InvolvementForm):
    """Where the child is in education: the setting chosen from the directory (by its URN,
    which is how Operation Encompass notifies it), or its name when it is not listed."""

    education = forms.ChoiceField(
        label="Is {name} at a school, nursery or college?",
        choices=[
            Choice(
                Education.REGISTERED,
                Education.REGISTERED.label,
                hint="Search for it below, then choose it",
            ),
            Choice(Education.NOT_IN_EDUCATION, Education.NOT_IN_EDUCATION.label),
            Choice(Education.ELECTIVELY_HOME_EDUCATED, Education.ELECTIVELY_HOME_EDUCATED.label),
            Choice(Education.UNDER_SCHOOL_AGE, Education.UNDER_SCHOOL_AGE.label),
            Choice(Education.NOT_KNOWN, Education.NOT_KNOWN.label),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether {name} is at a school, nursery or college"},
    )
    school_search = forms.CharField(
        label="Search for the school, nursery or college",
        help_text="Part of its name, its local authority, or its URN",
        max_length=100,
        required=False,
    )
    education_setting_urn = SettingField(
        label="School, nursery or college",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a school, nursery or college from the list"},
    )
    education_setting = forms.CharField(
        label="If it is not in the list, give its name",
        max_length=200,
        required=False,
    )
    gp = forms.CharField(label="GP surgery (optional)", max_length=200, required=False)
    health_visitor = forms.CharField(
        label="Health visitor (optional)",
        help_text="For a child under 5",
        max_length=200,
        required=False,
    )

    SETTING_FIELDS = ("education_setting_urn", "education_setting")
    SEARCH_BUTTON = "find_school"

    def __init__(self, *args: Any, school_query: str | None = None, **kwargs: Any) -> None:
        """The setting is found by a search (a type-ahead that works without JavaScript:
        the Search button shows the matching settings to choose from, GOV.UK's "search
        then select" pattern), not a list of every school. Any open setting's URN is a
        valid answer; only the matches and the one already chosen are shown."""
        super().__init__(*args, **kwargs)
        directory = setting_choices()
        if school_query is None:
            school_query = str(self.data.get("school_search", "")) if self.is_bound else ""
        self.school_query = school_query.strip()
        self.setting_matches = settings_matching(self.school_query, directory)
        field = cast(SettingField, self.fields["education_setting_urn"])
        field.directory_urns = frozenset(c.urn for c in directory)
        chosen = str(
            (self.data.get("education_setting_urn") if self.is_bound else None)
            or self.initial.get("education_setting_urn")
            or ""
        )
        shown = list(self.setting_matches)
        shown += [c for c in directory if c.urn == chosen and c not in shown]
        field.choices = [(c.urn, c.label) for c in shown]
        self.helper.layout = self.layout()

    def full_clean(self) -> None:
        super().full_clean()
        # An error about the setting is shown with the setting, even with none to choose.
        if self.is_bound and self.has_error("education_setting_urn"):
            self.helper.layout = self.layout()

    def layout(self) -> Layout:
        shown = bool(cast(SettingField, self.fields["education_setting_urn"]).choices)
        if getattr(self, "_errors", None) and self.has_error("education_setting_urn"):
            shown = True  # its error is shown with it, even with none to choose
        searched = getattr(self, "school_query", "")
        parts: list[Any] = [
            Field.radios("education", legend_size=Size.MEDIUM, small=True),
            Field.text("school_search", field_width=Fluid.TWO_THIRDS),
            Button.secondary(self.SEARCH_BUTTON, "Search"),
        ]
        if searched and not getattr(self, "setting_matches", []):
            parts.append(
                HTML(
                    '<p class="govuk-body" id="school-search-none">No open school, nursery '
                    "or college matches your search. Try part of its name, or give its name "
                    "below.</p>"
                )
            )
        if shown:
            parts.append(Field.radios("education_setting_urn", legend_size=Size.SMALL, small=True))
        parts += [
            Field.text("education_setting"),
            Field.text("gp"),
            Field.text("health_visitor"),
        ]
        return Layout(*parts)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("education") == Education.REGISTERED:
            has_urn = bool(cleaned.get("education_setting_urn"))
            has_name = bool(cleaned.get("education_setting", "").strip())
            if not (has_urn or has_name or self.has_error("education_setting_urn")):
                self.add_error(
                    "education_setting_urn",
                    "Choose the school, nursery or college, or give its name",
                )
        elif "education" in cleaned:
            # Not registered anywhere: a setting left on the page is not theirs.
            for name in self.SETTING_FIELDS:
                cleaned[name] = ""
        return cleaned

    def changes(self) -> dict[str, Any]:
        values = changed_values(self)
        values.pop("school_search", None)  # how it was found, not an answer
        # Clearing the setting (not registered) changes what was stored even when the
        # boxes were sent back as they were shown.
        for name in self.SETTING_FIELDS:
            if self.cleaned_data[name] != (self.initial.get(name) or ""):
                values[name] = self.cleaned_data[name]
        return values


# The child's loop after their relationships: (step, form, page title).
CHILD_STEP_FORMS: dict[str, tuple[type[InvolvementForm], str]] = {
    "presence": (PresenceForm, "Where {name} was"),
    "experience": (ExperienceForm, "What {name} saw, heard or experienced"),
    "welfare": (WelfareForm, "Welfare check on {name}"),
    "conversation": (ConversationForm, "Talking to {name}"),
    "voice": (VoiceForm, "{name}'s own words"),
    "communication": (CommunicationForm, "{name}'s language and communication"),
    "education": (EducationForm, "{name}'s school and health services"),
}


class NoChildrenForm(GovukForm):
    confirm = forms.BooleanField(
        label="I confirm that no child lives in the household or is related to either adult",
        error_messages={
            "required": "Confirm that no child lives in or is related to the household"
        },
    )
    how = forms.CharField(
        label="How did you establish this?",
        help_text="For example, asked both adults separately and saw no children's belongings",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter how you established there are no children"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.checkbox("confirm"), Field.textarea("how", rows=4))
