"""The form of an area's obligation timescales (the service operator's administrators).
GOV.UK patterns through crispy-forms-gds; errors in GOV.UK wording. The form only shapes
input: ``area_settings.routing_settings_set`` checks each value's range."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms

from hearth.obligations.area_settings import RoutingSettingsRow
from hearth.people.forms import GovukForm


def _days_field(label: str, help_text: str, what: str, *, example: int) -> Any:
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": f"Enter {what}",
            "invalid": f"{what[0].upper()}{what[1:]} must be a whole number, like {example}",
        },
    )


class RoutingSettingsForm(GovukForm):
    """An area's timescales, in working days, and how long a team still sees what an
    obligation shared once it has closed."""

    decision_working_days = _days_field(
        "Working days to decide on a child concern notification",
        "Working Together 2023: within 1 working day of receipt, the front door "
        "acknowledges it and decides the type of response",
        "the working days to decide on a child concern notification",
        example=1,
    )
    assessment_working_days = _days_field(
        "Working days for a child and family assessment",
        "Working Together 2023: at most 45 working days from the referral",
        "the working days for a child and family assessment",
        example=45,
    )
    marac_send_working_days = _days_field(
        "Working days for the referrer to send a MARAC referral",
        "Counted from when the incident was submitted. Default: 1",
        "the working days to send a MARAC referral",
        example=1,
    )
    marac_acknowledge_working_days = _days_field(
        "Working days for the MARAC to acknowledge a referral",
        "Counted from receipt. Default: 1",
        "the working days to acknowledge a MARAC referral",
        example=1,
    )
    idva_acknowledge_working_days = _days_field(
        "Working days for the IDVA service to acknowledge a referral",
        "Counted from receipt. Default: 1",
        "the working days to acknowledge an IDVA referral",
        example=1,
    )
    follow_up_working_days = _days_field(
        "Working days to follow up each child",
        "Counted from when the adult's MARAC or IDVA referral is acknowledged. Default: 10",
        "the working days to follow up each child",
        example=10,
    )
    access_days_after_close = _days_field(
        "Days a team still sees what was shared after it closes its work",
        "Calendar days, not working days. Default: 30",
        "the days a team still sees what was shared",
        example=30,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper.layout = Layout(
            Fieldset(
                Field.text("decision_working_days", field_width=3),
                Field.text("assessment_working_days", field_width=3),
                legend="Child concern notifications",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("marac_send_working_days", field_width=3),
                Field.text("marac_acknowledge_working_days", field_width=3),
                Field.text("idva_acknowledge_working_days", field_width=3),
                Field.text("follow_up_working_days", field_width=3),
                legend="MARAC and IDVA referrals",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("access_days_after_close", field_width=3),
                legend="Access after closing",
                legend_size=Size.MEDIUM,
            ),
        )

    @staticmethod
    def initial_from(row: RoutingSettingsRow) -> dict[str, Any]:
        return dict(row.values())
