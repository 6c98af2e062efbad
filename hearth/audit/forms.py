from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from django import forms

from hearth.audit.selectors import record_kinds


class AccessLogSearchForm(forms.Form):
    """Search the access log by who looked (a name or an email address), by a record (its
    kind in words and its number) and by dates. GOV.UK wording for each error."""

    who = forms.CharField(
        label="Who looked",
        required=False,
        max_length=200,
        help_text="Their name or email address, for example Frankie Carver",
    )
    record_type = forms.ChoiceField(
        label="Kind of record",
        required=False,
        choices=(),
        error_messages={"invalid_choice": "Select a kind of record from the list"},
    )
    record_id = forms.CharField(
        label="Record number",
        required=False,
        max_length=64,
        help_text="The number in the record's web address, for example 12",
    )
    date_from = forms.DateField(
        label="From date",
        required=False,
        help_text="For example, 27/3/2026",
        error_messages={"invalid": "From date must be a real date, like 27/3/2026"},
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )
    date_to = forms.DateField(
        label="To date",
        required=False,
        help_text="For example, 28/3/2026",
        error_messages={"invalid": "To date must be a real date, like 28/3/2026"},
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["record_type"].choices = [("", "Any kind"), *record_kinds()]  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.text("who", field_width=Fluid.FULL),
            Field.select("record_type"),
            Field.text("record_id", field_width=10),
            Field.text("date_from", field_width=10),
            Field.text("date_to", field_width=10),
            Button("submit", "Search"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "To date must be the same as or after the from date")
        return data
