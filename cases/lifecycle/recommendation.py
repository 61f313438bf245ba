"""A plan recorded for a case: proposed by its care team or a board member, or the board's recommendation, which
presents the case at its meeting, makes it recommended, starts the change detection and reviews its
second-opinion request."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from cases.checklist.drugs import expand_all
from cases.codes import CaseStatus, Modality, PlanKind
from cases.lifecycle.agenda import agenda_present_case
from cases.locks import case_lock
from cases.models import Case, Plan, PlanComponent
from cases.quorum import specialties_required_for_case
from cases.services.case_profile import case_open_check
from cases.services.packets import packet_request_if_built
from cases.services.reports import second_opinion_reviewed
from cases.states import CASE
from cases.trials import trials_institution_id
from scheduling.quorum import case_specialties_present, specialties_ordered
from scheduling.selectors import presented_meetings
from specialists.access import can_comment, can_record_board_plan
from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction
from tumorboard.queue import enqueue

S = CaseStatus


BOARD_ONLY_FIELDS = ("consensus", "dissent", "specialties_present", "meeting", "guideline")


# The statuses from which the board records (or supersedes) its recommendation.
BOARD_PLAN_STATUSES = frozenset({S.SCHEDULED, S.DISCUSSED, S.RECOMMENDED})


def _components_check(case: Case, components: list[dict[str, Any]]) -> None:
    if not components:
        raise ValidationError({"components": ["A plan has at least one component."]})
    errors: dict[str, list[str]] = {}
    for i, component in enumerate(components):
        trial = component.get("trial")
        if trial is not None and component["modality"] != Modality.CLINICAL_TRIAL:
            errors[f"components[{i}].trial"] = [
                f"A trial belongs to a clinical_trial component, not to {component['modality']}."
            ]
        elif trial is not None and trial.institution_id != trials_institution_id(case):
            errors[f"components[{i}].trial"] = ["Not a trial of the institution whose board discusses the case."]
        drugs = component.get("drugs") or []
        systemic = component["modality"] == Modality.SYSTEMIC_THERAPY
        if drugs and not systemic:
            errors[f"components[{i}].drugs"] = [
                f"Drugs belong to a systemic_therapy component, not to {component['modality']}."
            ]
        if component.get("target_auc") is not None and "carboplatin" not in expand_all(drugs):
            errors[f"components[{i}].target_auc"] = ["A target AUC is given for carboplatin only."]
        for field in ("dose_mg_m2", "cycles"):
            if component.get(field) is not None and not systemic:
                errors[f"components[{i}].{field}"] = [
                    f"A dose and cycles belong to a systemic_therapy component, not to {component['modality']}."
                ]
    if errors:
        raise ValidationError(errors)


def _board_meeting(case: Case, requested, *, by):
    """The meeting the board decided at: the case's own meeting when it is presented now (scheduled →
    discussed), else the requested or latest meeting at which it was presented."""
    if case.status == S.SCHEDULED:
        meeting = agenda_present_case(case=case, by=by)
        if requested is not None and requested.pk != meeting.pk:
            raise ValidationError({"meeting": ["The case is being presented at another meeting."]})
        return meeting
    presented = presented_meetings(case)
    if requested is not None:
        if not presented.filter(pk=requested.pk).exists():
            raise ValidationError({"meeting": ["The case was not presented at this meeting."]})
        return requested
    meeting = presented.first()
    if meeting is None:
        raise ValidationError({"meeting": ["The case has not been presented at a meeting of its board."]})
    return meeting


def _next_version(case: Case, kind: str) -> int:
    return (Plan.objects.filter(case=case, kind=kind).aggregate(v=Max("version"))["v"] or 0) + 1


@transaction.atomic
def plan_record(*, user, case: Case, data: dict[str, Any]) -> Plan:
    """Record a new plan version. ``proposed``: by the care team or a board member, before or between board
    discussions. ``board``: by the board's chair or coordinator, with its consensus; the case becomes
    recommended and the change detection is enqueued. Versions supersede; nothing is edited."""
    case = case_lock(case)
    kind = data["kind"]
    if kind == PlanKind.BOARD and not can_record_board_plan(user, case):
        raise PermissionDenied("Only the board's chair or coordinators record the board's recommendation.")
    if kind == PlanKind.PROPOSED and not can_comment(user, case):
        raise PermissionDenied("Only the case's care team and board members propose a plan.")
    case_open_check(case, "plans")
    _components_check(case, data["components"])
    fields: dict[str, Any] = {"intent": data["intent"], "rationale": data.get("rationale", "")}
    if kind == PlanKind.PROPOSED:
        given = [f for f in BOARD_ONLY_FIELDS if data.get(f)]
        if given:
            raise ValidationError({f: ["Only the board's recommendation records this."] for f in given})
    else:
        if not data.get("consensus"):
            raise ValidationError({"consensus": ["The board's recommendation records its consensus."]})
        if data["consensus"] == "unanimous" and (data.get("dissent") or "").strip():
            raise ValidationError({"dissent": ["A unanimous recommendation has no dissent."]})
        if case.status not in BOARD_PLAN_STATUSES:
            raise Conflict(
                f"The board records its recommendation for a case on its agenda or discussed; "
                f"this one is {case.get_status_display().lower()}."
            )
        meeting = _board_meeting(case, data.get("meeting"), by=user)
        present = data.get("specialties_present")
        if present is None:
            present = case_specialties_present(case, meeting)
        fields |= {
            "consensus": data["consensus"],
            "dissent": data.get("dissent") or "",
            "guideline": (data.get("guideline") or "").strip(),
            "meeting": meeting,
            "specialties_present": specialties_ordered(present),
            "quorum_met": specialties_required_for_case(case) <= set(present),
        }
    plan = Plan.objects.create(case=case, kind=kind, version=_next_version(case, kind), created_by=user, **fields)
    PlanComponent.objects.bulk_create(
        PlanComponent(
            plan=plan,
            position=i,
            modality=c["modality"],
            detail=c.get("detail", ""),
            drugs=c.get("drugs") or [],
            target_auc=c.get("target_auc"),
            dose_mg_m2=c.get("dose_mg_m2"),
            cycles=c.get("cycles"),
            trial=c.get("trial"),
        )
        for i, c in enumerate(data["components"], start=1)
    )
    audit_write(user=user, action=AuditAction.CREATE, obj=plan, detail={"kind": kind, "version": plan.version})
    if kind == PlanKind.BOARD:
        if case.status != S.RECOMMENDED:
            CASE.apply(case, "recommend", by=user)
        enqueue("cases.tasks.plan_changes_detect", plan.pk)
        second_opinion_reviewed(case=case, plan=plan, by=user)
    packet_request_if_built(case=case, reason=f"{kind} plan recorded")
    return plan
