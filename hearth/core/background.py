"""Background work: django-tasks with its database backend (``config.settings.TASKS``).

A task is enqueued inside the transaction that makes the work (one row in the same
database: if the transaction rolls back, so does the task; if it commits, the task is
there for the worker, whatever happens to the process next). ``manage.py db_worker``
runs them (``make run`` starts one; docs/operations.md).

``run_ready_tasks`` runs every task that is ready, now, in this process, through the
worker's own ``run_task`` (a failure is recorded on the task's result as the worker
records it). Tests use it where the worker command cannot run (inside a test's
transaction the command's connection handling would close the test's connection).
"""

from __future__ import annotations


def run_ready_tasks(worker_id: str = "in-process") -> int:
    """Run the ready tasks, oldest first, until none is left; how many ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        result.claim(worker_id)
        worker.run_task(result)
        ran += 1
    return ran
