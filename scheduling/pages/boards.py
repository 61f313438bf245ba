"""The boards pages: the list of the user's boards, a new board, and the board page where its coordinators change its
settings (the recurrence in words, turned into the RRULE), its members and their roles, with a preview of its next
six meetings in the board's local time. Every write is ``board_create`` / ``board_update`` / ``board_member_set`` /
``board_member_remove``, as in the API (`/api/v1/boards/{id}/members/`)."""

from __future__ import annotations

import copy
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from scheduling.models import Board
from scheduling.pages.common import coordinated_boards
from scheduling.pages.forms import PATTERNS, BoardForm, MemberAddForm, MemberForm
from scheduling.recurrence import NTH, WEEKDAYS, RecurrenceError, describe, rrule_to_words, upcoming
from scheduling.selectors import board_member_candidates, board_members, boards_visible_to
from scheduling.services import board_create, board_member_remove, board_member_set, board_update
from specialists.access import board_roles, can_create_board, is_board_coordinator
from specialists.models import BoardRole, Specialty, User
from tumorboard.codes import DiseaseSite
from tumorboard.web import Outcome, attempt

PREVIEW_COUNT = 6
# the service names its refusals by the board's fields; the form shows them next to the controls that set them
FIELD_OF = {"submission_cutoff_hours": "cutoff"}
SCHEDULE = {"timezone", "start_time", "pattern", "weekdays", "weeks", "nth", "month_weekday", "rule"}
MULTIPLE = ("disease_sites", "required_specialties", "weekdays")

BOARD_PAGE = "scheduling/pages/board.html"
MEMBERS = "scheduling/pages/_members.html"
PREVIEW = "scheduling/pages/_preview.html"


def _board(user, board_id) -> Board:
    return get_object_or_404(boards_visible_to(user).select_related("institution"), public_id=board_id)


def _errors(outcome: Outcome) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name, found in outcome.by_field().items():
        errors.setdefault(FIELD_OF.get(name, name), []).extend(found)
    return errors


# --- preview ----------------------------------------------------------------------------------------------------


def preview(board: Board | None, form: BoardForm, *, institution) -> dict:
    """The next six meetings the form's schedule gives, in its time zone: the weekday, the date, the local time and
    the zone's abbreviation, and where the clocks change between two meetings. Nothing is saved; the other fields'
    errors (a blank name) do not hide it."""
    if SCHEDULE & set(form.errors):
        return {"problem": "Complete the schedule above to see its next meetings."}
    data = form.cleaned_data
    candidate = copy.copy(board) if board is not None else Board(institution=institution, created_at=timezone.now())
    candidate.recurrence = form.recurrence()
    candidate.timezone, candidate.start_time = data["timezone"], data["start_time"]
    if not candidate.recurrence:
        return {"problem": "No regular meetings: add one-off meetings from the calendar."}
    try:
        starts = upcoming(candidate, after=timezone.now(), count=PREVIEW_COUNT)
    except RecurrenceError as exc:
        return {"problem": str(exc)}
    if not starts:
        return {"problem": "This rule gives no meeting in the next two years."}
    tz = ZoneInfo(candidate.timezone)
    rows, offset = [], None
    for start in starts:
        local = start.astimezone(tz)
        rows.append(
            {
                "iso": local.isoformat(),
                "day": f"{local:%A} {local.day} {local:%B %Y}",
                "time": f"{local:%H:%M}",
                "zone": local.tzname(),
                "clock_change": offset is not None and local.utcoffset() != offset,
            }
        )
        offset = local.utcoffset()
    return {"rows": rows, "timezone": candidate.timezone, "summary": describe(form.words(), data["start_time"])}


@login_required
@require_GET
def board_preview(request, board_id=None):
    """The preview alone, for htmx as the form changes (the form's own Preview button works without script)."""
    board = _board(request.user, board_id) if board_id is not None else None
    form = BoardForm(request.GET, board=board)
    institution = board.institution if board is not None else request.user.institution
    return render(request, PREVIEW, {"preview": preview(board, form, institution=institution)})


# --- list and new -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def boards_list(request):
    user = request.user
    roles = board_roles(user)
    boards = list(boards_visible_to(user).annotate(member_count=Count("memberships")).order_by("name", "id"))
    labels = dict(BoardRole.choices)
    for board in boards:
        board.my_role = labels.get(roles.get(board.pk, ""), "")
        board.editable = is_board_coordinator(user, board.pk)
        board.schedule = describe(rrule_to_words(board.recurrence), board.start_time)
    boards.sort(key=lambda b: (not b.editable, b.name))
    context = {"boards": boards, "can_create": can_create_board(user, user.institution_id)}
    return render(request, "scheduling/pages/boards.html", context)


def _form_context(request, form: BoardForm, board: Board | None, *, errors=None) -> dict:
    institution = board.institution if board is not None else request.user.institution
    context = {
        "v": _values(form),
        "errors": errors or {},
        "timezones": form.fields["timezone"].choices,
        "sites": DiseaseSite.choices,
        "specialties": Specialty.choices,
        "weekdays": WEEKDAYS,
        "nths": [(str(n), label) for n, label in NTH],
        "form_patterns": PATTERNS,
        "preview_count": PREVIEW_COUNT,
        "preview_url": reverse("board-preview", args=[board.public_id]) if board else reverse("board-new-preview"),
        "preview": preview(board, form, institution=institution),
    }
    return context


NEW_BOARD_DEFAULTS = {
    "pattern": "weekly", "weekdays": ["TU"], "weeks": 1, "nth": "1", "month_weekday": "TU", "start_time": "07:30",
    "duration_minutes": 60, "minutes_per_case": 10, "cutoff": 48, "cutoff_unit": "hours",
}  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def board_new(request):
    user = request.user
    if not can_create_board(user, user.institution_id):
        raise PermissionDenied("Only coordinators of your institution's boards create boards.")
    if request.method == "GET":
        # the time zone of the boards they coordinate already, else the site's
        zone = coordinated_boards(user).values_list("timezone", flat=True).first()
        form = BoardForm(_bound(NEW_BOARD_DEFAULTS | {"timezone": zone or timezone.get_current_timezone_name()}))
        return render(request, "scheduling/pages/board_new.html", _form_context(request, form, None))
    form = BoardForm(request.POST)
    if request.POST.get("action") == "preview":
        context = _form_context(request, form, None, errors=_errors(attempt(form.cleaned_or_raise)))
        return render(request, "scheduling/pages/board_new.html", context)
    outcome = attempt(lambda: board_create(user=user, data=form.board_data()))
    if outcome.ok:
        messages.success(request, f"Board {outcome.value.name} created; its meetings are planned.")
        return redirect("board-page", outcome.value.public_id)
    context = _form_context(request, form, None, errors=_errors(outcome))
    return render(request, "scheduling/pages/board_new.html", context, status=outcome.status)


# --- the board page -----------------------------------------------------------------------------------------------


def _page_context(request, board: Board, *, form=None, errors=None, member_errors=None, error_member=None) -> dict:
    user = request.user
    coordinator = is_board_coordinator(user, board.pk)
    members = list(board_members(board))
    covered = {m.user.specialty for m in members}
    context = {
        "board": board,
        "coordinator": coordinator,
        "members": members,
        "uncovered": [Specialty(code).label for code in board.required_specialties if code not in covered],
        "roles": BoardRole.choices,
        "member_errors": member_errors or {},
        "error_member": error_member,
        "member_values": request.POST if member_errors else {},
        "sites_named": [DiseaseSite(code).label for code in board.disease_sites if code in DiseaseSite.values],
        "schedule": describe(rrule_to_words(board.recurrence), board.start_time),
        "cutoff": _duration(board.submission_cutoff_hours),
    }
    if coordinator:
        context["candidates"] = list(board_member_candidates(board))
    form = form or BoardForm(_bound(BoardForm.saved_values(board)), board=board)  # the saved values, as if posted
    context.update(_form_context(request, form, board, errors=errors))
    return context


def _duration(hours: int) -> str:
    """``48`` → "2 days", ``36`` → "36 hours"."""
    if hours and hours % 24 == 0:
        return f"{hours // 24} day{'s' if hours > 24 else ''}"
    return f"{hours} hour{'s' if hours != 1 else ''}"


def _values(form: BoardForm) -> dict:
    """What the form's controls show: the values posted, or the saved ones (several for the checkboxes)."""
    data = form.data
    if hasattr(data, "getlist"):
        return {name: data.getlist(name) if name in MULTIPLE else data.get(name, "") for name in form.fields}
    return {name: data.get(name, [] if name in MULTIPLE else "") for name in form.fields}


def _bound(initial: dict) -> dict:
    """The saved values as a posted form would carry them (lists stay lists)."""
    return {k: v if isinstance(v, list) else ("" if v is None else str(v)) for k, v in initial.items()}


@login_required
@require_http_methods(["GET", "POST"])
def board_page(request, board_id):
    board = _board(request.user, board_id)
    if request.method == "GET":
        return render(request, BOARD_PAGE, _page_context(request, board))
    form = BoardForm(request.POST, board=board)
    if request.POST.get("action") == "preview":
        context = _page_context(request, board, form=form, errors=_errors(attempt(form.cleaned_or_raise)))
        return render(request, BOARD_PAGE, context)
    outcome = attempt(lambda: board_update(user=request.user, board=board, data=form.board_data()))
    if outcome.ok:
        messages.success(request, "Board settings saved.")
        return redirect("board-page", board.public_id)
    context = _page_context(request, board, form=form, errors=_errors(outcome))
    return render(request, BOARD_PAGE, context, status=outcome.status)


# --- members ------------------------------------------------------------------------------------------------------


def _member(board: Board, user_id) -> User:
    return get_object_or_404(User, memberships__board=board, public_id=user_id)


def _member_respond(request, board: Board, outcome: Outcome, *, done: str, error_member=None):
    """PRG for a plain POST; the members section in place for htmx; a refusal shows its message next to the form it
    came from, with its status."""
    if outcome.ok and not request.htmx:
        messages.success(request, done)
        return redirect(f"{reverse('board-page', args=[board.public_id])}#members")
    errors = None if outcome.ok else _errors(outcome)
    context = _page_context(request, board, member_errors=errors, error_member=error_member)
    context["member_notice"] = done if outcome.ok else ""
    return render(request, MEMBERS if request.htmx else BOARD_PAGE, context, status=outcome.status)


@login_required
@require_POST
def member_add(request, board_id):
    board = _board(request.user, board_id)

    def add():
        params = MemberAddForm(request.POST, board=board).cleaned_or_raise()
        return board_member_set(user=request.user, board=board, member=params["user"], role=params["role"])

    if not request.POST.get("user"):
        outcome = Outcome(errors=[{"field": "user", "code": "required", "message": "Choose a colleague."}], status=400)
    else:
        outcome = attempt(add)
    name = outcome.value.user.name if outcome.ok else ""
    return _member_respond(request, board, outcome, done=f"{name} added to the board.", error_member="add")


@login_required
@require_POST
def member_role(request, board_id, user_id):
    board = _board(request.user, board_id)
    member = _member(board, user_id)

    def change():
        role = MemberForm(request.POST).cleaned_or_raise()["role"]
        return board_member_set(user=request.user, board=board, member=member, role=role)

    outcome = attempt(change)
    done = f"{member.name} is now {BoardRole(outcome.value.role).label.lower()}." if outcome.ok else ""
    return _member_respond(request, board, outcome, done=done, error_member=member.public_id)


@login_required
@require_POST
def member_remove(request, board_id, user_id):
    board = _board(request.user, board_id)
    member = _member(board, user_id)
    outcome = attempt(board_member_remove, user=request.user, board=board, member=member)
    return _member_respond(
        request, board, outcome, done=f"{member.name} is no longer on the board.", error_member=member.public_id
    )


urlpatterns = [
    path("boards/", boards_list, name="boards"),
    path("boards/new/", board_new, name="board-new"),
    path("boards/new/preview/", board_preview, name="board-new-preview"),
    path("boards/<uuid:board_id>/", board_page, name="board-page"),
    path("boards/<uuid:board_id>/preview/", board_preview, name="board-preview"),
    path("boards/<uuid:board_id>/members/", member_add, name="board-member-add"),
    path("boards/<uuid:board_id>/members/<uuid:user_id>/role/", member_role, name="board-member-role"),
    path("boards/<uuid:board_id>/members/<uuid:user_id>/remove/", member_remove, name="board-member-remove"),
]
