"""Reads of cases and what hangs off them, scoped by the access policy (specialists.access)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import EmptyResultSet, FullResultSet, ValidationError
from django.db import DEFAULT_DB_ALIAS
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cases.codes import REVIEW_TASK_ACTIVE, SECOND_OPINION_OPEN, CaseStatus, PacketStatus, PlanKind
from cases.fhir.export import ExportRows
from cases.models import (
    Case,
    CaseImport,
    ChangeRecord,
    Comment,
    Document,
    FollowUp,
    MeetingPacket,
    Packet,
    Plan,
    Review,
    ReviewTask,
    SecondOpinion,
    SecondOpinionReport,
    Trial,
)
from scheduling.models import AgendaItem, AgendaItemStatus, Board, Meeting
from scheduling.selectors import boards_visible_to, meetings_visible_to
from specialists.access import (
    access_scope,
    coordinated_board_ids,
    coordinated_institution_ids,
    is_admin,
    is_board_member,
    member_board_ids,
    trial_institution_ids,
)
from specialists.models import Institution, InstitutionKind, User


def cases_visible_to(user) -> QuerySet[Case]:
    if not user.is_authenticated:
        return Case.objects.none()
    if is_admin(user):
        return Case.objects.all()
    # Every path a condition on the case's own row, none a join, so PostgreSQL can walk the list's ordering index
    # (cases.Case.Meta.indexes) checking each row, or OR the paths' indexes into one bitmap, whichever is cheaper.
    care_team = Q(institution_id=user.institution_id) & (Q(created_by=user) | Q(treating_physician=user))
    visible = care_team | Q(board_id__in=member_board_ids(user))
    institutions = coordinated_institution_ids(user)
    if institutions:  # second opinions routing found no board for: their coordinators choose one
        visible |= _AmongIds(F("pk"), Subquery(_unassigned_second_opinions(institutions).values("case_id")))
    return Case.objects.filter(visible)


# cases_visible_to's condition compiled to SQL, by access scope (what it reads of the user: specialists.access_scope).
_VISIBLE_SQL: dict[tuple, tuple[str, tuple]] = {}


def cases_visible_sql(user) -> tuple[str, tuple] | None:
    """``cases_visible_to(user)``'s WHERE condition as SQL on the "cases_case" table with its parameters, or None when
    the user sees no case. Compiling that queryset cost a case's detail about as much as the rest of it together
    (issue 20), so it is compiled once per access scope (``specialists.access.access_scope``: everything the
    selector reads of the user, memberships included, so a changed membership is a new scope at once)."""
    scope = access_scope(user)
    if scope not in _VISIBLE_SQL:
        query = cases_visible_to(user).order_by().query
        compiler = query.get_compiler(DEFAULT_DB_ALIAS)
        try:
            compiled = compiler.compile(query.where)
        except EmptyResultSet:
            compiled = None
        except FullResultSet:  # an admin: every case
            compiled = ("TRUE", ())
        if len(_VISIBLE_SQL) > 10_000:  # a bound on the memory of a long-lived process
            _VISIBLE_SQL.clear()
        _VISIBLE_SQL[scope] = compiled and (compiled[0] or "TRUE", tuple(compiled[1]))
    return _VISIBLE_SQL[scope]


def cases_visible_fast(user) -> QuerySet[Case]:
    """The cases of ``cases_visible_to(user)``, filtered by its condition compiled once (``cases_visible_sql``)."""
    visible = cases_visible_sql(user)
    if visible is None:
        return Case.objects.none()
    return Case.objects.filter(RawSQL(*visible, output_field=BooleanField()))  # noqa: S611 - compiled by the ORM


class _AmongIds(Func):
    """``id IN (subquery)``; on PostgreSQL ``id = ANY(ARRAY(subquery))``, which runs the subquery once, before the
    scan, and looks its ids up in the primary key's index (so the planner can OR it with other indexed paths),
    where an IN or EXISTS is a filter checked on every row."""

    arity = 2
    output_field = BooleanField()
    template = "%(expressions)s"
    arg_joiner = " IN "

    def as_postgresql(self, compiler, connection, **extra_context):
        template, joiner = "%(expressions)s)", " = ANY(ARRAY"
        return self.as_sql(compiler, connection, template=template, arg_joiner=joiner, **extra_context)


def _unassigned_second_opinions(institution_ids) -> QuerySet[SecondOpinion]:
    return SecondOpinion.objects.filter(
        board__isnull=True, target_institution_id__in=institution_ids, status__in=SECOND_OPINION_OPEN
    )


def second_opinions_visible_to(user) -> QuerySet[SecondOpinion]:
    """The requesting side's requests and those routed to the user's boards (specialists.access)."""
    if not user.is_authenticated:
        return SecondOpinion.objects.none()
    if is_admin(user):
        return SecondOpinion.objects.all()
    requester = Q(requesting_institution_id=user.institution_id) & (
        Q(requested_by=user) | Q(case__created_by=user) | Q(case__treating_physician=user)
    )
    visible = requester | Q(board_id__in=member_board_ids(user))
    institutions = coordinated_institution_ids(user)
    if institutions:
        visible |= Q(pk__in=_unassigned_second_opinions(institutions).values("pk"))
    return SecondOpinion.objects.filter(visible)


def second_opinions_answered_by(user) -> QuerySet[SecondOpinion]:
    """The requests ``user`` answers, as ``specialists.access.can_answer_second_opinion`` decides for one: those
    routed to a board they coordinate and, where routing found no board, those of an institution where they
    coordinate one."""
    if is_admin(user):
        return SecondOpinion.objects.all()
    return SecondOpinion.objects.filter(
        Q(board_id__in=coordinated_board_ids(user))
        | Q(board__isnull=True, target_institution_id__in=coordinated_institution_ids(user))
    )


def second_opinion_candidates(user) -> QuerySet[Case]:
    """The user's institution's draft cases that a second opinion may be asked about: no board of their own
    yet and no open request (``cases.services.second_opinions.second_opinion_request`` decides, and says why not)."""
    return (
        case_list(user)
        .filter(status=CaseStatus.DRAFT, institution_id=user.institution_id, board__isnull=True)
        .exclude(second_opinions__status__in=SECOND_OPINION_OPEN)
        .order_by("-created_at")
    )


def second_opinion_overdue(now: datetime.datetime | None = None) -> Q:
    """Still open and past its due date."""
    return Q(status__in=SECOND_OPINION_OPEN, due_at__lt=now or timezone.now())


def second_opinion_list(user) -> QuerySet[SecondOpinion]:
    """Everything a request's representation reads, at a constant number of queries."""
    ready = SecondOpinionReport.objects.filter(request=OuterRef("pk"), status=PacketStatus.READY)
    return (
        second_opinions_visible_to(user)
        .select_related("case", "requesting_institution", "target_institution", "board", "meeting", "requested_by")
        .prefetch_related("transitions__by")
        .annotate(
            report_ready=Exists(ready),
            is_overdue=ExpressionWrapper(second_opinion_overdue(), output_field=BooleanField()),
        )
    )


def second_opinion_get(user, public_id) -> SecondOpinion:
    return get_object_or_404(second_opinion_list(user), public_id=public_id)


def _with_profile(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Everything a case's representation reads, at a constant number of queries: the case with its references, then
    the lists of its profile from every child table at once (``cases.models.CaseQuerySet``)."""
    return cases.select_related(
        "patient", "institution", "board", "meeting", "treating_physician", "created_by"
    ).with_profile_lists()


def case_list(user) -> QuerySet[Case]:
    return _with_profile(cases_visible_to(user))


def case_table(user) -> QuerySet[Case]:
    """The cases the user sees with what a row of the case list shows (the patient, the board, the meeting and
    its board's time zone): one query for a page of rows, however many there are."""
    return cases_visible_to(user).select_related("patient", "board", "meeting__board")


def cases_matching(cases: QuerySet[Case], term: str) -> QuerySet[Case]:
    """The cases whose patient's MRN starts with ``term`` or whose name holds each of its words (in any order,
    any case): "smith jane" finds Jane Smith."""
    words = term.split()
    if not words:
        return cases
    by_name = Q()
    for word in words:
        by_name &= Q(patient__name__icontains=word)
    return cases.filter(by_name | Q(patient__mrn__istartswith=term.strip()))


def case_list_choices(cases: QuerySet[Case], *, meetings: int = 50) -> dict[str, list]:
    """What the case list's board and meeting filters offer: the boards and the latest meetings of ``cases``
    (a selector's scope), so no filter names a board or meeting the user has no case on."""
    boards = Board.objects.filter(pk__in=cases.values("board_id")).order_by("name")
    on = Meeting.objects.filter(pk__in=cases.filter(meeting__isnull=False).values("meeting_id"))
    return {"boards": list(boards), "meetings": list(on.select_related("board").order_by("-starts_at")[:meetings])}


def case_after_write(case: Case) -> Case:
    """The case as its representation needs it, right after a write the services allowed: a writer who
    moved a draft to another board no longer sees it, and still gets the result of their change."""
    return _with_profile(Case.objects.all()).get(pk=case.pk)


def case_get(user, public_id) -> Case:
    """The case if the user may see it; 404 otherwise (existence is never leaked)."""
    return get_object_or_404(case_list(user), public_id=public_id)


def physicians_eligible(institution_id) -> QuerySet[User]:
    """Who may be a case's treating physician: the active users of the case's institution (the writer's, for a
    new case). The API's field, the pages' choices and ``case_references_check`` all read it here."""
    return User.objects.filter(institution_id=institution_id, is_active=True).order_by(
        "last_name", "first_name", "username"
    )


def documents_of(case: Case) -> QuerySet[Document]:
    return case.documents.select_related("uploaded_by")


def comments_of(case: Case) -> QuerySet[Comment]:
    return case.comments.select_related("author")


def reviews_of(case: Case) -> QuerySet[Review]:
    return case.reviews.select_related("author").prefetch_related("revisions")


def plans_of(case: Case) -> QuerySet[Plan]:
    """The case's plan versions, oldest first, each marked ``current`` unless a later one of its kind exists."""
    later = Plan.objects.filter(case=OuterRef("case"), kind=OuterRef("kind"), version__gt=OuterRef("version"))
    return (
        case.plans.select_related("created_by", "meeting")
        .prefetch_related("components__trial")  # the trials' query runs only when a component names one
        .annotate(current=~Exists(later))
        .order_by("created_at", "id")
    )


def case_fhir_rows(user, case: Case) -> ExportRows:
    """What the case's FHIR export reads besides the case (``cases.fhir.export``): its plans with their boards and
    components, their follow-ups, and the second opinions on it the user may see; a fixed number of queries."""
    return ExportRows(
        plans=list(plans_of(case).select_related("meeting__board")),
        follow_ups=list(case.follow_ups.order_by("-created_at", "-id")),
        second_opinions=list(
            second_opinions_visible_to(user)
            .filter(case=case)
            .select_related("requesting_institution", "target_institution")
            .prefetch_related("transitions")
            .order_by("created_at", "id")
        ),
    )


def changes_of(case: Case) -> QuerySet[ChangeRecord]:
    return case.changes.select_related("from_plan", "to_plan").order_by("-created_at", "-id")


def follow_ups_of(case: Case) -> QuerySet[FollowUp]:
    return case.follow_ups.select_related("plan", "recorded_by", "enrolled_trial").order_by("-created_at", "-id")


def agenda_items_of(case: Case) -> QuerySet[AgendaItem]:
    """Every slot the case has had on an agenda (taken off and rolled over too), in the order of the meetings."""
    return (
        AgendaItem.objects.filter(case=case)
        .select_related("meeting__board", "rolled_to__board")
        .order_by("meeting__starts_at", "id")
    )


def follow_up_due_plans(*, now: datetime.datetime | None = None):
    """Current board recommendations (no later version) decided more than FOLLOW_UP_DUE_DAYS ago (at their
    meeting; when recorded, without one) with no follow-up recorded for them, on recommended or closed cases."""
    return follow_up_awaited_plans().filter(decided_at__lte=follow_up_due_before(now))


def follow_up_due_before(now: datetime.datetime | None = None) -> datetime.datetime:
    """A plan awaiting follow-through decided at or before this instant is due."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.FOLLOW_UP_DUE_DAYS)


def follow_up_awaited_plans():
    """``follow_up_due_plans`` whenever decided: the plans that become due as time passes, with ``decided_at``."""
    later = Plan.objects.filter(case=OuterRef("case"), kind=PlanKind.BOARD, version__gt=OuterRef("version"))
    return (
        Plan.objects.filter(kind=PlanKind.BOARD, case__status__in=[CaseStatus.RECOMMENDED, CaseStatus.CLOSED])
        .alias(decided_at=plan_decided_at())
        .exclude(Exists(later) | Exists(FollowUp.objects.filter(plan=OuterRef("pk"))))
    )


def plan_decided_at() -> Coalesce:
    """When a plan was decided: its meeting's start, or when it was recorded without one."""
    return Coalesce("meeting__starts_at", "created_at")


def cases_waiting(cases=None):
    """Submitted or deferred cases with a board and no scheduled agenda item, urgent first, then oldest: what
    the allocation sweep places and a coordinator may add to an agenda. ``cases``: a scope (a selector's
    queryset), by default every case."""
    return (
        (Case.objects.all() if cases is None else cases)
        .filter(status__in=[CaseStatus.SUBMITTED, CaseStatus.DEFERRED], board__isnull=False)
        .exclude(agenda_items__status=AgendaItemStatus.SCHEDULED)
        .order_by("-urgency", "submitted_at", "id")
    )


def cases_waiting_for_allocation() -> list[int]:
    """Ids of the cases waiting for a meeting (``cases_waiting``), in the order the sweep places them."""
    return list(cases_waiting().values_list("id", flat=True))


def _nonexistent(field: str, message: str) -> ValidationError:
    return ValidationError({field: [ValidationError(message, code="does_not_exist")]})


def case_named(user, public_id) -> Case:
    """The case a request body names (``{"case": id}``), if the user may see it; else a 400 on ``case``."""
    case = cases_visible_to(user).filter(public_id=public_id).first() if public_id else None
    if case is None:
        raise _nonexistent("case", "No such case.")
    return case


def packet_of(case: Case) -> Packet | None:
    """The case's packet with its latest version (what the case page and the API show of it)."""
    packet = Packet.objects.select_related("version").filter(case=case).first()
    if packet is not None:
        packet.case = case
    return packet


def meeting_packet_meeting(user, public_id) -> Meeting:
    """The meeting whose packet the user may ask for and read: its board's members (coordinators and chairs among
    them, and admins); 404 for anyone else, as for a meeting they do not see."""
    meeting = get_object_or_404(meetings_visible_to(user).select_related("board"), public_id=public_id)
    if not is_board_member(user, meeting.board_id):
        raise Http404("No such meeting.")
    return meeting


def meeting_packet_of(meeting: Meeting) -> MeetingPacket | None:
    return MeetingPacket.objects.filter(meeting=meeting).first()


def agenda_items_visible_to(user, meeting: Meeting) -> QuerySet[AgendaItem]:
    """The items of a meeting's agenda whose cases the user may see (taken-off items left out)."""
    return AgendaItem.objects.filter(meeting=meeting, case__in=cases_visible_to(user)).exclude(
        status=AgendaItemStatus.REMOVED
    )


def inbox_agenda_items(user, meetings) -> QuerySet[AgendaItem]:
    """The scheduled items of ``meetings`` whose cases the user may see, each marked ``commented``/``reviewed``
    when the user has commented on or reviewed its case: a specialist's inbox."""
    return (
        AgendaItem.objects.filter(
            meeting__in=meetings, status=AgendaItemStatus.SCHEDULED, case__in=cases_visible_to(user)
        )
        .annotate(
            commented=Exists(Comment.objects.filter(case=OuterRef("case"), author=user)),
            reviewed=Exists(Review.objects.filter(case=OuterRef("case"), author=user)),
        )
        .order_by("position", "id")
    )


def second_opinion_targets(user) -> QuerySet[Institution]:
    """The institutions the user may ask for a second opinion: academic centers other than their own
    (``second_opinion_request`` refuses any other)."""
    return (
        Institution.objects.filter(kind=InstitutionKind.ACADEMIC_CENTER)
        .exclude(pk=user.institution_id)
        .order_by("name")
    )


def second_opinion_accept_targets(user, *, board=None, meeting=None) -> dict:
    """The board and meeting an accepting coordinator names by id, among those they see; an unseen one is a
    400 on its field, as if it did not exist."""
    found = {}
    for field, value, visible in (("board", board, boards_visible_to), ("meeting", meeting, meetings_visible_to)):
        if value is not None:
            found[field] = visible(user).filter(public_id=value).first()
            if found[field] is None:
                raise _nonexistent(field, f"No such {field}.")
    return found


def import_latest(case: Case) -> CaseImport | None:
    """The case's latest import from the health record, with who imported it (one query)."""
    return case.imports.select_related("imported_by").first()


def case_timezone(case: Case) -> str:
    """The time zone a case's times are shown in: its board's, else the server's."""
    return case.board.timezone if case.board_id else settings.TIME_ZONE


def review_tasks_of_specialty(user) -> QuerySet[ReviewTask]:
    """The review tasks of the user's specialty (whoever holds them) and those assigned to them, on the cases of the
    boards they belong to: what they may claim, or be told another member holds."""
    if not user.is_authenticated:
        return ReviewTask.objects.none()
    mine = Q(assignee=user) | Q(specialty=user.specialty) if user.specialty else Q(assignee=user)
    return ReviewTask.objects.filter(mine, case__board_id__in=member_board_ids(user))


def review_tasks_for(user) -> QuerySet[ReviewTask]:
    """The user's review tasks (issue 21): assigned to them, or open to their specialty, on the cases of the boards
    they belong to (a task of a board they left is no longer theirs)."""
    if not user.is_authenticated:
        return ReviewTask.objects.none()
    return review_tasks_of_specialty(user).filter(Q(assignee=user) | Q(assignee__isnull=True))


def review_tasks_open_count(user) -> int:
    """How many open or claimed tasks the user has (the navigation's count): one query."""
    return review_tasks_for(user).filter(status__in=sorted(REVIEW_TASK_ACTIVE)).count()


def trials_visible_to(user) -> QuerySet[Trial]:
    """The trials of the user's institution and of the institutions whose boards they belong to (admins: all)."""
    if not user.is_authenticated:
        return Trial.objects.none()
    trials = Trial.objects.select_related("institution")
    return trials if is_admin(user) else trials.filter(institution_id__in=trial_institution_ids(user))


def trial_get(user, public_id) -> Trial:
    """The trial if the user may see it; 404 otherwise (another institution's trial does not exist for them)."""
    return get_object_or_404(trials_visible_to(user), public_id=public_id)
