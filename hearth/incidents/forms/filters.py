"""The public protection list's filter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crispy_forms_gds.layout import Field, Layout
from django import forms

from hearth.incidents.models import Incident
from hearth.incidents.selectors import IncidentFilters
from hearth.people.forms import GovukDateField, GovukForm, date_parts

ANY, WITH, WITHOUT = "", "with", "without"


TO_REVIEW = "to_review"


class IncidentFilterForm(GovukForm):
    person = forms.CharField(
        label="Name of someone in it",
        max_length=100,
        required=False,
        help_text="For example, Tamsin or Quillfeather",
    )
    reference = forms.CharField(label="Police reference", max_length=40, required=False)
    review = forms.ChoiceField(
        label="Review by public protection",
        choices=[("", "Any"), (TO_REVIEW, "Not yet reviewed")],
        required=False,
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[("", "Any"), *Incident.Status.choices],
        required=False,
    )
    occurred_from = GovukDateField(
        label="Happened on or after", what="The from date", help_text="For example, 1 11 2026"
    )
    occurred_to = GovukDateField(
        label="Happened on or before", what="The to date", help_text="For example, 30 11 2026"
    )
    local_authority = forms.TypedChoiceField(
        label="Local authority", coerce=int, empty_value=None, required=False
    )
    children = forms.ChoiceField(
        label="Children",
        choices=[
            (ANY, "With or without children"),
            (WITH, "With children"),
            (WITHOUT, "Without children"),
        ],
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        local_authorities: Sequence[tuple[int, str]],
        reviews: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].choices = [("", "Any"), *local_authorities]  # type: ignore[attr-defined]
        # Only police incidents are reviewed by public protection.
        if not reviews:
            del self.fields["review"]
        self.helper.layout = Layout(
            Field.text("person"),
            Field.text("reference"),
            *([Field.select("review")] if reviews else []),
            Field.select("status"),
            Field("occurred_from"),
            Field("occurred_to"),
            Field.select("local_authority"),
            Field.radios("children", small=True),
        )

    # The list writes these fields out (``incidents/_list_filters.html``, the HTML the layout
    # above gives, which its test compares) rather than through crispy's layout (issue 12).

    @property
    def selects(self) -> list[forms.BoundField]:
        """The selects before the dates (review, for public protection, and status)."""
        return [self[name] for name in ("review", "status") if name in self.fields]

    @property
    def dates(self) -> list[tuple[forms.BoundField, list[tuple[str, str, str]]]]:
        """Each date, with each of its parts: its label, its width and what was entered."""
        return [(self[name], date_parts(self[name])) for name in ("occurred_from", "occurred_to")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("occurred_from"), data.get("occurred_to")
        if start and end and start > end:
            self.add_error("occurred_to", "The to date must be the same as or after the from date")
        return data

    def filters(self) -> IncidentFilters:
        data = self.cleaned_data if self.is_bound else {}
        return IncidentFilters(
            status=data.get("status", ""),
            occurred_from=data.get("occurred_from"),
            occurred_to=data.get("occurred_to"),
            local_authority_id=data.get("local_authority"),
            with_children={WITH: True, WITHOUT: False}.get(data.get("children", ANY)),
            reference=data.get("reference", "").strip(),
            to_review=data.get("review") == TO_REVIEW,
            person=data.get("person", "").strip(),
        )

    def applied(self) -> int:
        """How many filters are in use (shown on the collapsed filter's summary)."""
        if not self.is_bound or not self.is_valid():
            return 0
        return sum(1 for value in self.cleaned_data.values() if value not in ("", None, ANY))


class IncidentReviewForm(GovukForm):
    """Public protection's review of a submitted incident (issue 17)."""

    note = forms.CharField(
        label="What did you find or do?",
        help_text="For example, the risk checklist is complete and the referrals have gone",
        max_length=2000,
        error_messages={
            "required": "Enter what you found or did",
            "max_length": "The note must be 2000 characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.textarea("note", max_characters=2000))
