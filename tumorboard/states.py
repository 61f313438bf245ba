"""Declared state machines, and the one way a status is written.

Each workflow (a case, a meeting, an agenda item, a second-opinion request, a rendered document's build) declares
every transition, the system's included, in one ``Machine`` next to its models. ``Machine.apply`` writes a status:
it checks the source status, writes the new one by compare-and-set (``UPDATE ... WHERE status = <the one checked>``,
which also takes the row's lock), then the workflow's transition row and the audit row, and answers 409 when the row
is not in a source state. Nothing else assigns a status (tests/test_architecture.py looks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    # Statuses in which a user's repeat of this action is already done (a no-op): the target too.
    done: frozenset[str] = frozenset()

    def is_done(self, status: str) -> bool:
        return status == self.target or status in self.done


# Writes a workflow's transition row: (obj, from_status, transition, by, note).
History = Callable[[Any, str, Transition, Any, str], None]


class Machine:
    """One workflow's table of transitions. ``history`` writes its transition row (None: the workflow keeps none);
    ``audited``: each transition writes an audit row (a build's steps, run by workers, are not audited)."""

    def __init__(self, noun: str, transitions: list[Transition], *, history: History | None = None, audited=True):
        self.noun = noun
        self.transitions = {t.action: t for t in transitions}
        assert len(self.transitions) == len(transitions), f"{noun}: an action is declared twice"
        self.history = history
        self.audited = audited

    def __getitem__(self, action: str) -> Transition:
        return self.transitions[action]

    def conflict(self, obj: models.Model, action: str) -> Conflict:
        transition = self[action]
        status = obj.get_status_display().lower()
        allowed = ", ".join(sorted(transition.sources))
        article = "an" if self.noun[0] in "aeiou" else "a"
        verb = action.replace("-", " ")
        return Conflict(f"Cannot {verb} {article} {self.noun} that is {status}; allowed from: {allowed}.")

    def guard(
        self, obj: models.Model, action: str, *, permitted: bool, who: str, refusal: Conflict | None = None
    ) -> bool:
        """The check a user's action takes before its work: 403 unless ``permitted`` (only ``who`` may), False when a
        repeat finds it already done (a no-op), 409 when the status is not a source of the action. True: go on."""
        if not permitted:
            raise PermissionDenied(f"Only {who} may {action.replace('-', ' ')} this {self.noun}.")
        transition = self[action]
        if transition.is_done(obj.status):
            return False
        if obj.status not in transition.sources:
            raise refusal or self.conflict(obj, action)
        return True

    def apply(
        self,
        obj: models.Model,
        action: str,
        *,
        by=None,
        note: str = "",
        fields: dict[str, Any] | None = None,
        where: dict[str, Any] | None = None,
        refusal: Conflict | None = None,
    ) -> bool:
        """Move ``obj`` by ``action`` from the status it was read with, setting ``fields`` too. ``where``: further
        compare-and-set conditions (a build's claimant): when the row no longer matches, nothing is written and the
        answer is False. 409 (``refusal``, or the table's message) when the status is not a source of the action, or
        changed since ``obj`` was read."""
        transition = self[action]
        previous = obj.status
        if previous not in transition.sources:
            raise refusal or self.conflict(obj, action)
        model = type(obj)
        values = {"status": transition.target, **(fields or {})}
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            values["updated_at"] = timezone.now()
        with transaction.atomic(savepoint=False):
            rows = model._default_manager.filter(pk=obj.pk, status=previous, **(where or {}))
            if not rows.update(**values):
                if where:
                    return False
                obj.refresh_from_db(fields=["status"])
                raise refusal or self.conflict(obj, action)
            for name, value in values.items():
                setattr(obj, name, value)
            if self.history is not None:
                self.history(obj, previous, transition, by, note)
            if self.audited:
                detail = {"action": action, "from": previous}
                audit_write(user=by, action=AuditAction.TRANSITION, obj=obj, detail=detail)
        return True
