"""Follow-through: whether a board recommendation was carried out, and the reminders for those still unrecorded."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef

from cases.codes import CaseStatus, Implemented, PlanKind
from cases.locks import case_lock
from cases.models import Case, FollowUp, FollowUpReminder, Plan
from cases.selectors import follow_up_due_plans
from cases.states import CASE
from scheduling.models import Board
from specialists.access import can_record_follow_up
from specialists.models import BoardRole, Specialty
from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction
from tumorboard.notifications import notify

S = CaseStatus


@transaction.atomic
def follow_up_record(*, user, case: Case, data: dict[str, Any]) -> FollowUp:
    """Record whether a board recommendation (by default the current one) was carried out; following up the
    current one closes a recommended case."""
    case = case_lock(case)
    if not can_record_follow_up(user, case):
        raise PermissionDenied("Only the case's care team and its board's navigators record follow-through.")
    latest = Plan.objects.filter(case=case, kind=PlanKind.BOARD).order_by("-version").first()
    if latest is None:
        raise ValidationError({"plan": ["The board has not recorded a recommendation for this case yet."]})
    plan = data.get("plan") or latest
    if plan.case_id != case.pk or plan.kind != PlanKind.BOARD:
        raise ValidationError({"plan": ["Not a board recommendation of this case."]})
    implemented, reason, note = data["implemented"], data.get("reason", ""), data.get("note", "").strip()
    if implemented == Implemented.YES and reason:
        raise ValidationError({"reason": ["A recommendation carried out in full has no reason."]})
    if implemented != Implemented.YES and not reason:
        raise ValidationError({"reason": ["Say why the recommendation was not (fully) carried out."]})
    if reason == "other" and not note:
        raise ValidationError({"note": ["Describe the other reason."]})
    enrolled = data.get("enrolled_trial")
    if enrolled is not None:
        if not plan.components.filter(trial=enrolled).exists():
            raise ValidationError({"enrolled_trial": ["Not a trial this board recommendation refers the patient to."]})
        if implemented == Implemented.NO:
            raise ValidationError({"enrolled_trial": ["An enrolment carries the recommendation out: yes or partial."]})
    if case.status not in {S.RECOMMENDED, S.CLOSED}:
        raise Conflict(f"Follow-through is recorded for a recommended case; this one is {case.status}.")
    follow_up = FollowUp.objects.create(
        case=case,
        plan=plan,
        implemented=implemented,
        reason=reason,
        note=note,
        recorded_by=user,
        enrolled_trial=enrolled,
    )
    detail = {"implemented": implemented} | ({"enrolled_trial": enrolled.identifier} if enrolled else {})
    audit_write(user=user, action=AuditAction.CREATE, obj=follow_up, detail=detail)
    if case.status == S.RECOMMENDED and plan.pk == latest.pk:  # the current recommendation is followed up
        CASE.apply(case, "follow-up", by=user, note=f"implemented: {implemented}")
    return follow_up


def follow_ups_remind(*, now: datetime.datetime | None = None) -> int:
    """Tell each board's nurse navigators (its coordinators when it has none) how many of its
    recommendations are due for follow-through; each plan is counted in one reminder only. No patient data."""
    with transaction.atomic():
        due = (
            follow_up_due_plans(now=now)
            .exclude(Exists(FollowUpReminder.objects.filter(plan=OuterRef("pk"))))
            .select_for_update(of=("self",), skip_locked=True)
            .values_list("pk", "case__board_id")
        )
        by_board: dict[int, list[int]] = {}
        for plan_id, board_id in due:
            by_board.setdefault(board_id, []).append(plan_id)
        FollowUpReminder.objects.bulk_create(
            [FollowUpReminder(plan_id=p) for ids in by_board.values() for p in ids], ignore_conflicts=True
        )
        for board in Board.objects.filter(pk__in=by_board).prefetch_related("memberships__user"):
            members = list(board.memberships.all())
            navigators = [m.user for m in members if m.user.specialty == Specialty.NURSE_NAVIGATION]
            coordinators = [m.user for m in members if m.role == BoardRole.COORDINATOR]
            count = len(by_board[board.pk])
            notify(
                recipients=navigators or coordinators,
                kind="follow_up_due",
                subject=f"{count} recommendation(s) of {board.name} await follow-through",
                path=f"/follow-up/?board={board.public_id}",
                text=(
                    f"{count} board recommendation(s) are older than {settings.FOLLOW_UP_DUE_DAYS} days "
                    "and have no follow-through recorded. Open the worklist:"
                ),
            )
        return sum(len(ids) for ids in by_board.values())
