"""The care team's and the board's actions on a case (POST /cases/{id}/{action}/): submit, request information,
defer, withdraw, close; who may take each, and what follows (allocation, the agenda, the second opinion)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.codes import CaseStatus
from cases.lifecycle.agenda import agenda_defer_case, agenda_release_for_case
from cases.lifecycle.second_opinions import second_opinions_cancel_for_case
from cases.locks import case_lock
from cases.models import Case
from cases.services.second_opinions import second_opinion_submit_check
from cases.states import CASE
from specialists.access import is_board_chair_or_coordinator, is_board_coordinator, is_care_team
from tumorboard.notifications import notify
from tumorboard.queue import enqueue

S = CaseStatus


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
    """Who takes a user's action on a case (its transition is ``CASE[name]``)."""

    allowed: Any  # (user, case) -> bool
    who: str
    reason_required: bool = False


CASE_ACTIONS: dict[str, CaseAction] = {
    "submit": CaseAction(_care_team, "the care team"),
    "request-info": CaseAction(_board_lead, "the board's chair or coordinators", reason_required=True),
    "defer": CaseAction(_coordinator, "the board's coordinators"),
    "withdraw": CaseAction(_care_team, "the care team"),
    "close": CaseAction(_care_team_or_coordinator, "the care team"),
}


def case_actions_open(user, case: Case) -> list[str]:
    """The actions ``user`` may take on ``case`` now (what ``case_transition`` would not refuse for who or when)."""
    return [
        name
        for name, action in CASE_ACTIONS.items()
        if case.status in CASE[name].sources and action.allowed(user, case)
    ]


def _submit_check(case: Case) -> None:
    second_opinion_submit_check(case)
    if case.board_id is None:
        raise ValidationError(
            {"board": ["Choose the board to present the case to before submitting it (or request a second opinion)."]}
        )


def _after_transition(*, user, case: Case, action_name: str, reason: str) -> None:
    path = f"/cases/{case.public_id}/"
    if action_name == "submit":
        enqueue("cases.tasks.agenda_allocate_case", case.pk)
        coordinators = case.board.memberships.filter(role="coordinator").select_related("user")
        notify(
            recipients=[m.user for m in coordinators],
            kind="case_submitted",
            subject=f"A case was submitted to {case.board.name}",
            path=path,
            text="A case was submitted for discussion. Open it in the tumor-board service:",
        )
    elif action_name == "request-info":
        notify(
            recipients=[case.created_by, case.treating_physician],
            kind="case_info_requested",
            subject="The tumor board asks for more information on a case",
            path=path,
            text="The board needs more information before it can discuss a case you submitted:",
        )


@transaction.atomic
def case_transition(*, user, case: Case, action_name: str, reason: str = "") -> tuple[Case, bool]:
    """Apply a case action. Returns (case, changed); a repeat of a done action changes nothing.

    Raises Conflict (409) when the action is not allowed from the current status, PermissionDenied when
    the user may see the case but not take this action.
    """
    action = CASE_ACTIONS[action_name]
    case = case_lock(case)
    if not CASE.guard(case, action_name, permitted=action.allowed(user, case), who=action.who):
        return case, False
    if action.reason_required and not reason.strip():
        raise ValidationError({"reason": ["Say what is needed."]})
    fields = {}
    if action_name == "submit":
        _submit_check(case)
        fields["submitted_at"] = timezone.now()
    if action_name == "defer":
        agenda_defer_case(case=case, by=user, reason=reason)
        return case, True
    if action_name == "withdraw":
        second_opinions_cancel_for_case(case=case, by=user, reason=reason)
    if case.status in {S.SCHEDULED, S.DEFERRED}:
        agenda_release_for_case(case=case, by=user)
        fields["meeting"] = None
    CASE.apply(case, action_name, by=user, note=reason, fields=fields)
    _after_transition(user=user, case=case, action_name=action_name, reason=reason)
    return case, True
