"""The community-hospital portal (SPEC §5.6, issue 7 item 4): second-opinion requests as the requesting
physicians and the answering coordinators use them.

- ``/second-opinions/``: the requests the user sees (``cases.selectors.second_opinion_list``), filtered with
  the API's own filter set.
- ``/second-opinions/new/``: a new request about a draft case, picked or created right there, with its
  documents; one transaction, so a refusal anywhere writes nothing.
- ``/second-opinions/<id>/``: the request, its timeline, documents, actions (``second_opinion_transition``,
  only the buttons the user may use), the join link and the report (polled while it is being built).

Input is read by the forms of ``cases.pages.forms`` and written by the services the API uses; other institutions
get 404.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import selectors
from cases.codes import (
    SECOND_OPINION_OPEN,
    CaseStatus,
    DocumentKind,
    PacketStatus,
    SecondOpinionStatus,
    Urgency,
)
from cases.filters import SecondOpinionFilter
from cases.lifecycle.second_opinions import second_opinion_actions_open, second_opinion_transition
from cases.models import Document, SecondOpinion
from cases.pages.case_new import NEW_CASE_FIELDS, new_case_context, new_case_form
from cases.pages.forms import SECOND_OPINION_ACTION_FORMS, SecondOpinionAskForm
from cases.pages.portal_forms import (
    document_form_rows,
    document_rows,
    documents_create,
    documents_validate,
    files_forget,
    shown_errors,
)
from cases.services import case_profile as services
from cases.services import second_opinions as so_services
from scheduling.models import MeetingStatus
from scheduling.selectors import boards_visible_to, meetings_visible_to
from specialists.access import can_answer_second_opinion, can_comment, is_second_opinion_requester
from tumorboard.reads import audited_list, audited_read
from tumorboard.web import attempt

SO = SecondOpinionStatus
PAGE_SIZE = 50
REPORT_POLL = "every 2s"
ACTION_DONE = {
    "accept": "Request accepted.",
    "decline": "Request declined.",
    "request-info": "Information requested from the referring physicians.",
    "provide-info": "Your answer was sent to the board.",
    "cancel": "Request cancelled.",
}
STEP_LABELS = {
    "request": "Requested",
    "route": "Routed",
    "accept": "Accepted",
    "decline": "Declined",
    "request-info": "Information requested",
    "provide-info": "Information provided",
    "cancel": "Cancelled",
    "schedule": "Put on a meeting",
    "unschedule": "Taken off the meeting",
    "review": "Discussed by the board",
    "report": "Report sent",
}


# the request form's fields: the new case's (no board: routing gives one) and the request's
NEW_FORM_FIELDS = (NEW_CASE_FIELDS - {"board"}) | {"case", "target_institution", "questions", "reason", "urgency"}
ACTION_FIELDS = {
    "accept": {"meeting"},
    "decline": {"reason"},
    "cancel": {"reason"},
    "request-info": {"message"},
    "provide-info": {"message"},
    "documents": set(),
}


# --- Helpers -------------------------------------------------------------------------------------------------


def _page_path(so: SecondOpinion) -> str:
    return reverse("second-opinion-page", args=[so.public_id])


# --- The list -------------------------------------------------------------------------------------------------


def _needs_action(user, so: SecondOpinion) -> str:
    """What the user has to do on a request, if anything (the actions open to them)."""
    actions = second_opinion_actions_open(user, so)
    if "accept" in actions:
        return "Accept, decline or ask for information"
    if "provide-info" in actions:
        return "Answer the board's request for information"
    return ""


@login_required
@require_GET
def second_opinion_list_page(request):
    """Requests of the user's institution (referrers) and those routed to their boards (coordinators)."""
    queryset = selectors.second_opinion_list(request.user).select_related("case__patient")
    params = request.GET.copy()
    for key in ("status", "urgency", "overdue"):  # "any" is an empty choice on the form
        params.setlist(key, [v for v in params.getlist(key) if v])
    filters = SecondOpinionFilter(params, queryset=queryset)
    status = 200
    errors: dict[str, list[str]] = {}
    if filters.is_valid():
        rows = filters.qs
    else:
        errors = {field: [str(m) for m in messages_] for field, messages_ in filters.errors.items()}
        rows, status = queryset.none(), 400
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    requests = list(page.object_list)
    audited_list(requests, user=request.user, view="second-opinions")
    for so in requests:
        so.needs_action = _needs_action(request.user, so)
        so.is_requester = is_second_opinion_requester(request.user, so)
    context = {
        "page": page,
        "requests": requests,
        "errors": errors,
        "statuses": SO.choices,
        "urgencies": Urgency.choices,
        "chosen": {
            "status": request.GET.getlist("status"),
            "urgency": request.GET.get("urgency", ""),
            "overdue": request.GET.get("overdue", ""),
        },
        "can_request": request.user.is_referrer,
    }
    return render(request, "cases/pages/portal_list.html", context, status=status)


# --- A new request --------------------------------------------------------------------------------------------


def _questions(post) -> list[str]:
    """Questions from repeated fields and/or one per line."""
    return [line.strip() for value in post.getlist("questions") for line in value.splitlines() if line.strip()]


def _request_create(*, request, created: list[Document]) -> SecondOpinion:
    """Validate the whole form (every part, so all field errors show at once), then write: the case if new,
    its documents, the request. Runs inside ``attempt``'s savepoint: a refusal anywhere writes nothing."""
    user, post = request.user, request.POST
    new_case = post.get("case_choice", "new") != "existing"
    errors: dict[str, Any] = {}
    case = case_form = None
    if new_case:
        case_form, errors = new_case_form(request, with_board=False)
    else:
        picked = post.get("case", "")
        try:
            case = selectors.case_list(user).filter(public_id=picked).first() if picked else None
        except ValidationError:  # not a UUID
            case = None
        if case is None:
            errors["case"] = ["Choose one of your draft cases." if not picked else "No such case."]
    ask = SecondOpinionAskForm(post)
    if not ask.is_valid():
        errors.update(ask.error_dict())
    documents, document_errors = documents_validate(document_rows(request))
    errors.update(document_errors)
    if errors:
        raise ValidationError(errors)
    if new_case:
        case = services.case_create(user=user, data=case_form.case_data())
    documents_create(user=user, case=case, valid=documents, created=created)
    return so_services.second_opinion_request(user=user, case=case, **ask.cleaned_data)


def _new_context(request, *, errors=None, values=None) -> dict[str, Any]:
    user = request.user
    drafts = selectors.second_opinion_candidates(user)
    return new_case_context(user, values=values, errors=errors, with_board=False) | {
        "questions_text": "\n".join(_questions(values)) if values else "",
        "case_choice": values.get("case_choice", "new") if values else ("existing" if drafts else "new"),
        "drafts": drafts,
        "targets": selectors.second_opinion_targets(user),
    }


@login_required
@require_http_methods(["GET", "POST"])
def second_opinion_new(request):
    """Ask an academic board for a second opinion about a draft case, picked or created here."""
    if request.method == "GET":
        context = _new_context(request)
        audited_list(context["drafts"], user=request.user, view="second-opinion-new")
        return render(request, "cases/pages/portal_new.html", context)
    created: list[Document] = []
    outcome = attempt(_request_create, request=request, created=created)
    if not outcome.ok:
        files_forget(created)
        errors = shown_errors(outcome.by_field(), NEW_FORM_FIELDS)
        context = _new_context(request, errors=errors, values=request.POST)
        return render(request, "cases/pages/portal_new.html", context, status=outcome.status)
    messages.success(request, "Your second-opinion request was sent. It is routed to the right board in a moment.")
    return redirect(_page_path(outcome.value))


# --- The request's page ------------------------------------------------------------------------------------------


def _latest_report(so: SecondOpinion):
    return so.reports.order_by("-version").first()


def _board_tz(so: SecondOpinion) -> str:
    """The time zone the request's times are shown in: its board's, else the server's."""
    return so.board.timezone if so.board_id else settings.TIME_ZONE


def _report_context(so: SecondOpinion) -> dict[str, Any]:
    """The report's part of the page (``report_*``), also the fragment polled while it is being built."""
    report = _latest_report(so)
    ready = (
        so.reports.filter(status=PacketStatus.READY).order_by("-version").first()
        if report is not None and report.status != PacketStatus.READY
        else report
    )
    building = report is not None and report.status in {PacketStatus.PENDING, PacketStatus.BUILDING}
    waiting = so.status == SO.REVIEWED and (report is None or building)
    return {
        "report_report": report,
        "report_ready": ready,
        "report_building": building or waiting,
        "report_failed": report is not None and report.status == PacketStatus.FAILED,
        "report_pdf_url": (
            f"/api/v1/second-opinions/{so.public_id}/report/pdf/?version={ready.version}" if ready is not None else ""
        ),
        "report_poll": REPORT_POLL,
    }


def _page_context(request, so: SecondOpinion, *, errors: dict | None = None, form: str = "", values=None):
    user = request.user
    case = so.case
    requester = is_second_opinion_requester(user, so)
    answerer = can_answer_second_opinion(user, so)
    actions = second_opinion_actions_open(user, so)
    status = so.status
    documents = list(selectors.documents_of(case).order_by("-created_at"))
    meetings = []
    if "accept" in actions and so.board_id is not None:
        meetings = list(
            meetings_visible_to(user)
            .filter(board_id=so.board_id, status=MeetingStatus.SCHEDULED, starts_at__gt=timezone.now())
            .select_related("board")
            .order_by("starts_at")[:20]
        )
    boards = []
    if "accept" in actions and so.board_id is None:
        boards = list(boards_visible_to(user).filter(institution_id=so.target_institution_id).order_by("name"))
    transitions = list(so.transitions.all())
    for step in transitions:
        step.label = STEP_LABELS.get(step.action, step.action.replace("-", " ").capitalize())
    info_requests = [t for t in transitions if t.action == "request-info"]
    errors = errors or {}
    return {
        "so": so,
        "board_tz": _board_tz(so),
        "case": case,
        "patient": case.patient,
        "transitions": transitions,
        "info_request": info_requests[-1] if info_requests and status == SO.INFO_REQUESTED else None,
        "documents": documents,
        "is_requester": requester,
        "is_answerer": answerer,
        "can_accept": "accept" in actions,
        "can_decline": "decline" in actions,
        "can_request_info": "request-info" in actions,
        "can_provide_info": "provide-info" in actions,
        "can_cancel": "cancel" in actions,
        "can_upload": status in SECOND_OPINION_OPEN and can_comment(user, case) and case.status != CaseStatus.CLOSED,
        "meetings": meetings,
        "boards": boards,
        "join_path": f"{_page_path(so)}join/" if status == SO.SCHEDULED and requester else "",
        "open": status in SECOND_OPINION_OPEN,
        "form": form,
        "errors": errors,
        "values": values or {},
        "document_kinds": DocumentKind.choices,
        "document_rows": document_form_rows(values, errors),
        **_report_context(so),
    }


def _render_page(request, so, *, status=200, **kwargs):
    return render(request, "cases/pages/second_opinion_page.html", _page_context(request, so, **kwargs), status=status)


def _get(request, request_id) -> SecondOpinion:
    return selectors.second_opinion_get(request.user, request_id)


@login_required
@require_GET
def second_opinion_page(request, request_id):
    so = _get(request, request_id)
    context = _page_context(request, so)
    shown = [so, *context["documents"], *filter(None, [context["report_ready"]])]
    audited_read(shown, user=request.user, view="second-opinion-page")
    return render(request, "cases/pages/second_opinion_page.html", context)


@login_required
@require_GET
def second_opinion_report_status(request, request_id):
    """The report's progress, polled by htmx every ~2 s while it is being built; then the download link."""
    so = _get(request, request_id)
    if not request.htmx:
        return redirect(_page_path(so))
    context = _report_context(so)
    # the report and the request's status commit together: read the status after the report, so a ready
    # report never shows beside the status from before it (a poll reading between the two would stop there)
    so.refresh_from_db(fields=["status", "report_sent_at"])
    context |= {"so": so, "board_tz": _board_tz(so), "oob": True}
    if context["report_ready"] is not None:
        audited_read([context["report_ready"]], user=request.user, view="second-opinion report")
    return render(request, "cases/pages/second_opinion_report_status.html", context)


def _transition(*, request, so: SecondOpinion, action_name: str, created: list[Document]):
    user = request.user
    params = SECOND_OPINION_ACTION_FORMS[action_name](request.POST).cleaned_or_raise()
    arguments = {}
    if action_name == "accept":
        arguments = selectors.second_opinion_accept_targets(user, board=params["board"], meeting=params["meeting"])
    arguments["message"] = params.get("reason") or params.get("message") or ""
    if action_name == "provide-info":
        documents, errors = documents_validate(document_rows(request))
        if errors:
            raise ValidationError(errors)
        documents_create(user=user, case=so.case, valid=documents, created=created)
    return second_opinion_transition(user=user, request=so, action_name=action_name, **arguments)


@login_required
@require_POST
def second_opinion_action(request, request_id, action_name):
    """Accept, decline, request-info (the coordinators), provide-info, cancel (the requesting physicians)."""
    so = _get(request, request_id)
    if action_name not in SECOND_OPINION_ACTION_FORMS:
        raise Http404("No such action.")
    created: list[Document] = []
    outcome = attempt(_transition, request=request, so=so, action_name=action_name, created=created)
    if not outcome.ok:
        files_forget(created)
        so = _get(request, request_id)
        fields = ACTION_FIELDS[action_name] | ({"board"} if action_name == "accept" and so.board_id is None else set())
        errors = shown_errors(outcome.by_field(), fields)
        return _render_page(request, so, status=outcome.status, errors=errors, form=action_name, values=request.POST)
    _, changed = outcome.value
    messages.success(request, ACTION_DONE[action_name] if changed else "Nothing to do: that was already done.")
    return redirect(_page_path(so))


def _documents_add(*, request, so: SecondOpinion, created: list[Document]) -> int:
    rows = document_rows(request)
    if not rows:
        raise ValidationError({"doc_1.file": ["Choose a file to upload."]})
    documents, errors = documents_validate(rows)
    if errors:
        raise ValidationError(errors)
    if so.status not in SECOND_OPINION_OPEN:
        raise ValidationError(["Documents are added while the request is open."])
    documents_create(user=request.user, case=so.case, valid=documents, created=created)
    return len(created)


@login_required
@require_POST
def second_opinion_documents(request, request_id):
    """Attach documents to the request's case while the request is open (all of them or none)."""
    so = _get(request, request_id)
    created: list[Document] = []
    outcome = attempt(_documents_add, request=request, so=so, created=created)
    if not outcome.ok:
        files_forget(created)
        errors = shown_errors(outcome.by_field(), ACTION_FIELDS["documents"])
        return _render_page(request, so, status=outcome.status, errors=errors, form="documents", values=request.POST)
    count = outcome.value
    messages.success(request, f"{count} document{'s' if count != 1 else ''} added to the case.")
    return redirect(_page_path(so))


urlpatterns = [
    path("second-opinions/", second_opinion_list_page, name="second-opinions"),
    path("second-opinions/new/", second_opinion_new, name="second-opinion-new"),
    path("second-opinions/<uuid:request_id>/", second_opinion_page, name="second-opinion-page"),
    path("second-opinions/<uuid:request_id>/report/", second_opinion_report_status, name="second-opinion-report"),
    path("second-opinions/<uuid:request_id>/documents/", second_opinion_documents, name="second-opinion-documents"),
    path("second-opinions/<uuid:request_id>/<slug:action_name>/", second_opinion_action, name="second-opinion-action"),
]
