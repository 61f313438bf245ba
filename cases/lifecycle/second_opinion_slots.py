"""A second-opinion request follows its case on the agenda: scheduled on the meeting holding the slot, back to
accepted when it has none; and the requester joins that slot as a remote guest."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cases.codes import SecondOpinionStatus
from cases.models import Case, SecondOpinion
from cases.services.second_opinions import tell_requesters
from cases.states import SECOND_OPINION
from scheduling.attendance import guest_attendance_sync, guest_check_in, slot_starts_at
from scheduling.models import AgendaItem, AgendaItemStatus
from specialists.access import is_second_opinion_requester
from tumorboard.errors import Conflict

SO = SecondOpinionStatus


def _slot_items(case_id: int):
    return AgendaItem.objects.filter(case_id=case_id, status=AgendaItemStatus.SCHEDULED).select_related(
        "meeting__board", "case"
    )


def second_opinion_slot(request: SecondOpinion) -> AgendaItem | None:
    """The agenda item holding the case's slot while the request is scheduled."""
    return _slot_items(request.case_id).first() if request.status == SO.SCHEDULED else None


def second_opinion_slot_sync(*, case: Case, by) -> None:
    """An agenda change moved a locked case: its accepted request follows (scheduled on the meeting holding
    the slot, back to accepted when it has none) and so does the requester's guest invitation."""
    request = (
        SecondOpinion.objects.select_for_update(of=("self",))
        .select_related("requested_by", "case__created_by", "case__treating_physician")
        .filter(case=case, status__in=[SO.ACCEPTED, SO.SCHEDULED])
        .first()
    )
    if request is None:
        return
    item = _slot_items(case.pk).first()
    meeting = item.meeting if item is not None else None
    guest_attendance_sync(case=case, user=request.requested_by, meeting=meeting)
    if meeting is not None and (request.status != SO.SCHEDULED or request.meeting_id != meeting.pk):
        note = f"Meeting of {meeting.local_start}."
        SECOND_OPINION.apply(request, "schedule", by=by, note=note, fields={"meeting": meeting})
        tell_requesters(
            request,
            kind="second_opinion_scheduled",
            subject="Your case is on a tumor-board agenda",
            text="The board will discuss your case. The meeting, your slot and the link to join remotely:",
        )
    elif meeting is None and request.status == SO.SCHEDULED:
        note = "The case left the meeting."
        SECOND_OPINION.apply(request, "unschedule", by=by, note=note, fields={"meeting": None})


def second_opinion_slots_sync(*, cases: list[Case], by) -> None:
    """``second_opinion_slot_sync`` for many locked cases moved at once (an allocation pass): one query finds the few
    with an accepted or scheduled request."""
    open_requests = SecondOpinion.objects.filter(case__in=cases, status__in=[SO.ACCEPTED, SO.SCHEDULED])
    followed = set(open_requests.values_list("case_id", flat=True))
    for case in cases:
        if case.pk in followed:
            second_opinion_slot_sync(case=case, by=by)


@transaction.atomic
def second_opinion_join(*, user, request: SecondOpinion) -> dict[str, Any]:
    """The requester joins the meeting remotely for their case's slot: recorded as a guest for that case
    only. Returns the video link and when the slot should start, and nothing about other cases."""
    if not is_second_opinion_requester(user, request):
        raise PermissionDenied("The link is for the requesting physicians; board members join the meeting itself.")
    request = SecondOpinion.objects.select_for_update(of=("self",)).get(pk=request.pk)
    if request.status != SO.SCHEDULED:
        raise Conflict("The case has no slot on a meeting.", code="not_scheduled")
    item = _slot_items(request.case_id).select_for_update(of=("self",)).first()
    if item is None:
        raise Conflict("The case has no slot on a meeting.", code="not_scheduled")
    attendance = guest_check_in(user=user, item=item)
    return {
        "meeting": item.meeting.public_id,
        "meeting_starts_at": item.meeting.starts_at,
        "slot_starts_at": slot_starts_at(item),
        "minutes": item.minutes,
        "video_url": item.meeting.effective_video_url,
        "checked_in_at": attendance.checked_in_at,
    }
