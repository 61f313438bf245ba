"""Shared steps for the review, plan, change and follow-up tests: a case taken to the board and discussed."""

from __future__ import annotations

from cases.lifecycle import agenda as scheduling
from cases.models import Case
from scheduling.models import AgendaItem, Meeting
from tests.conftest import meeting_start

PROPOSED = {
    "kind": "proposed",
    "intent": "curative",
    "components": [
        {"modality": "surgery", "detail": "Lumpectomy and sentinel node biopsy"},
        {"modality": "systemic_therapy", "detail": "Adjuvant chemotherapy", "drugs": ["AC-T"]},
    ],
    "rationale": "Early-stage disease.",
}
BOARD = {**PROPOSED, "kind": "board", "consensus": "unanimous"}


def on_agenda(world, case: Case | None = None) -> AgendaItem:
    """The case submitted and put on its board's meeting."""
    case = case or world.case
    Case.objects.filter(pk=case.pk).update(status="submitted")
    meeting = Meeting.objects.filter(board=case.board).earliest("starts_at")
    return scheduling.agenda_add(user=world.coordinator, meeting=meeting, case=case)


def in_meeting(world, case: Case | None = None) -> AgendaItem:
    """The case on the agenda of a meeting in progress."""
    item = on_agenda(world, case)
    meeting_start(item.meeting, by=world.coordinator)
    return item


def discussed(world, case: Case | None = None) -> AgendaItem:
    """The case presented at a meeting in progress: discussed."""
    item = in_meeting(world, case)
    return scheduling.agenda_item_presented(user=world.coordinator, item=item)
