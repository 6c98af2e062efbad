"""Forms of the obligations pages: an inbox's filters, bulk acknowledging, an outcome,
redirecting, withdrawing and the referrer's filter (a route's own forms are its app's).
GOV.UK patterns through crispy-forms-gds; errors in GOV.UK wording. The services check
the rules again: a form only shapes input."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Layout, Size
from django import forms

from hearth.obligations import policy, registry
from hearth.obligations.selectors import InboxFilters
from hearth.people.forms import GovukDateField, GovukForm, date_parts

OPEN, ENDED = "", "ended"
OVERDUE_ONLY, CLAIMED_BY_ME, DUE_TODAY = "overdue", "mine", "today"


# --- The inbox and the referrer's list ------------------------------------------------------


class InboxFilterForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        choices=[
            # Open is not yet ended (the lifecycle in docs/obligations.md): sent,
            # acknowledged, or an outcome recorded that keeps it open (a decision to
            # assess), never closed or withdrawn.
            (OPEN, "Open: not yet closed or withdrawn"),
            *[(s.value, policy.STATUS_LABELS[s]) for s in policy.Status],
            (ENDED, "Ended: closed or withdrawn"),
        ],
        required=False,
    )
    route = forms.ChoiceField(
        label="Kind of work",
        choices=[("", "Any")],  # the registered routes, when the form is made
        required=False,
    )
    due_by = GovukDateField(
        label="Due on or before", what="The due date", help_text="For example, 30 11 2026"
    )
    local_authority = forms.TypedChoiceField(
        label="Local authority of the incident", coerce=int, empty_value=None, required=False
    )
    show = forms.MultipleChoiceField(
        label="Show only",
        choices=[
            (OVERDUE_ONLY, "Overdue"),
            (DUE_TODAY, "Due later today"),
            (CLAIMED_BY_ME, "Claimed by me"),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(
        self, *args: Any, local_authorities: Sequence[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["local_authority"].choices = [("", "Any"), *local_authorities]  # type: ignore[attr-defined]
        self.fields["route"].choices = [("", "Any"), *[(r.key, r.label) for r in registry.routes()]]  # type: ignore[attr-defined]
        self.helper.layout = Layout(
            Field.select("status"),
            Field.select("route"),
            Field("due_by"),
            Field.select("local_authority"),
            Field.checkboxes("show", small=True),
        )

    # The page writes these fields out (``obligations/_inbox_filters.html``, the HTML the
    # layout above gives, which its test compares) rather than through crispy's layout.

    @property
    def selects(self) -> list[forms.BoundField]:
        return [self["status"], self["route"]]  # then the date, then the local authority

    @property
    def due_by_parts(self) -> list[tuple[str, str, str]]:
        """Each part of the due date: its label, its width and what was entered."""
        return date_parts(self["due_by"])

    def filters(self) -> InboxFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        show = set(data.get("show", []))
        return InboxFilters(
            status=data.get("status", OPEN),
            route=data.get("route", ""),
            due_by=data.get("due_by"),
            local_authority_id=data.get("local_authority"),
            overdue_only=OVERDUE_ONLY in show,
            claimed_by_me=CLAIMED_BY_ME in show,
            due_today=DUE_TODAY in show,
        )


class ReferralFilterForm(GovukForm):
    late = forms.BooleanField(label="Only those not acknowledged by their due time", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.checkbox("late", small=True))

    def not_acknowledged_in_time(self) -> bool:
        return bool(self.is_bound and self.is_valid() and self.cleaned_data["late"])


class IdsField(forms.Field):
    """The ids of the items ticked in a table (each a checkbox named alike)."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise forms.ValidationError("Select the items to acknowledge", code="invalid") from None


class BulkAcknowledgeForm(forms.Form):
    obligations = IdsField(error_messages={"required": "Select the items to acknowledge"})


# --- Outcomes, redirecting and withdrawing ---------------------------------------------------


class OutcomeForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What is the outcome?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome"},
    )
    note = forms.CharField(
        label="Note (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea,
        error_messages={"max_length": "The note must be 2000 characters or fewer"},
    )

    def __init__(self, *args: Any, route: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        outcome = self.fields["outcome"]
        assert isinstance(outcome, forms.ChoiceField)
        declared = registry.get(route)
        outcome.choices = [
            Choice(value, label)
            for value, label in declared.outcomes.items()
            if value not in declared.recorded_elsewhere
        ]
        if declared.note_label:
            note = self.fields["note"]
            note.label = declared.note_label
            note.help_text = declared.note_hint
        self.helper.layout = Layout(
            Field.radios("outcome", legend_size=Size.MEDIUM, small=True),
            Field.textarea("note", rows=4),
        )


class RedirectForm(GovukForm):
    to_team = forms.TypedChoiceField(
        label="Which team should it go to?",
        coerce=int,
        empty_value=None,
        error_messages={
            "required": "Select the team it should go to",
            "invalid_choice": "Select the team it should go to",
        },
    )
    reason = forms.CharField(
        label="Why should it go to that team?",
        help_text="For example, the child lives in another local authority",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why it should go to another team",
            "max_length": "The reason must be 2000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, teams: Sequence[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_team"].choices = [("", "Choose a team"), *teams]  # type: ignore[attr-defined]
        self.helper.layout = Layout(Field.select("to_team"), Field.textarea("reason", rows=4))


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why is it being withdrawn?",
        help_text="For example, it is a duplicate of another notification. Everyone who can "
        "see it will see your reason.",
        max_length=2000,
        widget=forms.Textarea,
        error_messages={
            "required": "Enter why it is being withdrawn",
            "max_length": "The reason must be 2000 characters or fewer",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(Field.textarea("reason", rows=4))
