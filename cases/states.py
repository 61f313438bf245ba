"""The state machines of cases/: every transition of a case, a second-opinion request, a rendered document's build and
a review task, the system's included (tumorboard/states.py applies them). Who may take a user's action is decided by
the action's service (cases/lifecycle/case_actions.py, cases/lifecycle/second_opinions.py,
cases/services/review_tasks.py)."""

from __future__ import annotations

from cases.codes import CaseStatus as S
from cases.codes import PacketStatus as B
from cases.codes import ReviewTaskStatus as T
from cases.codes import SecondOpinionStatus as SO
from cases.models import CaseTransition, SecondOpinionTransition
from tumorboard.states import Machine, Transition


def _case_history(case, previous, transition, by, note) -> CaseTransition:
    return CaseTransition(
        case=case, from_status=previous, to_status=transition.target, action=transition.action, by=by, reason=note
    )


def _request_history(request, previous, transition, by, note) -> SecondOpinionTransition:
    return SecondOpinionTransition(
        request=request,
        from_status=previous,
        to_status=transition.target,
        action=transition.action,
        by=by,
        message=note,
    )


def _t(action: str, sources: set[str], target: str, done: set[str] = frozenset()) -> Transition:
    return Transition(action, frozenset(sources), target, frozenset(done))


CASE = Machine(
    "case",
    [
        # the care team's and the board's actions (POST /cases/{id}/{action}/)
        _t("submit", {S.DRAFT, S.INFO_REQUESTED}, S.SUBMITTED, done={S.SCHEDULED, S.DEFERRED}),  # also an accept
        _t("request-info", {S.SUBMITTED, S.SCHEDULED, S.DEFERRED}, S.INFO_REQUESTED),
        _t("defer", {S.SCHEDULED}, S.DEFERRED),  # also the first step of a roll-over
        _t("withdraw", {S.DRAFT, S.SUBMITTED, S.SCHEDULED, S.INFO_REQUESTED, S.DEFERRED, S.DISCUSSED}, S.WITHDRAWN),
        _t("close", {S.RECOMMENDED}, S.CLOSED),
        # the system's: the agenda, the meeting, the recommendation, the follow-through
        _t("schedule", {S.SUBMITTED, S.DEFERRED}, S.SCHEDULED),
        _t("roll-over", {S.DEFERRED}, S.SCHEDULED),
        _t("unschedule", {S.SCHEDULED}, S.SUBMITTED),
        _t("discuss", {S.SCHEDULED}, S.DISCUSSED),
        _t("recommend", {S.DISCUSSED}, S.RECOMMENDED),
        _t("follow-up", {S.RECOMMENDED}, S.CLOSED),
    ],
    history=_case_history,
)

SECOND_OPINION = Machine(
    "request",
    [
        # the coordinators' and the requesters' actions (POST /second-opinions/{id}/{action}/)
        _t("accept", {SO.REQUESTED}, SO.ACCEPTED, done={SO.SCHEDULED, SO.REVIEWED, SO.REPORT_SENT}),
        _t("decline", {SO.REQUESTED, SO.INFO_REQUESTED}, SO.DECLINED),
        _t("request-info", {SO.REQUESTED}, SO.INFO_REQUESTED),
        _t("provide-info", {SO.INFO_REQUESTED}, SO.REQUESTED),
        _t("cancel", {SO.REQUESTED, SO.INFO_REQUESTED, SO.ACCEPTED, SO.SCHEDULED}, SO.CANCELLED),
        # the system's: routing (a step without a status change), the agenda, the board's plan, the report
        _t("route", {SO.REQUESTED}, SO.REQUESTED),
        _t("schedule", {SO.ACCEPTED, SO.SCHEDULED}, SO.SCHEDULED),
        _t("unschedule", {SO.SCHEDULED}, SO.ACCEPTED),
        _t("review", {SO.ACCEPTED, SO.SCHEDULED}, SO.REVIEWED),
        _t("report", {SO.REVIEWED}, SO.REPORT_SENT),
    ],
    history=_request_history,
)

# A rendered document (a case packet, a second-opinion report): built by workers, its steps are not audited (the
# document's versions and downloads are).
BUILD = Machine(
    "document",
    [
        _t("request", {B.PENDING, B.READY, B.FAILED}, B.PENDING),
        _t("claim", {B.PENDING, B.BUILDING, B.FAILED}, B.BUILDING),  # a redelivered message claims a build again
        _t("finish", {B.BUILDING}, B.READY),
        _t("rebuild", {B.BUILDING}, B.PENDING),  # asked for again while building
        _t("fail", {B.BUILDING}, B.FAILED),
    ],
    audited=False,
)

# A review task: its row keeps who completed it, with which review, and when; each step is audited.
REVIEW_TASK = Machine(
    "review task",
    [
        _t("claim", {T.OPEN}, T.CLAIMED),
        _t("complete", {T.OPEN, T.CLAIMED}, T.DONE),  # the system's: the matching review was recorded
        _t("cancel", {T.OPEN, T.CLAIMED}, T.CANCELLED),  # the system's: the case left the agenda
    ],
)
