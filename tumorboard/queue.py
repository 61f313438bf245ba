"""The one way to enqueue a task: by its name, once the surrounding transaction has committed.

A service names the task (``enqueue("cases.tasks.packet_build", case.pk)``) rather than importing the tasks module,
which imports the services: the import graph stays without circles (tests/test_architecture.py).

Without a broker (the embedded run) tasks are eager. ``make run``'s server calls ``run_in_background`` so that they
run on one background thread, one after the other, as a single worker would: a request answers without waiting for a
PDF to render. Commands (``load_demo``) and tests run eager tasks inline, in order.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from celery import current_app
from django.db import connections, transaction

logger = logging.getLogger(__name__)
_background: ThreadPoolExecutor | None = None


def run_in_background() -> None:
    """Run eager tasks on one background thread from now on (the embedded server)."""
    global _background
    _background = _background or ThreadPoolExecutor(max_workers=1, thread_name_prefix="tasks")


def _run(task, args) -> None:
    try:
        task.apply(args=args)
    except Exception:  # logged like a worker's failure; the row keeps its state for the page (and a retry)
        logger.exception("task %s%r failed", task.name, args)
    finally:
        connections.close_all()  # this thread's connections only


def _task(name: str):
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()  # Celery's autodiscovery: every app's tasks module
    return current_app.tasks[name]


def enqueue(name: str, *args) -> None:
    """Send the task ``name`` with JSON-safe ``args`` (ids only) once the current transaction has committed.

    The state is already in PostgreSQL when the message goes out. If the broker cannot take it, the user's request
    still succeeds: the row waits in its pending state and a periodic sweep sends it.
    """

    task = _task(name)  # an unknown name fails here, in the caller, not later in a log line

    def send():
        try:
            if _background is not None and current_app.conf.task_always_eager:
                _background.submit(_run, task, args)
            else:
                task.delay(*args)
        except Exception:  # kombu/redis connection errors: logged, and recovered by the sweeps
            logger.exception("could not enqueue %s%r; the sweep will retry", name, args)

    transaction.on_commit(send)
