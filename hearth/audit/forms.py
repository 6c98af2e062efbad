from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from django import forms


class AccessLogSearchForm(forms.Form):
    user_email = forms.EmailField(
        label="Email address of the person who looked",
        required=False,
        error_messages={
            "invalid": "Enter an email address in the correct format, like name@example.com"
        },
    )
    record_type = forms.CharField(
        label="Record type",
        required=False,
        max_length=100,
        help_text="For example, accounts.user or accounts.team",
    )
    record_id = forms.CharField(label="Record number", required=False, max_length=64)
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
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.layout = Layout(
            Field.text("user_email", field_width=Fluid.FULL),
            Field.text("record_type", field_width=Fluid.FULL),
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
