"""The meeting page: facts, quorum, attendance and RSVP for every member; the agenda builder for the board's
coordinators; run mode (check-in, case by case, the board plan) once the meeting has started."""

from __future__ import annotations

from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from cases.codes import PlanKind
from cases.lifecycle import agenda as lifecycle
from cases.pages.meeting_packet import meeting_packet_context
from cases.quorum import case_quorum
from cases.selectors import agenda_items_visible_to, case_named, cases_visible_to, cases_waiting, plans_of
from scheduling import attendance as attendance_services
from scheduling import cme
from scheduling.models import AgendaItem, AgendaItemStatus, Attendance, Meeting, MeetingStatus
from scheduling.pages.cme import cme_context
from scheduling.pages.common import (
    LIVE,
    OPEN_MEETING,
    RSVP_ANSWERS,
    capacity_of,
    meeting_of,
    meeting_url,
    quorum_view,
    rsvp_answer,
    run_position,
)
from scheduling.pages.forms import (
    AgendaAddForm,
    AgendaMoveForm,
    AgendaReorderForm,
    AgendaResizeForm,
    AttestForm,
    CheckInForm,
    MeetingActionForm,
    PresenceForm,
    ReasonForm,
)
from scheduling.quorum import case_specialties_present, meeting_quorum, specialties_ordered
from scheduling.selectors import meeting_invitees_named, meeting_member_named, meeting_named
from specialists.access import (
    is_board_chair_or_coordinator,
    is_board_coordinator,
)
from tumorboard.reads import audited_read
from tumorboard.web import Outcome, attempt, uuid_or_none

# --- meeting page ---------------------------------------------------------------------------------------------


def _attendance_rows(meeting: Meeting, attendances: list[Attendance]) -> list[dict]:
    """Every member of the board (invited or not: coordinators check members in) and the remote guests."""
    by_user = {a.user_id: a for a in attendances if a.guest_case_id is None}
    rows = []
    for membership in meeting.board.memberships.select_related("user").order_by("user__specialty", "user__last_name"):
        rows.append(
            {"user": membership.user, "role": membership.get_role_display(), "a": by_user.pop(membership.user_id, None)}
        )
    rows += [{"user": a.user, "role": "Invited", "a": a} for a in by_user.values()]
    rows += [{"user": a.user, "role": "Remote guest", "a": a} for a in attendances if a.guest_case_id is not None]
    return rows


def _meeting_context(
    request, meeting: Meeting, *, item_id=None, errors=None, error_form="", error_item=None, notice=""
) -> dict:
    user = request.user
    coordinator = is_board_coordinator(user, meeting.board_id)
    editable = coordinator and meeting.status == MeetingStatus.SCHEDULED
    attendances = list(meeting.attendances.select_related("user"))
    items = list(
        agenda_items_visible_to(user, meeting)
        .select_related("case__patient", "case__board", "rolled_to__board")
        .prefetch_related("case__biomarkers", "present")
        .order_by("position", "id")
    )
    scheduled = [i for i in items if i.status == AgendaItemStatus.SCHEDULED]
    order = [i.public_id for i in scheduled]
    agenda_errors = (errors or {}) if error_form == "agenda" else {}
    for item in items:
        item.quorum = quorum_view(case_quorum(item.case, meeting, attendances, list(item.present.all())))
        item.errors = agenda_errors if error_item == item.public_id else {}  # the errors its forms show
    for at, item in enumerate(scheduled):  # the order each Up / Down button posts
        if at > 0:
            item.up_order = [*order[: at - 1], order[at], order[at - 1], *order[at + 1 :]]
        if at < len(order) - 1:
            item.down_order = [*order[:at], order[at + 1], order[at], *order[at + 2 :]]
    audited: list = [i.case for i in items]
    context = {
        "meeting": meeting,
        "coordinator": coordinator,
        "editable": editable,
        "quorum": quorum_view(meeting_quorum(meeting, attendances)),
        "local_end": meeting.ends_at.astimezone(ZoneInfo(meeting.board.timezone)).strftime("%H:%M %Z"),
        "capacity": capacity_of(meeting),
        "items": items,
        "attendance_rows": _attendance_rows(meeting, attendances),
        "own": next((a for a in attendances if a.user_id == user.pk and a.guest_case_id is None), None),
        "rsvp_answers": RSVP_ANSWERS,
        "rsvp_open": meeting.status in OPEN_MEETING,
        "check_in_open": coordinator and meeting.status in OPEN_MEETING,
        "errors": errors or {},
        "error_form": error_form,
        "add_errors": agenda_errors if error_item == "add" else {},
        "can_record_board_plan": is_board_chair_or_coordinator(user, meeting.board_id),
        "notice": notice,
        "values": request.POST if request.method == "POST" else {},
        "video_url": meeting.effective_video_url,
        **meeting_packet_context(user, meeting),
        **cme_context(user, meeting, attendances),
    }
    if editable:
        addable = list(
            cases_waiting(cases_visible_to(user)).filter(board_id=meeting.board_id).select_related("patient")
        )
        audited += addable
        context["addable"] = addable
        context["move_targets"] = list(
            Meeting.objects.filter(
                board_id=meeting.board_id, status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now()
            )
            .exclude(pk=meeting.pk)
            .select_related("board")
            .order_by("starts_at", "id")[:12]
        )
    if meeting.status == MeetingStatus.IN_PROGRESS:
        context.update(_run_mode(meeting, items, item_id, attendances))
    audited_read(audited, user=user, view="meeting page")
    return context


def _run_mode(meeting: Meeting, items: list[AgendaItem], item_id, attendances: list[Attendance]) -> dict:
    """Case by case: the chosen item (or the first not yet presented), its neighbours and its plans."""
    run = [i for i in items if i.status in LIVE]
    if not run:
        return {"run": True, "current": None}
    previous, current, following = run_position(run, item_id)
    for item in run:
        item.is_current = item is current
    case = current.case
    plans = list(plans_of(case))
    # who was present for this case: by default everyone checked in (as the quorum counts it until recorded)
    recorded = {u.pk for u in current.present.all()}
    checked_in = [
        {"user": a.user, "present": (a.user_id in recorded) if recorded else True}
        for a in attendances
        if a.present and (a.guest_case_id is None or a.guest_case_id == case.pk)
    ]
    proposed = next((p for p in reversed(plans) if p.kind == PlanKind.PROPOSED), None)
    board_plan = next((p for p in reversed(plans) if p.kind == PlanKind.BOARD and p.meeting_id == meeting.pk), None)
    return {
        "run": True,
        "checked_in": checked_in,
        "presence_recorded": bool(recorded),
        "run_items": run,
        "current": current,
        "previous": previous,
        "following": following,
        "proposed": proposed,
        "board_plan": board_plan,
        "plan_context": {
            "case": case,
            "kind": PlanKind.BOARD,
            "meeting": meeting,
            "specialties_present": specialties_ordered(case_specialties_present(case, meeting)),
            "next": meeting_url(meeting, following),
        },
    }


@login_required
@require_GET
def meeting_page(request, meeting_id):
    meeting = meeting_of(request.user, meeting_id)
    item_id = None
    if "item" in request.GET:
        item_id = uuid_or_none(request.GET["item"])
        if item_id is None:
            context = _meeting_context(request, meeting, errors={"item": ["Not an agenda item id."]}, error_form="page")
            return render(request, "scheduling/pages/meeting.html", context, status=400)
    return render(request, "scheduling/pages/meeting.html", _meeting_context(request, meeting, item_id=item_id))


def _respond(
    request, meeting: Meeting, outcome: Outcome, *, fragment: str, form: str, done: str, error_item=None, extra=None
):
    """PRG for a plain POST; the fragment, re-rendered in place, for htmx. A refusal shows its errors with its
    status (400/403/409) next to the form it came from."""
    meeting.refresh_from_db()
    current = uuid_or_none(request.POST.get("current"))
    if outcome.ok and not request.htmx:
        messages.success(request, done)
        url = reverse("meeting-page", args=[meeting.public_id])
        return redirect(f"{url}?item={current}" if current else url)
    context = _meeting_context(
        request,
        meeting,
        item_id=current if meeting.status == MeetingStatus.IN_PROGRESS else None,
        errors=None if outcome.ok else outcome.by_field(),
        error_form="" if outcome.ok else form,
        error_item=None if outcome.ok else error_item,
        notice=done if outcome.ok else "",
    )
    # an htmx answer also swaps, out of band, what depends on it elsewhere on the page (quorum, run mode)
    context["oob"] = bool(request.htmx)
    context.update(extra or {})
    template = fragment if request.htmx else "scheduling/pages/meeting.html"
    return render(request, template, context, status=200 if outcome.ok else outcome.status)


AGENDA = "scheduling/pages/_agenda.html"
ATTENDANCE = "scheduling/pages/_attendance.html"
CME = "scheduling/pages/_cme.html"


def _item(user, meeting: Meeting, item_id) -> AgendaItem:
    return get_object_or_404(agenda_items_visible_to(user, meeting).select_related("case"), public_id=item_id)


@login_required
@require_POST
def agenda_add(request, meeting_id):
    meeting = meeting_of(request.user, meeting_id)

    def add():
        params = AgendaAddForm(request.POST).cleaned_or_raise()
        case = case_named(request.user, params["case"])
        return lifecycle.agenda_add(user=request.user, meeting=meeting, case=case, minutes=params.get("minutes"))

    if not request.POST.get("case"):
        outcome = Outcome(errors=[{"field": "case", "code": "required", "message": "Choose a case."}], status=400)
    else:
        outcome = attempt(add)
    return _respond(
        request, meeting, outcome, fragment=AGENDA, form="agenda", done="Case added to the agenda.", error_item="add"
    )


@login_required
@require_POST
def agenda_reorder(request, meeting_id):
    meeting = meeting_of(request.user, meeting_id)

    def reorder():
        params = AgendaReorderForm(request.POST).cleaned_or_raise()
        return lifecycle.agenda_reorder(user=request.user, meeting=meeting, item_ids=params["items"])

    return _respond(request, meeting, attempt(reorder), fragment=AGENDA, form="agenda", done="Agenda reordered.")


@login_required
@require_POST
def agenda_item_action(request, meeting_id, item_id, action):
    meeting = meeting_of(request.user, meeting_id)
    item = _item(request.user, meeting, item_id)
    user, post = request.user, request.POST

    def move():
        target = meeting_named(user, AgendaMoveForm(post).cleaned_or_raise()["meeting"])
        return lifecycle.agenda_move(user=user, item=item, meeting=target)

    def resize():
        params = AgendaResizeForm(post).cleaned_or_raise()
        return lifecycle.agenda_item_resize(user=user, item=item, minutes=params["minutes"])

    def remove():
        params = ReasonForm(post).cleaned_or_raise()
        return lifecycle.agenda_remove(user=user, item=item, reason=params["reason"])

    def presented():
        return lifecycle.agenda_item_presented(user=user, item=item)

    def presence():
        users = meeting_invitees_named(meeting, PresenceForm(post).cleaned_or_raise()["users"])
        return attendance_services.agenda_item_presence_set(user=user, item=item, users=users)

    actions = {
        "move": (move, "Case moved to the other meeting."),
        "resize": (resize, "Minutes changed."),
        "remove": (remove, "Case taken off the agenda."),
        "presented": (presented, "Case marked presented."),
        "presence": (presence, "Presence for this case recorded."),
    }
    call, done = actions[action]
    # presence changes the case's quorum and the specialties present: the attendance answer swaps them all
    fragment = ATTENDANCE if action == "presence" else AGENDA
    return _respond(
        request, meeting, attempt(call), fragment=fragment, form="agenda", done=done, error_item=item.public_id
    )


@login_required
@require_POST
def meeting_action(request, meeting_id, action):
    """Start, complete or cancel. A start the service refuses for want of a confirmation (before the meeting's day,
    quorum missing) comes back with its message and the confirm form (checkbox and reason) in its place."""
    meeting = meeting_of(request.user, meeting_id)

    def transition():
        params = MeetingActionForm(request.POST).cleaned_or_raise()
        return lifecycle.meeting_transition(
            user=request.user, meeting=meeting, action_name=action, reason=params["reason"], confirm=params["confirm"]
        )

    done = {"start": "Meeting started.", "complete": "Meeting completed.", "cancel": "Meeting cancelled."}[action]
    outcome = attempt(transition)
    if outcome.ok and not request.htmx:
        messages.success(request, done)
        return redirect(meeting_url(meeting))
    # the confirm form: after the refusal, and again while the confirmation lacks its reason
    confirming = action == "start" and (
        any(e["code"] == "start_needs_confirmation" for e in outcome.errors)
        or (outcome.status == 400 and bool(request.POST.get("confirm")))
    )
    form = "cancel" if action == "cancel" else "meeting"
    fragment = "scheduling/pages/meeting.html"
    extra = {"start_confirm": confirming}
    return _respond(request, meeting, outcome, fragment=fragment, form=form, done=done, extra=extra)


@login_required
@require_POST
def meeting_rsvp(request, meeting_id):
    meeting = meeting_of(request.user, meeting_id)

    outcome = attempt(rsvp_answer, user=request.user, meeting=meeting, posted=request.POST.get("rsvp", ""))
    return _respond(request, meeting, outcome, fragment=ATTENDANCE, form="attendance", done="Your answer is recorded.")


@login_required
@require_POST
def meeting_invite(request, meeting_id):
    """Invite every member of the board (idempotent); each gets the .ics by e-mail once per version."""
    meeting = meeting_of(request.user, meeting_id)
    outcome = attempt(attendance_services.meeting_invite, user=request.user, meeting=meeting)
    return _respond(request, meeting, outcome, fragment=ATTENDANCE, form="attendance", done="Invitations sent.")


@login_required
@require_POST
def meeting_check_in(request, meeting_id):
    meeting = meeting_of(request.user, meeting_id)

    def check_in():
        params = CheckInForm(request.POST).cleaned_or_raise()
        target = meeting_member_named(meeting, params["user"]) if params["user"] is not None else None
        return attendance_services.attendance_check_in(
            user=request.user, meeting=meeting, target=target, remote=params["remote"]
        )

    return _respond(request, meeting, attempt(check_in), fragment=ATTENDANCE, form="attendance", done="Checked in.")


@login_required
@require_POST
def meeting_cme_attest(request, meeting_id):
    """The member attests attending the meeting (the "CME" section); the certificate is then theirs to download."""
    meeting = meeting_of(request.user, meeting_id)

    def attest():
        hours = AttestForm(request.POST).cleaned_or_raise().get("hours")
        return cme.cme_attest(user=request.user, meeting=meeting, hours=None if hours is None else Decimal(str(hours)))

    done = "Your attendance is attested: download your certificate in the CME section."
    return _respond(request, meeting, attempt(attest), fragment=CME, form="cme", done=done)


urlpatterns = [
    path("meetings/<uuid:meeting_id>/", meeting_page, name="meeting-page"),
    path("meetings/<uuid:meeting_id>/cme/attest/", meeting_cme_attest, name="meeting-cme-attest-page"),
    path("meetings/<uuid:meeting_id>/agenda/add/", agenda_add, name="meeting-agenda-add"),
    path("meetings/<uuid:meeting_id>/agenda/reorder/", agenda_reorder, name="meeting-agenda-reorder"),
    path("meetings/<uuid:meeting_id>/rsvp/", meeting_rsvp, name="meeting-rsvp"),
    path("meetings/<uuid:meeting_id>/invite/", meeting_invite, name="meeting-invite"),
    path("meetings/<uuid:meeting_id>/check-in/", meeting_check_in, name="meeting-check-in"),
]
urlpatterns += [
    path(
        f"meetings/<uuid:meeting_id>/agenda/<uuid:item_id>/{action}/",
        agenda_item_action,
        {"action": action},
        name=f"meeting-agenda-{action}",
    )
    for action in ("move", "resize", "remove", "presented", "presence")
]
urlpatterns += [
    path(f"meetings/<uuid:meeting_id>/{action}/", meeting_action, {"action": action}, name=f"meeting-{action}")
    for action in ("start", "complete", "cancel")
]
