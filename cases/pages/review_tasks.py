"""The reviewer's task list (``/tasks/``, issue 21): their pre-meeting review tasks
(``cases.selectors.review_tasks_for``, filtered with the API's filter set ``cases.filters.ReviewTaskFilter``), soonest
due first, each linking to the case page where the review is recorded; an open task of their specialty can be
claimed in place (``cases.services.review_tasks.review_task_claim``). The navigation shows how many are open
(``cases.context_processors``)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from cases import selectors
from cases.codes import REVIEW_TASK_ACTIVE, ReviewTaskStatus
from cases.filters import ReviewTaskFilter
from cases.services.review_tasks import review_task_claim
from tumorboard.reads import audited_list
from tumorboard.web import attempt

# what the "Show" select offers → the statuses listed ("" is the default: what is still to do)
SHOWN = {
    "": sorted(REVIEW_TASK_ACTIVE),
    ReviewTaskStatus.DONE: [ReviewTaskStatus.DONE],
    ReviewTaskStatus.CANCELLED: [ReviewTaskStatus.CANCELLED],
    "all": ReviewTaskStatus.values,
}
SHOW_CHOICES = [
    ("", "To do"),
    (ReviewTaskStatus.DONE, "Done"),
    (ReviewTaskStatus.CANCELLED, "Cancelled"),
    ("all", "All"),
]


@login_required
@require_GET
def review_tasks(request):
    show, overdue = request.GET.get("show", ""), request.GET.get("overdue", "") == "true"
    errors = {}
    if show not in SHOWN:
        errors["show"] = ["Please choose one of the options offered; the tasks still to do are shown."]
        show = ""
    params = QueryDict(mutable=True)
    params.setlist("status", SHOWN[show])
    if overdue:
        params["overdue"] = "true"
    queryset = selectors.review_tasks_for(request.user).select_related(
        "case__patient", "agenda_item__meeting__board", "assignee", "completed_by"
    )
    tasks = list(ReviewTaskFilter(params, queryset=queryset).qs.order_by("due_at", "id"))
    audited_list(list({t.case_id: t.case for t in tasks}.values()), user=request.user, view="tasks")
    context = {"tasks": tasks, "show": show, "overdue": overdue, "show_choices": SHOW_CHOICES, "errors": errors}
    return render(request, "cases/pages/review_tasks.html", context, status=400 if errors else 200)


@login_required
@require_POST
def review_task_claim_page(request, task_id):
    """Claim an open task of the user's specialty; another person's task, or another board's, is a 404."""
    task = get_object_or_404(selectors.review_tasks_of_specialty(request.user), public_id=task_id)
    outcome = attempt(review_task_claim, user=request.user, task=task)
    if outcome.ok:
        messages.success(request, "Task claimed: it is yours to review.")
    else:
        messages.error(request, " ".join(e["message"] for e in outcome.errors))
    return redirect("review-tasks")


urlpatterns = [
    path("tasks/", review_tasks, name="review-tasks"),
    path("tasks/<uuid:task_id>/claim/", review_task_claim_page, name="review-task-claim"),
]
