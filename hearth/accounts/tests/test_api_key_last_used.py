"""An API key's last use is kept to the minute (issue 12): a busy system's requests do not
all write its key's row, which would queue them one behind another."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from hearth.accounts.models import ApiKey
from hearth.accounts.selectors import actor_for_api_key
from hearth.accounts.services import api_key_issue

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)


def test_a_keys_last_use_is_written_at_most_once_a_minute(wessex: Any) -> None:
    issued = api_key_issue(actor=None, agency=wessex.agency("wessex-police"), name="Records")
    with time_machine.travel(NOON, tick=False):
        assert actor_for_api_key(raw_key=issued.raw_key) is not None
    key = ApiKey.objects.get(pk=issued.api_key.pk)
    assert key.last_used_at == NOON
    with time_machine.travel(NOON + dt.timedelta(seconds=59), tick=False):
        assert actor_for_api_key(raw_key=issued.raw_key) is not None
    key.refresh_from_db()
    assert key.last_used_at == NOON  # within the minute: not written again
    with time_machine.travel(NOON + dt.timedelta(minutes=2), tick=False):
        assert actor_for_api_key(raw_key=issued.raw_key) is not None
    key.refresh_from_db()
    assert key.last_used_at == NOON + dt.timedelta(minutes=2)
