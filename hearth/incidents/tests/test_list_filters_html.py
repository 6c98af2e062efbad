"""The incident list's filters are written out in a template (``incidents/_list_filters.html``)
rather than laid out by crispy-forms on each page (issue 12: about 10 ms of the public
protection officer's list): the HTML must stay what the form's crispy layout gives, for
public protection (who may filter by review) and for everyone else, errors and all."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import engines
from django.test.html import parse_html

from hearth.incidents.forms.filters import ANY, IncidentFilterForm

AUTHORITIES = [(2, "Northshire"), (3, "Southmoor")]

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
WRITTEN = engines["django"].from_string('{% include "incidents/_list_filters.html" %}')

DATE = {"occurred_from_0": "1", "occurred_from_1": "11", "occurred_from_2": "2026"}


@pytest.mark.parametrize("reviews", [True, False])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"person": "Tamsin", "reference": "WX/123/26", "status": "submitted", "children": "with"},
        {"review": "to_review", "local_authority": "3", "children": "without"},
        {**DATE, "occurred_to_0": "30", "occurred_to_1": "11", "occurred_to_2": "2026"},
        {"person": 'O\'Brien <b>"Q"</b> & co', "reference": "  ", "children": ""},
        # Each error: too long, not a choice, a date's missing parts, not a real date, a
        # two-digit year, the dates the wrong way round, an area that is not a number.
        {"person": "x" * 101, "reference": "y" * 41},
        {"review": "bad", "status": "zz", "local_authority": "99", "children": "q"},
        {"occurred_from_0": "1", "occurred_to_1": "2", "occurred_to_2": "2026"},
        {"occurred_from_0": "40", "occurred_from_1": "13", "occurred_from_2": "2026"},
        {"occurred_to_0": "a", "occurred_to_1": "2", "occurred_to_2": "2026"},
        {**DATE, "occurred_from_2": "26"},
        {**DATE, "occurred_to_0": "31", "occurred_to_1": "10", "occurred_to_2": "2026"},
        {"local_authority": "two", "person": "z" * 101, "children": "with"},
    ],
)
def test_the_written_out_filters_are_the_crispy_layouts_html(
    data: dict[str, Any] | None, reviews: bool
) -> None:
    def html(template: Any) -> Any:
        # As the list's view makes it.
        form = IncidentFilterForm(
            data, initial={"children": ANY}, local_authorities=AUTHORITIES, reviews=reviews
        )
        if form.is_bound:
            form.is_valid()
        return parse_html(template.render({"form": form}))

    assert html(WRITTEN) == html(CRISPY)


def test_every_error_case_above_is_an_error() -> None:
    """The error cases really are refused (so the comparison covers the error HTML)."""
    errors = [
        {"person": "x" * 101},
        {"reference": "y" * 41},
        {"review": "bad"},
        {"status": "zz"},
        {"local_authority": "99"},
        {"local_authority": "two"},
        {"children": "q"},
        {"occurred_from_0": "1"},
        {"occurred_from_0": "40", "occurred_from_1": "13", "occurred_from_2": "2026"},
        {"occurred_to_0": "a", "occurred_to_1": "2", "occurred_to_2": "2026"},
        {**DATE, "occurred_from_2": "26"},
        {**DATE, "occurred_to_0": "31", "occurred_to_1": "10", "occurred_to_2": "2026"},
    ]
    for data in errors:
        form = IncidentFilterForm(data, local_authorities=AUTHORITIES, reviews=True)
        assert not form.is_valid(), data
