"""Reads of boards and meetings, scoped by the access policy (specialists.access)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from scheduling.models import AgendaItemStatus, Board, Meeting
from specialists.access import coordinated_board_ids, coordinated_institution_ids, is_admin, member_board_ids
from specialists.models import User


def boards_visible_to(user) -> QuerySet[Board]:
    """Boards of the user's institution and boards they belong to."""
    if not user.is_authenticated:
        return Board.objects.none()
    if is_admin(user):
        return Board.objects.all()
    return Board.objects.filter(Q(institution_id=user.institution_id) | Q(id__in=member_board_ids(user)))


def boards_coordinated_by(user) -> QuerySet[Board]:
    """The boards the user coordinates (an admin: every board): those whose reports they run."""
    if not user.is_authenticated:
        return Board.objects.none()
    if is_admin(user):
        return Board.objects.all()
    return Board.objects.filter(id__in=coordinated_board_ids(user))


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


def meeting_named(user, public_id) -> Meeting:
    """The meeting a request body names, if the user sees it; else a 400 on ``meeting``."""
    meeting = meetings_visible_to(user).filter(public_id=public_id).first() if public_id else None
    if meeting is None:
        raise ValidationError({"meeting": [ValidationError("No such meeting.", code="does_not_exist")]})
    return meeting


def meeting_member_named(meeting: Meeting, public_id):
    """The member of the meeting's board a request body names (to check them in); else a 400 on ``user``."""
    membership = meeting.board.memberships.select_related("user").filter(user__public_id=public_id).first()
    if membership is None:
        raise ValidationError({"user": [ValidationError("Not a member of this board.", code="does_not_exist")]})
    return membership.user


def meeting_invitees_named(meeting: Meeting, public_ids) -> list:
    """The people named as present for a case of ``meeting``: only those invited to it, else a 400 on ``users``."""
    wanted = set(public_ids)
    users = list(User.objects.filter(public_id__in=wanted, attendances__meeting=meeting).distinct())
    if len(users) != len(wanted):
        raise ValidationError({"users": ["Only people invited to this meeting."]})
    return users


def presented_meetings(case):
    """The meetings at which the case was presented, latest first."""
    return Meeting.objects.filter(agenda_items__case=case, agenda_items__status=AgendaItemStatus.PRESENTED).order_by(
        "-starts_at"
    )


def board_members(board: Board):
    """The board's members with their specialty and role, by specialty then name."""
    return board.memberships.select_related("user").order_by("user__specialty", "user__last_name", "user__username")


def board_member_candidates(board: Board) -> QuerySet[User]:
    """Who a coordinator may add to ``board``: the active people of its institution not on it yet."""
    return (
        User.objects.filter(institution_id=board.institution_id, is_active=True)
        .exclude(memberships__board=board)
        .order_by("specialty", "last_name", "username")
    )
