"""The form of an area's obligation timescales (the service operator's administrators).
GOV.UK patterns through crispy-forms-gds; errors in GOV.UK wording. The form only shapes
input: ``area_settings.routing_settings_set`` checks each value's range."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.layout import Field, Fieldset, Layout, Size
from django import forms

from hearth.obligations import registry
from hearth.obligations.area_settings import ACCESS, RoutingSettingsRow
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
    """An area's timescales, in working days: each registered route's (``Route.settings``,
    a fieldset for each legend), and how long a team still sees what an obligation shared
    once it has closed."""

    access_days_after_close = _days_field(
        "Days a team still sees what was shared after it closes its work",
        "Calendar days, not working days. Default: 30",
        "the days a team still sees what was shared",
        example=30,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        legends: dict[str, list[str]] = {}
        for setting in registry.settings():
            self.fields[setting.name] = _days_field(
                setting.label, setting.hint, setting.what, example=setting.default
            )
            legends.setdefault(setting.legend, []).append(setting.name)
        # The routes' fields first, in their order, then the core's.
        self.order_fields([*(n for names in legends.values() for n in names), ACCESS])
        self.helper.layout = Layout(
            *(
                Fieldset(
                    *(Field.text(name, field_width=3) for name in names),
                    legend=legend,
                    legend_size=Size.MEDIUM,
                )
                for legend, names in legends.items()
            ),
            Fieldset(
                Field.text(ACCESS, field_width=3),
                legend="Access after closing",
                legend_size=Size.MEDIUM,
            ),
        )

    @staticmethod
    def initial_from(row: RoutingSettingsRow) -> dict[str, Any]:
        return dict(row.values())
