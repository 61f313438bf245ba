"""The presenter's view of run mode (/meetings/<id>/present/?item=...): one case of the agenda filling a large screen
(the patient and the case in brief with the biomarkers, the checklist's critical and warning findings, the proposed
plan, the documents, the question for the board), a timer against the item's minutes and next/previous by link or
keyboard (scheduling/static/scheduling/presenter.js). Reads only: presence and the board plan stay on the meeting
page's run mode, which links here.

The case comes through ``cases.selectors`` (scoped to the user) and the checklist through ``cases.checklist``: this
page is an interface, above both apps."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from cases.checklist import Severity, evaluate
from cases.codes import PlanKind
from cases.selectors import agenda_items_visible_to, case_list, documents_of, plans_of
from cases.trials import trials_content
from scheduling.pages.common import LIVE, meeting_of, meeting_url, run_position
from tumorboard.reads import audited_read
from tumorboard.web import uuid_or_none

SHOWN = (Severity.CRITICAL, Severity.WARNING)  # what the board must hear; the info findings stay on the case page


def _case_brief(case, meeting) -> dict:
    """What the presenter says first: who, what, how far, with what biology; the proposed plan and the documents."""
    day = meeting.starts_at.astimezone(ZoneInfo(meeting.board.timezone)).date()
    findings = sorted((f for f in evaluate(case) if f.severity in SHOWN), key=lambda f: Severity.ORDER[f.severity])
    plans = [p for p in plans_of(case) if p.kind == PlanKind.PROPOSED]
    return {
        "case": case,
        "age": case.patient.age_on(day),
        "findings": findings,
        "critical": sum(1 for f in findings if f.severity == Severity.CRITICAL),
        "proposed": plans[-1] if plans else None,
        "documents": list(documents_of(case)),
        "trials": trials_content(case, today=day),
    }


@login_required
@require_GET
def presenter_page(request, meeting_id):
    meeting = meeting_of(request.user, meeting_id)
    errors, item_id = {}, None
    if "item" in request.GET:
        item_id = uuid_or_none(request.GET["item"])
        if item_id is None:
            errors = {"item": ["That is not a case of this agenda; showing the first one instead."]}
    run = list(
        agenda_items_visible_to(request.user, meeting)
        .filter(status__in=LIVE)
        .select_related("case__patient")
        .order_by("position", "id")
    )
    context = {"meeting": meeting, "errors": errors, "run_items": run, "current": None}
    if run:
        previous, current, following = run_position(run, item_id)
        case = case_list(request.user).get(pk=current.case_id)
        context |= {
            "previous": previous,
            "current": current,
            "following": following,
            "number": run.index(current) + 1,
            "run_url": meeting_url(meeting, current) + "#run",
            **_case_brief(case, meeting),
        }
    audited_read([item.case for item in run], user=request.user, view="presenter view")
    return render(request, "scheduling/pages/presenter.html", context, status=400 if errors else 200)


urlpatterns = [path("meetings/<uuid:meeting_id>/present/", presenter_page, name="meeting-presenter")]
