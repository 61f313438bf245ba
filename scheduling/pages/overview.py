"""The coordinator's dashboard at / (upcoming meetings with quorum, capacity and packets; waiting cases;
second opinions) and the board calendar."""

from __future__ import annotations

import datetime
import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from cases.analytics import kept_by_case
from cases.codes import PacketStatus, SecondOpinionStatus
from cases.selectors import cases_visible_to, cases_waiting, second_opinion_overdue, second_opinions_answered_by
from scheduling import attendance as attendance_services
from scheduling.models import Attendance, MeetingStatus
from scheduling.pages.common import (
    LIVE,
    OPEN_MEETING,
    capacity_of,
    coordinated_boards,
    quorum_view,
)
from scheduling.quorum import meeting_quorum
from scheduling.selectors import boards_visible_to, meetings_visible_to
from specialists.access import (
    is_admin,
    member_board_ids,
)
from specialists.context_processors import user_roles
from tumorboard import figures
from tumorboard.reads import audited_read
from tumorboard.web import uuid_or_none

DASHBOARD_WEEKS = 6
WAITING_SHOWN = 10


# --- dashboard ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request):
    """Coordinators land on their dashboard; specialists on their inbox; community hospitals on their
    second opinions; the rest of a care team (on no board) on their cases."""
    roles = user_roles(request.user)
    if not roles["coordinator"]:
        if roles["member"]:
            return redirect("/inbox/")
        if roles["referrer"]:
            return redirect("/second-opinions/")
        if roles["cases"] and not roles["admin"]:
            return redirect("/cases/")
    return render(request, "scheduling/pages/dashboard.html", _dashboard(request.user))


def _dashboard(user) -> dict:
    now = timezone.now()
    boards = coordinated_boards(user)
    live = Q(agenda_items__status__in=LIVE)
    packet = "agenda_items__case__packet__status"
    meetings = list(
        meetings_visible_to(user)
        .filter(
            board__in=boards, status__in=OPEN_MEETING, starts_at__lt=now + datetime.timedelta(weeks=DASHBOARD_WEEKS)
        )
        .filter(Q(starts_at__gte=now - datetime.timedelta(hours=12)) | Q(status=MeetingStatus.IN_PROGRESS))
        .select_related("board")
        .prefetch_related(Prefetch("attendances", queryset=Attendance.objects.select_related("user")))
        .annotate(
            case_count=Count("agenda_items", filter=live),
            packets_built=Count("agenda_items", filter=live & Q(**{packet: PacketStatus.READY})),
            packets_pending=Count(
                "agenda_items", filter=live & Q(**{f"{packet}__in": [PacketStatus.PENDING, PacketStatus.BUILDING]})
            ),
            packets_failed=Count("agenda_items", filter=live & Q(**{packet: PacketStatus.FAILED})),
            packets_none=Count("agenda_items", filter=live & Q(agenda_items__case__packet__isnull=True)),
        )
        .order_by("starts_at", "id")
    )
    for meeting in meetings:
        meeting.quorum = quorum_view(meeting_quorum(meeting, meeting.attendances.all()))
        meeting.capacity = capacity_of(meeting)
    waiting = _waiting(user).select_related("board", "patient")
    waiting_count = kept_by_case("dashboard_waiting", user, {}, _waiting_parts, figures.Counted)
    waiting_shown = list(waiting[:WAITING_SHOWN])
    audited_read(waiting_shown, user=user, view="dashboard")
    return {
        "meetings": meetings,
        "weeks": DASHBOARD_WEEKS,
        "waiting": waiting_shown,
        "waiting_count": waiting_count,
        "second_opinions": _second_opinions_waiting(user),
    }


def _waiting(user):
    """The cases waiting for a meeting on the boards ``user`` coordinates."""
    return cases_waiting(cases_visible_to(user)).filter(board__in=coordinated_boards(user))


def _waiting_parts(user, groups) -> dict[int | None, int]:
    """How many of ``_waiting(user)`` there are, per group of cases (figures.cached_by_case)."""
    return dict(
        _waiting(user)
        .order_by()
        .filter(figures.among(groups, "pk"))
        .annotate(part=figures.group_of("pk", groups))
        .values_list("part")
        .annotate(cases=Count("pk"))
    )


def _second_opinions_waiting(user) -> dict:
    """Requests the user answers (the coordinators of the board they were routed to, or of the target
    institution when routing found no board): how many wait for an answer, how many are past due."""
    return second_opinions_answered_by(user).aggregate(
        # what they can accept now: requested and routed (second_opinion_actions_open)
        waiting=Count("pk", filter=Q(status=SecondOpinionStatus.REQUESTED, routed_at__isnull=False)),
        info_requested=Count("pk", filter=Q(status=SecondOpinionStatus.INFO_REQUESTED)),
        overdue=Count("pk", filter=second_opinion_overdue()),
    )


# --- calendar -----------------------------------------------------------------------------------------------

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def _month(value: str | None, today: datetime.date) -> datetime.date:
    if not value:
        return today.replace(day=1)
    match = MONTH.match(value)
    if not match or not 1 <= int(match[2]) <= 12 or not 1900 < int(match[1]) < 2200:
        raise ValidationError({"month": ["Give the month as YYYY-MM, e.g. 2026-11."]})
    return datetime.date(int(match[1]), int(match[2]), 1)


def _shift(month: datetime.date, delta: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + delta
    return datetime.date(index // 12, index % 12 + 1, 1)


@login_required
@require_GET
def calendar(request):
    """The meetings of the user's boards, month by month, and their private iCalendar feed."""
    user = request.user
    visible_boards = list(boards_visible_to(user).order_by("name", "id"))
    errors: dict[str, list[str]] = {}
    try:
        month = _month(request.GET.get("month"), timezone.localdate())
    except ValidationError as exc:
        errors.update(exc.message_dict)
        month = timezone.localdate().replace(day=1)
    board = None
    if request.GET.get("board"):
        wanted = uuid_or_none(request.GET["board"])
        board = next((b for b in visible_boards if b.public_id == wanted), None)
        if board is None:
            errors["board"] = ["No such board: choose one of the boards listed."]
    context = {
        "month": month,
        "boards": visible_boards,
        "board": board,
        "errors": errors,
        "month_value": request.GET.get("month") or f"{month:%Y-%m}",
        "feed_url": attendance_services.calendar_feed_url(attendance_services.calendar_feed_for(user)),
    }
    if errors:
        return render(request, "scheduling/pages/calendar.html", context | {"meetings": []}, status=400)
    tz = timezone.get_current_timezone()
    start = datetime.datetime.combine(month, datetime.time.min, tzinfo=tz)
    end = datetime.datetime.combine(_shift(month, 1), datetime.time.min, tzinfo=tz)
    meetings = meetings_visible_to(user).filter(starts_at__gte=start, starts_at__lt=end)
    if board is not None:
        meetings = meetings.filter(board=board)
    elif not is_admin(user) and member_board_ids(user):
        meetings = meetings.filter(board_id__in=member_board_ids(user))
    meetings = list(
        meetings.select_related("board")
        .annotate(case_count=Count("agenda_items", filter=Q(agenda_items__status__in=LIVE)))
        .order_by("starts_at", "id")
    )
    own = dict(
        Attendance.objects.filter(user=user, meeting__in=[m.pk for m in meetings], guest_case__isnull=True).values_list(
            "meeting_id", "rsvp"
        )
    )
    for meeting in meetings:
        meeting.my_rsvp = own.get(meeting.pk)
    query = f"&board={board.public_id}" if board else ""
    return render(
        request,
        "scheduling/pages/calendar.html",
        context
        | {
            "meetings": meetings,
            "previous_url": f"?month={_shift(month, -1):%Y-%m}{query}",
            "next_url": f"?month={_shift(month, 1):%Y-%m}{query}",
        },
    )


urlpatterns = [
    path("", home, name="home"),
    path("calendar/", calendar, name="calendar"),
]
