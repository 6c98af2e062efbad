"""Structured logging that cannot carry personal data (style.md §22).

Hearth code logs with ``structlog.get_logger()`` and key-value pairs. Only keys on
``SAFE_KEYS`` (ids, counts, codes, timings) pass through; any other key's value is
replaced by ``"[redacted]"``, so a careless ``log.info("x", name=child.name)`` writes no
name. Free text never goes in the event name.
"""

from __future__ import annotations

import logging
from collections.abc import MutableMapping
from typing import Any

import structlog

SAFE_KEYS = frozenset(
    {
        "event",
        "level",
        "logger",
        "timestamp",
        "exc_info",
        "route",
        "method",
        "status",
        "count",
        "attempts",
        "duration_ms",
        "user_id",
        "agency_id",
        "team_id",
        "api_key_id",
        "record_type",
        "record_id",
        "task",
        "rule",
        "rule_version",
        "code",
        "mode",
    }
)
REDACTED = "[redacted]"


def drop_personal_data(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key in list(event_dict):
        if key not in SAFE_KEYS:
            event_dict[key] = REDACTED
    return event_dict


def configure() -> None:
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            drop_personal_data,
            structlog.processors.KeyValueRenderer(key_order=["timestamp", "level", "event"]),
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(logging.INFO),
        cache_logger_on_first_use=True,
    )
