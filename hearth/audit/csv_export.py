"""The access log as a CSV file (issue 17). Pure: events in, lines out.

One line per record an event names (an event naming no record, a search, has one line
with its result count), so a spreadsheet filters by record as the page searches by it.
Times are ISO 8601 with seconds and the UTC offset, as a machine reads them.

**Formula characters are escaped** (OWASP, CSV injection), as the statistics' files do
(``hearth.stats.csv_export``, which this layer may not import): a field that starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a ``'`` in front, so a
spreadsheet shows it as text instead of running it. Names, purposes and search terms are
typed by people. The file starts with a UTF-8 byte order mark for Excel.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

from hearth.core.csv_safety import BOM, escape

HEADER = (
    "When",
    "Who",
    "Email address",
    "Agency",
    "Action",
    "Purpose",
    "Page or operation",
    "Record kind",
    "Record type",
    "Record number",
    "Results",
)


class _Record(Protocol):
    record_type: str
    record_id: str


def event_lines(event: Any, kind: Callable[[str], str]) -> list[list[str]]:
    """An access event's lines: one per record it names, or one saying how many results."""
    if event.user_id is not None and event.user is not None:
        who = event.user.get_full_name() or event.user.email
        email = event.user.email
    elif event.api_key_id is not None and event.api_key is not None:
        who, email = f"System: {event.api_key.name}", ""
    else:
        who, email = "", ""
    common = [
        event.at.isoformat(timespec="seconds"),
        who,
        email,
        event.agency.name if event.agency_id is not None and event.agency else "",
        event.get_action_display(),
        event.purpose,
        event.route,
    ]
    records: Sequence[_Record] = list(event.records.all())
    if not records:
        return [[*common, "", "", "", str(event.result_count)]]
    return [
        [*common, kind(r.record_type), r.record_type, r.record_id, str(event.result_count)]
        for r in records
    ]


def _line(fields: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([escape(f) for f in fields])
    return buffer.getvalue()


def access_log_csv(events: Iterable[Any], kind: Callable[[str], str]) -> Iterator[str]:
    """The file, a line at a time (for a streaming response): the header first."""
    yield BOM + _line(HEADER)
    for event in events:
        for fields in event_lines(event, kind):
            yield _line(fields)
