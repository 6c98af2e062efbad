"""Importing a directory published by another system in Open Referral UK 3.0's shape
(issue 13 §1): a services list (a feed's paged JSON, a bare list, or one service), from
a file or a feed URL.

Invariants:
- every row is read and checked first (``oruk.parse_service``); if any row is malformed
  (or two rows share an id) nothing is imported, and the report says why per row;
- otherwise everything is written in one transaction, so an import is never partial;
- rows match what is stored on ``source`` (the feed or file) and ``source_id`` (the
  row's id there): a re-import changes only what changed and says, per row, imported,
  changed or unchanged; every change records a timeline event (``services``);
- a feed URL is read with ``requests`` and a timeout, page by page (``page``), up to
  ``MAX_PAGES``; nothing else is fetched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import requests
from django.db import transaction

from hearth.accounts.models import Area
from hearth.audit.services import timeline_record
from hearth.core.actor import Actor
from hearth.core.errors import NotPermitted
from hearth.directory import rules, services
from hearth.directory.models import Location, Organisation, Service, ServiceAtLocation
from hearth.directory.oruk import LocationRow, RowError, ServiceRow, parse_feed, parse_service

TIMEOUT_SECONDS = 15
MAX_PAGES = 200
PER_PAGE = 200
MAX_BYTES = 40 * 1024 * 1024


class Outcome:
    IMPORTED = "imported"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass(frozen=True)
class RowResult:
    number: int  # 1-based position in the file or feed
    source_id: str
    name: str
    outcome: str
    reasons: tuple[str, ...] = ()


@dataclass
class ImportReport:
    source: str
    rows: list[RowResult] = field(default_factory=list)
    problem: str = ""  # the whole file could not be read

    @property
    def ok(self) -> bool:
        return not self.problem and not any(r.outcome == Outcome.ERROR for r in self.rows)

    def count(self, outcome: str) -> int:
        return sum(1 for r in self.rows if r.outcome == outcome)

    @property
    def errors(self) -> list[RowResult]:
        return [r for r in self.rows if r.outcome == Outcome.ERROR]


class FetchFailed(Exception):
    """A feed URL could not be read; the message says why in plain words."""


def fetch_feed(url: str, *, get: Callable[..., Any] = requests.get) -> list[Any]:
    """Every service row of the feed at ``url`` (its ``/services`` address), page by page."""
    rows: list[Any] = []
    page = 1
    while page <= MAX_PAGES:
        try:
            response = get(
                url,
                params={"page": page, "per_page": PER_PAGE},
                timeout=TIMEOUT_SECONDS,
                headers={"Accept": "application/json"},
                stream=True,
            )
            if response.status_code != 200:
                raise FetchFailed(f"The feed answered {response.status_code}")
            body = bytearray()
            for chunk in response.iter_content(chunk_size=1 << 16):
                body.extend(chunk)
                if len(body) > MAX_BYTES:  # read no further than the limit
                    raise FetchFailed("The feed's page is larger than 40 MB")
        except requests.RequestException as error:
            raise FetchFailed(f"The feed could not be reached ({type(error).__name__})") from None
        try:
            document = json.loads(bytes(body))
        except ValueError:
            raise FetchFailed("The feed did not answer with JSON") from None
        try:
            rows.extend(parse_feed(document))
        except RowError as error:
            raise FetchFailed(str(error)) from None
        if not isinstance(document, dict) or document.get("last_page", True) is not False:
            return rows
        page += 1
    raise FetchFailed(f"The feed has more than {MAX_PAGES} pages")


def read_document(text: str | bytes) -> list[Any]:
    """The service rows of a file's text; ``RowError`` if it is not a services list."""
    try:
        document = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise RowError([f"the file is not JSON ({error})"]) from None
    return parse_feed(document)


def _row_name(data: Any) -> tuple[str, str]:
    if isinstance(data, dict):
        return str(data.get("id") or "")[:200], str(data.get("name") or "")[:200]
    return "", ""


def directory_import(
    *,
    actor: Actor | None,
    rows: list[Any],
    source: str,
    progress: Callable[[str], None] | None = None,
) -> ImportReport:
    """Import ``rows`` (ORUK services) from ``source``: all, or nothing if any is bad."""
    if actor is not None and not rules.may_import(actor):
        raise NotPermitted
    report = ImportReport(source=source)
    parsed: list[tuple[int, ServiceRow]] = []
    seen: dict[str, int] = {}
    areas = {a.code: a for a in Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY)}
    by_name = {a.name.casefold(): a for a in areas.values()}
    for number, data in enumerate(rows, start=1):
        source_id, name = _row_name(data)
        try:
            row = parse_service(data)
        except RowError as error:
            report.rows.append(
                RowResult(number, source_id, name, Outcome.ERROR, tuple(error.reasons))
            )
            continue
        reasons = []
        if row.source_id in seen:
            reasons.append(f"the same id as row {seen[row.source_id]}")
        unknown = [c for c in row.area_codes if c not in areas] + [
            n for n in row.area_names if n.casefold() not in by_name
        ]
        if unknown:
            reasons.append(f"unknown local authority: {', '.join(unknown)}")
        seen.setdefault(row.source_id, number)
        if reasons:
            report.rows.append(
                RowResult(number, row.source_id, row.name, Outcome.ERROR, tuple(reasons))
            )
        else:
            parsed.append((number, row))
    if not report.ok:
        # Nothing is imported; the rows that were fine say so plainly.
        done = {r.number for r in report.rows}
        for number, row in parsed:
            if number not in done:
                report.rows.append(
                    RowResult(
                        number,
                        row.source_id,
                        row.name,
                        Outcome.UNCHANGED,
                        ("not imported: the file has errors",),
                    )
                )
        report.rows.sort(key=lambda r: r.number)
        return report
    with transaction.atomic():
        for number, row in parsed:
            row_areas = [areas[c] for c in row.area_codes] + [
                by_name[n.casefold()] for n in row.area_names
            ]
            outcome = _write(actor=actor, row=row, source=source, areas=row_areas)
            report.rows.append(RowResult(number, row.source_id, row.name, outcome))
            if progress:
                progress(row.name)
    return report


def _organisation(actor: Actor | None, row: ServiceRow, source: str) -> tuple[Organisation, bool]:
    values = {
        "name": row.organisation_name,
        "description": row.organisation_description,
        "email": row.organisation_email,
        "url": row.organisation_url,
    }
    org = Organisation.objects.filter(source=source, source_id=row.organisation_source_id).first()
    if org is None:
        org = Organisation.objects.create(
            source=source, source_id=row.organisation_source_id, **values
        )
        timeline_record(
            actor=actor,
            subject=org,
            verb="directory.organisation_imported",
            summary=f"Organisation {org.name} imported",
            payload={"source": source, "source_id": row.organisation_source_id},
        )
        return org, True
    changed = [k for k, v in values.items() if getattr(org, k) != v]
    if changed:
        for k in changed:
            setattr(org, k, values[k])
        org.save()
        timeline_record(
            actor=actor,
            subject=org,
            verb="directory.organisation_changed",
            summary=f"Organisation {org.name} changed by an import",
            payload={"source": source, "fields": changed},
        )
    return org, bool(changed)


def _service_values(row: ServiceRow) -> dict[str, Any]:
    return {
        "description": row.description,
        "url": row.url,
        "email": row.email,
        "status": row.status,
        "min_age": row.min_age,
        "max_age": row.max_age,
        "eligible": list(row.eligible),
        "delivery": list(row.delivery),
        "languages": list(row.languages),
        "free": row.free,
        "cost_note": row.cost_note,
        "places": row.places,
        "places_taken": row.places_taken,
        "waiting_weeks": row.waiting_weeks,
        "open_to_referrals": row.open_to_referrals,
        "confirmed_on": row.confirmed_on,
        "capacity_confirmed_on": row.capacity_confirmed_on,
    }


def _locations(
    actor: Actor | None, service: Service, rows: tuple[LocationRow, ...], source: str
) -> bool:
    """Make the service's locations from ``source`` those of ``rows``; True if any changed."""
    changed = False
    keep: set[Any] = set()
    for loc_row in rows:
        values = {
            "name": loc_row.name,
            "address_1": loc_row.address_1,
            "address_2": loc_row.address_2,
            "town": loc_row.town,
            "postcode": loc_row.postcode,
            "latitude": loc_row.latitude,
            "longitude": loc_row.longitude,
        }
        location = Location.objects.filter(source=source, source_id=loc_row.source_id).first()
        if location is None:
            location = Location.objects.create(
                organisation=service.organisation,
                source=source,
                source_id=loc_row.source_id,
                **values,
            )
            changed = True
        elif any(getattr(location, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(location, k, v)
            location.save()
            changed = True
        keep.add(location.pk)
        _, made = ServiceAtLocation.objects.get_or_create(
            service=service, location=location, defaults={"source": source}
        )
        changed = changed or made
    gone = ServiceAtLocation.objects.filter(service=service, source=source).exclude(
        location_id__in=keep
    )
    if gone.exists():
        gone.delete()
        changed = True
    if changed:
        timeline_record(
            actor=actor,
            subject=service,
            verb="directory.locations_imported",
            summary=f"Where {service.name} is delivered was changed by an import",
            payload={"source": source, "locations": len(rows)},
        )
    return changed


def _write(*, actor: Actor | None, row: ServiceRow, source: str, areas: list[Area]) -> str:
    org, org_changed = _organisation(actor, row, source)
    values = _service_values(row)
    service = Service.objects.filter(source=source, source_id=row.source_id).first()
    if service is None:
        service = services.service_create(
            actor=actor,
            organisation=org,
            name=row.name,
            areas=areas,
            confirmed=False,
            source=source,
            source_id=row.source_id,
            **values,
        )
        _locations(actor, service, row.locations, source)
        return Outcome.IMPORTED
    change = services.service_update(
        actor=actor,
        service=service,
        areas=areas,
        confirm=False,
        name=row.name,
        **values,
    )
    located = _locations(actor, service, row.locations, source)
    if service.organisation_id != org.pk:
        Service.objects.filter(pk=service.pk).update(organisation=org)
        org_changed = True
    return Outcome.CHANGED if (change.fields or located or org_changed) else Outcome.UNCHANGED
