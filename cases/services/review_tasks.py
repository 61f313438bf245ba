"""Review tasks (issue 21): when a case is placed on a meeting, each specialty that should review it first
(``cases.quorum.specialties_to_review``) gets a task due by the meeting's submission cut-off, assigned to the board's
one member of that specialty or open to all of them (claimable). The matching review or pre-review comment completes
it; a move to another meeting moves it; the case leaving the agenda cancels it. Overdue tasks are escalated to the
board's coordinators once; a daily digest tells each person how many tasks they have. E-mails carry links only.

The agenda's steps (cases/lifecycle/agenda.py) call ``review_tasks_place``, ``review_tasks_move`` and
``review_tasks_cancel`` for any number of items in a fixed number of statements."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from cases.codes import REVIEW_TASK_ACTIVE, CommentKind
from cases.models import Case, Comment, Review, ReviewTask
from cases.models.review_tasks import ACTIVE
from cases.quorum import specialties_to_review
from cases.states import REVIEW_TASK
from scheduling.models import AgendaItem, Meeting
from specialists.access import is_board_member
from specialists.models import BoardMembership, BoardRole, Specialty, User
from tumorboard.audit import audit_write_many
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction
from tumorboard.notifications import notify

MOVED = ["agenda_item", "due_at", "updated_at", "escalated_at"]  # what a move of a task writes


def review_task_due(meeting: Meeting, board, now: datetime.datetime) -> datetime.datetime:
    """The meeting's submission cut-off; its start when the case is placed after the cut-off (a coordinator's)."""
    cutoff = meeting.starts_at - datetime.timedelta(hours=board.submission_cutoff_hours)
    return cutoff if cutoff > now else meeting.starts_at


def _members_by_specialty(board_ids: Iterable[int]) -> dict[tuple[int, str], list[int]]:
    """``{(board_id, specialty): [user ids]}`` of the boards' active members (one query)."""
    members: dict[tuple[int, str], list[int]] = defaultdict(list)
    rows = BoardMembership.objects.filter(board_id__in=set(board_ids), user__is_active=True).exclude(user__specialty="")
    for board_id, specialty, user_id in rows.values_list("board_id", "user__specialty", "user_id").order_by("user_id"):
        members[board_id, specialty].append(user_id)
    return members


def _reviewed(case_ids: list[int]) -> set[tuple[int, str]]:
    """``(case_id, specialty)`` pairs already reviewed: a specialty review or a pre-review comment (one query)."""
    reviews = Review.objects.filter(case_id__in=case_ids).order_by().values_list("case_id", "specialty")
    comments = (
        Comment.objects.filter(case_id__in=case_ids, kind=CommentKind.PRE_REVIEW)
        .exclude(specialty="")
        .order_by()
        .values_list("case_id", "specialty")
    )
    return set(reviews.union(comments))


def _audit(tasks: list[ReviewTask], *, by, action: str, detail: dict | None = None) -> None:
    if tasks:
        audit_write_many(user=by, action=action, writes=[(task, detail) for task in tasks])


def review_tasks_place(*, items: list[AgendaItem], by, now: datetime.datetime | None = None) -> list[ReviewTask]:
    """The review tasks of cases just placed (``items``, new agenda items of locked cases with their board, meeting and
    patient): a case's open or claimed tasks (a roll-over) move to its new item and due date; each specialty it needs
    that has neither a task nor a review yet gets a new one. A fixed number of statements for any number of items."""
    if not items:
        return []
    now = now or timezone.now()
    today = timezone.localdate(now)
    cases = [item.case for item in items]
    ids = [case.pk for case in cases]
    prefetch_related_objects(cases, "biomarkers")
    reviewed = _reviewed(ids)
    carried = list(ReviewTask.objects.filter(ACTIVE, case_id__in=ids).select_for_update().order_by("id"))
    by_case = {item.case_id: item for item in items}
    due = {item.case_id: review_task_due(item.meeting, item.case.board, now) for item in items}
    for task in carried:  # a new due date: overdue again, escalated again
        task.agenda_item, task.due_at, task.updated_at = by_case[task.case_id], due[task.case_id], now
        task.case, task.escalated_at = by_case[task.case_id].case, None
    if carried:
        ReviewTask.objects.bulk_update(carried, MOVED)
        _audit(carried, by=by, action=AuditAction.UPDATE, detail={"moved": "the case moved to another meeting"})
    taken = reviewed | {(task.case_id, task.specialty) for task in carried}
    members = _members_by_specialty(case.board_id for case in cases)
    new = []
    for item in items:
        case = item.case
        for specialty in sorted(specialties_to_review(case, today)):
            if (case.pk, specialty) in taken:
                continue
            candidates = members.get((case.board_id, specialty), [])
            new.append(
                ReviewTask(
                    case=case,
                    agenda_item=item,
                    specialty=specialty,
                    due_at=due[case.pk],
                    assignee_id=candidates[0] if len(candidates) == 1 else None,
                )
            )
    ReviewTask.objects.bulk_create(new)
    _audit(new, by=by, action=AuditAction.CREATE)
    return carried + new


def review_tasks_move(*, item: AgendaItem, to: AgendaItem, by, now: datetime.datetime | None = None) -> None:
    """A case moved from ``item`` to the new item ``to`` of another meeting: its open tasks follow, due by the new
    meeting's cut-off."""
    now = now or timezone.now()
    tasks = list(ReviewTask.objects.filter(ACTIVE, agenda_item=item).select_for_update().select_related("case"))
    due = review_task_due(to.meeting, to.meeting.board, now)
    for task in tasks:
        task.agenda_item, task.due_at, task.updated_at, task.escalated_at = to, due, now, None
    if tasks:
        ReviewTask.objects.bulk_update(tasks, MOVED)
        _audit(tasks, by=by, action=AuditAction.UPDATE, detail={"moved": "the case moved to another meeting"})


def review_tasks_cancel(*, item_ids: list[int], by) -> None:
    """The cases of these items left their agenda (removed, withdrawn, presented, rolled over with no room): their
    open tasks are cancelled."""
    tasks = list(
        ReviewTask.objects.filter(ACTIVE, agenda_item_id__in=item_ids)
        .select_for_update(of=("self",))
        .select_related("case")
        .order_by("id")
    )
    REVIEW_TASK.apply_many(tasks, "cancel", by=by)


def review_tasks_complete(*, case: Case, user, review: Review | None = None, comment: Comment | None = None) -> None:
    """A board member recorded a review (or a pre-review comment) of their specialty: the case's open task for the
    specialty is done, by them, with it."""
    specialty = (review or comment).specialty
    if not specialty or not is_board_member(user, case.board_id):
        return
    task = ReviewTask.objects.filter(ACTIVE, case=case, specialty=specialty).select_for_update(of=("self",)).first()
    if task is None:
        return
    task.case = case
    fields = {"completed_by": user, "completed_at": timezone.now(), "review": review, "comment": comment}
    REVIEW_TASK.apply(task, "complete", by=user, fields=fields)


@transaction.atomic
def review_task_claim(*, user, task: ReviewTask) -> ReviewTask:
    """A member of the task's specialty on the case's board takes an open task. 409 when another member holds it."""
    task = ReviewTask.objects.select_for_update(of=("self",)).select_related("case").get(pk=task.pk)
    permitted = is_board_member(user, task.case.board_id) and user.specialty == task.specialty
    label = Specialty(task.specialty).label.lower()
    holder = task.assignee_id not in {None, user.pk}
    if permitted and holder and task.status in REVIEW_TASK_ACTIVE:
        raise Conflict("Another member holds this task.", code="task_taken")
    if REVIEW_TASK.guard(task, "claim", permitted=permitted, who=f"the board's {label} members"):
        REVIEW_TASK.apply(task, "claim", by=user, fields={"assignee": user})
    return task


# --- Escalation and digest (beat) ---------------------------------------------------------------------------------


def review_tasks_escalate(*, now: datetime.datetime | None = None) -> int:
    """Tell the board's coordinators, once per task, about open tasks past their due date: one notification per
    meeting and coordinator, with links to the cases (no patient data). Returns how many tasks were escalated."""
    now = now or timezone.now()
    with transaction.atomic():
        overdue = list(
            ReviewTask.objects.filter(ACTIVE, due_at__lt=now, escalated_at__isnull=True)
            .select_for_update(of=("self",), skip_locked=True)
            .select_related("case", "agenda_item__meeting__board")
            .order_by("due_at", "id")
        )
        if not overdue:
            return 0
        ReviewTask.objects.filter(pk__in=[t.pk for t in overdue]).update(escalated_at=now)
        _audit(overdue, by=None, action=AuditAction.UPDATE, detail={"escalated": True})
        by_meeting: dict[int, list[ReviewTask]] = defaultdict(list)
        for task in overdue:
            by_meeting[task.agenda_item.meeting_id].append(task)
        boards = {task.agenda_item.meeting.board_id for task in overdue}
        coordinators: dict[int, list[User]] = defaultdict(list)
        memberships = BoardMembership.objects.filter(board_id__in=boards, role=BoardRole.COORDINATOR)
        for membership in memberships.select_related("user"):
            coordinators[membership.board_id].append(membership.user)
        labels, site = dict(Specialty.choices), settings.SITE_URL
        for tasks in by_meeting.values():
            meeting = tasks[0].agenda_item.meeting
            lines = "\n".join(
                f"- {labels[t.specialty]}, due {t.due_at:%Y-%m-%d %H:%M} UTC: {site}/cases/{t.case.public_id}/"
                for t in tasks
            )
            notify(
                recipients=coordinators[meeting.board_id],
                kind="review_task_overdue",
                subject=f"{len(tasks)} pre-meeting review(s) overdue for {meeting.board.name}",
                path=f"/meetings/{meeting.public_id}/",
                text=(
                    f"These pre-meeting reviews for the meeting of {meeting.local_start} are past their due date:\n"
                    f"{lines}\n\nThe meeting:"
                ),
            )
    return len(overdue)


def review_tasks_digest(*, now: datetime.datetime | None = None) -> int:
    """Each person with open review tasks (assigned to them, or open to their specialty on their boards) gets one
    e-mail with how many and how many are overdue, and the link to their task list. Returns the e-mails written."""
    now = now or timezone.now()
    tasks = ReviewTask.objects.filter(ACTIVE).values_list("assignee_id", "specialty", "case__board_id", "due_at")
    tasks = list(tasks)
    members = _members_by_specialty({board_id for _, _, board_id, _ in tasks})
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for assignee_id, specialty, board_id, due_at in tasks:
        for user_id in [assignee_id] if assignee_id else members.get((board_id, specialty), []):
            counts[user_id][0] += 1
            counts[user_id][1] += due_at < now
    users = {user.pk: user for user in User.objects.filter(pk__in=counts)}
    sent = 0
    with transaction.atomic():
        for user_id, (total, overdue) in sorted(counts.items()):
            late = f", {overdue} past their due date" if overdue else ""
            sent += len(
                notify(
                    recipients=[users[user_id]],
                    kind="review_tasks_digest",
                    subject=f"Your pre-meeting reviews: {total} open",
                    path="/tasks/",
                    text=f"You have {total} open pre-meeting review task(s){late}. Your task list:",
                )
            )
    return sent
