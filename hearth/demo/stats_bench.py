"""The statistics benchmark (issue 15 §5): ``manage.py stats_bench``, run by ``make bench``.

For each size, on an emptied bench database (its name must contain ``bench``, as for
``manage.py bench``; PostgreSQL only), it loads a year of work and then measures:

- **Loading.** Up to ``LEDGER_UP_TO`` incidents (100,000 by default), through the real
  ledger: ``generate_volume`` (about 200 incidents/s), then ``refresh(rebuild=True)``,
  timed: the refresh's own cost at that size. Above it (1.5 M: a national year), the
  facts are written directly by ``generate_stats_volume`` (the ledger generator would
  take two hours) and the figures rebuilt from them by the refresh's own
  ``rebuild_figures``.
- **Pages.** Every statistics page (each ``Group``), for the whole partnership and for one
  local authority, for one financial year, as the signed-in Wessex analyst through
  Django's test ``Client`` (the full page: selectors, disclosure control, charts,
  template), p50/p95 over ``repeats`` requests after two to warm up; and the API's JSON
  for the same (``/api/v1/statistics/<group>``), when it exists.
- **The same query in DuckDB.** The rows the pages read (``MonthlyFigure``, and the open
  ``DeadlineFact`` rows they count at view time) are copied into Arrow tables (``pyarrow``),
  registered with an in-memory ``duckdb.connect()`` (no ``INSTALL``, ``LOAD`` or
  ``ATTACH``: extensions would download at run time, and auto-loading is switched off),
  and each page's aggregate SQL (the same ``GROUP BY``s its selectors ask of the figures,
  the same text) is timed there and, beside it, straight on PostgreSQL: what the page
  costs beyond its queries is Python (disclosure control, charts, the template).
- **Raw facts.** Two heavier queries straight over the fact rows, in both: referrals by
  month and source for the year (``NotificationFact``), and each route and stage's median
  and 90th percentile time (``DeadlineFact``): what the maintained aggregates save.

It prints one JSON document: ``sizes.<N>.pages.<page>`` holds ``pg_p50``/``pg_p95`` (the
page on PostgreSQL, ms), ``api_p50``/``api_p95``, ``sql_pg_p50``/``sql_pg_p95`` and
``duckdb_p50``/``duckdb_p95`` (the page's aggregate SQL), and ``rows`` (the rows that SQL
reads). Nothing here is a test: the targets (every page within 1 s) are read off the
figures.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.db import connection

from hearth.core import clock
from hearth.demo.bench import (
    BenchError,
    check_database,
    database_name,
    log,
    percentiles,
    reset_database,
)
from hearth.stats.tables import Group

LEDGER_UP_TO = 100_000
ANALYST = "analyst@partnership.wessex.example"
PASSWORD = "wessex-demo-only"
WESSEX_AREA = "E06900001"  # Northshire: about 70 % of generate_volume's incidents


# --- What each page asks of the figures --------------------------------------------------


@dataclass(frozen=True)
class Sum:
    """``value`` of ``measure`` summed by ``by`` over the period and the areas (one of the
    selectors' ``_sum_by(_figures(...))`` calls)."""

    measure: str
    by: tuple[str, ...]
    where: str = ""


# The aggregates each page's selectors ask for (``hearth.stats.selectors``), in order.
PAGE_SUMS: dict[Group, tuple[Sum, ...]] = {
    Group.REFERRALS: (
        Sum("referrals", ("month", "category")),
        Sum("referrals", ("agency_id", "category")),
        Sum("referrals", ("local_authority_id",), "category = '6'"),
        Sum("referrals", ("local_authority_id",)),
        Sum("re_referrals", ("local_authority_id",)),
        Sum("incidents", ("category",)),
        Sum("children", ("category",)),
    ),
    Group.TIMELINESS: (
        Sum("deadlines_met", ("category",)),
        Sum("durations", ("category",)),
    ),
    Group.OUTCOMES: (
        Sum("decisions", ("category",)),
        Sum("assessments", ("category",)),
        Sum("marac", ("category",)),
        Sum("marac", ("local_authority_id",), "category = ''"),
    ),
    Group.KNOWN: (Sum("known", ("local_authority_id", "category")),),
    Group.SPECIALIST: (
        Sum("specialist", ("local_authority_id", "category")),
        Sum("specialist_wait", ("local_authority_id", "category")),
        Sum("specialist", ("category",)),
        Sum("unmet_need", ("local_authority_id", "category")),
    ),
}


# The timeliness figures summed over every area, read for a scope of every area.
ALL_AREAS = {
    "deadlines_met": "deadlines_met_all_areas",
    "durations": "durations_all_areas",
}


@dataclass(frozen=True)
class Where:
    first: dt.date
    after: dt.date
    la_ids: tuple[int, ...]
    now: dt.datetime
    # The scope covers every local authority and nothing narrows it: the page reads the
    # timeliness figures already summed over every area (``selectors._every_area``).
    every_area: bool = False

    @property
    def las(self) -> str:
        return ", ".join(str(i) for i in self.la_ids) or "-1"

    @property
    def months(self) -> str:
        return (
            f"month >= DATE '{self.first.isoformat()}' AND month < DATE '{self.after.isoformat()}'"
        )

    @property
    def now_literal(self) -> str:
        return f"TIMESTAMPTZ '{self.now.astimezone(dt.UTC).strftime('%Y-%m-%d %H:%M:%S')}+00'"


def page_sql(group: Group, where: Where) -> list[str]:
    """The SQL of one page's aggregates: the same text runs on PostgreSQL and in DuckDB
    (ids, dates and the moment are literals the benchmark made, never input)."""
    statements = []
    for s in PAGE_SUMS[group]:
        by = ", ".join(s.by)
        extra = f" AND {s.where}" if s.where else ""
        measure, areas = s.measure, f"local_authority_id IN ({where.las})"
        if where.every_area and measure in ALL_AREAS:
            measure = ALL_AREAS[measure]
            areas = "local_authority_id IS NULL AND force_id IS NULL AND agency_id IS NULL"
        statements.append(
            f"SELECT {by}, SUM(value) AS total FROM stats_monthlyfigure "  # noqa: S608
            f"WHERE measure = '{measure}' AND {where.months} "
            f"AND {areas}{extra} GROUP BY {by}"
        )
    if group is Group.TIMELINESS:
        # Work open now, counted from the facts at view time.
        statements.append(
            "SELECT route, stage, "  # noqa: S608
            f"COUNT(*) FILTER (WHERE due_at < {where.now_literal}) AS overdue, "
            f"COUNT(*) FILTER (WHERE due_at >= {where.now_literal}) AS pending "
            f"FROM stats_deadlinefact WHERE done_at IS NULL AND {where.months} "
            f"AND local_authority_id IN ({where.las}) GROUP BY route, stage"
        )
        statements.append(
            "SELECT route, stage, COUNT(*) AS n FROM stats_deadlinefact "  # noqa: S608
            f"WHERE done_at IS NULL AND due_at < {where.now_literal} "
            f"AND local_authority_id IN ({where.las}) GROUP BY route, stage"
        )
    return statements


def rows_read_sql(group: Group, where: Where) -> list[str]:
    """How many rows each of the page's statements reads (its WHERE, counted)."""
    return [_count_sql(sql) for sql in page_sql(group, where)]


def _count_sql(sql: str) -> str:
    """``SELECT ... FROM t WHERE w GROUP BY g`` → ``SELECT COUNT(*) FROM t WHERE w``."""
    return "SELECT COUNT(*) FROM " + sql.split(" FROM ", 1)[1].rsplit(" GROUP BY ", 1)[0]  # noqa: S608


def raw_sql(where: Where) -> dict[str, str]:
    """Heavier queries straight over the facts: what the maintained aggregates save."""
    return {
        "raw_referrals_by_month_and_source": (
            "SELECT month, source, COUNT(*) AS n FROM stats_notificationfact "  # noqa: S608
            f"WHERE {where.months} AND local_authority_id IN ({where.las}) "
            "GROUP BY month, source ORDER BY month, source"
        ),
        "raw_timeliness_median_and_90th": (
            "SELECT route, stage, COUNT(*) AS n, "  # noqa: S608
            "percentile_disc(0.5) WITHIN GROUP (ORDER BY minutes) AS median, "
            "percentile_disc(0.9) WITHIN GROUP (ORDER BY minutes) AS p90 "
            "FROM stats_deadlinefact WHERE done_at IS NOT NULL "
            f"AND {where.months} AND local_authority_id IN ({where.las}) "
            "GROUP BY route, stage ORDER BY route, stage"
        ),
    }


# --- Timing --------------------------------------------------------------------------------


def _time(work: Callable[[], Any], repeats: int, warm: int = 2) -> dict[str, Any]:
    for _ in range(warm):
        work()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        samples.append(time.perf_counter() - started)
    return percentiles(samples)


def _pg_run(statements: list[str]) -> int:
    rows = 0
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
            rows += len(cursor.fetchall())
    return rows


def _one(duck: Any, sql: str) -> Any:
    row = duck.execute(sql).fetchone()
    assert row is not None
    return row[0]


def _duck_run(duck: Any, statements: list[str]) -> int:
    rows = 0
    for sql in statements:
        rows += len(duck.execute(sql).fetchall())
    return rows


# --- DuckDB, fed Arrow tables --------------------------------------------------------------

# What DuckDB is given: the figures (all of them), the deadline facts the pages and the
# raw query read (open ones, and the year's), and the notification facts' columns the
# raw query reads. Arrow types as PostgreSQL's.
_ARROW_COLUMNS: dict[str, dict[str, str]] = {
    "stats_monthlyfigure": {
        "measure": "string",
        "month": "date",
        "local_authority_id": "int64",
        "force_id": "int64",
        "agency_id": "int64",
        "category": "string",
        "value": "int64",
    },
    "stats_deadlinefact": {
        "route": "string",
        "stage": "string",
        "month": "date",
        "local_authority_id": "int64",
        "agency_id": "int64",
        "due_at": "timestamp",
        "done_at": "timestamp",
        "minutes": "int64",
    },
    "stats_notificationfact": {
        "month": "date",
        "source": "string",
        "local_authority_id": "int64",
    },
}


def arrow_table(table: str, where_sql: str = "") -> Any:
    """``table``'s columns the queries read, as an Arrow table: PostgreSQL's ``COPY ...
    TO STDOUT`` as CSV, read by pyarrow with the columns' types given."""
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    columns = _ARROW_COLUMNS[table]
    names = list(columns)
    if connection.vendor != "postgresql":
        return _arrow_from_rows(table, where_sql)
    select = ", ".join(
        f"extract(epoch from {c})::bigint * 1000000 AS {c}" if t == "timestamp" else c
        for c, t in columns.items()
    )
    sql = f"COPY (SELECT {select} FROM {table} {where_sql}) TO STDOUT (FORMAT CSV)"  # noqa: S608
    buffer = io.BytesIO()
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for block in copy:
            buffer.write(block)
    types = {
        "string": pa.string(),
        "date": pa.date32(),
        "int64": pa.int64(),
        "timestamp": pa.int64(),
    }
    read = pa_csv.read_csv(
        io.BytesIO(buffer.getvalue()),
        read_options=pa_csv.ReadOptions(column_names=names),
        convert_options=pa_csv.ConvertOptions(
            column_types={c: types[t] for c, t in columns.items()},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    arrays = []
    for c, t in columns.items():
        column = read.column(c)
        if t == "timestamp":
            column = column.cast(pa.timestamp("us", tz="UTC"))
        arrays.append(column)
    return pa.Table.from_arrays(arrays, names=names)


def _arrow_from_rows(table: str, where_sql: str) -> Any:
    """The same Arrow table from plain rows (SQLite, for the tests: small tables, read
    whole, since ``where_sql`` is PostgreSQL's and every query filters again)."""
    import pyarrow as pa

    columns = _ARROW_COLUMNS[table]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(columns)} FROM {table}")  # noqa: S608
        rows = cursor.fetchall()
    types = {
        "string": pa.string(),
        "date": pa.date32(),
        "int64": pa.int64(),
        "timestamp": pa.timestamp("us", tz="UTC"),
    }
    arrays = []
    for i, (_, kind) in enumerate(columns.items()):
        values = [_plain_value(row[i], kind) for row in rows]
        arrays.append(pa.array(values, type=types[kind]))
    return pa.Table.from_arrays(arrays, names=list(columns))


def _plain_value(value: Any, kind: str) -> Any:
    if value is None or not isinstance(value, str):
        return value
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "timestamp":
        moment = dt.datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
    return value


# How DuckDB's own tables are ordered: the order PostgreSQL's indexes give the same
# queries (figures by measure and month), so DuckDB's zone maps can skip row groups.
_NATIVE_ORDER = {
    "stats_monthlyfigure": "measure, month",
    "stats_deadlinefact": "month",
    "stats_notificationfact": "month",
}


def duckdb_with_facts(where: Where) -> tuple[Any, Any, dict[str, Any]]:
    """Two in-memory DuckDBs over the same rows: one with the Arrow tables registered
    (queried in place, as asked), one with them copied into DuckDB's own tables, sorted
    as PostgreSQL's indexes sort them; and what loading took. Extensions are never
    installed or loaded (auto-loading is off: it would download at run time)."""
    import duckdb

    started = time.monotonic()
    tables = {
        "stats_monthlyfigure": arrow_table("stats_monthlyfigure"),
        "stats_deadlinefact": arrow_table(
            "stats_deadlinefact", f"WHERE done_at IS NULL OR ({where.months})"
        ),
        "stats_notificationfact": arrow_table("stats_notificationfact"),
    }
    loaded = time.monotonic() - started
    config: dict[str, str | bool | int | float | list[str]] = {
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
    }
    duck = duckdb.connect(":memory:", config=config)
    native = duckdb.connect(":memory:", config=config)
    started = time.monotonic()
    for name, table in tables.items():
        duck.register(name, table)
        native.register(f"arrow_{name}", table)
        native.execute(
            f"CREATE TABLE {name} AS SELECT * FROM arrow_{name} "  # noqa: S608
            f"ORDER BY {_NATIVE_ORDER[name]}"
        )
        native.unregister(f"arrow_{name}")
    copied = time.monotonic() - started
    info = {
        "load_s": round(loaded, 1),
        "native_copy_s": round(copied, 1),
        "rows": {name: table.num_rows for name, table in tables.items()},
        "duckdb": duckdb.__version__,
        "threads": _one(duck, "SELECT current_setting('threads')"),
    }
    return duck, native, info


# --- Pages ---------------------------------------------------------------------------------


def analyst_client() -> Any:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    answer = client.post(
        reverse("account_login"), {"login": ANALYST, "password": PASSWORD}, follow=True
    )
    if not answer.redirect_chain or answer.status_code != 200:
        raise BenchError(f"Could not sign in as {ANALYST}")
    return client


def _get(client: Any, url: str) -> Callable[[], Any]:
    def work() -> Any:
        answer = client.get(url)
        if answer.status_code != 200:
            raise BenchError(f"{url} answered {answer.status_code}")
        return answer

    return work


def _scope_ids(area_code: str | None) -> tuple[int, ...]:
    """The local authorities a page counts: the analyst's partnership's, or one."""
    from hearth.accounts.models import Area, User
    from hearth.accounts.selectors import actor_for_user
    from hearth.stats.selectors import scope_for

    actor = actor_for_user(user=User.objects.get(email=ANALYST), agency_id=None)
    if actor is None:
        raise BenchError("The analyst has no agency")
    scope = scope_for(actor)
    if scope is None:
        raise BenchError("The analyst may count nothing")
    ids = set(scope.local_authority_ids)
    if area_code:
        ids &= set(Area.objects.filter(code=area_code).values_list("pk", flat=True))
    return tuple(sorted(ids))


def measure_pages(
    *, period_key: str, area_code: str, repeats: int, now: dt.datetime
) -> dict[str, Any]:
    """Each group's page, API and aggregate SQL, for the partnership and one area."""
    from hearth.accounts.models import Area
    from hearth.stats.periods import period_from_key

    period = period_from_key(period_key)
    # The SQL is PostgreSQL's (and DuckDB's); on SQLite (the tests) only DuckDB runs it.
    postgres = connection.vendor == "postgresql"
    client = analyst_client()
    scopes = {"partnership": None, "area": area_code}
    every = frozenset(
        Area.objects.filter(kind=Area.Kind.LOCAL_AUTHORITY).values_list("pk", flat=True)
    )
    wheres = {
        name: Where(
            period.first,
            period.after,
            ids := _scope_ids(code),
            now,
            every_area=code is None and bool(every) and every <= set(ids),
        )
        for name, code in scopes.items()
    }
    log("loading DuckDB's Arrow tables")
    duck, native, loaded = duckdb_with_facts(wheres["partnership"])
    figures: dict[str, Any] = {"duckdb_load": loaded, "pages": {}, "raw": {}}
    for group in Group:
        for name, code in scopes.items():
            where = wheres[name]
            query = f"?period={period_key}" + (f"&area={code}" if code else "")
            key = f"{group.value} ({'whole partnership' if code is None else code})"
            log(f"pages: {key}")
            entry: dict[str, Any] = {"url": f"/statistics/{group.value}/{query}"}
            page = _time(_get(client, entry["url"]), repeats)
            entry["pg_p50"], entry["pg_p95"] = page["p50_ms"], page["p95_ms"]
            entry["bytes"] = len(client.get(entry["url"]).content)
            api_url = f"/api/v1/statistics/{group.value}{query}"
            if client.get(api_url).status_code == 200:
                api = _time(_get(client, api_url), repeats)
                entry["api_p50"], entry["api_p95"] = api["p50_ms"], api["p95_ms"]
            else:
                entry["api"] = f"not built yet ({api_url} did not answer 200)"
            statements = page_sql(group, where)
            sql_duck = _time(partial(_duck_run, duck, statements), repeats)
            entry["duckdb_p50"], entry["duckdb_p95"] = sql_duck["p50_ms"], sql_duck["p95_ms"]
            own = _time(partial(_duck_run, native, statements), repeats)
            entry["duckdb_table_p50"], entry["duckdb_table_p95"] = own["p50_ms"], own["p95_ms"]
            entry["statements"] = len(statements)
            entry["rows"] = sum(int(_one(duck, sql)) for sql in rows_read_sql(group, where))
            entry["result_rows"] = _duck_run(duck, statements)
            if postgres:
                sql_pg = _time(partial(_pg_run, statements), repeats)
                entry["sql_pg_p50"], entry["sql_pg_p95"] = sql_pg["p50_ms"], sql_pg["p95_ms"]
                entry["same_answer"] = all(
                    sorted(_rows(sql)) == sorted(duck.execute(sql).fetchall()) for sql in statements
                )
            figures["pages"][key] = entry
    for name, sql in raw_sql(wheres["partnership"]).items() if postgres else ():
        log(f"raw facts: {name}")
        raw_repeats = max(3, repeats // 4)
        pg = _time(partial(_pg_run, [sql]), raw_repeats, warm=1)
        dk = _time(partial(_duck_run, duck, [sql]), raw_repeats, warm=1)
        own = _time(partial(_duck_run, native, [sql]), raw_repeats, warm=1)
        figures["raw"][name] = {
            "sql_pg_p50": pg["p50_ms"],
            "sql_pg_p95": pg["p95_ms"],
            "duckdb_p50": dk["p50_ms"],
            "duckdb_p95": dk["p95_ms"],
            "duckdb_table_p50": own["p50_ms"],
            "duckdb_table_p95": own["p95_ms"],
            "rows": int(_one(duck, _count_sql(sql))),
            "same_answer": sorted(_rows(sql)) == sorted(duck.execute(sql).fetchall()),
        }
    duck.close()
    native.close()
    return figures


def _rows(sql: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(r) for r in cursor.fetchall()]


# --- Loading a size ------------------------------------------------------------------------


def table_rows() -> dict[str, int]:
    from hearth.demo.stats_volume import FACT_MODELS
    from hearth.stats.models import MonthlyFigure

    models: list[type[Any]] = [*FACT_MODELS, MonthlyFigure]
    return {m._meta.db_table: m.objects.count() for m in models}


def load_ledger(size: int, seed: int) -> dict[str, Any]:
    """``size`` incidents through the real ledger, then the refresh that reads it all."""
    from hearth.demo.volume import analyze, generate_volume
    from hearth.stats.refresh import refresh

    started = time.monotonic()
    generate_volume(incidents=size, seed=seed)
    generated = time.monotonic() - started
    log(f"generated {size} incidents in {generated:.0f} s; refreshing (rebuild)")
    started = time.monotonic()
    report = refresh(rebuild=True)
    refreshed = time.monotonic() - started
    analyze()
    return {
        "how": "ledger: generate_volume, then refresh(rebuild=True)",
        "generate_s": round(generated, 1),
        "refresh_rebuild_s": round(refreshed, 1),
        "refresh_report": _plain(report),
    }


def load_facts(size: int, seed: int) -> tuple[dict[str, Any], int]:
    """A national year's facts written directly; the financial year they fill."""
    from hearth.demo.stats_volume import default_year, generate_stats_volume

    year = default_year(clock.now())
    started = time.monotonic()
    report = generate_stats_volume(incidents=size, seed=seed, year=year)
    return (
        {
            "how": "facts written directly: generate_stats_volume, then rebuild_figures",
            "generate_s": round(time.monotonic() - started, 1),
            "seconds": report.seconds,
            "incidents_in_year": report.incidents,
            "figures": report.figures,
        },
        year,
    )


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {k: _plain(getattr(value, k)) for k in value.__dataclass_fields__}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


def ledger_period(now: dt.datetime) -> str:
    """``generate_volume`` spreads incidents over the last 365 days: the financial year
    holding the middle of them (half a year ago) has most."""
    from hearth.stats.periods import Granularity, period_containing

    return period_containing(now - dt.timedelta(days=182), Granularity.FINANCIAL_YEAR).key


def run(
    *,
    sizes: list[int],
    repeats: int,
    seed: int = 1,
    ledger_up_to: int = LEDGER_UP_TO,
    after_each: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Every size in the order given, each on a freshly emptied database; ``after_each``
    is given the figures so far once each size is measured (so a long run keeps them)."""
    check_database()
    # Imported now, as they are when the run starts, whatever changes on disk meanwhile.
    import hearth.stats.refresh
    import hearth.stats.selectors
    import hearth.stats.views  # noqa: F401

    result: dict[str, Any] = {
        "date": clock.now().isoformat(timespec="seconds"),
        "database": "postgresql " + str(connection.cursor().connection.info.server_version),
        "cpus": os.cpu_count(),
        "repeats": repeats,
        "sizes": {},
    }
    for size in sizes:
        log(f"size {size}: resetting {database_name()}")
        reset_database()
        now = clock.now()
        if size <= ledger_up_to:
            entry = load_ledger(size, seed)
            period_key, area = ledger_period(now), WESSEX_AREA
        else:
            entry, year = load_facts(size, seed)
            from hearth.stats.periods import Granularity, Period

            period_key = Period(dt.date(year, 4, 1), Granularity.FINANCIAL_YEAR).key
            area = "E06990001"  # Test area 1
        entry["rows"] = table_rows()
        entry["period"] = period_key
        entry["area"] = area
        log(f"size {size}: loaded ({entry['rows']}); measuring {period_key}")
        entry.update(measure_pages(period_key=period_key, area_code=area, repeats=repeats, now=now))
        result["sizes"][str(size)] = entry
        if after_each:
            after_each(result)
    return result
