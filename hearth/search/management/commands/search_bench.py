"""``manage.py search_bench``: how long a search by name takes, on this database.

Times ``search.selectors.search_for`` (the page's and the API's selector, access event
included) for a few realistic queries, a common family name, a misspelt name, a date of
birth, a force's reference and a school, as the public protection officer and as the
Northshire front door, and prints p50/p95 and the queries each search ran. With
``--explain``, prints ``EXPLAIN (ANALYZE, BUFFERS)`` of every statement of one search
(PostgreSQL). Meant for a database filled by ``seed_demo`` and ``generate_volume``
(docs/search.md, "Speed"); demo and test modes only, since every search writes an
access event.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.accounts.models import User
from hearth.accounts.selectors import actor_for_user
from hearth.core.actor import Actor
from hearth.incidents.models import ChildInvolvement, Incident
from hearth.people.models import Person
from hearth.search.selectors import search_for

ACTORS = {
    "ppu": "ppu.officer@police.wessex.example",
    "front_door": "front.door@northshire.wessex.example",
}


def _queries() -> dict[str, str]:
    """Realistic queries: a family name common in the synthetic volume
    (``demo.volume``), a misspelt whole name, and the newest person's date of birth, the
    newest incident's reference and the newest child's school in the data there is."""
    born = (
        Person.objects.filter(date_of_birth__isnull=False)
        .order_by("-id")
        .values_list("date_of_birth", flat=True)
        .first()
    )
    reference = (
        Incident.objects.exclude(police_reference="")
        .order_by("-id")
        .values_list("police_reference", flat=True)
        .first()
    )
    school = (
        ChildInvolvement.objects.exclude(education_setting_urn="")
        .order_by("-id")
        .values_list("education_setting_urn", flat=True)
        .first()
    )
    found = {
        "surname": "Ashdown",
        "misspelt": "Kerry Ashdwon",
        "date_of_birth": f"{born:%d/%m/%Y}" if born else "",
        "reference": reference or "",
        "school": "",
    }
    if school:
        from hearth.schools.models import EducationSetting

        found["school"] = (
            EducationSetting.objects.filter(urn=school).values_list("name", flat=True).first() or ""
        )
    return {k: v for k, v in found.items() if v}


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "Time the search by name (p50/p95) for a few realistic queries, as two searchers."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeats", type=int, default=30)
        parser.add_argument("--explain", action="store_true", help="EXPLAIN each statement.")
        parser.add_argument("--only", default="", help="One query name (surname, school...).")
        parser.add_argument("--actor", default="", help="ppu or front_door.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.HEARTH_DEMO_MODE:
            raise CommandError("Only with HEARTH_MODE=demo or test: each search is logged.")
        queries = _queries()
        if options["only"]:
            queries = {options["only"]: queries[options["only"]]}
        actors = {k: v for k, v in ACTORS.items() if not options["actor"] or k == options["actor"]}
        people, incidents = Person.objects.count(), Incident.objects.count()
        self.stdout.write(f"people: {people}, incidents: {incidents}")
        for who, email in actors.items():
            actor = actor_for_user(user=User.objects.get(email=email), agency_id=None)
            assert actor is not None
            for name, text in queries.items():
                self._time(who, actor, name, text, options["repeats"], options["explain"])

    def _time(
        self, who: str, actor: Actor, name: str, text: str, repeats: int, explain: bool
    ) -> None:
        search_for(actor=actor, query=text)  # warm
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            page = search_for(actor=actor, query=text)
            times.append((time.perf_counter() - started) * 1000)
        with CaptureQueriesContext(connection) as captured:
            search_for(actor=actor, query=text)
        self.stdout.write(
            f"{who:10} {name:13} {text!r:28} results {page.total:3}"
            f"{'+' if page.capped else ' '} queries {len(captured.captured_queries):2}  "
            f"p50 {statistics.median(times):7.1f} ms  p95 {_percentile(times, 0.95):7.1f} ms"
        )
        if explain and connection.vendor == "postgresql":
            for q in captured.captured_queries:
                sql = q["sql"]
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                    plan = "\n".join(row[0] for row in cursor.fetchall())
                self.stdout.write(f"--- {q['time']} s\n{sql[:3000]}\n{plan}\n")
