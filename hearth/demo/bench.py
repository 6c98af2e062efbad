"""Hearth's benchmarks (issue 12 §2): ``manage.py bench``, run by ``make bench``.

On a throwaway PostgreSQL database (its name must contain ``bench``: it is emptied), for
each size of synthetic volume (``hearth.demo.volume``) it measures, against a real
gunicorn server it starts:

- **intake**: incidents/s and p50/p95 latency at 1, 4 and 16 concurrent clients posting
  two-child incident documents to ``POST /api/v1/incidents`` with an API key, beside a
  **raw-SQL floor**: the same rows (the same tables and row counts one API intake wrote,
  counted from a test run through the real API) inserted with plain psycopg, one
  transaction per incident, from the same number of threads;
- **pages**: p50/p95 of signed-in requests to the front door inbox (page and API) with
  tens of thousands of open items, the public protection incident list, a child's
  safeguarding record, a school's Operation Encompass inbox, and the person search once
  it exists;
- **sweeps**: one idle sweep and one with 1,000 overdue deadlines, at each obligation
  count asked for (topped up with ``generate_volume --obligations-only``).

It prints one JSON document. Nothing here is a test: the targets are read off the figures.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
import requests
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, connections
from django.db.models.fields import AutoFieldMixin
from django.urls import NoReverseMatch, reverse
from psycopg.types.json import Jsonb

from hearth.core import clock

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
PASSWORD = "wessex-demo-only"
FRONT_DOOR = "front.door@northshire.wessex.example"
PPU = "ppu.officer@police.wessex.example"
DSL = "dsl03@schools.wessex.example"


class BenchError(Exception):
    pass


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50 and p95 in milliseconds (nearest rank)."""
    if not samples:
        return {"p50_ms": 0.0, "p95_ms": 0.0, "n": 0}
    ordered = sorted(samples)

    def rank(p: float) -> float:
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p * len(ordered)) - 1))]

    return {
        "p50_ms": round(rank(0.50) * 1000, 1),
        "p95_ms": round(rank(0.95) * 1000, 1),
        "n": len(ordered),
    }


# --- The database --------------------------------------------------------------------------


def database_name() -> str:
    return str(connection.settings_dict["NAME"])


def check_database() -> None:
    if connection.vendor != "postgresql":
        raise BenchError(
            "The benchmarks run on PostgreSQL only (SQLite's figures would say nothing "
            "about production). Set DATABASE_URL, or run `make bench`, which uses "
            "postgres://postgres@127.0.0.1:5432/hearth_bench."
        )
    if "bench" not in database_name():
        raise BenchError(
            f"The benchmark empties its database: give it one whose name contains "
            f"'bench' (not {database_name()!r})."
        )


def _admin_conninfo(dbname: str) -> str:
    s = connection.settings_dict
    parts = {
        "dbname": dbname,
        "host": s.get("HOST") or "127.0.0.1",
        "port": s.get("PORT") or 5432,
        "user": s.get("USER") or "postgres",
        "password": s.get("PASSWORD") or None,
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


def reset_database() -> None:
    """Create the bench database if missing, empty it, migrate and seed the demo area."""
    connections.close_all()
    name = database_name()
    with psycopg.connect(_admin_conninfo("postgres"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    call_command("migrate", verbosity=0, interactive=False)
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def settle() -> bool:
    """Write out what the load left in memory (``CHECKPOINT``) before measuring, so that
    the measured requests do not share the disk with writing back the rows just
    generated, and a run does not depend on what the database did before it. Needs a
    superuser or the ``pg_checkpoint`` role: without it, said in the figures."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("CHECKPOINT")
    except DatabaseError:
        log("could not CHECKPOINT (not permitted): measuring with the load's writes pending")
        return False
    return True


def table_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = model._meta.db_table
            if model._meta.managed and table not in counts:
                # Table names come from the models, never from input.
                cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
                counts[table] = cursor.fetchone()[0]
    return counts


# --- The server ----------------------------------------------------------------------------


@contextmanager
def server(workers: int) -> Iterator[None]:
    env = {**os.environ, "HEARTH_MODE": "demo", "DATABASE_URL": os.environ.get("DATABASE_URL", "")}
    if not env["DATABASE_URL"]:
        s = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{s.get('USER') or 'postgres'}@{s.get('HOST') or '127.0.0.1'}:"
            f"{s.get('PORT') or 5432}/{s['NAME']}"
        )
    process = subprocess.Popen(  # noqa: S603 (our own gunicorn, fixed arguments)
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(120):
            try:
                if requests.get(f"{BASE}/healthz", timeout=2).status_code == 200:
                    break
            except requests.RequestException:
                pass
            time.sleep(0.5)
        else:
            raise BenchError("gunicorn did not start")
        yield
    finally:
        process.terminate()
        process.wait(timeout=30)


def signed_in(email: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{BASE}/account/login/")
    token = session.cookies.get("csrftoken") or ""
    answer = session.post(
        f"{BASE}/account/login/",
        data={"csrfmiddlewaretoken": token, "login": email, "password": PASSWORD},
        headers={"Referer": page.url},
    )
    if "/account/login" in answer.url:
        raise BenchError(f"Could not sign in as {email}")
    return session


# --- Intake --------------------------------------------------------------------------------


def two_child_document(n: int, area_id: int) -> dict[str, Any]:
    """A realistic police incident with two children at two Northshire schools (the
    shape of docs/api.md), so routing makes its usual work."""
    when = (clock.now() - dt.timedelta(hours=2)).replace(microsecond=0)

    def person(ref: str, given: str, family: str, born: str, sex: str, **extra: Any) -> dict:
        return {
            "ref": ref,
            "given_names": given,
            "family_name": family,
            "date_of_birth": born,
            "sex": sex,
            **extra,
        }

    family = f"Benchley{n}"
    return {
        "people": [
            person(
                "victim",
                "Kerry",
                family,
                "1992-04-02",
                "female",
                address_line_1="14 Larch Close",
                address_town="Ashcombe",
                address_postcode="WX1 4LC",
            ),
            person("perpetrator", "Dean", family, "1989-09-15", "male"),
            person("mia", "Mia", family, "2018-06-11", "female"),
            person("leo", "Leo", "Hart", "2014-01-30", "male"),
        ],
        "victims": ["victim"],
        "perpetrators": ["perpetrator"],
        "children": [
            {
                "ref": "mia",
                "involvement": {
                    "present": True,
                    "where_present": "Landing, at the top of the stairs",
                    "saw": True,
                    "heard": True,
                    "welfare_check_done": True,
                    "welfare_check_by": "PC 4417",
                    "spoken_to": True,
                    "spoken_to_alone": True,
                    "spoken_where": "Her bedroom, with the door open",
                    "others_present": "PC 4417 only",
                    "own_words": "Daddy was shouting and pushed Mummy.",
                    "demeanour": "Quiet, holding a toy rabbit",
                    "education": "registered",
                    "education_setting": "Ashcombe Primary School",
                    "education_setting_urn": "990001",
                    "normally_resident": True,
                },
            },
            {
                "ref": "leo",
                "involvement": {
                    "present": False,
                    "experienced_effects": True,
                    "normally_resident": True,
                    "education": "registered",
                    "education_setting": "Ashcombe Academy",
                    "education_setting_urn": "990002",
                },
            },
        ],
        "others": [],
        "relationships": [
            {
                "person": "victim",
                "other": "perpetrator",
                "kinship": "married",
                "parental_responsibility": False,
            },
            {
                "person": "victim",
                "other": "mia",
                "kinship": "parent",
                "parental_responsibility": True,
            },
            {
                "person": "perpetrator",
                "other": "mia",
                "kinship": "parent",
                "parental_responsibility": True,
            },
            {
                "person": "victim",
                "other": "leo",
                "kinship": "parent",
                "parental_responsibility": True,
            },
            {
                "person": "perpetrator",
                "other": "leo",
                "kinship": "step_parent",
                "parental_responsibility": False,
            },
        ],
        "submit": True,
        "police_reference": f"WX/BENCH/{n}",
        "occurred_at": when.isoformat(),
        "reported_at": (when + dt.timedelta(minutes=5)).isoformat(),
        "location_line_1": "14 Larch Close",
        "location_town": "Ashcombe",
        "location_postcode": "WX1 4LC",
        "local_authority_id": area_id,
        "abuse_types": ["physical_or_sexual", "controlling_or_coercive"],
        "pattern": "course_of_conduct",
        "summary": "Neighbour called police after hearing shouting and a crash.",
        "arrest_made": True,
        "victim_pregnant": "no",
    }


class _Counter:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.n = 0

    def next(self) -> int:
        with self.lock:
            self.n += 1
            return self.n


def _run_clients(clients: int, seconds: float, work: Callable[[], None]) -> dict[str, Any]:
    """``clients`` threads each calling ``work`` until ``seconds`` pass."""
    samples: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def loop() -> None:
        while time.monotonic() < stop:
            started = time.monotonic()
            try:
                work()
            except Exception as error:
                with lock:
                    errors.append(f"{type(error).__name__}: {str(error)[:200]}")
                continue
            with lock:
                samples.append(time.monotonic() - started)

    began = time.monotonic()
    threads = [threading.Thread(target=loop) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began
    return {
        "clients": clients,
        "incidents_per_s": round(len(samples) / elapsed, 2),
        **percentiles(samples),
        "errors": len(errors),
        **({"first_error": errors[0]} if errors else {}),
    }


def api_key(agency_slug: str, role: str, team_slug: str | None = None) -> str:
    from hearth.accounts.models import Agency, Team
    from hearth.accounts.services import api_key_issue

    team = Team.objects.get(slug=team_slug) if team_slug else None
    return api_key_issue(
        actor=None,
        agency=Agency.objects.get(slug=agency_slug),
        name=f"bench {uuid.uuid4().hex[:6]}",
        roles=[role],
        team=team,
    ).raw_key


def intake(levels: list[int], seconds: float) -> dict[str, Any]:
    from hearth.accounts.models import Area

    key = api_key("wessex-police", "public_protection_officer")
    area_id = Area.objects.get(name="Northshire", kind=Area.Kind.LOCAL_AUTHORITY).pk
    counter = _Counter()
    prefix = uuid.uuid4().hex[:6]

    def post() -> None:
        n = counter.next()
        answer = requests.post(
            f"{BASE}/api/v1/incidents",
            data=json.dumps(two_child_document(int(f"{int(prefix, 16) % 100000}{n:06d}"), area_id)),
            headers={
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json",
                "Idempotency-Key": f"bench-{prefix}-{n}",
            },
            timeout=120,
        )
        if answer.status_code != 201:
            raise BenchError(f"intake answered {answer.status_code}")

    # One intake through the real API, to count the rows it writes.
    before = table_counts()
    post()
    after = table_counts()
    rows = {t: after[t] - before[t] for t in after if after[t] != before[t]}
    templates = _template_rows(rows)
    results: dict[str, Any] = {
        "rows_per_incident": sum(rows.values()),
        "rows_by_table": rows,
        "api": [],
        "raw_sql_floor": [],
    }
    for clients in levels:
        log(f"intake: {clients} clients through the API")
        results["api"].append(_run_clients(clients, seconds, post))
        log(f"intake: {clients} clients, raw SQL floor")
        results["raw_sql_floor"].append(_floor(clients, seconds, templates))
    for api, floor in zip(results["api"], results["raw_sql_floor"], strict=True):
        api["floor_ratio"] = (
            round(floor["incidents_per_s"] / api["incidents_per_s"], 1)
            if api["incidents_per_s"]
            else None
        )
    return results


# --- The raw-SQL floor ---------------------------------------------------------------------


@dataclass
class _Table:
    table: str
    columns: list[str]
    rows: list[tuple[Any, ...]]
    pk: str | None
    fks: dict[str, str]  # column -> referenced table
    uniques: dict[str, int]  # text columns in a unique constraint: their max length
    # A primary key the application makes (a task's UUID), not the database: a fresh one
    # for each row, written first.
    new_pk: Callable[[], Any] | None = None


def _template_rows(rows: dict[str, int]) -> list[_Table]:
    """The rows the test intake wrote (the newest ``n`` of each table), ordered so every
    referenced table comes first."""
    models = {m._meta.db_table: m for m in apps.get_models(include_auto_created=True)}
    tables: dict[str, _Table] = {}
    for table, n in rows.items():
        model = models[table]
        pk = str(model._meta.pk.column)
        fields: list[Any] = [f for f in model._meta.concrete_fields if f.column != pk]
        columns = [str(f.column) for f in fields]
        fks = {
            str(f.column): f.related_model._meta.db_table
            for f in fields
            if f.is_relation and f.related_model is not None
        }
        unique_fields: list[Any] = [f for f in fields if f.unique]
        for constraint in model._meta.constraints:
            unique_fields += [model._meta.get_field(n) for n in getattr(constraint, "fields", ())]
        uniques = {
            str(f.column): f.max_length or 200
            for f in unique_fields
            if f.get_internal_type() == "CharField"
        }
        with connection.cursor() as cursor:
            cols = ", ".join(f'"{c}"' for c in [pk, *columns])
            sql = f'SELECT {cols} FROM "{table}" ORDER BY "{pk}" DESC LIMIT %s'  # noqa: S608
            cursor.execute(sql, [n])
            fetched = cursor.fetchall()
        adapted = [tuple(_adapt(v) for v in row) for row in reversed(fetched)]
        made = model._meta.pk
        new_pk = None if isinstance(made, AutoFieldMixin) else made.get_default
        tables[table] = _Table(table, columns, adapted, pk, fks, uniques, new_pk)
    ordered: list[_Table] = []
    placed: set[str] = set()
    while len(ordered) < len(tables):
        progress = False
        for name, t in tables.items():
            deps = {d for d in t.fks.values() if d in tables and d != name}
            if name not in placed and deps <= placed:
                ordered.append(t)
                placed.add(name)
                progress = True
        if not progress:  # a cycle: keep the rest in any order
            ordered += [t for n, t in tables.items() if n not in placed]
            break
    return ordered


def _adapt(value: Any) -> Any:
    if isinstance(value, dict | list):
        return Jsonb(value)
    return value


def _floor(clients: int, seconds: float, templates: list[_Table]) -> dict[str, Any]:
    conninfo = _admin_conninfo(database_name())
    counter = _Counter()
    local = threading.local()

    def insert() -> None:
        if not hasattr(local, "conn"):
            local.conn = psycopg.connect(conninfo)
        n = counter.next()
        suffix = f"~{uuid.uuid4().hex[:6]}{n}"
        ids: dict[tuple[str, Any], Any] = {}
        with local.conn.transaction(), local.conn.cursor() as cursor:
            for t in templates:
                columns = [t.pk, *t.columns] if t.new_pk else t.columns
                cols = ", ".join(f'"{c}"' for c in columns)
                marks = ", ".join(["%s"] * len(columns))
                sql = f'INSERT INTO "{t.table}" ({cols}) VALUES ({marks}) RETURNING "{t.pk}"'  # noqa: S608
                for old_id, *values in t.rows:
                    for i, column in enumerate(t.columns):
                        if column in t.fks and (t.fks[column], values[i]) in ids:
                            values[i] = ids[(t.fks[column], values[i])]
                        elif column in t.uniques and isinstance(values[i], str) and values[i]:
                            keep = t.uniques[column] - len(suffix)
                            values[i] = values[i][:keep] + suffix
                    cursor.execute(sql, [t.new_pk(), *values] if t.new_pk else values)
                    ids[(t.table, old_id)] = cursor.fetchone()[0]

    return _run_clients(clients, seconds, insert)


# --- Pages ---------------------------------------------------------------------------------


def _time_get(
    session: requests.Session, url: str, repeats: int, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    for _ in range(2):  # warm the worker and the cache
        session.get(url, headers=headers)
    samples, sizes = [], []
    for _ in range(repeats):
        started = time.monotonic()
        answer = session.get(url, headers=headers)
        samples.append(time.monotonic() - started)
        if answer.status_code != 200:
            raise BenchError(f"{url} answered {answer.status_code}")
        sizes.append(len(answer.content))
    return {**percentiles(samples), "bytes": max(sizes)}


def busiest_child_id() -> int:
    """The child with the most obligations: the heaviest safeguarding record."""
    from django.db.models import Count

    from hearth.obligations.models import Obligation

    row = (
        Obligation.objects.filter(route="child_concern_notification")
        .values("subject_id")
        .annotate(n=Count("id"))
        .order_by("-n", "subject_id")
        .first()
    )
    if row is None:
        raise BenchError("No child has an obligation: generate some volume first.")
    return int(row["subject_id"])


def pages(repeats: int) -> dict[str, Any]:
    from hearth.accounts.models import Team
    from hearth.obligations.models import Obligation

    team = Team.objects.get(slug="northshire-front-door")
    open_items = Obligation.objects.filter(team=team).open().count()
    key = api_key(
        "northshire-council-childrens-services", "front_door_practitioner", "northshire-front-door"
    )
    front_door, ppu, dsl = signed_in(FRONT_DOOR), signed_in(PPU), signed_in(DSL)
    child = busiest_child_id()
    figures: dict[str, Any] = {"front_door_open_items": open_items}
    log("pages: front door inbox")
    figures["inbox_page"] = _time_get(front_door, f"{BASE}/work/teams/{team.pk}/", repeats)
    figures["inbox_api"] = _time_get(
        requests.Session(),
        f"{BASE}/api/v1/teams/{team.pk}/obligations",
        repeats,
        headers={"Authorization": f"Bearer {key}"},
    )
    log("pages: incident list, safeguarding record, school inbox")
    figures["ppu_incident_list"] = _time_get(ppu, f"{BASE}/incidents/", repeats)
    figures["safeguarding_record"] = _time_get(ppu, f"{BASE}/children/{child}/", repeats)
    figures["school_inbox"] = _time_get(dsl, f"{BASE}/encompass/", repeats)
    search = _search_url()
    if search:
        figures["person_search"] = _time_get(ppu, f"{BASE}{search}?q=Ashdown", repeats)
    else:
        figures["person_search"] = "not built yet (no 'search' URL)"
    return figures


def _search_url() -> str | None:
    for name in ("search", "person_search", "people_search"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


# --- Sweeps --------------------------------------------------------------------------------


def sweeps(target: int, overdue: int = 1000) -> dict[str, Any]:
    from hearth.demo.volume import generate_obligations_only
    from hearth.obligations.models import Deadline, Obligation
    from hearth.obligations.sweeper import sweep

    have = Obligation.objects.count()
    if have < target:
        log(f"sweeps: adding {target - have} obligations")
        generate_obligations_only(count=target - have)
    figures: dict[str, Any] = {"obligations": Obligation.objects.count(), "checkpointed": settle()}
    sweep()  # catch up first (the demo's own overdue work, intake's): then it is idle
    started = time.monotonic()
    idle = sweep()
    figures["idle_sweep_ms"] = round((time.monotonic() - started) * 1000, 1)
    figures["idle_sweep_steps"] = idle.total
    # 1,000 open obligations' deadlines fall due now, with no step of the ladder taken.
    now = clock.now()
    ids = list(
        Deadline.objects.filter(met_at__isnull=True)
        .exclude(obligation__status__in=["closed", "withdrawn"])
        .order_by("id")
        .values_list("id", flat=True)[:overdue]
    )
    Deadline.objects.filter(pk__in=ids).update(
        due_at=now - dt.timedelta(minutes=5),
        overdue_at=None,
        reminder_at=None,
        manager_at=None,
        escalation_team_at=None,
    )
    from hearth.demo.volume import analyze

    analyze()
    started = time.monotonic()
    busy = sweep()
    figures["overdue_sweep_ms"] = round((time.monotonic() - started) * 1000, 1)
    figures["overdue_deadlines"] = len(ids)
    figures["overdue_sweep_steps"] = busy.total
    return figures


# --- The whole run -------------------------------------------------------------------------


def run(
    *,
    sizes: list[int],
    sweep_sizes: list[int],
    clients: list[int],
    intake_seconds: float,
    repeats: int,
    workers: int,
    seed: int = 1,
) -> dict[str, Any]:
    from hearth.demo.volume import generate_volume, generated_incident_count

    check_database()
    log(f"resetting {database_name()}")
    reset_database()
    result: dict[str, Any] = {
        "date": clock.now().isoformat(timespec="seconds"),
        "database": "postgresql " + str(connection.cursor().connection.info.server_version),
        "cpus": os.cpu_count(),
        "gunicorn_workers": workers,
        "sizes": {},
    }
    for index, size in enumerate(sorted(sizes)):
        missing = size - generated_incident_count()
        log(f"generating {missing} incidents (to {size})")
        started = time.monotonic()
        generate_volume(incidents=missing, seed=seed)
        entry: dict[str, Any] = {
            "generate_s": round(time.monotonic() - started, 1),
            "checkpointed": settle(),
        }
        with server(workers):
            if index == 0:
                result["intake"] = intake(clients, intake_seconds)
                from hearth.demo.volume import analyze

                analyze()
            entry["pages"] = pages(repeats)
        result["sizes"][str(size)] = entry
    result["sweeps"] = {}
    for target in sorted(sweep_sizes):
        log(f"sweeps at {target} obligations")
        result["sweeps"][str(target)] = sweeps(target)
    return result
