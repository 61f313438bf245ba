"""Every write to cases, documents and comments. Each service runs in a transaction and audits itself."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from cases.case_checks import case_references_check
from cases.codes import CaseStatus, CommentKind
from cases.models import Biomarker, Case, CaseTransition, Comment, Document, Medication, Patient, Pharmacogenomic
from cases.packets import packet_request_if_built
from cases.second_opinions import (
    second_opinion_open_for,
    second_opinion_submit_check,
    second_opinions_cancel_for_case,
)
from tumorboard.access import can_comment, is_board_chair_or_coordinator, is_board_coordinator, is_care_team
from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction
from tumorboard.notifications import notify
from tumorboard.tasks import enqueue

S = CaseStatus

# Profile fields a service copies from validated data onto the case.
CASE_PROFILE_FIELDS = (
    "primary_site", "histology", "grade", "stage_system", "clinical_t", "clinical_n", "clinical_m",
    "pathological_t", "pathological_n", "pathological_m", "stage_group", "metastatic", "metastatic_sites",
    "metastasis_count", "diagnosis_date", "ecog", "gfr_ml_min", "lvef_percent", "bilirubin_mg_dl",
    "comorbidities", "menopausal_status", "fertility_goals", "fertility_preservation_discussed",
    "goals_of_care_discussed", "prior_anthracycline_mg_m2", "preferences", "psychosocial_notes",
    "gfr_date", "lvef_date", "bilirubin_date", "prior_anthracyclines", "financial_navigation",
    "acp_healthcare_proxy", "acp_advance_directive", "acp_polst",
    "treatment_intent", "question", "urgency", "treating_physician", "board",
)  # fmt: skip
CHILD_LISTS = {"biomarkers": Biomarker, "pharmacogenomics": Pharmacogenomic, "medications": Medication}
CLOSED_STATUSES = {S.CLOSED, S.WITHDRAWN}


def _patient_resolve(*, institution, data: dict[str, Any]) -> Patient:
    """The institution's patient with this MRN, created if new; a conflicting identity is a 400."""
    patient = Patient.objects.select_for_update().filter(institution=institution, mrn=data["mrn"]).first()
    if patient is None:
        return Patient.objects.create(institution=institution, **data)
    mismatched = [f for f in ("name", "birth_date", "sex") if f in data and getattr(patient, f) != data[f]]
    if "birth_date" in mismatched:
        raise ValidationError(
            {"patient.birth_date": ["Does not match the existing patient with this MRN at your institution."]}
        )
    for field in mismatched:
        setattr(patient, field, data[field])
    if mismatched:
        patient.save(update_fields=[*mismatched, "updated_at"])
    return patient


def _children_replace(case: Case, data: dict[str, Any]) -> None:
    for name, model in CHILD_LISTS.items():
        if name in data:
            getattr(case, name).all().delete()
            model.objects.bulk_create(model(case=case, **item) for item in data[name])


def _duplicates_check(data: dict[str, Any]) -> None:
    genes = [item["gene"] for item in data.get("pharmacogenomics", [])]
    duplicated = {g for g in genes if genes.count(g) > 1}
    if duplicated:
        raise ValidationError(
            {"pharmacogenomics": [f"One result per gene; repeated: {', '.join(sorted(duplicated))}."]}
        )


@transaction.atomic
def case_create(*, user, data: dict[str, Any]) -> Case:
    """Create a draft case of the user's institution. Foreign board/physician ids never reach here."""
    if user.institution_id is None:
        raise PermissionDenied("Only users of an institution create cases.")
    case_references_check(user=user, data=data)
    _duplicates_check(data)
    patient = _patient_resolve(institution=user.institution, data=data["patient"])
    fields = {f: data[f] for f in CASE_PROFILE_FIELDS if f in data}
    case = Case.objects.create(patient=patient, institution=user.institution, created_by=user, **fields)
    _children_replace(case, data)
    CaseTransition.objects.create(case=case, from_status=S.DRAFT, to_status=S.DRAFT, action="create", by=user)
    audit_write(user=user, action=AuditAction.CREATE, obj=case)
    return case


def case_edit_check(user, case: Case) -> None:
    """Who may change a case's profile, and when: its care team, while the case is open."""
    if not is_care_team(user, case):
        raise PermissionDenied("Only the case's care team or its board's coordinators edit it.")
    if case.status in CLOSED_STATUSES:
        raise Conflict(f"A {case.get_status_display().lower()} case can no longer be edited.", code="case_closed")


def case_editable(user, case: Case) -> bool:
    return is_care_team(user, case) and case.status not in CLOSED_STATUSES


@transaction.atomic
def case_update(*, user, case: Case, data: dict[str, Any], unchanged_since: datetime.datetime | None = None) -> Case:
    """Change the profile. Only the care team; never the status; the board only while a draft. With
    ``unchanged_since`` (the version a form was filled in on), a case changed since is refused, not overwritten."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    case_edit_check(user, case)
    if unchanged_since is not None and case.updated_at != unchanged_since:
        raise Conflict("Someone else changed this case after you opened the form: nothing was saved.", code="stale")
    case_references_check(user=user, data=data, case=case)
    if "board" in data and data["board"] != case.board:
        if case.status != S.DRAFT:
            raise ValidationError({"board": ["The board can only be changed while the case is a draft."]})
        if second_opinion_open_for(case):
            raise ValidationError({"board": ["The case's second-opinion request decides its board."]})
    _duplicates_check(data)
    if "patient" in data:
        patient_data = data["patient"]
        if "mrn" in patient_data and patient_data["mrn"] != case.patient.mrn:
            raise ValidationError({"patient.mrn": ["The MRN of a case's patient cannot be changed."]})
        patient = case.patient
        for field, value in patient_data.items():
            setattr(patient, field, value)
        patient.save()
    changed = sorted(f for f in CASE_PROFILE_FIELDS if f in data)
    for field in changed:
        setattr(case, field, data[field])
    case.save()
    _children_replace(case, data)
    packet_request_if_built(case=case, reason="case data changed")
    audit_write(
        user=user,
        action=AuditAction.UPDATE,
        obj=case,
        detail={"fields": changed + sorted(k for k in ("patient", *CHILD_LISTS) if k in data)},
    )
    return case


# --- Status transitions ---------------------------------------------------------------------------------


def _care_team(user, case: Case) -> bool:
    return is_care_team(user, case)


def _board_lead(user, case: Case) -> bool:
    return is_board_chair_or_coordinator(user, case.board_id)


def _coordinator(user, case: Case) -> bool:
    return is_board_coordinator(user, case.board_id)


def _care_team_or_coordinator(user, case: Case) -> bool:
    return is_care_team(user, case) or is_board_coordinator(user, case.board_id)


@dataclass(frozen=True)
class CaseAction:
    name: str
    sources: frozenset[str]
    target: str
    allowed: Any  # (user, case) -> bool
    who: str
    reason_required: bool = False
    # Statuses in which a repeat of this action is already done (a no-op): the target by default.
    done: frozenset[str] = frozenset()

    def is_done(self, status: str) -> bool:
        return status == self.target or status in self.done


CASE_ACTIONS: dict[str, CaseAction] = {
    a.name: a
    for a in (
        CaseAction(
            "submit",
            frozenset({S.DRAFT, S.INFO_REQUESTED}),
            S.SUBMITTED,
            _care_team,
            "the care team",
            done=frozenset({S.SCHEDULED, S.DEFERRED}),  # submitted, then put on an agenda
        ),
        CaseAction(
            "request-info",
            frozenset({S.SUBMITTED, S.SCHEDULED, S.DEFERRED}),
            S.INFO_REQUESTED,
            _board_lead,
            "the board's chair or coordinators",
            reason_required=True,
        ),
        CaseAction("defer", frozenset({S.SCHEDULED}), S.DEFERRED, _coordinator, "the board's coordinators"),
        CaseAction(
            "withdraw",
            frozenset({S.DRAFT, S.SUBMITTED, S.SCHEDULED, S.INFO_REQUESTED, S.DEFERRED, S.DISCUSSED}),
            S.WITHDRAWN,
            _care_team,
            "the care team",
        ),
        CaseAction("close", frozenset({S.RECOMMENDED}), S.CLOSED, _care_team_or_coordinator, "the care team"),
    )
}


def _submit_check(case: Case) -> None:
    second_opinion_submit_check(case)
    if case.board_id is None:
        raise ValidationError(
            {"board": ["Choose the board to present the case to before submitting it (or request a second opinion)."]}
        )


def _after_transition(*, user, case: Case, action: CaseAction, reason: str) -> None:
    path = f"/cases/{case.public_id}/"
    if action.name == "submit":
        from scheduling.tasks import agenda_allocate_case

        enqueue(agenda_allocate_case, case.pk)
        coordinators = case.board.memberships.filter(role="coordinator").select_related("user")
        notify(
            recipients=[m.user for m in coordinators],
            kind="case_submitted",
            subject=f"A case was submitted to {case.board.name}",
            path=path,
            text="A case was submitted for discussion. Open it in the tumor-board service:",
        )
    elif action.name == "request-info":
        notify(
            recipients=[case.created_by, case.treating_physician],
            kind="case_info_requested",
            subject="The tumor board asks for more information on a case",
            path=path,
            text="The board needs more information before it can discuss a case you submitted:",
        )


def case_status_set(*, case: Case, to_status: str, action: str, by, reason: str = "") -> None:
    """Record a status change of a locked case: the row, its transition and the audit event.

    The caller holds the case's row lock and has checked that the change is allowed; services of other
    apps (agenda allocation, roll-over) call this for the transitions they drive.
    """
    previous = case.status
    case.status = to_status
    case.save(update_fields=["status", "submitted_at", "meeting", "updated_at"])
    CaseTransition.objects.create(
        case=case, from_status=previous, to_status=to_status, action=action, by=by, reason=reason
    )
    audit_write(user=by, action=AuditAction.TRANSITION, obj=case, detail={"action": action, "from": previous})


@transaction.atomic
def case_transition(*, user, case: Case, action_name: str, reason: str = "") -> tuple[Case, bool]:
    """Apply a case action. Returns (case, changed); a repeat of a done action changes nothing.

    Raises Conflict (409) when the action is not allowed from the current status, PermissionDenied when
    the user may see the case but not take this action.
    """
    action = CASE_ACTIONS[action_name]
    case = Case.objects.select_for_update(of=("self",)).select_related("board").get(pk=case.pk)
    if not action.allowed(user, case):
        raise PermissionDenied(f"Only {action.who} may {action.name.replace('-', ' ')} this case.")
    if action.is_done(case.status):
        return case, False
    if case.status not in action.sources:
        raise Conflict(
            f"Cannot {action.name.replace('-', ' ')} a case that is {case.get_status_display().lower()}; "
            f"allowed from: {', '.join(sorted(action.sources))}."
        )
    if action.reason_required and not reason.strip():
        raise ValidationError({"reason": ["Say what is needed."]})
    if action.name == "submit":
        _submit_check(case)
        case.submitted_at = timezone.now()
    if action.name == "defer":
        from scheduling.services import agenda_defer_case

        agenda_defer_case(case=case, by=user, reason=reason)
        return case, True
    if action.name == "withdraw":
        second_opinions_cancel_for_case(case=case, by=user, reason=reason)
    if case.status in {S.SCHEDULED, S.DEFERRED}:
        from scheduling.services import agenda_release_for_case

        agenda_release_for_case(case=case)
    case_status_set(case=case, to_status=action.target, action=action.name, by=user, reason=reason)
    _after_transition(user=user, case=case, action=action, reason=reason)
    return case, True


# --- Documents and comments ------------------------------------------------------------------------------

_SIGNATURES = {
    "application/pdf": lambda head: head.startswith(b"%PDF-"),
    "image/png": lambda head: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "image/jpeg": lambda head: head.startswith(b"\xff\xd8\xff"),
    "application/dicom": lambda head: head[128:132] == b"DICM",
}


def _content_check(upload, content_type: str) -> None:
    head = upload.read(512)
    upload.seek(0)
    check = _SIGNATURES.get(content_type)
    if check is not None and not check(head):
        raise ValidationError({"file": [f"The file's content is not {content_type}."]})
    if content_type == "text/plain":
        try:
            b"".join(upload.chunks()).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValidationError({"file": ["A text/plain document must be UTF-8 text."]}) from exc
        finally:
            upload.seek(0)


@transaction.atomic
def document_create(*, user, case: Case, upload, kind: str, title: str, date) -> Document:
    if not can_comment(user, case):
        raise PermissionDenied("Only the case's care team and board members add documents.")
    if case.status in CLOSED_STATUSES:
        raise Conflict("Documents cannot be added to a closed or withdrawn case.", code="case_closed")
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError({"file": [f"The file is larger than {settings.DOCUMENT_MAX_BYTES} bytes."]})
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in settings.DOCUMENT_CONTENT_TYPES:
        accepted = ", ".join(settings.DOCUMENT_CONTENT_TYPES)
        raise ValidationError({"file": [f"Type {content_type or 'unknown'} is not accepted; use {accepted}."]})
    if upload.size == 0:
        raise ValidationError({"file": ["The file is empty."]})
    _content_check(upload, content_type)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        case=case,
        kind=kind,
        title=title,
        date=date,
        content_type=content_type,
        sha256=digest.hexdigest(),
        size=upload.size,
        uploaded_by=user,
    )
    document.file.save("upload", upload, save=False)
    try:
        document.save()
        audit_write(user=user, action=AuditAction.CREATE, obj=document, detail={"sha256": document.sha256})
        packet_request_if_built(case=case, reason="document added")
    except Exception:
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def comment_create(*, user, case: Case, body: str, kind: str) -> Comment:
    if not can_comment(user, case):
        raise PermissionDenied("Only the case's care team and board members comment.")
    if case.status in CLOSED_STATUSES:
        raise Conflict("A closed or withdrawn case takes no more comments.", code="case_closed")
    comment = Comment.objects.create(case=case, author=user, specialty=user.specialty, kind=kind, body=body)
    audit_write(user=user, action=AuditAction.CREATE, obj=comment)
    if kind == CommentKind.PRE_REVIEW:
        packet_request_if_built(case=case, reason="pre-review added")
    return comment
