"""What the meeting pages share: the capacity bar, quorum and case labels, the RSVP answers."""

from __future__ import annotations

from django.http import QueryDict

from scheduling import attendance as attendance_services
from scheduling.models import AgendaItemStatus, Attendance, Board, Meeting, MeetingStatus, Rsvp
from scheduling.pages.forms import RsvpForm
from specialists.access import (
    coordinated_board_ids,
    is_admin,
)
from specialists.models import Specialty

LIVE = [AgendaItemStatus.SCHEDULED, AgendaItemStatus.PRESENTED]
OPEN_MEETING = [MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS]
RSVP_ANSWERS = [(Rsvp.ACCEPTED, "Accept"), (Rsvp.TENTATIVE, "Tentative"), (Rsvp.DECLINED, "Decline")]


def capacity_of(meeting: Meeting) -> dict:
    """The capacity bar: allocated of capacity minutes, the percentage and its colour class."""
    capacity, allocated = meeting.capacity_minutes, meeting.allocated_minutes
    percent = min(100, round(100 * allocated / capacity)) if capacity else 100
    level = "full" if allocated >= capacity else "near" if percent >= 80 else ""
    free = max(0, capacity - allocated)
    return {"allocated": allocated, "capacity": capacity, "free": free, "percent": percent, "level": level}


def quorum_view(quorum) -> dict:
    """A quorum for the pages: met, and the missing specialties by their names."""
    return {"met": quorum.met, "missing": [Specialty(code).label for code in quorum.missing], "codes": quorum.missing}


def coordinated_boards(user):
    if is_admin(user):
        return Board.objects.all()
    return Board.objects.filter(pk__in=coordinated_board_ids(user))


def rsvp_answer(*, user, meeting: Meeting, posted: str) -> Attendance:
    """The user's answer to the meeting's invitation, validated as the API validates it."""
    data = QueryDict(mutable=True)
    data["rsvp"] = posted
    answer = RsvpForm(data).cleaned_or_raise()["rsvp"]
    return attendance_services.attendance_rsvp(user=user, meeting=meeting, answer=answer)
