from __future__ import annotations

import pytest
import time_machine

from conftest import Wessex, _SeedCopy
from hearth.encompass.tests.test_encompass import SEEDED

_SEEDED_AT_A_FIXED_MOMENT = _SeedCopy()


@pytest.fixture
def wessex(db: None) -> Wessex:
    """The demo seeded at a fixed moment, as Operation Encompass's tests do, so that its
    term calendars cover these tests' dates (a school knows a child by its notification)."""
    with time_machine.travel(SEEDED):
        _SEEDED_AT_A_FIXED_MOMENT.seed()
    return Wessex()
