"""The one way to enqueue a task: by its name, once the surrounding transaction has committed.

A service names the task (``enqueue("cases.tasks.packet_build", case.pk)``) rather than importing the tasks module,
which imports the services: the import graph stays without circles (tests/test_architecture.py).
"""

from __future__ import annotations

import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def _task(name: str):
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()  # Celery's autodiscovery: every app's tasks module
    return current_app.tasks[name]


def enqueue(name: str, *args) -> None:
    """Send the task ``name`` with JSON-safe ``args`` (ids only) once the current transaction has committed.

    The state is already in PostgreSQL when the message goes out. If the broker cannot take it, the user's request
    still succeeds: the row waits in its pending state and a periodic sweep sends it.
    """

    def send():
        try:
            _task(name).delay(*args)
        except Exception:  # kombu/redis connection errors: logged, and recovered by the sweeps
            logger.exception("could not enqueue %s%r; the sweep will retry", name, args)

    transaction.on_commit(send)
