"""What the meeting pages share: the meeting and its URL, run mode's position, the capacity bar, quorum and case
labels, the RSVP answers."""

from __future__ import annotations

from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse

from scheduling import attendance as attendance_services
from scheduling.models import AgendaItemStatus, Attendance, Board, Meeting, MeetingStatus, Rsvp
from scheduling.pages.forms import RsvpForm
from scheduling.selectors import meetings_visible_to
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


def meeting_of(user, meeting_id) -> Meeting:
    """The meeting if the user may see it; 404 otherwise."""
    return get_object_or_404(meetings_visible_to(user).select_related("board"), public_id=meeting_id)


def meeting_url(meeting: Meeting, item=None) -> str:
    """The meeting page, in run mode at ``item`` when given."""
    url = reverse("meeting-page", args=[meeting.public_id])
    return f"{url}?item={item.public_id}" if item is not None else url


def run_position(run: list, item_id) -> tuple:
    """(previous, current, following) in run mode's list of live items: the item asked for (404 when it is not on
    the agenda), else the first not yet presented, else the first."""
    current = None
    if item_id is not None:
        current = next((i for i in run if i.public_id == item_id), None)
        if current is None:
            raise Http404("No such item on this agenda.")
    current = current or next((i for i in run if i.status == AgendaItemStatus.SCHEDULED), run[0])
    at = run.index(current)
    return (run[at - 1] if at > 0 else None), current, (run[at + 1] if at < len(run) - 1 else None)


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
