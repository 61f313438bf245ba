"""The case page (SPEC §5.6): profile, checklist, packet, documents, comments, reviews, plans, the change the
board made, follow-ups, the patient's timeline (cases.timeline); and the plan form it shares with the meeting's
run mode.

Everything goes through the selectors and services the API uses: ``case_get`` scopes the case (404 for others),
the forms of ``cases.pages.forms`` read input, ``tumorboard.web.attempt`` turns refusals into errors next to the
fields.
"""

from __future__ import annotations

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from cases import selectors
from cases.changes import plans_compare
from cases.checklist import Severity, evaluate
from cases.codes import (
    ChangeBasis,
    ChangeCategory,
    CommentKind,
    DocumentKind,
    PacketStatus,
    PlanKind,
    ReviewKind,
)
from cases.lifecycle.case_actions import CASE_ACTIONS, case_actions_open, case_transition
from cases.lifecycle.recommendation import BOARD_ONLY_FIELDS, BOARD_PLAN_STATUSES, plan_record
from cases.models import ChangeRecord, Packet, Plan, RevisedField
from cases.pages.fhir_import import record_note
from cases.pages.forms import (
    CommentForm,
    DocumentForm,
    PlanComponentForm,
    PlanComponentFormSet,
    PlanForm,
    ReasonForm,
    ReviewForm,
)
from cases.services import packets
from cases.services.case_profile import CLOSED_STATUSES, case_editable
from cases.services.comments import comment_create
from cases.services.documents import document_create
from cases.services.reviews import REVIEW_SPECIALTY, review_record
from cases.timeline import EventKind, case_timeline
from cases.trials import trials_attach, trials_content
from scheduling.models import AgendaItemStatus, Meeting
from scheduling.quorum import case_specialties_present
from scheduling.selectors import meetings_visible_to
from specialists.access import can_comment, can_record_board_plan, can_review
from specialists.models import Specialty
from tumorboard.forms import item_errors
from tumorboard.reads import audited_read
from tumorboard.web import attempt, uuid_or_none

# --- The plan form (shared with the meeting's run mode) --------------------------------------------------

PLAN_ROWS = 4  # empty component rows offered by a fresh form
SPECIALTIES = frozenset(Specialty.values)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


PLAN_ROW_FIELDS = tuple(PlanComponentForm.base_fields)  # modality, detail, drugs, target_auc, dose_mg_m2, cycles, trial


def _plan_rows(components: PlanComponentFormSet) -> list[dict]:
    """The component rows as posted (``modality_1``, ``detail_1``, ...), each with room for its errors."""
    rows = []
    for form in components.forms:
        row = {f: (form.data.get(form.add_prefix(f)) or "").strip() for f in PLAN_ROW_FIELDS}
        rows.append({**row, "n": form.number, "errors": {}, "filled": form.has_changed()})
    return rows


def _plan_errors(errors: dict[str, list[str]], used: list[dict], kind: str) -> dict[str, list[str]]:
    """A component's errors (``components[i].drugs``, the i-th row that carries something) go next to its row; a
    board-only field's error on a proposed plan (which has no such field) goes on top; the rest stay as they are."""
    by_item, rest = item_errors(errors, "components")
    out: dict[str, list[str]] = {}
    for index, fields in by_item.items():
        if index < len(used):
            for name, msgs in fields.items():
                used[index]["errors"].setdefault(name, []).extend(msgs)
        else:
            out.setdefault("components", []).extend(m for msgs in fields.values() for m in msgs)
    for name, msgs in rest.items():
        name = name.split("[", 1)[0]  # specialties_present[2] -> next to the specialties
        if kind != PlanKind.BOARD and name in BOARD_ONLY_FIELDS:
            out.setdefault("", []).extend(f"{name.replace('_', ' ').capitalize()}: {m}" for m in msgs)
        else:
            out.setdefault(name, []).extend(msgs)
    return out


def _filled(row: dict) -> bool:
    return any(row[f] for f in PLAN_ROW_FIELDS)


def _plan_form_rows(rows: list[dict]) -> list[dict]:
    """The posted rows, padded with empty ones so there is always room for another component."""
    rows = list(rows)
    while len(rows) < PLAN_ROWS or (rows and _filled(rows[-1])):
        n = rows[-1]["n"] + 1 if rows else 1
        rows.append({"n": n, **dict.fromkeys(PLAN_ROW_FIELDS, ""), "errors": {}})
    return rows


def _record_plan(*, user, case, form: PlanForm):
    return plan_record(user=user, case=case, data=form.plan_data())


@login_required
@require_POST
def plan_record_page(request, case_id):
    """Record a proposed or board plan from the plan form (case page, meeting run mode)."""
    case = selectors.case_get(request.user, case_id)
    kind = request.POST.get("kind", "")
    kind = kind if kind in PlanKind.values else PlanKind.PROPOSED
    form = PlanForm(request.POST, case=case)
    rows = _plan_rows(form.components)
    used = [row for row in rows if row.pop("filled")]
    fallback = reverse("case-page", args=[case.public_id])
    target = _safe_next(request, fallback)
    outcome = attempt(_record_plan, user=request.user, case=case, form=form)
    if outcome.ok:
        plan = outcome.value
        label = "Board recommendation" if plan.kind == PlanKind.BOARD else "Proposed plan"
        messages.success(request, f"{label} version {plan.version} recorded.")
        if request.htmx:
            return HttpResponseClientRedirect(target)
        return redirect(target)
    meeting = None
    if kind == PlanKind.BOARD and request.POST.get("meeting"):
        wanted = uuid_or_none(request.POST["meeting"])
        meeting = Meeting.objects.select_related("board").filter(board_id=case.board_id, public_id=wanted).first()
    plan_form = {
        "case": case,
        "kind": kind,
        "meeting": meeting,
        "specialties_present": request.POST.getlist("specialties_present"),
        "next": target,
        "errors": _plan_errors(outcome.by_field(), used, kind),
        "values": request.POST,
        "plan_rows": _plan_form_rows(rows),
    }
    if request.htmx:
        trials_attach([case])  # the trials the rows offer
        return render(request, "cases/pages/_plan_form.html", plan_form, status=outcome.status)
    return case_page_render(request, case, status=outcome.status, plan_form=plan_form)


# --- The case page ----------------------------------------------------------------------------------------

CASE_ACTION_LABELS = {
    "submit": "Submit to the board",
    "request-info": "Request information",
    "defer": "Defer to a later meeting",
    "withdraw": "Withdraw the case",
    "close": "Close the case",
}
PACKET_BUSY = frozenset({PacketStatus.PENDING, PacketStatus.BUILDING})


def _case_url(case, anchor: str = "") -> str:
    return reverse("case-page", args=[case.public_id]) + (f"#{anchor}" if anchor else "")


def _packet_context(case, packet: Packet | None) -> dict:
    version = packet.version if packet else None
    return {
        "case": case,
        "packet": packet,
        "packet_version": version,
        "packet_tz": selectors.case_timezone(case),
        "packet_busy": packet is not None and packet.status in PACKET_BUSY,
        "packet_pdf_url": (
            f"/api/v1/cases/{case.public_id}/packet/pdf/?version={version.version}" if version and version.pdf else ""
        ),
    }


def _side_by_side(plan_list: list[Plan], changes: list[ChangeRecord]) -> dict | None:
    """The current board plan next to the proposed plan it was compared with, differences marked."""
    boards = [p for p in plan_list if p.kind == PlanKind.BOARD]
    if not boards:
        return None
    board = boards[-1]
    record = next((c for c in changes if c.to_plan_id == board.pk and c.basis == ChangeBasis.PROPOSED), None)
    by_id = {p.pk: p for p in plan_list}
    proposed = by_id.get(record.from_plan_id) if record else None
    if proposed is None:
        earlier = [p for p in plan_list if p.kind == PlanKind.PROPOSED and p.created_at <= board.created_at]
        proposed = earlier[-1] if earlier else None
    if proposed is None:
        return None
    diff = plans_compare(proposed, board, [])  # the change record's own comparison, so both say the same
    return {
        "proposed": proposed,
        "board": board,
        "intent_changed": ChangeCategory.INTENT_CHANGED in diff.categories,
        "proposed_components": [(c, c.modality in diff.modalities) for c in proposed.components.all()],
        "board_components": [(c, c.modality in diff.modalities) for c in board.components.all()],
        "record": record,
        "records": [
            {"record": c, "categories": [ChangeCategory(k).label for k in c.categories]}
            for c in changes
            if c.to_plan_id == board.pk
        ],
    }


def _case_actions(user, case) -> list[dict]:
    """The status actions this user may take on the case now (the service decides again on POST)."""
    return [
        {"name": name, "label": CASE_ACTION_LABELS[name], "reason_required": CASE_ACTIONS[name].reason_required}
        for name in case_actions_open(user, case)
    ]


def _review_kinds(user, case) -> list[tuple[str, str]]:
    if not can_review(user, case):
        return []
    return [
        (kind, ReviewKind(kind).label) for kind, specialty in REVIEW_SPECIALTY.items() if user.specialty == specialty
    ]


def _linked_meetings(user, agenda_items: list, plans: list[Plan]) -> set[int]:
    """The meetings the page names that the user may open: a community physician's case is discussed at an
    academic board's meeting, whose time they see but whose page is not theirs."""
    named = {p.meeting_id for p in plans if p.meeting_id} | {item.meeting_id for item in agenda_items}
    return set(meetings_visible_to(user).filter(pk__in=named).values_list("pk", flat=True)) if named else set()


def _timeline_context(request, case, **sources) -> dict:
    """The timeline, filtered by the kinds ticked (``?kind=plan&kind=review``; none ticked: everything)."""
    events = case_timeline(case, **sources)
    wanted = {k for k in request.GET.getlist("kind") if k in EventKind.values}
    counts = Counter(e.kind for e in events)
    kinds = [
        {"value": value, "label": label, "count": counts[value], "checked": value in wanted}
        for value, label in EventKind.choices
        if counts[value]
    ]
    return {
        "timeline": [e for e in events if not wanted or e.kind in wanted],
        "timeline_count": len(events),
        "timeline_kinds": kinds,
        "timeline_filtered": bool(wanted),
        "timeline_timezone": selectors.case_timezone(case),
    }


def case_page_render(request, case, *, status: int = 200, **forms):
    """The case page; ``forms`` carries a refused form's ``errors`` and ``values`` (e.g. ``comment_form``)."""
    user = request.user
    today = timezone.localdate()
    findings = evaluate(case)
    documents = list(selectors.documents_of(case))
    comments = list(selectors.comments_of(case).order_by("created_at", "id"))
    reviews = list(selectors.reviews_of(case).order_by("created_at", "id"))
    plan_list = list(selectors.plans_of(case))
    for plan in plan_list:
        plan.specialty_labels = [
            Specialty(code).label for code in plan.specialties_present or [] if code in SPECIALTIES
        ]
    changes = list(selectors.changes_of(case))
    follow_ups = list(selectors.follow_ups_of(case))
    agenda_items = list(selectors.agenda_items_of(case))
    live = [i for i in agenda_items if i.status in (AgendaItemStatus.SCHEDULED, AgendaItemStatus.PRESENTED)]
    slot = live[-1] if live else None  # the latest meeting's
    linked_meetings = _linked_meetings(user, agenda_items, plan_list)
    audited_read([case], user=user, view="case page")
    counts = {s: sum(1 for f in findings if f.severity == s) for s in Severity.CHOICES}
    can_board_plan = can_record_board_plan(user, case) and case.status in BOARD_PLAN_STATUSES
    board_meeting = None
    board_present: list[str] = []
    if can_board_plan:
        board_meeting = slot.meeting if slot else None
        if board_meeting is not None:
            board_present = sorted(case_specialties_present(case, board_meeting))
    open_case = case.status not in CLOSED_STATUSES
    plan_form = forms.get("plan_form") or {}
    refused = next(iter(forms.values()), None)  # the form just refused, if any: its non-field errors go on top
    refusal = (refused or {}).get("errors") or {}
    context = {
        "case": case,
        "patient": case.patient,
        "age": case.patient.age_on(today),
        "slot": slot,
        "linked_meetings": linked_meetings,
        "findings": findings,
        "finding_counts": counts,
        "trials": trials_content(case, today=today),
        "documents": documents,
        "comments": comments,
        "reviews": reviews,
        "plans": plan_list,
        "changes": changes,
        "follow_ups": follow_ups,
        "side_by_side": _side_by_side(plan_list, changes),
        "actions": _case_actions(user, case),
        "can_edit_profile": case_editable(user, case),
        "can_comment": open_case and can_comment(user, case),
        "review_kinds": _review_kinds(user, case) if open_case else [],
        "revisable_fields": RevisedField.choices,
        "document_kinds": DocumentKind.choices,
        "comment_kinds": CommentKind.choices,
        "can_propose": open_case and can_comment(user, case),
        "can_board_plan": open_case and can_board_plan,
        "board_meeting": board_meeting,
        "board_present": board_present,
        "plan_form_kind": plan_form.get("kind"),
        "case_url": _case_url(case),
        "refused": refused is not None,
        "refusal_messages": refusal.get("", []),
        "refusal_fields": [name for name in refusal if name],
        "from_record": record_note(case),
        **_packet_context(case, selectors.packet_of(case)),
        **_timeline_context(
            request,
            case,
            documents=documents,
            comments=comments,
            reviews=reviews,
            plans=plan_list,
            changes=changes,
            follow_ups=follow_ups,
            agenda_items=agenda_items,
            meetings_linked=linked_meetings,
        ),
        **forms,
    }
    return render(request, "cases/pages/case.html", context, status=status)


@login_required
@require_GET
def case_page(request, case_id):
    return case_page_render(request, selectors.case_get(request.user, case_id))


def _refused(request, case, outcome, form: str, values) -> object:
    return case_page_render(
        request, case, status=outcome.status, **{form: {"errors": outcome.by_field(), "values": values}}
    )


@login_required
@require_POST
def packet_build_page(request, case_id):
    """Assemble the packet now: the same service as ``POST /api/v1/cases/{id}/packet/``."""
    case = selectors.case_get(request.user, case_id)
    packets.packet_request(case=case, by=request.user, reason="on demand")
    if request.htmx:
        return render(request, "cases/pages/_packet.html", _packet_context(case, selectors.packet_of(case)))
    messages.success(request, "The packet is being assembled.")
    return redirect(_case_url(case, "packet"))


@login_required
@require_GET
def packet_status_page(request, case_id):
    """The packet's build state (polled every 2 s while it is pending or building). Status only: no patient data."""
    case = selectors.case_get(request.user, case_id)
    return render(request, "cases/pages/_packet.html", _packet_context(case, selectors.packet_of(case)))


def _document_create(*, user, case, form: DocumentForm):
    params = form.cleaned_or_raise()
    return document_create(
        user=user, case=case, upload=params["file"], kind=params["kind"], title=params["title"], date=params["date"]
    )


@login_required
@require_POST
def document_create_page(request, case_id):
    case = selectors.case_get(request.user, case_id)
    form = DocumentForm(request.POST, request.FILES)
    outcome = attempt(_document_create, user=request.user, case=case, form=form)
    if not outcome.ok:
        return _refused(request, case, outcome, "document_form", request.POST)
    messages.success(request, "Document added.")
    return redirect(_case_url(case, "documents"))


def _comment_create(*, user, case, form: CommentForm):
    return comment_create(user=user, case=case, **form.cleaned_or_raise())


@login_required
@require_POST
def comment_create_page(request, case_id):
    case = selectors.case_get(request.user, case_id)
    outcome = attempt(_comment_create, user=request.user, case=case, form=CommentForm(request.POST))
    if not outcome.ok:
        return _refused(request, case, outcome, "comment_form", request.POST)
    messages.success(request, "Comment added.")
    return redirect(_case_url(case, "comments"))


def _review_create(*, user, case, form: ReviewForm):
    return review_record(user=user, case=case, **form.arguments())


@login_required
@require_POST
def review_create_page(request, case_id):
    """A specialty review and at most one profile revision (``review_record`` decides which)."""
    case = selectors.case_get(request.user, case_id)
    outcome = attempt(_review_create, user=request.user, case=case, form=ReviewForm(request.POST))
    if not outcome.ok:
        errors = {k.replace("revisions[0].", "revision_"): v for k, v in outcome.by_field().items()}
        return case_page_render(
            request, case, status=outcome.status, review_form={"errors": errors, "values": request.POST}
        )
    messages.success(request, "Specialty review recorded.")
    return redirect(_case_url(case, "reviews"))


def _transition(*, user, case, action_name, form: ReasonForm):
    params = form.cleaned_or_raise()
    return case_transition(user=user, case=case, action_name=action_name, reason=params["reason"])


@login_required
@require_POST
def case_action_page(request, case_id, action):
    case = selectors.case_get(request.user, case_id)
    if action not in CASE_ACTIONS:
        raise Http404("No such action.")
    outcome = attempt(_transition, user=request.user, case=case, action_name=action, form=ReasonForm(request.POST))
    if not outcome.ok:
        form = {"errors": outcome.by_field(), "values": request.POST, "action": action}
        return case_page_render(request, case, status=outcome.status, action_form=form)
    _, changed = outcome.value
    label = CASE_ACTION_LABELS[action]
    messages.success(request, f"{label}: done." if changed else f"{label}: already done, nothing changed.")
    return redirect(_case_url(case))


urlpatterns = [
    path("cases/<uuid:case_id>/", case_page, name="case-page"),
    path("cases/<uuid:case_id>/plans/", plan_record_page, name="case-plan-record"),
    path("cases/<uuid:case_id>/packet/build/", packet_build_page, name="case-packet-build"),
    path("cases/<uuid:case_id>/packet/status/", packet_status_page, name="case-packet-status"),
    path("cases/<uuid:case_id>/documents/", document_create_page, name="case-document-create"),
    path("cases/<uuid:case_id>/comments/", comment_create_page, name="case-comment-create"),
    path("cases/<uuid:case_id>/reviews/", review_create_page, name="case-review-create"),
    path("cases/<uuid:case_id>/actions/<slug:action>/", case_action_page, name="case-action"),
]
