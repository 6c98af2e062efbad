"""The matcher's background work (django-tasks; ``hearth.core.background``).

People recorded at intake are matched against other agencies' records by the worker
(``manage.py db_worker``), not in the request: the lookups cost an intake about a
quarter of its time when they ran after its commit in the same request (issue 12's
intake throughput; issue 16 §2). The task is enqueued in the recording's transaction, so
a recording that commits is always matched, and one that rolls back never is.
"""

from __future__ import annotations

from django_tasks import task

from hearth.people.models import Person


@task()
def link_recorded_people(person_ids: list[int]) -> int:
    """Match each person just recorded against other agencies' records and record what
    is found (``services.link_person``); the number of links made or queued. A matcher
    that fails (a missing model file, say) fails the task, which the worker records; the
    people are linked by the next ``manage.py link_people``."""
    from hearth.matching.services import link_person

    made = 0
    for person in Person.objects.filter(pk__in=person_ids).order_by("pk"):
        made += len(link_person(person=person))
    return made


def people_recorded(person_ids: list[int]) -> None:
    """The hook ``people.services`` calls, inside the recording's transaction, with the
    ids of the people it recorded: one task for them all."""
    ids = sorted(set(person_ids))
    if ids:
        link_recorded_people.enqueue(person_ids=ids)
