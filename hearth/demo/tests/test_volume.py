"""The volume generator writes consistent work that every page reads, and the benchmark's
pieces hold (the benchmark itself runs on PostgreSQL only: ``make bench``)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client, override_settings

from hearth.accounts.models import Agency, Area, Team
from hearth.accounts.services import api_key_issue
from hearth.demo import bench
from hearth.demo.volume import REFERENCE_PREFIX, generate_obligations_only, generate_volume
from hearth.encompass.models import EncompassChild, EncompassNotification
from hearth.incidents.models import ChildInvolvement, Incident, Party
from hearth.obligations.models import Deadline, Obligation
from hearth.obligations.sweeper import sweep
from hearth.referrals.models import MaracReferral

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
FRONT_DOOR = "front.door@northshire.wessex.example"
PPU = "ppu.officer@police.wessex.example"
DSL = "dsl03@schools.wessex.example"


def generated() -> Any:
    return Incident.objects.filter(police_reference__startswith=REFERENCE_PREFIX)


@pytest.fixture
def volume(wessex: Any) -> Any:
    with time_machine.travel(NOW, tick=False):
        return generate_volume(incidents=30, seed=7)


def test_counts_match_what_was_written_and_each_incident_is_whole(volume: Any) -> None:
    incidents = generated()
    assert volume.incidents == incidents.count() == 30
    obligations = Obligation.objects.filter(incident__in=incidents)
    assert volume.obligations == obligations.count()
    assert volume.deadlines == Deadline.objects.filter(obligation__in=obligations).count()
    for incident in incidents:
        roles = Counter(Party.objects.filter(incident=incident).values_list("role", flat=True))
        assert roles[Party.Role.ADULT_VICTIM] == roles[Party.Role.ALLEGED_PERPETRATOR] == 1
        children = ChildInvolvement.objects.filter(incident=incident).count()
        assert roles[Party.Role.CHILD] == children <= 4
        assert incident.no_children_attested == (children == 0)
        notifications = obligations.filter(
            incident=incident, route="child_concern_notification"
        ).count()
        assert notifications == children, "a child concern notification for every child"


def test_route_data_hangs_off_each_obligation_as_the_services_write_it(volume: Any) -> None:
    obligations = Obligation.objects.filter(incident__in=generated())
    assert obligations.count() == len(set(obligations.values_list("key", flat=True)))
    for obligation in obligations.filter(route="encompass_notification"):
        listed = set(
            EncompassChild.objects.filter(notification__obligation=obligation).values_list(
                "child_id", flat=True
            )
        )
        assert listed == set(obligation.data["children"])
        assert EncompassNotification.objects.get(obligation=obligation).setting is not None
    assert MaracReferral.objects.filter(obligation__in=obligations).count() == (
        obligations.filter(route="marac_referral").count()
    )
    for obligation in obligations.filter(status__in=["closed", "withdrawn"]):
        assert obligation.closed_at is not None and obligation.access_ends_at is not None
        assert not obligation.deadlines.filter(met_at__isnull=True).exists()
    closed = obligations.filter(status="closed")
    assert closed.exists() and not closed.filter(outcome="").exists()


def test_the_same_seed_writes_the_same_work() -> None:
    def fingerprint() -> list[tuple[Any, ...]]:
        return sorted(
            Obligation.objects.filter(incident__in=generated()).values_list(
                "incident__police_reference",
                "route",
                "status",
                "subject__given_names",
                "subject__family_name",
                "team__slug",
            )
        )

    from hearth.demo.wessex import seed_wessex

    seed_wessex()
    prints = []
    for _ in range(2):
        with transaction.atomic(), time_machine.travel(NOW, tick=False):
            generate_volume(incidents=30, seed=7)
            prints.append(fingerprint())
            transaction.set_rollback(True)
    assert prints[0] == prints[1] and prints[0]


def test_an_idle_sweep_over_generated_work_has_nothing_to_do(volume: Any) -> None:
    with time_machine.travel(NOW, tick=False):
        generate_obligations_only(count=200, seed=7)
        sweep()  # the demo's own overdue work
        assert sweep().total == 0


def test_the_pages_open_over_generated_work(
    volume: Any, client_for: Callable[[str], Client]
) -> None:
    team = Team.objects.get(slug="northshire-front-door")
    child = bench.busiest_child_id()
    for email, path in (
        (FRONT_DOOR, f"/work/teams/{team.pk}/"),
        (PPU, "/incidents/"),
        (PPU, f"/children/{child}/"),
        (DSL, "/encompass/"),
    ):
        assert client_for(email).get(path).status_code == 200, path


def test_the_inbox_api_counts_every_open_obligation_of_the_team(volume: Any) -> None:
    team = Team.objects.get(slug="northshire-front-door")
    key = api_key_issue(
        actor=None,
        agency=team.agency,
        name="volume",
        roles=["front_door_practitioner"],
        team=team,
    ).raw_key
    answer = Client().get(
        f"/api/v1/teams/{team.pk}/obligations", headers={"Authorization": f"Bearer {key}"}
    )
    assert answer.status_code == 200
    expected = Obligation.objects.filter(team=team).open().exclude(status="created").count()
    assert answer.json()["total"] == expected > 0


def test_generating_volume_is_refused_in_production() -> None:
    with override_settings(HEARTH_DEMO_MODE=False), pytest.raises(CommandError):
        call_command("generate_volume", "--incidents", "5", stdout=StringIO())


def test_generating_volume_without_the_demo_area_is_refused_in_plain_words() -> None:
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("generate_volume", "--incidents", "5", stdout=StringIO())


def test_the_benchmarks_intake_document_is_recorded_and_routed(wessex: Any) -> None:
    key = api_key_issue(
        actor=None,
        agency=Agency.objects.get(slug="wessex-police"),
        name="bench",
        roles=["public_protection_officer"],
    ).raw_key
    area = Area.objects.get(name="Northshire", kind=Area.Kind.LOCAL_AUTHORITY)
    answer = Client().post(
        "/api/v1/incidents",
        data=json.dumps(bench.two_child_document(1, area.pk)),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}", "Idempotency-Key": "bench-1"},
    )
    assert answer.status_code == 201, answer.content
    routes = Counter(
        Obligation.objects.filter(incident__police_reference="WX/BENCH/1").values_list(
            "route", flat=True
        )
    )
    assert routes["child_concern_notification"] == 2
    assert routes["encompass_notification"] == 2


def test_the_benchmark_refuses_sqlite_and_any_database_not_named_for_it() -> None:
    with pytest.raises(bench.BenchError):
        bench.check_database()  # SQLite, or the test database (not named "bench")
    assert connection.vendor in {"sqlite", "postgresql"}


def test_the_benchmark_writes_out_the_load_before_measuring_where_it_may() -> None:
    """``settle``: a ``CHECKPOINT`` on PostgreSQL (the test database's user may), and on a
    database that has none a plain ``False`` for the figures, not a failed run."""
    assert bench.settle() is (connection.vendor == "postgresql")


def test_percentiles_are_nearest_rank_in_milliseconds() -> None:
    figures = bench.percentiles([i / 1000 for i in range(1, 101)])
    assert figures == {"p50_ms": 50.0, "p95_ms": 95.0, "n": 100}


def test_the_demos_history_is_a_finished_past_year_that_no_inbox_shows(wessex: Any) -> None:
    """``make run`` adds a year of history for the statistics (``--history``): every
    incident 30 to 395 days ago, every obligation ended, so no inbox changes; a second
    ``--only-if-none`` run adds nothing."""
    open_before = Obligation.objects.exclude(status__in=["closed", "withdrawn"]).count()
    with time_machine.travel(NOW, tick=False):
        call_command(
            "generate_volume", "--incidents", "40", "--history", "--only-if-none", stdout=StringIO()
        )
        out = StringIO()
        call_command(
            "generate_volume", "--incidents", "40", "--history", "--only-if-none", stdout=out
        )
    assert "nothing added" in out.getvalue()
    assert generated().count() == 40
    occurred = [i.occurred_at for i in generated()]
    assert min(occurred) >= NOW - dt.timedelta(days=395)
    assert max(occurred) <= NOW - dt.timedelta(days=30)
    made = Obligation.objects.filter(incident__police_reference__startswith=REFERENCE_PREFIX)
    assert made.count() > 40
    assert not made.exclude(status__in=["closed", "withdrawn"]).exists()
    assert Obligation.objects.exclude(status__in=["closed", "withdrawn"]).count() == open_before
