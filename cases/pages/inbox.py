"""The specialist's inbox: the cases on the agendas of their boards' next meetings, those still to review
first, with their answer to each meeting's invitation; and their own cases not yet on an agenda."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases import selectors
from cases.checklist import Severity, checklist_prefetch, evaluate
from cases.codes import (
    CaseStatus,
    Urgency,
)
from cases.models import Case
from scheduling.models import AgendaItemStatus, Attendance, MeetingStatus
from scheduling.pages.common import RSVP_ANSWERS, rsvp_answer
from scheduling.selectors import meetings_visible_to
from specialists.access import member_board_ids
from tumorboard.reads import audited_list
from tumorboard.web import attempt

INBOX_DAYS = 21


def _inbox_meetings(user):
    now = timezone.now()
    return (
        meetings_visible_to(user)
        .filter(
            board_id__in=member_board_ids(user),
            status__in=[MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS],
            ends_at__gte=now,
            starts_at__lte=now + datetime.timedelta(days=INBOX_DAYS),
        )
        .select_related("board")
        .order_by("starts_at", "id")
    )


@login_required
@require_GET
def inbox(request):
    """A board member's cases to review before the next meetings, soonest meeting first, "to review" first."""
    user = request.user
    meetings = list(_inbox_meetings(user))
    attendances = {
        a.meeting_id: a for a in Attendance.objects.filter(user=user, meeting__in=meetings, guest_case__isnull=True)
    }
    items = list(selectors.inbox_agenda_items(user, meetings))
    cases = {
        c.pk: c
        for c in checklist_prefetch(Case.objects.filter(pk__in=[i.case_id for i in items]).select_related("packet"))
    }
    by_meeting: dict[int, list] = {m.pk: [] for m in meetings}
    for item in items:
        case = cases[item.case_id]
        findings = evaluate(case)
        packet = getattr(case, "packet", None)
        by_meeting[item.meeting_id].append(
            {
                "item": item,
                "case": case,
                "done": item.commented or item.reviewed,
                "critical": sum(1 for f in findings if f.severity == Severity.CRITICAL),
                "warning": sum(1 for f in findings if f.severity == Severity.WARNING),
                "packet_status": packet.status if packet else "",
            }
        )
    groups = []
    for meeting in meetings:
        rows = sorted(by_meeting[meeting.pk], key=lambda r: (r["done"], r["case"].urgency != Urgency.URGENT))
        groups.append(
            {
                "meeting": meeting,
                "rows": rows,
                "to_review": sum(1 for r in rows if not r["done"]),
                "attendance": attendances.get(meeting.pk),
            }
        )
    own = list(
        selectors.cases_visible_to(user)
        .filter(created_by=user, status__in=[CaseStatus.DRAFT, CaseStatus.SUBMITTED, CaseStatus.INFO_REQUESTED])
        .exclude(agenda_items__status=AgendaItemStatus.SCHEDULED)
        .select_related("patient", "board")
        .order_by("-updated_at", "-id")
    )
    shown = list(cases.values()) + own
    audited_list(shown, user=user, view="inbox")
    return render(
        request,
        "cases/pages/inbox.html",
        {"groups": groups, "own": own, "rsvp_answers": RSVP_ANSWERS, "days": INBOX_DAYS},
    )


@login_required
@require_POST
def inbox_rsvp(request, meeting_id):
    """Answer a meeting's invitation (``scheduling.attendance.attendance_rsvp``); not invited → 404."""
    meeting = get_object_or_404(meetings_visible_to(request.user).select_related("board"), public_id=meeting_id)
    outcome = attempt(rsvp_answer, user=request.user, meeting=meeting, posted=request.POST.get("rsvp", ""))
    attendance = (
        outcome.value
        if outcome.ok
        else Attendance.objects.filter(meeting=meeting, user=request.user, guest_case__isnull=True).first()
    )
    if request.htmx:
        context = {"meeting": meeting, "attendance": attendance, "rsvp_answers": RSVP_ANSWERS}
        context["errors"] = outcome.by_field()
        return render(request, "cases/pages/_rsvp.html", context, status=outcome.status)
    if outcome.ok:
        messages.success(
            request, f"Your answer for {meeting.board.name} on {meeting.local_start}: {attendance.get_rsvp_display()}."
        )
    else:
        messages.error(request, " ".join(e["message"] for e in outcome.errors))
    return redirect("inbox")


urlpatterns = [
    path("inbox/", inbox, name="inbox"),
    path("inbox/rsvp/<uuid:meeting_id>/", inbox_rsvp, name="inbox-rsvp"),
]
