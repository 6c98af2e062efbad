"""Logs never carry personal data (style.md §22)."""

from __future__ import annotations

import logging

import pytest
import structlog

from hearth.core.logging import REDACTED, drop_personal_data


def test_only_known_safe_keys_pass() -> None:
    event = drop_personal_data(
        None,
        "info",
        {"event": "child.viewed", "record_id": "42", "name": "Jo Bloggs", "dob": "2019-01-01"},
    )
    assert event == {"event": "child.viewed", "record_id": "42", "name": REDACTED, "dob": REDACTED}


def test_a_careless_log_line_writes_no_name(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    structlog.get_logger("hearth.test").info("incident.saved", record_id=7, child_name="Jo Bloggs")
    assert "record_id=7" in caplog.text
    assert "Jo Bloggs" not in caplog.text
