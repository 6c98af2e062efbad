"""Markers that say whether a route returns personal data.

Every page view and API operation Hearth serves carries one of them. The URL-walk test
(``tests/test_every_route_is_audited.py``) fails for a route with neither, and for a
data-bearing route that does not write an access event when called, so a new page
cannot forget the access log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])

ATTRIBUTE = "hearth_personal_data"


def reads_personal_data(view: F) -> F:
    """The view returns personal data; its selector records an access event."""
    setattr(view, ATTRIBUTE, True)
    return view


def no_personal_data(view: F) -> F:
    """The view returns no personal data of anyone but the signed-in user."""
    setattr(view, ATTRIBUTE, False)
    return view
