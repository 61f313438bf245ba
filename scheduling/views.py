"""Pages reached from outside the API: the signed RSVP link of an invitation e-mail, the private feed."""

from __future__ import annotations

import datetime

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from scheduling import ical
from scheduling.attendance import attendance_from_token, attendance_rsvp
from scheduling.models import CalendarFeed, Meeting
from scheduling.pages.common import RSVP_ANSWERS
from tumorboard.errors import Conflict


@login_not_required  # the token is the credential
@require_http_methods(["GET", "POST"])
def rsvp(request, token: str):
    """GET shows the invitation and the choices; POST records the answer (a GET never changes state:
    mail scanners follow links)."""
    attendance = attendance_from_token(token)
    error = ""
    if request.method == "POST":
        try:
            attendance = attendance_rsvp(
                user=attendance.user, meeting=attendance.meeting, answer=request.POST.get("rsvp", "")
            )
        except (ValidationError, Conflict) as exc:
            error = getattr(exc, "message", None) or "; ".join(exc.messages)
    status = 400 if error else 200
    context = {"attendance": attendance, "meeting": attendance.meeting, "answers": RSVP_ANSWERS, "error": error}
    return render(request, "scheduling/rsvp.html", context, status=status)


@login_not_required  # the token is the credential (calendar apps send no session)
@require_GET
def calendar_feed(request, token: str):
    """The private feed: meetings of the user's boards, 60 days back to a year ahead; no patient data."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token, user__is_active=True)
    now = timezone.now()
    meetings = (
        Meeting.objects.filter(
            board__memberships__user=feed.user,
            starts_at__gte=now - datetime.timedelta(days=60),
            starts_at__lte=now + datetime.timedelta(days=366),
        )
        .select_related("board")
        .order_by("starts_at")
    )
    response = HttpResponse(ical.feed(meetings, name="Tumor boards"), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
