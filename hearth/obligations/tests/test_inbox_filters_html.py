"""The inbox's filters are written out in a template (``obligations/_inbox_filters.html``)
rather than laid out by crispy-forms on each page (issue 12: about 4 ms of the busiest
page): the HTML must stay what the form's crispy layout gives, errors and all."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import engines
from django.test.html import parse_html

from hearth.obligations.forms import InboxFilterForm

AUTHORITIES = [(2, "Northshire"), (3, "Southmoor")]

CRISPY = engines["django"].from_string("{% load crispy_forms_tags %}{% crispy form %}")
WRITTEN = engines["django"].from_string('{% include "obligations/_inbox_filters.html" %}')


@pytest.mark.parametrize(
    "data",
    [
        None,
        {},
        {"status": "sent", "route": "marac_referral", "local_authority": "3"},
        {"status": "ended", "show": ["overdue", "mine"]},
        {"due_by_0": "30", "due_by_1": "11", "due_by_2": "2026", "show": ["today"]},
        {"due_by_0": "40", "due_by_1": "13", "due_by_2": "2026"},
        {"due_by_0": "1"},
        {"due_by_0": "1", "due_by_1": "2", "due_by_2": "26"},
        {"status": "bogus", "route": "x", "local_authority": "99", "show": ["x"]},
        {"local_authority": "two", "show": ["overdue", "x"]},
    ],
)
def test_the_written_out_filters_are_the_crispy_layouts_html(data: dict[str, Any] | None) -> None:
    def html(template: Any) -> Any:
        form = InboxFilterForm(data, local_authorities=AUTHORITIES)
        if form.is_bound:
            form.is_valid()
        return parse_html(template.render({"form": form}))

    assert html(WRITTEN) == html(CRISPY)
