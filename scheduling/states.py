"""The state machines of scheduling/: every transition of a meeting and of an agenda item (tumorboard/states.py
applies them)."""

from __future__ import annotations

from scheduling.models import AgendaItemStatus as A
from scheduling.models import MeetingStatus as M
from scheduling.models import MeetingTransition
from tumorboard.states import Machine, Transition


def _meeting_history(meeting, previous, transition, by, note) -> MeetingTransition:
    return MeetingTransition(meeting=meeting, from_status=previous, to_status=transition.target, by=by, reason=note)


MEETING = Machine(
    "meeting",
    [
        Transition("start", frozenset({M.SCHEDULED}), M.IN_PROGRESS),
        Transition("complete", frozenset({M.IN_PROGRESS}), M.COMPLETED),
        Transition("cancel", frozenset({M.SCHEDULED}), M.CANCELLED),
    ],
    history=_meeting_history,
)

# An agenda item's changes are audited by the agenda's services (the item's creation, move and removal).
AGENDA_ITEM = Machine(
    "agenda item",
    [
        Transition("present", frozenset({A.SCHEDULED}), A.PRESENTED),
        Transition("remove", frozenset({A.SCHEDULED}), A.REMOVED),  # taken off, or moved to another meeting
        Transition("roll-over", frozenset({A.SCHEDULED}), A.ROLLED_OVER),
    ],
    audited=False,
)
