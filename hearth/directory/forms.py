"""The directory's GOV.UK forms (crispy-forms-gds), in GOV.UK wording. They only shape
input: ``services`` checks the rules (ages in order, places taken no more than places)
and the views show its refusals on the fields it names."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from django import forms

from hearth.core.errors import ValidationFailed
from hearth.directory.models import Delivery, Eligible, ServiceStatus

YES, NO = "yes", "no"
YES_NO = [(YES, "Yes"), (NO, "No")]
MAX_UPLOAD = 40 * 1024 * 1024


class DirectoryForm(forms.Form):
    """A form laid out by crispy-forms-gds whose error summary links to the input that
    needs fixing (as ``people.forms.GovukForm``, which this lower layer cannot import)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def error_links(self) -> list[tuple[str, str]]:
        fields = list(self.visible_fields())
        links = [
            (f"#{_anchor(fields[0])}" if fields else "#", str(e)) for e in self.non_field_errors()
        ]
        for bound in fields:
            links += [(f"#{_anchor(bound)}", str(error)) for error in bound.errors]
        return links

    def add_failure(self, failure: ValidationFailed) -> None:
        if not failure.fields:
            self.add_error(None, failure.message)
        for name, texts in failure.fields.items():
            for text in texts:
                self.add_error(name if name in self.fields else None, text)


def _anchor(bound: forms.BoundField) -> str:
    if isinstance(bound.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"id_{bound.html_name}_1"
    return str(bound.auto_id)


def _count(label: str, help_text: str = "", *, maximum: int = 100_000) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=0,
        max_value=maximum,
        error_messages={
            "invalid": f"{label} must be a whole number, like 6",
            "min_value": f"{label} must be 0 or more",
            "max_value": f"{label} must be {maximum:,} or fewer",
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class ServiceForm(DirectoryForm):
    """A service's whole entry: capacity first (what changes most), then the rest."""

    places = _count("Places", "How many children the service can support at once")
    places_taken = _count("Places taken")
    waiting_weeks = _count(
        "Waiting time in weeks", "How long a child referred today would wait", maximum=520
    )
    open_to_referrals = forms.ChoiceField(
        label="Is the service taking referrals?",
        help_text="Say yes if a child can be put on the waiting list",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the service is taking referrals"},
    )
    name = forms.CharField(
        label="Name of the service",
        max_length=200,
        error_messages={"required": "Enter the name of the service"},
    )
    description = forms.CharField(
        label="What the service does", required=False, max_length=5000, widget=forms.Textarea
    )
    status = forms.ChoiceField(
        label="Is the service running?",
        choices=[(ServiceStatus.ACTIVE, "Yes, it is running"), (ServiceStatus.INACTIVE, "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the service is running"},
    )
    min_age = _count("Youngest age taken", "Leave empty if there is no lower limit", maximum=120)
    max_age = _count("Oldest age taken", "Leave empty if there is no upper limit", maximum=120)
    eligible = forms.MultipleChoiceField(
        label="Which children is it for?",
        choices=Eligible.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select which children the service is for"},
    )
    delivery = forms.MultipleChoiceField(
        label="How is it delivered?",
        choices=Delivery.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select how the service is delivered"},
    )
    areas = forms.MultipleChoiceField(
        label="Which local authority areas does it cover?",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.CharField(
        label="Languages (optional)",
        help_text="Separate languages with commas, for example English, Polish",
        required=False,
        max_length=500,
    )
    free = forms.ChoiceField(
        label="Is it free for families?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Select yes if the service is free for families"},
    )
    cost_note = forms.CharField(label="About cost (optional)", required=False, max_length=500)
    url = forms.URLField(
        assume_scheme="https",
        label="Website (optional)",
        required=False,
        max_length=500,
        error_messages={
            "invalid": "Enter a web address in the correct format, like https://example.org"
        },
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )
    secret_location = forms.BooleanField(
        label="Its address must stay secret (for example, a refuge)",
        help_text="Hearth never publishes its address or location",
        required=False,
    )
    team = forms.ChoiceField(
        label="Team that receives referrals",
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        areas: list[tuple[int, str]],
        teams: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["areas"]).choices = [(str(i), n) for i, n in areas]
        cast(forms.ChoiceField, self.fields["team"]).choices = [
            ("", "No team yet"),
            *((str(i), n) for i, n in teams),
        ]
        self.helper.layout = Layout(
            Fieldset(
                Field.text("places", field_width=Fluid.ONE_QUARTER),
                Field.text("places_taken", field_width=Fluid.ONE_QUARTER),
                Field.text("waiting_weeks", field_width=Fluid.ONE_QUARTER),
                Field.radios("open_to_referrals", legend_size=Size.SMALL, inline=True),
                legend="Capacity",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("name"),
                Field.textarea("description", rows=4),
                Field.radios("status", legend_size=Size.SMALL, inline=True),
                Field.text("min_age", field_width=Fluid.ONE_QUARTER),
                Field.text("max_age", field_width=Fluid.ONE_QUARTER),
                Field.checkboxes("eligible", legend_size=Size.SMALL, small=True),
                Field.checkboxes("delivery", legend_size=Size.SMALL, small=True),
                Field.checkboxes("areas", legend_size=Size.SMALL, small=True),
                Field.text("languages"),
                Field.radios("free", legend_size=Size.SMALL, inline=True),
                Field.text("cost_note"),
                Field.text("url"),
                Field.text("email"),
                Field.checkbox("secret_location", small=True),
                Field.select("team"),
                legend="The service",
                legend_size=Size.MEDIUM,
            ),
        )

    @staticmethod
    def initial_for(service: Any) -> dict[str, Any]:
        return {
            "places": service.places,
            "places_taken": service.places_taken,
            "waiting_weeks": service.waiting_weeks,
            "open_to_referrals": YES if service.open_to_referrals else NO,
            "name": service.name,
            "description": service.description,
            "status": service.status,
            "min_age": service.min_age,
            "max_age": service.max_age,
            "eligible": list(service.eligible),
            "delivery": list(service.delivery),
            "areas": [str(a.pk) for a in service.areas.all()],
            "languages": ", ".join(service.languages),
            "free": YES if service.free else NO,
            "cost_note": service.cost_note,
            "url": service.url,
            "email": service.email,
            "secret_location": service.secret_location,
            "team": str(service.team_id or ""),
        }

    def values(self) -> dict[str, Any]:
        """The cleaned input as ``services.service_update`` takes it (without areas)."""
        c = self.cleaned_data
        return {
            "places": c["places"],
            "places_taken": c["places_taken"],
            "waiting_weeks": c["waiting_weeks"],
            "open_to_referrals": c["open_to_referrals"] == YES,
            "name": c["name"].strip(),
            "description": c["description"],
            "status": c["status"],
            "min_age": c["min_age"],
            "max_age": c["max_age"],
            "eligible": list(c["eligible"]),
            "delivery": list(c["delivery"]),
            "languages": [x.strip() for x in c["languages"].split(",") if x.strip()],
            "free": c["free"] == YES,
            "cost_note": c["cost_note"],
            "url": c["url"],
            "email": c["email"],
            "secret_location": c["secret_location"],
        }

    def area_ids(self) -> list[int]:
        return [int(x) for x in self.cleaned_data["areas"]]

    def team_id(self) -> int | None:
        return int(self.cleaned_data["team"]) if self.cleaned_data["team"] else None


class OrganisationForm(DirectoryForm):
    name = forms.CharField(
        label="Name of the organisation",
        max_length=200,
        error_messages={"required": "Enter the name of the organisation"},
    )
    description = forms.CharField(
        label="What the organisation does", required=False, max_length=5000, widget=forms.Textarea
    )
    email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.org"
        },
    )
    url = forms.URLField(
        assume_scheme="https",
        label="Website (optional)",
        required=False,
        max_length=500,
        error_messages={
            "invalid": "Enter a web address in the correct format, like https://example.org"
        },
    )
    agency = forms.ChoiceField(
        label="The Hearth organisation that keeps its entries current",
        help_text="Its specialist practitioners will keep the entries and capacity up to date",
        error_messages={"required": "Select the organisation that keeps its entries current"},
    )

    def __init__(self, *args: Any, agencies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["agency"]).choices = [
            ("", "Choose"),
            *((str(i), n) for i, n in agencies),
        ]
        self.helper.layout = Layout(
            Field.text("name"),
            Field.textarea("description", rows=4),
            Field.text("email"),
            Field.text("url"),
            Field.select("agency"),
        )


class ImportForm(DirectoryForm):
    """A file, or a feed's address: one of the two."""

    file = forms.FileField(
        label="Upload a file (JSON)",
        required=False,
        error_messages={"empty": "The selected file is empty"},
    )
    url = forms.URLField(
        assume_scheme="https",
        label="Or give the address of the feed's services",
        # Short enough not to scroll sideways on a phone (WCAG 1.4.10): an address is
        # one word to the browser.
        help_text="Its services list, for example https://example.org/services",
        required=False,
        max_length=500,
        error_messages={
            "invalid": "Enter a web address in the correct format, like https://example.org"
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field("file"), Field.text("url"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload, url = cleaned.get("file"), cleaned.get("url")
        if not self.errors:
            if not upload and not url:
                self.add_error("file", "Select a file or enter the feed's address")
            elif upload and url:
                self.add_error("url", "Upload a file or enter an address, not both")
            elif upload and upload.size > MAX_UPLOAD:
                self.add_error("file", "The selected file must be smaller than 40 MB")
            elif url and not url.startswith("https://"):
                # Hearth fetches only from feeds published over HTTPS.
                self.add_error("url", "Enter an address that starts with https://")
        return cleaned
