"""Creates behind an Idempotency-Key: once per key, the same answer for a retry, a
conflict for a different request, nothing remembered when the create fails."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from django.db import connections

from hearth.core.errors import Conflict, ValidationFailed
from hearth.core.idempotency import idempotent_create, request_hash
from hearth.core.models import IdempotencyRecord


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> tuple[str, int]:
        self.calls += 1
        return "tests.thing", 100 + self.calls


def create(counter: Counter, body: Any, key: str = "k1", scope: str = "agency:1") -> Any:
    return idempotent_create(
        scope=scope, key=key, operation="things.create", body=body, create=counter
    )


@pytest.mark.django_db
def test_a_retry_creates_nothing_and_answers_the_same() -> None:
    counter = Counter()
    first = create(counter, {"a": 1, "b": [1, 2]})
    again = create(counter, {"b": [1, 2], "a": 1})
    assert counter.calls == 1
    assert (first.resource_type, first.resource_id, first.replayed) == ("tests.thing", "101", False)
    assert (again.resource_id, again.replayed) == ("101", True)
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_with_a_different_request_is_a_conflict() -> None:
    counter = Counter()
    create(counter, {"a": 1})
    with pytest.raises(Conflict):
        create(counter, {"a": 2})
    assert counter.calls == 1


@pytest.mark.django_db
def test_keys_are_separate_in_each_scope() -> None:
    counter = Counter()
    create(counter, {"a": 1}, scope="agency:1")
    other = create(counter, {"a": 2}, scope="agency:2")
    assert (other.resource_id, other.replayed) == ("102", False)


@pytest.mark.django_db
def test_a_failed_create_leaves_the_key_unused() -> None:
    def refuse() -> tuple[str, int]:
        raise ValidationFailed.from_fields({"name": ["Enter a name"]})

    with pytest.raises(ValidationFailed):
        idempotent_create(scope="agency:1", key="k1", operation="x", body={}, create=refuse)
    assert not IdempotencyRecord.objects.exists()
    assert create(Counter(), {"a": 1}).replayed is False


def test_the_hash_covers_the_operation_and_ignores_key_order() -> None:
    assert request_hash("x", {"a": 1, "b": 2}) == request_hash("x", {"b": 2, "a": 1})
    assert request_hash("x", {"a": 1}) != request_hash("y", {"a": 1})
    assert request_hash("x", {"a": 1}) != request_hash("x", {"a": "1"})


@pytest.mark.django_db
def test_a_key_claimed_by_a_request_that_committed_first_is_replayed() -> None:
    """The race: another request inserted the key after this one looked and before it
    claimed it. The unique constraint stops the second claim and the winner's answer is
    given; this request's create never runs."""
    IdempotencyRecord.objects.create(
        scope="agency:1",
        key="k1",
        request_hash=request_hash("things.create", {"a": 1}),
        resource_type="tests.thing",
        resource_id="7",
    )
    counter = Counter()
    real_filter = IdempotencyRecord.objects.filter

    class LooksEmpty:
        def first(self) -> None:
            return None

    def racing_filter(*args: Any, **kwargs: Any) -> Any:
        if kwargs.get("key") == "k1" and not args:
            return LooksEmpty()
        return real_filter(*args, **kwargs)

    IdempotencyRecord.objects.filter = racing_filter  # type: ignore[method-assign]
    try:
        replay = create(counter, {"a": 1})
        with pytest.raises(Conflict):
            create(counter, {"a": 2})
    finally:
        del IdempotencyRecord.objects.filter
    assert (replay.resource_id, replay.replayed) == ("7", True)
    assert counter.calls == 0
    assert IdempotencyRecord.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_create_once() -> None:
    """Four retries at once: one creates, the others wait on the key's unique constraint
    and answer with what it created (PostgreSQL; SQLite's shared in-memory test database
    refuses concurrent writers instead of making them wait)."""
    if connections["default"].vendor == "sqlite":
        pytest.skip("needs a database that lets concurrent writers wait (PostgreSQL)")
    calls: list[int] = []
    results: list[Any] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def slow_create() -> tuple[str, int]:
        calls.append(1)
        time.sleep(0.2)  # hold the claim while the others try to insert theirs
        return "tests.thing", 101

    def retry() -> None:
        try:
            start.wait()
            results.append(
                idempotent_create(
                    scope="agency:1", key="k1", operation="o", body={"a": 1}, create=slow_create
                )
            )
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=retry) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(calls) == 1
    assert sorted(r.replayed for r in results) == [False, True, True, True]
    assert {r.resource_id for r in results} == {"101"}
    assert IdempotencyRecord.objects.count() == 1
