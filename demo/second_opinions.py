"""The demo's second opinions (SPEC §5.5), written by the demo loader through the real services.

Each request of ``demo/data/second_opinion_requests.py`` is made once, on a community hospital's draft case, the
way a user makes it: the requester's own plan, the request, routing, the coordinator's answers (and the
requester's), and for a request with a report the meeting it was discussed at: the requester joins remotely,
the chair records the board plan (the case is presented, the request reviewed), the change detection runs and the
report is built (the request becomes report_sent). Every step is then moved back in time to the request's
timeline (``_dated``): its rows and transitions, the request's ``created_at`` before routing (so the due date
follows from it), ``routed_at``, ``submitted_at``, ``report_sent_at``. The notifications the steps write are
marked sent at that time: the demo's history is not news to e-mail. Audit events keep the time they were
written, as in ``demo/plans.py``.

The board's past meeting is a completed meeting; the services place and present cases only on a scheduled or
running one, so the loader opens it (status scheduled, then in progress) for the accept and the board plan, and
completes it again. Routing, run today, can only propose an upcoming meeting; for a request made weeks ago the
routing note names the meeting routing would have proposed then.

Once a case has a request, the services own its workflow: a rerun keeps the request and its case as they are
(``demo/loader.py`` refreshes only the profile). A rerun on a later day moves a request still scheduled
on a meeting that has since begun to the board's next meeting with room, as a coordinator would.
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone

from cases.codes import CaseStatus, DiseaseSite, PlanKind, SecondOpinionStatus
from cases.lifecycle.agenda import agenda_place, agenda_release_for_case
from cases.lifecycle.recommendation import plan_record
from cases.lifecycle.second_opinion_slots import second_opinion_join
from cases.lifecycle.second_opinions import second_opinion_transition
from cases.locks import case_lock
from cases.models import (
    Case,
    CaseTransition,
    ChangeRecord,
    FollowUp,
    Packet,
    Patient,
    Plan,
    SecondOpinion,
    SecondOpinionReport,
    SecondOpinionTransition,
)
from cases.services.follow_ups import follow_up_record
from cases.services.plan_changes import plan_changes_detect
from cases.services.reports import report_build
from cases.services.second_opinions import second_opinion_request, second_opinion_route
from cases.states import CASE
from demo.data import demo_cases, demo_requests
from demo.documents import documents_attach
from demo.plans import board_plan_data, plan_data
from demo.world import BOARDS, COORDINATOR, DemoCase, DemoSecondOpinion, demo_case_id
from scheduling.models import AgendaItem, AgendaItemStatus, Attendance, Meeting, MeetingStatus
from specialists.models import BoardRole, Institution, User
from tumorboard.models import Notification, NotificationStatus

SO = SecondOpinionStatus
MINUTE = datetime.timedelta(minutes=1)
HOUR = datetime.timedelta(hours=1)
REQUESTER_ACTIONS = {"provide-info", "cancel"}
# The times a step may leave on the rows it writes; the loader moves them to the step's time.
_STAMPS = (
    "created_at",
    "updated_at",
    "at",
    "submitted_at",
    "routed_at",
    "report_sent_at",
    "requested_at",
    "started_at",
    "built_at",
    "checked_in_at",
)


@dataclass
class _World:
    users: dict[str, User]
    academic: Institution
    meetings: dict[str, dict[int, Meeting]]
    now: datetime.datetime


@dataclass
class DemoRequestsSummary:
    created: int = 0
    kept: int = 0
    documents: int = 0


def second_opinions_load(*, institutions, users, meetings, now: datetime.datetime) -> DemoRequestsSummary:
    """Make the demo's requests that are not there yet; keep (and if need be reschedule) those that are.
    ``meetings``: each demo board's meetings by index (1 = its next, -1 = its last), as the loader made them."""
    world = _World(users=users, academic=institutions["academic"], meetings=meetings, now=now)
    summary = DemoRequestsSummary()
    cases = {demo.slug: demo for demo in demo_cases()}
    for demo in demo_requests():
        case = Case.objects.get(public_id=demo_case_id(demo.case))
        request = SecondOpinion.objects.filter(case=case).order_by("-created_at", "-id").first()
        if request is None:
            summary.documents += _request_write(demo, cases[demo.case], case, world)
            summary.created += 1
        else:
            _slot_keep(request, case, world)
            summary.kept += 1
    return summary


# --- Time --------------------------------------------------------------------------------------------------


def _local(day: datetime.date, hhmm: str, tz: ZoneInfo) -> datetime.datetime:
    hour, minute = (int(part) for part in hhmm.split(":"))
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz).astimezone(datetime.UTC)


def _business_days(day: datetime.date, days: int) -> datetime.date:
    """``days`` working days after (or, negative, before) ``day``."""
    step = 1 if days > 0 else -1
    while days:
        day += datetime.timedelta(days=step)
        if day.weekday() < 5:
            days -= step
    return day


def _board_key(case: Case) -> str:
    """The demo board routing gives the case: the most specialised one reviewing its disease site."""
    covering = [b for b in BOARDS if case.primary_site in b.disease_sites]
    return min(covering, key=lambda b: (len(b.disease_sites), b.name)).key


def _timeline(demo: DemoSecondOpinion, case: Case, meeting: Meeting | None, world: _World):
    """When the request was made and when each of its steps was taken; checked to lie in order, after the
    diagnosis and before the meeting it was discussed at (or now)."""
    tz = ZoneInfo(BOARDS[0].timezone if meeting is None else meeting.board.timezone)
    if meeting is not None:
        day = meeting.starts_at.astimezone(tz).date() - datetime.timedelta(days=demo.days_before)
        while day.weekday() >= 5:
            day -= datetime.timedelta(days=1)
    else:
        day = _business_days(world.now.astimezone(tz).date(), -demo.business_days_ago)
    requested_at = _local(day, demo.at, tz)
    steps = [(action, _local(_business_days(day, days), hhmm, tz), text) for action, days, hhmm, text in demo.steps]
    until = meeting.starts_at if meeting is not None else world.now - 5 * MINUTE
    times = [requested_at, *(at for _, at, _ in steps), until]
    if case.diagnosis_date >= requested_at.astimezone(tz).date() or any(a >= b for a, b in itertools.pairwise(times)):
        raise ValueError(f"Demo second opinion on {demo.case}: its steps do not fit between the diagnosis and {until}.")
    return requested_at, steps


# --- Moving a step's rows back in time ---------------------------------------------------------------------


def _stamp(queryset: QuerySet, since: datetime.datetime, at: datetime.datetime) -> None:
    fields = {f.name for f in queryset.model._meta.concrete_fields}
    for name in (n for n in _STAMPS if n in fields):
        queryset.filter(**{f"{name}__gte": since}).update(**{name: at})


@contextmanager
def _dated(case: Case, at: datetime.datetime) -> Iterator[None]:
    """The rows the enclosed service calls write (or touch) for ``case`` take the time ``at``; the
    notifications they write are marked sent then."""
    since = timezone.now()
    yield
    Notification.objects.filter(created_at__gte=since).update(status=NotificationStatus.SENT, sent_at=at)
    for queryset in (
        Notification.objects.all(),
        Case.objects.filter(pk=case.pk),
        CaseTransition.objects.filter(case=case),
        AgendaItem.objects.filter(case=case),
        Attendance.objects.filter(guest_case=case),
        Packet.objects.filter(case=case),
        Plan.objects.filter(case=case),
        ChangeRecord.objects.filter(case=case),
        FollowUp.objects.filter(case=case),
        SecondOpinion.objects.filter(case=case),
        SecondOpinionTransition.objects.filter(request__case=case),
        SecondOpinionReport.objects.filter(request__case=case),
    ):
        _stamp(queryset, since, at)


def _case_backdate(case: Case, at: datetime.datetime) -> None:
    """The demo case (and its patient) existed before the hospital asked about it."""
    if case.created_at <= at:
        return
    Case.objects.filter(pk=case.pk).update(created_at=at)
    CaseTransition.objects.filter(case=case, action="create").update(at=at)
    Patient.objects.filter(pk=case.patient_id, created_at__gt=at).update(created_at=at)


def _meeting_open(meeting: Meeting, status: str) -> None:
    """The loader's privilege: a past meeting is briefly scheduled (or running) again for the services."""
    Meeting.objects.filter(pk=meeting.pk).update(status=status)
    meeting.status = status


# --- One request -------------------------------------------------------------------------------------------


def _request_write(demo: DemoSecondOpinion, demo_case: DemoCase, case: Case, world: _World) -> int:
    """Make the request and take it through its steps; returns how many documents the case was given (its reports
    come with the request, dated before it)."""
    requester, coordinator = world.users[demo.by], world.users[COORDINATOR]
    past = demo.status == SO.REPORT_SENT
    meeting = world.meetings[_board_key(case)][demo.meeting] if past else None
    requested_at, steps = _timeline(demo, case, meeting, world)
    _case_backdate(case, requested_at - datetime.timedelta(days=2))
    documents = documents_attach(
        case, demo_case, uploaded_by=requester, reference=requested_at.date(), today=timezone.localdate(world.now)
    )
    if demo.proposed is not None:
        with _dated(case, requested_at - 3 * HOUR):
            plan_record(user=requester, case=case, data=plan_data(demo.proposed, PlanKind.PROPOSED))
    with _dated(case, requested_at):
        request = second_opinion_request(
            user=requester,
            case=case,
            target_institution=world.academic,
            questions=list(demo.questions),
            reason=demo.reason,
            urgency=demo.urgency,
        )
    with _dated(case, requested_at + 2 * MINUTE):
        second_opinion_route(request_id=request.pk)  # the due date follows from the backdated request
    _proposal_as_of_routing(request)
    upcoming = world.meetings[_board_key(case)][demo.meeting] if demo.meeting and demo.meeting > 0 else None
    for action, at, message in steps:
        user = requester if action in REQUESTER_ACTIONS else coordinator
        slot = (meeting or upcoming) if action == "accept" else None
        if action == "accept" and past:
            _meeting_open(meeting, MeetingStatus.SCHEDULED)
        with _dated(case, at):
            second_opinion_transition(user=user, request=request, action_name=action, message=message, meeting=slot)
        if action == "accept" and past:
            _meeting_open(meeting, MeetingStatus.COMPLETED)
            _last_on_agenda(case, meeting)
    if past:
        _discussion_write(demo, case, request, meeting, world)
    return documents


def _proposal_as_of_routing(request: SecondOpinion) -> None:
    """Routing proposes the earliest meeting with room before the due date, among the meetings to come when it
    runs. For a request made weeks ago it runs today and finds none before a due date that has passed: the note
    names the board's first meeting after the request and before its due date, as routing would have then."""
    request = SecondOpinion.objects.select_related("board", "meeting", "case").get(pk=request.pk)
    if request.board is None or (request.meeting is not None and request.meeting.starts_at <= request.due_at):
        return
    then = (
        Meeting.objects.filter(board=request.board, starts_at__gt=request.routed_at, starts_at__lte=request.due_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("starts_at")
        .first()
    )
    if then is None:
        return
    when = then.starts_at.astimezone(ZoneInfo(request.board.timezone)).strftime("%Y-%m-%d %H:%M %Z")
    site = DiseaseSite(request.case.primary_site).label.lower()
    note = (
        f"Routed to the {request.board.name} board, which reviews {site} cases. "
        f"Proposed meeting: {when}, before the due date."
    )
    SecondOpinion.objects.filter(pk=request.pk).update(meeting=then, routing_note=note)
    SecondOpinionTransition.objects.filter(request=request, action="route").update(message=note)


def _last_on_agenda(case: Case, meeting: Meeting) -> None:
    """Placed on a past meeting whose other cases were presented already: the case comes after them."""
    others = AgendaItem.objects.filter(meeting=meeting).exclude(case=case).exclude(status=AgendaItemStatus.REMOVED)
    position = max(others.values_list("position", flat=True), default=0) + 1
    AgendaItem.objects.filter(meeting=meeting, case=case, status=AgendaItemStatus.SCHEDULED).update(position=position)


def _discussion_write(demo: DemoSecondOpinion, case: Case, request, meeting: Meeting, world: _World) -> None:
    """The meeting: the requester joins for the case's slot, the chair records the board plan (the case is
    presented, the request reviewed), the change detection runs, the report is built and sent; then, if the
    demo says so, the hospital records that the recommendation was carried out."""
    case = Case.objects.select_related("board").get(pk=case.pk)  # routed and accepted since it was read
    latest = world.now - 5 * MINUTE
    decided_at = min(meeting.ends_at + HOUR, latest)
    _meeting_open(meeting, MeetingStatus.IN_PROGRESS)
    if demo.joined:
        with _dated(case, meeting.starts_at + 10 * MINUTE):
            second_opinion_join(user=world.users[demo.by], request=SecondOpinion.objects.get(pk=request.pk))
    chair = case.board.memberships.filter(role=BoardRole.CHAIR).values_list("user__username", flat=True).first()
    data = board_plan_data(demo.board_plan, demo.proposed, case=case, meeting=meeting)
    with _dated(case, decided_at):
        plan = plan_record(user=world.users[chair or COORDINATOR], case=case, data=data)
    CaseTransition.objects.filter(case=case, action="discuss", to_status=CaseStatus.DISCUSSED).update(
        at=meeting.starts_at + 20 * MINUTE
    )
    _meeting_open(meeting, MeetingStatus.COMPLETED)
    with _dated(case, decided_at + 2 * MINUTE):
        plan_changes_detect(plan_id=plan.pk)
    report = SecondOpinionReport.objects.get(request=request, plan=plan)
    with _dated(case, min(decided_at + 95 * MINUTE, latest)):
        report_build(report_id=report.pk)  # a failed build stays failed (request reviewed) for the sweep to retry
    follow = demo.follow_up
    if follow is None:
        return
    with _dated(case, min(meeting.ends_at + datetime.timedelta(days=follow.days_after), world.now - HOUR)):
        data = {"implemented": follow.implemented, "reason": follow.reason, "note": follow.note, "plan": plan}
        follow_up_record(user=world.users[follow.by], case=case, data=data)


def _slot_keep(request: SecondOpinion, case: Case, world: _World) -> None:
    """A rerun on a later day: a request still scheduled on a meeting that has begun since moves, with its case,
    to the board's next meeting with room (the services release the slot and place the case again)."""
    if request.status != SO.SCHEDULED:
        return
    item = AgendaItem.objects.filter(case=case, status=AgendaItemStatus.SCHEDULED).select_related("meeting").first()
    if item is not None and item.meeting.starts_at > world.now:
        return
    case = case_lock(case)
    with _dated(case, world.now):
        agenda_release_for_case(case=case)
        note = "The meeting began without the case."
        CASE.apply(case, "unschedule", by=world.users[COORDINATOR], note=note, fields={"meeting": None})
        agenda_place(case=case, by=world.users[COORDINATOR])
