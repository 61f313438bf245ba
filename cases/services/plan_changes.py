"""How the board changed the plan: a board plan compared with the proposed plan before it and with the previous
recommendation (cases/changes.py compares), one change record per comparison."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cases.changes import plans_compare
from cases.codes import ChangeBasis, PlanKind
from cases.models import ChangeRecord, Plan, ProfileRevision
from tumorboard.audit import audit_write
from tumorboard.models import AuditAction
from tumorboard.notifications import notify


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
