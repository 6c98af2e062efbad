from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Layout
from django import forms


class ChooseAgencyForm(forms.Form):
    agency = forms.TypedChoiceField(
        coerce=int,
        label="Which organisation are you working for now?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the organisation you are working for"},
    )

    def __init__(self, *args: Any, agencies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = agencies
        self.helper = FormHelper()
        self.helper.layout = Layout("agency", Button("submit", "Continue"))
