"""The follow-through worklist (SPEC §5.4): board recommendations due for a follow-up record, for the
coordinators (and nurse navigators) of their boards, with an inline form per recommendation.

The list is ``cases.selectors.follow_up_due_plans`` (what the reminders count and the API's
``follow_up_due`` filter uses), scoped by ``cases_visible_to``; the form (``cases.pages.forms.FollowUpForm``) is
recorded by ``cases.services.follow_ups.follow_up_record``, which decides. Reminder e-mails link here with
``?board=<uuid>``.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from cases.codes import Implemented, NotImplementedReason
from cases.models import FollowUp, Plan
from cases.pages.forms import FollowUpForm
from cases.selectors import case_get, cases_visible_to, follow_up_due_plans
from cases.services.follow_ups import follow_up_record
from scheduling.models import Board
from specialists.access import follow_up_board_ids, is_admin
from tumorboard.reads import audited_read
from tumorboard.web import attempt, uuid_or_none

RECENT = 10


def follow_up_boards(user):
    """The boards whose worklist the user runs (``specialists.access.follow_up_board_ids``); admins: every
    board."""
    return Board.objects.all() if is_admin(user) else Board.objects.filter(pk__in=follow_up_board_ids(user))


def _selected_boards(request):
    """The user's worklist boards, narrowed by ``?board=``: a malformed id is a 400, a board that is not
    theirs a 404 (as if it did not exist)."""
    boards = list(follow_up_boards(request.user).order_by("name", "id"))
    raw = request.GET.get("board") or request.POST.get("board") or ""
    if not raw:
        return boards, boards, None, None
    try:
        wanted = uuid.UUID(raw)
    except ValueError:
        return boards, [], None, {"board": ["Not a board id."]}
    chosen = next((b for b in boards if b.public_id == wanted), None)
    if chosen is None:
        raise Http404("No such board.")
    return boards, [chosen], chosen, None


def _plan_summary(plan: Plan) -> str:
    plan.trials = [c.trial for c in plan.components.all() if c.trial_id]  # the enrolment the form offers
    return "; ".join(component.text for component in plan.components.all())


def _worklist(request, boards) -> dict:
    user = request.user
    visible = cases_visible_to(user)
    due = list(
        follow_up_due_plans()
        .filter(case__board__in=boards, case__in=visible)
        .select_related("case__patient", "case__board", "meeting__board", "created_by")
        .prefetch_related("components__trial")
        .order_by("decided_at", "id")
    )
    for plan in due:
        plan.summary = _plan_summary(plan)
        plan.decided_on = plan.meeting.starts_at if plan.meeting_id else plan.created_at
    recent = list(
        FollowUp.objects.filter(case__board__in=boards, case__in=visible)
        .select_related("case__patient", "case__board", "plan", "recorded_by")
        .order_by("-created_at", "-id")[:RECENT]
    )
    audited_read([p.case for p in due] + [f.case for f in recent], user=user, view="follow-up")
    return {"due": due, "recent": recent}


def _form_context() -> dict:
    return {"implemented_choices": Implemented.choices, "reason_choices": NotImplementedReason.choices}


@login_required
@require_GET
def follow_up(request):
    boards, selected, board, errors = _selected_boards(request)
    context = {"boards": boards, "board": board, "errors": errors or {}, **_form_context()}
    if errors:
        return render(request, "cases/pages/follow_up.html", context | {"due": [], "recent": []}, status=400)
    return render(request, "cases/pages/follow_up.html", context | _worklist(request, selected))


def _back(board_id: str) -> str:
    url = reverse("follow-up")
    try:
        return f"{url}?board={uuid.UUID(board_id)}"
    except ValueError:
        return url


@login_required
@require_POST
def follow_up_record_page(request, case_id):
    """Record the follow-through of one board recommendation from its row of the worklist."""
    case = case_get(request.user, case_id)
    post = request.POST

    def record():
        return follow_up_record(user=request.user, case=case, data=FollowUpForm(post, case=case).cleaned_or_raise())

    outcome = attempt(record)
    if outcome.ok:
        done = "Follow-through recorded."
        if request.htmx:
            notice = '<li class="card notice"><span role="status" id="done-{}" tabindex="-1">{}</span></li>'
            return HttpResponse(format_html(notice, outcome.value.plan.public_id, done))
        messages.success(request, done)
        return redirect(_back(post.get("board", "")))
    plan = (
        Plan.objects.filter(case=case, public_id=uuid_or_none(post.get("plan")))
        .select_related("case__patient", "case__board", "meeting__board")
        .prefetch_related("components__trial")
        .first()
    )
    errors = outcome.by_field()
    if plan is not None:
        plan.summary = _plan_summary(plan)
        plan.decided_on = plan.meeting.starts_at if plan.meeting_id else plan.created_at
        plan.errors, plan.values = errors, post
    if request.htmx and plan is not None:
        context = {"plan": plan, "board_value": post.get("board", ""), **_form_context()}
        return render(request, "cases/pages/follow_up_item.html", context, status=outcome.status)
    boards, selected, board, _ = _selected_boards(request)
    context = {"boards": boards, "board": board, "errors": errors if plan is None else {}, **_form_context()}
    context |= _worklist(request, selected)
    if plan is not None:
        context["due"] = [plan if p.pk == plan.pk else p for p in context["due"]]
    return render(request, "cases/pages/follow_up.html", context, status=outcome.status)


urlpatterns = [
    path("follow-up/", follow_up, name="follow-up"),
    path("follow-up/<uuid:case_id>/", follow_up_record_page, name="follow-up-record"),
]
