"""Writes of SPEC §5.4: specialty reviews, plan versions, change records and follow-through.

Each service runs in a transaction, checks the access policy (tumorboard.access) and audits itself. The
case moves discussed → recommended when the board records its plan and recommended → closed when the
follow-through is recorded.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils import timezone

from cases.changes import plans_compare
from cases.checklist.drugs import expand_all
from cases.codes import CaseStatus, ChangeBasis, Grade, Implemented, Modality, PlanKind, ReviewKind
from cases.models import (
    Case,
    ChangeRecord,
    FollowUp,
    FollowUpReminder,
    Plan,
    PlanComponent,
    ProfileRevision,
    Review,
    RevisedField,
)
from cases.packets import packet_request_if_built
from cases.reports import second_opinion_reviewed
from cases.selectors import follow_up_due_plans
from cases.services import CLOSED_STATUSES
from cases.states import CASE
from specialists.models import BoardRole, Specialty
from tumorboard.access import can_comment, can_record_board_plan, can_record_follow_up, can_review
from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction
from tumorboard.notifications import notify
from tumorboard.tasks import enqueue

S = CaseStatus
F = RevisedField

# Who records each kind of review, and which profile values it may revise.
REVIEW_SPECIALTY = {
    ReviewKind.PATHOLOGY_REREAD: Specialty.PATHOLOGY,
    ReviewKind.IMAGING_REREAD: Specialty.RADIOLOGY,
    ReviewKind.GENETICS: Specialty.GENETICS,
    ReviewKind.PALLIATIVE: Specialty.PALLIATIVE_CARE,
    ReviewKind.NAVIGATION: Specialty.NURSE_NAVIGATION,
}
REVISABLE = {
    ReviewKind.PATHOLOGY_REREAD: frozenset(
        {F.HISTOLOGY, F.GRADE, F.PATHOLOGICAL_T, F.PATHOLOGICAL_N, F.PATHOLOGICAL_M, F.STAGE_GROUP}
    ),
    ReviewKind.IMAGING_REREAD: frozenset({F.CLINICAL_T, F.CLINICAL_N, F.CLINICAL_M, F.STAGE_GROUP}),
}
BOARD_ONLY_FIELDS = ("consensus", "dissent", "specialties_present", "meeting")
# The statuses from which the board records (or supersedes) its recommendation.
BOARD_PLAN_STATUSES = frozenset({S.SCHEDULED, S.DISCUSSED, S.RECOMMENDED})


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update(of=("self",)).select_related("board").get(pk=case.pk)


def _open_check(case: Case, what: str) -> None:
    if case.status in CLOSED_STATUSES:
        raise Conflict(f"A {case.get_status_display().lower()} case takes no more {what}.", code="case_closed")


# --- Specialty reviews -------------------------------------------------------------------------------------


def _revisions_check(case: Case, kind: str, revisions: list[dict[str, Any]]) -> None:
    allowed = REVISABLE.get(kind, frozenset())
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for i, revision in enumerate(revisions):
        name, value = revision["field"], revision["revised"].strip()
        where = f"revisions[{i}]"
        if name not in allowed:
            label = ReviewKind(kind).label
            can = f"may revise {', '.join(sorted(allowed))}, not {name}" if allowed else "revises no profile value"
            errors[f"{where}.field"] = [f"{label} {can}."]
        elif name in seen:
            errors[f"{where}.field"] = [f"{name} is revised twice in this review."]
        elif not value:
            errors[f"{where}.revised"] = ["Give the revised value."]
        elif value == getattr(case, name):
            errors[f"{where}.revised"] = [f"The case's {name} is already {value}."]
        elif name == F.GRADE and value not in Grade.values:
            errors[f"{where}.revised"] = [f"A grade is one of {', '.join(Grade.values)}."]
        elif len(value) > Case._meta.get_field(name).max_length:
            errors[f"{where}.revised"] = [f"At most {Case._meta.get_field(name).max_length} characters."]
        if not revision["reason"].strip():
            errors[f"{where}.reason"] = ["Say why the value is revised."]
        seen.add(name)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def review_record(
    *, user, case: Case, kind: str, findings: str, recommendation: str = "", revisions: list[dict[str, Any]] = ()
) -> Review:
    """Record a specialty review. A pathology or imaging re-read may revise the profile: the case takes the
    revised value and a ``ProfileRevision`` keeps the original, who (the review's author) and why."""
    case = _lock(case)
    if not can_review(user, case):
        raise PermissionDenied("Only members of the case's board record specialty reviews.")
    specialty = REVIEW_SPECIALTY[kind]
    if user.specialty != specialty:
        raise PermissionDenied(f"Only {Specialty(specialty).label.lower()} records a {ReviewKind(kind).label.lower()}.")
    _open_check(case, "reviews")
    revisions = list(revisions)
    _revisions_check(case, kind, revisions)
    review = Review.objects.create(
        case=case, kind=kind, author=user, specialty=specialty, findings=findings, recommendation=recommendation
    )
    rows = [
        ProfileRevision(
            review=review,
            case=case,
            field=r["field"],
            original=getattr(case, r["field"]),
            revised=r["revised"].strip(),
            reason=r["reason"].strip(),
        )
        for r in revisions
    ]
    ProfileRevision.objects.bulk_create(rows)
    audit_write(user=user, action=AuditAction.CREATE, obj=review)
    if rows:
        for row in rows:
            setattr(case, row.field, row.revised)
        case.save(update_fields=[row.field for row in rows] + ["updated_at"])
        fields = sorted(row.field for row in rows)
        audit_write(
            user=user, action=AuditAction.UPDATE, obj=case, detail={"fields": fields, "review": str(review.public_id)}
        )
    packet_request_if_built(case=case, reason="specialty review recorded")
    return review


# --- Plans ------------------------------------------------------------------------------------------------


def _components_check(components: list[dict[str, Any]]) -> None:
    if not components:
        raise ValidationError({"components": ["A plan has at least one component."]})
    errors: dict[str, list[str]] = {}
    for i, component in enumerate(components):
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
    from scheduling.services import agenda_present_case, presented_meetings

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
    from scheduling.quorum import case_specialties_present, specialties_ordered, specialties_required_for_case

    case = _lock(case)
    kind = data["kind"]
    if kind == PlanKind.BOARD and not can_record_board_plan(user, case):
        raise PermissionDenied("Only the board's chair or coordinators record the board's recommendation.")
    if kind == PlanKind.PROPOSED and not can_comment(user, case):
        raise PermissionDenied("Only the case's care team and board members propose a plan.")
    _open_check(case, "plans")
    _components_check(data["components"])
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
        )
        for i, c in enumerate(data["components"], start=1)
    )
    audit_write(user=user, action=AuditAction.CREATE, obj=plan, detail={"kind": kind, "version": plan.version})
    if kind == PlanKind.BOARD:
        if case.status != S.RECOMMENDED:
            CASE.apply(case, "recommend", by=user)
        from cases.tasks import plan_changes_detect

        enqueue(plan_changes_detect, plan.pk)
        second_opinion_reviewed(case=case, plan=plan, by=user)
    packet_request_if_built(case=case, reason=f"{kind} plan recorded")
    return plan


# --- Change tracking ---------------------------------------------------------------------------------------


def _revisions_between(case_id: int, after: datetime.datetime, until: datetime.datetime) -> list[ProfileRevision]:
    return list(ProfileRevision.objects.filter(case_id=case_id, at__gt=after, at__lte=until).order_by("at", "id"))


def plan_changes_detect(*, plan_id: int) -> list[ChangeRecord]:
    """Compare a board plan with the latest proposed plan before it and with the previous board plan; store
    one change record per comparison (or one ``none`` record when there is nothing to compare with) and
    tell the treating physician. Idempotent: a plan that has its records is left alone."""
    with transaction.atomic():
        plan = (
            Plan.objects.select_for_update(of=("self",))
            .select_related("case__board", "case__treating_physician", "case__created_by", "meeting")
            .filter(pk=plan_id, kind=PlanKind.BOARD)
            .first()
        )
        if plan is None or plan.changes.exists():
            return []
        case = plan.case
        earlier = Plan.objects.filter(case=case).prefetch_related("components")
        proposed = earlier.filter(kind=PlanKind.PROPOSED, created_at__lte=plan.created_at).order_by("-version").first()
        previous = earlier.filter(kind=PlanKind.BOARD, version__lt=plan.version).order_by("-version").first()
        decided_at = plan.meeting.starts_at if plan.meeting_id else plan.created_at
        # the board that decided: its meeting's (the case's board may change later)
        board_id = plan.meeting.board_id if plan.meeting_id else case.board_id
        common = {"case": case, "board_id": board_id, "to_plan": plan, "decided_at": decided_at}
        records = []
        for basis, before, same in (
            (ChangeBasis.PROPOSED, proposed, "matches the proposed plan"),
            (ChangeBasis.PREVIOUS_BOARD, previous, "matches the previous recommendation"),
        ):
            if before is None:
                continue
            diff = plans_compare(before, plan, _revisions_between(case.pk, before.created_at, plan.created_at))
            summary = " ".join(diff.lines) or f"The board's recommendation {same}."
            flags = dict.fromkeys(diff.categories, True)
            records.append(
                ChangeRecord(
                    basis=basis, from_plan=before, changed=bool(diff.categories), summary=summary, **flags, **common
                )
            )
        if not records:
            summary = "No proposed plan or earlier recommendation to compare with."
            records.append(ChangeRecord(basis=ChangeBasis.NONE, changed=False, summary=summary, **common))
        ChangeRecord.objects.bulk_create(records)
        for record in records:
            audit_write(user=None, action=AuditAction.CREATE, obj=record, detail={"basis": record.basis})
        notify(
            recipients=[case.treating_physician or case.created_by],
            kind="board_recommendation",
            subject="The tumor board recorded its recommendation",
            path=f"/cases/{case.public_id}/",
            text="The tumor board recorded its recommendation for a case you follow, with how it changed the plan:",
        )
        return records


def board_plans_without_changes(*, older_than: datetime.timedelta) -> list[int]:
    """Board plans whose change detection a lost message left undone (for the sweep)."""
    cutoff = timezone.now() - older_than
    return list(
        Plan.objects.filter(kind=PlanKind.BOARD, created_at__lte=cutoff)
        .exclude(Exists(ChangeRecord.objects.filter(to_plan=OuterRef("pk"))))
        .values_list("pk", flat=True)[:500]
    )


# --- Follow-through ----------------------------------------------------------------------------------------


@transaction.atomic
def follow_up_record(*, user, case: Case, data: dict[str, Any]) -> FollowUp:
    """Record whether a board recommendation (by default the current one) was carried out; following up the
    current one closes a recommended case."""
    case = _lock(case)
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
    if case.status not in {S.RECOMMENDED, S.CLOSED}:
        raise Conflict(f"Follow-through is recorded for a recommended case; this one is {case.status}.")
    follow_up = FollowUp.objects.create(
        case=case, plan=plan, implemented=implemented, reason=reason, note=note, recorded_by=user
    )
    audit_write(user=user, action=AuditAction.CREATE, obj=follow_up, detail={"implemented": implemented})
    if case.status == S.RECOMMENDED and plan.pk == latest.pk:  # the current recommendation is followed up
        CASE.apply(case, "follow-up", by=user, note=f"implemented: {implemented}")
    return follow_up


def follow_ups_remind(*, now: datetime.datetime | None = None) -> int:
    """Tell each board's nurse navigators (its coordinators when it has none) how many of its
    recommendations are due for follow-through; each plan is counted in one reminder only. No patient data."""
    from scheduling.models import Board

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
