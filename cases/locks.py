"""The case's row lock, the one way every write of a case takes it.

``SELECT ... FOR NO KEY UPDATE``: it serialises the writers of a case (their status checks and compare-and-sets) yet
lets other transactions insert rows that refer to the case, which take a key-share lock on it (a packet's new version,
a comment, a transition row). A plain ``FOR UPDATE`` blocks those: a worker committing a packet build (the packet row
locked, then a version referring to the case) and a coordinator placing the case on an agenda (the case locked, then
its packet) deadlocked.
"""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Case


def cases_locked() -> QuerySet[Case]:
    """Cases read under the row lock (with their board and patient), for ``.get(pk=...)`` or
    ``.filter(pk=...).first()``."""
    return Case.objects.select_for_update(of=("self",), no_key=True).select_related("board", "patient")


def case_lock(case: Case) -> Case:
    """``case`` read again under its row lock."""
    return cases_locked().get(pk=case.pk)
