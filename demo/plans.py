"""The plan histories of the demo cases the boards have discussed (SPEC §5.4), written by the demo loader.

Unlike the rest of the demo, these go through the real services (``cases.lifecycle.recommendation``,
``cases.services.reviews``), so the demo obeys the rules a user's data obeys: the presenter's plan, the specialty
reviews (a re-read revises the profile), the board's recommendation recorded by the chair for the meeting the case was
presented at (the case becomes recommended), the change records, and the follow-through (the case is closed). Each is
then moved back in time to the case's timeline: the proposed plan at submission, the reviews the day before the meeting,
the board plan just after it. The change detection is called directly (it is idempotent: the task the service enqueues
on commit finds its records and does nothing), and the notification it writes is marked sent at that time: the demo's
history is not news to e-mail. The audit events the services write keep the time they were written.
"""

from __future__ import annotations

import datetime
import itertools

from django.db.models import Max, QuerySet

from cases.codes import PlanKind
from cases.lifecycle.recommendation import plan_record
from cases.models import Case, CaseTransition, ChangeRecord, FollowUp, Plan, ProfileRevision, Review
from cases.quorum import specialties_required_for_case
from cases.services.follow_ups import follow_up_record
from cases.services.plan_changes import plan_changes_detect
from cases.services.reviews import REVIEW_SPECIALTY, review_record
from demo.world import COORDINATOR, DemoCase, DemoPlan
from scheduling.models import Meeting
from specialists.models import BoardRole, Specialty, User
from tumorboard.models import Notification, NotificationStatus

HOUR = datetime.timedelta(hours=1)
NON_PRESENTERS = {COORDINATOR, "navigator"}


def plan_history_write(
    demo: DemoCase, case: Case, *, meeting: Meeting, users: dict[str, User], submitted: datetime.datetime, now
) -> datetime.datetime | None:
    """Write the plan history of a case the board discussed at ``meeting``; the case is in status discussed.
    Returns when the board decided (None when it has not yet)."""
    latest = now - datetime.timedelta(minutes=5)
    proposed_at = min(submitted + HOUR, latest)
    decided_at = min(meeting.ends_at + HOUR, latest)

    presenter = users[demo.treating if demo.created_by in NON_PRESENTERS else demo.created_by]
    plan = plan_record(user=presenter, case=case, data=plan_data(demo.proposed, PlanKind.PROPOSED))
    _backdate(Plan.objects.filter(pk=plan.pk), proposed_at)

    for i, demo_review in enumerate(demo.reviews):
        at = min(meeting.starts_at - datetime.timedelta(hours=20 - 3 * i), latest)
        review = review_record(
            user=users[demo_review.author],
            case=case,
            kind=demo_review.kind,
            findings=demo_review.findings,
            recommendation=demo_review.recommendation,
            revisions=[{"field": f, "revised": value, "reason": why} for f, value, why in demo_review.revisions],
        )
        _backdate(Review.objects.filter(pk=review.pk), at)
        ProfileRevision.objects.filter(review=review).update(at=at)
        _in_order(demo, proposed_at, at, decided_at)

    if demo.board_plan is None:
        return None
    chair = case.board.memberships.filter(role=BoardRole.CHAIR).values_list("user__username", flat=True).first()
    mark = _marks(case)
    board_plan = plan_record(user=users[chair or COORDINATOR], case=case, data=_board_data(demo, case, meeting))
    _backdate(Plan.objects.filter(pk=board_plan.pk), decided_at)
    _since(mark, case, CaseTransition).update(at=decided_at)
    plan_changes_detect(plan_id=board_plan.pk)
    detected_at = decided_at + datetime.timedelta(minutes=2)
    _backdate(ChangeRecord.objects.filter(to_plan=board_plan), detected_at)
    _since(mark, case, Notification).update(
        status=NotificationStatus.SENT, sent_at=detected_at, created_at=detected_at, updated_at=detected_at
    )

    if demo.follow_up is None:
        return decided_at
    follow = demo.follow_up
    at = min(meeting.ends_at + datetime.timedelta(days=follow.days_after), now - HOUR)
    _in_order(demo, decided_at, at)
    mark = _marks(case)
    data = {"implemented": follow.implemented, "reason": follow.reason, "note": follow.note, "plan": board_plan}
    follow_up = follow_up_record(user=users[follow.by], case=case, data=data)
    _backdate(FollowUp.objects.filter(pk=follow_up.pk), at)
    _since(mark, case, CaseTransition).update(at=at)
    return decided_at


def _in_order(demo: DemoCase, *times: datetime.datetime) -> None:
    """Change detection compares what was recorded between the plans: the history must keep its order."""
    if any(a >= b for a, b in itertools.pairwise(times)):
        raise ValueError(f"Demo case {demo.slug}: its plan history does not fit between its meeting and now.")


def _components(plan: DemoPlan) -> list[dict]:
    components = []
    for modality, detail, *rest in plan.components:
        drugs = list(rest[0]) if rest else []
        target_auc = rest[1] if len(rest) > 1 else None
        components.append({"modality": modality, "detail": detail, "drugs": drugs, "target_auc": target_auc})
    return components


def plan_data(plan: DemoPlan, kind: str) -> dict:
    return {"kind": kind, "intent": plan.intent, "components": _components(plan), "rationale": plan.rationale}


def _board_data(demo: DemoCase, case: Case, meeting: Meeting) -> dict:
    return board_plan_data(demo.board_plan, demo.proposed, case=case, meeting=meeting, reviews=demo.reviews)


def board_plan_data(board: DemoPlan, proposed: DemoPlan, *, case: Case, meeting: Meeting, reviews=()) -> dict:
    """The board plan as recorded: an adopted plan takes the proposed plan's intent and components. Present: the
    specialties the case's quorum needs, nurse navigation and the reviewers, but for those marked absent."""
    source = board if board.components else proposed
    present = specialties_required_for_case(case) | {Specialty.NURSE_NAVIGATION}
    present |= {REVIEW_SPECIALTY[review.kind] for review in reviews}
    return {
        **plan_data(source, PlanKind.BOARD),
        "rationale": board.rationale,
        "consensus": board.consensus,
        "dissent": board.dissent,
        "guideline": board.guideline,
        "specialties_present": sorted(present - set(board.absent)),
        "meeting": meeting,
    }


def _backdate(queryset: QuerySet, at: datetime.datetime) -> None:
    queryset.update(created_at=at, updated_at=at)


def _marks(case: Case) -> dict:
    """The last transition of the case and the last notification, to find the rows a service call adds."""
    return {
        CaseTransition: case.transitions.aggregate(m=Max("pk"))["m"] or 0,
        Notification: Notification.objects.aggregate(m=Max("pk"))["m"] or 0,
    }


def _since(marks: dict, case: Case, model) -> QuerySet:
    rows = model.objects.filter(pk__gt=marks[model])
    return rows.filter(case=case) if model is CaseTransition else rows
