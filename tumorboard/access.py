"""The access policy of SPEC §7, in one place.

Reads are scoped by the selectors of each app (``cases_visible_to`` and friends), which are built from
the predicates here; writes are checked by the services with the same predicates. Nothing else in the
code base decides who may see or change what.

- A user sees a case if they are on its owning institution's care team for it (submitter, treating
  physician) or belong to the board reviewing it (any role; the board's coordinators included).
- Board members comment, propose plans and record specialty reviews; the case's care team and its board's
  coordinators edit it and move it along; only a board's chair or coordinator records the board plan; the
  care team and the board's nurse navigators record follow-through.
- Superusers (admins) see everything; every read is audited.
"""

from __future__ import annotations

from specialists.models import BoardRole, Specialty


def board_roles(user) -> dict[int, str]:
    """``{board_id: role}`` for the user's memberships, loaded once per user object (one query)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_board_roles_cache", None)
    if cached is None:
        cached = dict(user.memberships.values_list("board_id", "role"))
        user._board_roles_cache = cached
    return cached


def member_board_ids(user) -> set[int]:
    return set(board_roles(user))


def coordinated_board_ids(user) -> set[int]:
    return {board_id for board_id, role in board_roles(user).items() if role == BoardRole.COORDINATOR}


def is_admin(user) -> bool:
    return bool(user.is_authenticated and user.is_superuser)


def is_board_member(user, board_id: int | None) -> bool:
    return board_id is not None and (is_admin(user) or board_id in board_roles(user))


def is_board_coordinator(user, board_id: int | None) -> bool:
    return board_id is not None and (is_admin(user) or board_roles(user).get(board_id) == BoardRole.COORDINATOR)


def is_board_chair_or_coordinator(user, board_id: int | None) -> bool:
    return board_id is not None and (
        is_admin(user) or board_roles(user).get(board_id) in {BoardRole.CHAIR, BoardRole.COORDINATOR}
    )


def is_care_team(user, case) -> bool:
    """Submitter, treating physician, or coordinator of the case's board."""
    if is_admin(user):
        return True
    if case.institution_id == user.institution_id and user.pk in {case.created_by_id, case.treating_physician_id}:
        return True
    return is_board_coordinator(user, case.board_id)


def can_comment(user, case) -> bool:
    """Anyone who may see the case takes part in its discussion."""
    return is_care_team(user, case) or is_board_member(user, case.board_id)


def can_record_board_plan(user, case) -> bool:
    return is_board_chair_or_coordinator(user, case.board_id)


def can_review(user, case) -> bool:
    """Structured specialty reviews come from the members of the case's board."""
    return is_board_member(user, case.board_id)


def can_record_follow_up(user, case) -> bool:
    """The case's care team, and the nurse navigators of its board, who run the follow-through worklist."""
    return is_care_team(user, case) or (
        is_board_member(user, case.board_id) and user.specialty == Specialty.NURSE_NAVIGATION
    )
