"""Declared state machines, and the one way a status is written.

Each workflow (a case, a meeting, an agenda item, a second-opinion request, a rendered document's build) declares
every transition, the system's included, in one ``Machine`` next to its models. ``Machine.apply`` writes a status:
it checks the source status, writes the new one by compare-and-set (``UPDATE ... WHERE status = <the one checked>``,
which also takes the row's lock), then the workflow's transition row and the audit row, and answers 409 when the row
is not in a source state. ``Machine.apply_many`` does the same for many rows in a few statements (the allocation
sweep). Nothing else assigns a status (tests/test_architecture.py looks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from tumorboard.audit import audit_write, audit_write_many
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


# A workflow's transition row, unsaved: (obj, from_status, transition, by, note).
History = Callable[[Any, str, Transition, Any, str], models.Model]


class Machine:
    """One workflow's table of transitions. ``history`` makes its transition row (None: the workflow keeps none);
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
                self.history(obj, previous, transition, by, note).save()
            if self.audited:
                detail = {"action": action, "from": previous}
                audit_write(user=by, action=AuditAction.TRANSITION, obj=obj, detail=detail)
        return True

    def apply_many(
        self,
        objs: list[models.Model],
        action: str,
        *,
        by=None,
        notes: list[str] | None = None,
        fields: list[dict[str, Any]] | None = None,
    ) -> None:
        """``apply`` for many rows of one model read under their locks, ``notes[i]`` and ``fields[i]`` for
        ``objs[i]``: one compare-and-set UPDATE per status they were read in, one INSERT of their transition rows and
        one of their audit rows (the same rows ``apply`` writes one by one). 409 when a row is not in a source status
        or changed since it was read; nothing is written then (the caller's transaction rolls back)."""
        if not objs:
            return
        transition = self[action]
        steps = list(
            zip(objs, [o.status for o in objs], notes or [""] * len(objs), fields or [{}] * len(objs), strict=True)
        )
        for obj, previous, _, _ in steps:
            if previous not in transition.sources:
                raise self.conflict(obj, action)
        model = type(objs[0])
        values: dict[str, Any] = {"status": transition.target}
        if any(f.name == "updated_at" for f in model._meta.concrete_fields):
            values["updated_at"] = timezone.now()
        for name in dict.fromkeys(name for *_, row in steps for name in row):
            values[name] = self._per_row(model, name, [(obj.pk, row[name]) for obj, *_, row in steps])
        with transaction.atomic(savepoint=False):
            for status in dict.fromkeys(previous for _, previous, _, _ in steps):
                pks = [obj.pk for obj, previous, _, _ in steps if previous == status]
                if model._default_manager.filter(pk__in=pks, status=status).update(**values) != len(pks):
                    raise self.conflict(objs[0], action)
            written = {name: values[name] for name in ("status", "updated_at") if name in values}
            for obj, _, _, row in steps:
                for name, value in {**written, **row}.items():
                    setattr(obj, name, value)
            if self.history is not None:
                rows = [self.history(obj, previous, transition, by, note) for obj, previous, note, _ in steps]
                type(rows[0]).objects.bulk_create(rows)
            if self.audited:
                audit_write_many(
                    user=by,
                    action=AuditAction.TRANSITION,
                    writes=[(obj, {"action": action, "from": previous}) for obj, previous, _, _ in steps],
                )

    @staticmethod
    def _per_row(model: type[models.Model], name: str, pairs: list[tuple[Any, Any]]):
        """The value of field ``name`` for an UPDATE of many rows: the value itself when every row gets the same one,
        else ``CASE pk WHEN ... THEN ... END``."""
        field = model._meta.get_field(name)
        pairs = [(pk, value.pk if isinstance(value, models.Model) else value) for pk, value in pairs]
        if all(value == pairs[0][1] for _, value in pairs):
            return pairs[0][1]
        output = field.target_field if field.is_relation else field
        return Case(*(When(pk=pk, then=Value(value)) for pk, value in pairs), output_field=output)
