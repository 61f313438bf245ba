"""Tasks are enqueued by name (tumorboard/queue.py): every name a production module enqueues is a registered task,
and a name that is not one fails in the caller instead of vanishing into a log line."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from celery import current_app
from django.db import transaction

from tumorboard.queue import enqueue

ROOT = Path(__file__).resolve().parents[2]


def _enqueued_names() -> set[str]:
    names = set()
    for app in ("tumorboard", "specialists", "scheduling", "cases", "demo"):
        for path in (ROOT / app).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", getattr(node.func, "attr", None)) == "enqueue"
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                ):
                    names.add(node.args[0].value)
    return names


def test_every_enqueued_name_is_a_registered_task():
    names = _enqueued_names()
    current_app.loader.import_default_modules()
    assert len(names) >= 7, names  # packet build, routing, report, change detection, allocation, invitations, e-mail
    assert names <= set(current_app.tasks), names - set(current_app.tasks)


@pytest.mark.django_db
def test_an_unknown_task_name_fails_where_it_is_enqueued():
    with pytest.raises(KeyError), transaction.atomic():
        enqueue("cases.tasks.no_such_task", 1)
