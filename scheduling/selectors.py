"""Reads of boards and meetings, scoped by the access policy (specialists.access)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from scheduling.models import Board, Meeting
from specialists.access import coordinated_institution_ids, is_admin, member_board_ids


def boards_visible_to(user) -> QuerySet[Board]:
    """Boards of the user's institution and boards they belong to."""
    if not user.is_authenticated:
        return Board.objects.none()
    if is_admin(user):
        return Board.objects.all()
    return Board.objects.filter(Q(institution_id=user.institution_id) | Q(id__in=member_board_ids(user)))


def boards_targetable_by(user) -> QuerySet[Board]:
    """Boards a user may put a case on: those of their own institution."""
    if not user.is_authenticated:
        return Board.objects.none()
    if is_admin(user):
        return Board.objects.all()
    return Board.objects.filter(institution_id=user.institution_id)


def meetings_visible_to(user) -> QuerySet[Meeting]:
    """The meetings of the boards the user belongs to; a coordinator sees every meeting of the institutions whose
    boards they coordinate (to move cases between boards), an admin every meeting."""
    if not user.is_authenticated:
        return Meeting.objects.none()
    if is_admin(user):
        return Meeting.objects.all()
    return Meeting.objects.filter(
        Q(board_id__in=member_board_ids(user)) | Q(board__institution_id__in=coordinated_institution_ids(user))
    )
