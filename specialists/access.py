"""The access policy of SPEC §7, in one place.

Reads are scoped by the selectors of each app (``cases_visible_to`` and friends), which are built from
the predicates here; writes are checked by the services with the same predicates. Nothing else in the
code base decides who may see or change what.

- A user sees a case if they are on its owning institution's care team for it (submitter, treating
  physician) or belong to the board reviewing it (any role; the board's coordinators included).
- Board members comment, propose plans and record specialty reviews; the case's care team and its board's
  coordinators edit it and move it along; only a board's chair or coordinator records the board plan; the
  care team and the board's nurse navigators record follow-through.
- A second opinion is seen by its requesting side (who asked, the case's care team at the requesting
  institution) and by the board it was routed to; a request routing could not give a board (no board of
  the target institution reviews its disease site) is seen, case included, by that institution's
  coordinators, who choose the board when they accept. The board's coordinators answer the request;
  the requesting side supplies information, cancels and joins the meeting as a remote guest.
- Superusers (admins) see everything; every read is audited.
"""

from __future__ import annotations

from specialists.models import BoardMembership, BoardRole, Specialty


def _memberships(user) -> list[tuple[int, str, int]]:
    """``(board_id, role, board's institution_id)`` of the user's memberships, loaded once per user object
    (one query)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_memberships_cache", None)
    if cached is None:
        cached = list(user.memberships.values_list("board_id", "role", "board__institution_id"))
        user._memberships_cache = cached
    return cached


def memberships_sql(user_id: str) -> str:
    """SQL of the memberships of the user whose id is the SQL expression ``user_id``, as ``_memberships`` reads them:
    one JSON array of ``[board_id, role, board's institution_id]`` (``memberships_preloaded`` takes it)."""
    membership = BoardMembership._meta
    board = membership.get_field("board").related_model._meta
    return (
        'SELECT COALESCE(json_agg(json_build_array(m."board_id", m."role", b."institution_id")), \'[]\') '  # noqa: S608 - names of tables and columns, no input
        f'FROM "{membership.db_table}" m JOIN "{board.db_table}" b ON b."id" = m."board_id" '
        f'WHERE m."user_id" = {user_id}'
    )


def memberships_preloaded(user, memberships) -> None:
    """Give ``user`` its memberships as ``_memberships`` reads them (``(board_id, role, board's institution_id)``),
    read by the caller in a query of its own (API token authentication reads them with the token)."""
    user._memberships_cache = [tuple(membership) for membership in memberships]


def access_scope(user) -> tuple:
    """Everything the access policy reads of ``user`` to scope reads (``cases.selectors.cases_visible_to`` and
    friends): a key under which a selector's compiled SQL may be kept, as two users of one scope see the same."""
    if not user.is_authenticated:
        return (None,)
    return (user.pk, user.institution_id, user.is_superuser, user.specialty, tuple(sorted(_memberships(user))))


def board_roles(user) -> dict[int, str]:
    """``{board_id: role}`` for the user's memberships."""
    return {board_id: role for board_id, role, _ in _memberships(user)}


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


def can_create_board(user, institution_id: int | None) -> bool:
    """A new board of an institution: admins, and the coordinators of a board of their own institution."""
    if is_admin(user):
        return True
    return institution_id is not None and user.institution_id == institution_id and bool(coordinated_board_ids(user))


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


def follow_up_board_ids(user) -> set[int]:
    """The boards whose follow-through worklist the user runs, as ``can_record_follow_up`` allows it for any
    of their cases: the boards they coordinate (care team of every case of the board) and, for a nurse
    navigator, every board they belong to. (Admins: every board; callers check ``is_admin``.)"""
    if user.is_authenticated and user.specialty == Specialty.NURSE_NAVIGATION:
        return member_board_ids(user)
    return coordinated_board_ids(user)


def can_request_second_opinion(user, case) -> bool:
    """A second opinion on a case is asked by its care team at the case's own institution."""
    return is_care_team(user, case) and (is_admin(user) or user.institution_id == case.institution_id)


def is_second_opinion_requester(user, request) -> bool:
    """The requesting side of a second opinion: who asked, and the case's care team at that institution."""
    if is_admin(user):
        return True
    case = request.case
    return user.institution_id == request.requesting_institution_id and user.pk in {
        request.requested_by_id,
        case.created_by_id,
        case.treating_physician_id,
    }


def can_answer_second_opinion(user, request, board_id: int | None = None) -> bool:
    """Accept, decline or ask for information: the coordinators of the board the request was routed to
    (or of ``board_id``, a board it is being given to); when routing found no board for its disease
    site, any coordinator of a board of the target institution."""
    if is_admin(user):
        return True
    board_id = board_id or request.board_id
    if board_id is not None:
        return is_board_coordinator(user, board_id)
    return request.target_institution_id in coordinated_institution_ids(user)


def coordinated_institution_ids(user) -> set[int]:
    """Institutions of the boards the user coordinates."""
    return {institution for _, role, institution in _memberships(user) if role == BoardRole.COORDINATOR}


def trial_institution_ids(user) -> set[int]:
    """Institutions whose clinical trials the user reads: their own and those of the boards they belong to.
    (Admins: every institution; callers check ``is_admin``.)"""
    if not user.is_authenticated:
        return set()
    own = {user.institution_id} if user.institution_id else set()
    return own | {institution for _, _, institution in _memberships(user)}


def can_manage_trials(user, institution_id: int | None) -> bool:
    """An institution's trials are kept by the coordinators of its boards (and admins)."""
    return institution_id is not None and (is_admin(user) or institution_id in coordinated_institution_ids(user))
