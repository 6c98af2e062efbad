"""The administrators' forms for education settings and term calendars. GOV.UK patterns
through crispy-forms-gds; errors in GOV.UK wording. The forms only shape input: the
services in ``schools.services`` check the rules (overlapping terms, an INSET day
outside term, a contact who does not work for the school) and the views show their
refusals on the fields they name."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crispy_forms_gds.layout import Field, Fluid, Layout, Size
from django import forms

from hearth.accounts.models import Agency, Area, Team
from hearth.incidents.forms import parse_time
from hearth.people.forms import GovukDateField, GovukForm
from hearth.schools.models import ContactRole, SettingStatus

EVERY = ""


class SettingFilterForm(forms.Form):
    """The directory's search and filters, read from the query string (the page writes
    its own GET form). A bad value is ignored, not refused, so a shared link never shows
    an error."""

    q = forms.CharField(required=False, max_length=200)
    local_authority = forms.IntegerField(required=False, min_value=1)
    status = forms.ChoiceField(required=False, choices=[(EVERY, ""), *SettingStatus.choices])

    def filters(self) -> dict[str, Any]:
        """The valid filters, each one on its own (one bad value does not drop the rest)."""
        self.is_valid()  # cleaned_data then holds each field that was valid
        cleaned = self.cleaned_data
        return {
            "q": cleaned.get("q") or "",
            "local_authority_id": cleaned.get("local_authority"),
            "status": cleaned.get("status") or "",
        }


class SettingLinkForm(GovukForm):
    """Which organisation in Hearth the setting is, its DSL team, and its trust."""

    agency = forms.ChoiceField(label="The setting's organisation in Hearth", required=False)
    dsl_team = forms.ChoiceField(
        label="Its designated safeguarding lead's team",
        help_text="Operation Encompass notifications for the setting's pupils go to this team",
        required=False,
    )
    trust = forms.ChoiceField(
        label="Its trust or federation (optional)",
        help_text="A trust's system may act for the setting's DSL",
        required=False,
    )

    def __init__(
        self, *args: Any, agencies: list[Agency], dsl_teams: list[Team], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._agencies = {str(a.pk): a for a in agencies}
        self._teams = {str(t.pk): t for t in dsl_teams}
        names = [(str(a.pk), a.name) for a in agencies]
        teams = [(str(t.pk), f"{t.name} ({t.agency.name})") for t in dsl_teams]
        for name, empty, options in (
            ("agency", "Not in Hearth yet", names),
            ("dsl_team", "No team yet", teams),
            ("trust", "No trust", names),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [("", empty), *options]
        self.helper.layout = Layout(
            Field.select("agency"), Field.select("dsl_team"), Field.select("trust")
        )

    def links(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "agency": self._agencies.get(data["agency"]),
            "dsl_team": self._teams.get(data["dsl_team"]),
            "trust": self._agencies.get(data["trust"]),
        }

    @staticmethod
    def initial_from(setting: Any) -> dict[str, str]:
        return {
            "agency": str(setting.agency_id or ""),
            "dsl_team": str(setting.dsl_team_id or ""),
            "trust": str(setting.trust_id or ""),
        }


class SettingContactForm(GovukForm):
    email = forms.EmailField(
        label="Email address",
        help_text="The address they sign in to Hearth with. They must work for the setting "
        "in Hearth already",
        max_length=254,
        error_messages={
            "required": "Enter their email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
    )
    role = forms.ChoiceField(
        label="What are they?",
        choices=ContactRole.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether they are the DSL or a deputy DSL"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.text(
                "email", field_width=Fluid.TWO_THIRDS, autocomplete="off", spellcheck="false"
            ),
            Field.radios("role", legend_size=Size.MEDIUM),
        )


class TimeField(forms.CharField):
    """A time as people type it (08:45, 8.45am), cleaned to a ``datetime.time``."""

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "Use the 24-hour clock or am and pm, for example 08:45")
        super().__init__(
            max_length=10,
            error_messages={"required": f"Enter {what}"},
            **kwargs,
        )
        self.what = what

    def clean(self, value: Any) -> dt.time:
        text = super().clean(value)
        parsed = parse_time(text)
        if parsed is None:
            raise forms.ValidationError(
                f"Enter {self.what} as a real time, like 08:45", code="invalid"
            )
        return parsed


class TermCalendarForm(GovukForm):
    """A new calendar for a local authority without one."""

    local_authority = forms.ChoiceField(
        label="Local authority",
        error_messages={"required": "Select the local authority"},
    )
    name = forms.CharField(
        label="Name",
        help_text="For example, Northshire maintained schools term dates",
        max_length=200,
        error_messages={"required": "Enter a name for the term calendar"},
    )
    day_starts = TimeField(label="When does the school day start?", what="the start time")

    def __init__(self, *args: Any, local_authorities: list[Area], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._areas = {str(a.pk): a for a in local_authorities}
        field = self.fields["local_authority"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "Choose a local authority"),
            *((k, a.name) for k, a in self._areas.items()),
        ]
        self.helper.layout = Layout(
            Field.select("local_authority"),
            Field.text("name", field_width=Fluid.TWO_THIRDS),
            Field.text("day_starts", field_width=5),
        )

    def area(self) -> Area:
        return self._areas[self.cleaned_data["local_authority"]]


class DayStartsForm(GovukForm):
    day_starts = TimeField(label="When does the school day start?", what="the start time")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.text("day_starts", field_width=5))


class TermForm(GovukForm):
    name = forms.CharField(
        label="Term name",
        help_text="For example, Autumn 1",
        max_length=80,
        error_messages={"required": "Enter the term's name, like Autumn 1"},
    )
    starts_on = GovukDateField(
        label="First day of term",
        what="The first day of term",
        required="Enter the first day of term",
        help_text="For example, 3 9 2025",
    )
    ends_on = GovukDateField(
        label="Last day of term",
        what="The last day of term",
        required="Enter the last day of term",
        help_text="For example, 24 10 2025",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field.text("name", field_width=Fluid.ONE_HALF),
            Field("starts_on"),
            Field("ends_on"),
        )


class InsetDayForm(GovukForm):
    day = GovukDateField(
        label="Date of the INSET day",
        what="The date of the INSET day",
        required="Enter the date of the INSET day",
        help_text="A weekday in term time, for example 3 11 2025",
    )
    note = forms.CharField(
        label="Note (optional)",
        help_text="For example, staff training",
        max_length=120,
        required=False,
        error_messages={"max_length": "The note must be 120 characters or fewer"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field("day"), Field.text("note", field_width=Fluid.TWO_THIRDS))


# --- Uploads ---------------------------------------------------------------------------------

# The Department for Education's full extract of every establishment is about 60MB; one
# local authority's is far smaller.
MAX_UPLOAD_BYTES = 80 * 1024 * 1024


class UploadField(forms.FileField):
    """A file, read whole: its bytes, refused in GOV.UK words when missing, empty or too
    big."""

    def __init__(self, *, what: str, **kwargs: Any) -> None:
        super().__init__(
            error_messages={
                "required": f"Select {what}",
                "empty": "The selected file is empty",
                "invalid": f"Select {what}",
            },
            **kwargs,
        )

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 80MB")
        return upload


class GiasUploadForm(GovukForm):
    file = UploadField(
        label="Upload a file",
        what="a Get Information About Schools file",
        help_text="A CSV of establishments downloaded from Get Information About Schools",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field("file", accept=".csv,text/csv"))


class TermDatesUploadForm(GovukForm):
    file = UploadField(label="Upload a file", what="a file of term dates")
    file_format = forms.ChoiceField(
        label="What kind of file is it?",
        choices=[("csv", "CSV (a spreadsheet saved as CSV)"), ("ics", "ICS (iCalendar)")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the file is CSV or ICS"},
    )
    replace_from = GovukDateField(
        label="Replace the calendar's dates from (optional)",
        what="The date to replace from",
        help_text="Terms and INSET days from this date to the file's last day are replaced "
        "by the file's, even where the file has none. Leave it empty to replace only the "
        "file's own dates. For example, 1 9 2025",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Field("file", accept=".csv,.ics,text/csv,text/calendar"),
            Field.radios("file_format", legend_size=Size.SMALL),
            Field("replace_from"),
        )
