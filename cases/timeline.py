"""The patient's timeline on the case page: one chronological list of what happened to the case, gathered from each
source (the profile's diagnosis date, documents, biomarker results, reviews and the profile revisions they made,
comments, plans, status transitions, agenda slots, follow-through, second-opinion steps).

Reads only. A fixed number of queries whatever the number of events: one per source, or none for a source the
caller already holds (the case page passes the lists it shows). Clinical events carry their day; system events their
time, written in the board's time zone (the server's while the case has no board). Sorted by when they happened;
events at the same moment keep the order they were gathered in, clinical ones first.
"""

from __future__ import annotations

import datetime
from collections.abc import Container, Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import TextChoices

from cases import selectors
from cases.codes import PlanKind
from cases.models import Case, CaseTransition, SecondOpinionTransition
from scheduling.models import AgendaItemStatus


class EventKind(TextChoices):
    DIAGNOSIS = "diagnosis", "Diagnosis"
    DOCUMENT = "document", "Documents"
    BIOMARKER = "biomarker", "Biomarker results"
    REVIEW = "review", "Reviews and re-reads"
    COMMENT = "comment", "Comments"
    PLAN = "plan", "Plans"
    STATUS = "status", "Status changes"
    MEETING = "meeting", "Meetings"
    FOLLOW_UP = "follow_up", "Follow-through"
    SECOND_OPINION = "second_opinion", "Second opinion"


KIND_NAMES = {  # one event's kind, as its badge says it
    EventKind.DIAGNOSIS: "Diagnosis",
    EventKind.DOCUMENT: "Document",
    EventKind.BIOMARKER: "Biomarker",
    EventKind.REVIEW: "Review",
    EventKind.COMMENT: "Comment",
    EventKind.PLAN: "Plan",
    EventKind.STATUS: "Status",
    EventKind.MEETING: "Meeting",
    EventKind.FOLLOW_UP: "Follow-through",
    EventKind.SECOND_OPINION: "Second opinion",
}

# What each status action of the case and of a second-opinion request says it did (cases/states.py's tables).
CASE_STEPS = {
    "submit": "Submitted to the board",
    "request-info": "Information requested",
    "defer": "Deferred to a later meeting",
    "withdraw": "Withdrawn",
    "close": "Closed",
    "schedule": "Placed on a meeting's agenda",
    "roll-over": "Rolled over to a later meeting",
    "unschedule": "Taken off the agenda",
    "discuss": "Presented at the meeting",
    "recommend": "Board recommendation recorded",
    "follow-up": "Closed after the follow-through",
}
SECOND_OPINION_STEPS = {
    "accept": "Second opinion accepted",
    "decline": "Second opinion declined",
    "request-info": "The board asked for more information",
    "provide-info": "Information supplied",
    "cancel": "Second opinion cancelled",
    "route": "Second opinion routed",
    "schedule": "Second opinion placed on a meeting's agenda",
    "unschedule": "Second opinion taken off the agenda",
    "review": "Second opinion reviewed by the board",
    "report": "Second-opinion report sent",
}
SLOT_STEPS = {
    AgendaItemStatus.SCHEDULED: "On the agenda of the {board} meeting",
    AgendaItemStatus.PRESENTED: "Discussed at the {board} meeting",
    AgendaItemStatus.ROLLED_OVER: "Not reached at the {board} meeting",
    AgendaItemStatus.REMOVED: "Taken off the agenda of the {board} meeting",
}


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime.datetime  # when, in the board's time zone: what the timeline sorts by
    kind: str
    label: str
    details: tuple[str, ...] = ()
    who: str = ""
    href: str = ""
    day: datetime.date | None = None  # a clinical event's date (no time of day)
    upcoming: bool = False
    revisions: tuple[str, ...] = ()  # what a review revised in the profile ("Clinical T revised cT2 → cT3")
    when: str = field(init=False)  # as the page writes it: "2026-11-24" or "2026-11-24 07:00 CET"

    def __post_init__(self):
        when = self.day.isoformat() if self.day else self.at.strftime("%Y-%m-%d %H:%M %Z")
        object.__setattr__(self, "when", when)

    @property
    def kind_label(self) -> str:
        return KIND_NAMES[self.kind]

    @property
    def iso(self) -> str:
        return self.day.isoformat() if self.day else self.at.isoformat(timespec="minutes")


def case_timeline(
    case: Case,
    *,
    documents: Iterable | None = None,
    comments: Iterable | None = None,
    reviews: Iterable | None = None,
    plans: Iterable | None = None,
    changes: Iterable | None = None,
    follow_ups: Iterable | None = None,
    agenda_items: Iterable | None = None,
    now: datetime.datetime | None = None,
    meetings_linked: Container[int] | None = None,
) -> list[TimelineEvent]:
    """Every event of ``case``, oldest first. The keyword lists: what the caller already read with the selectors
    of ``cases.selectors`` (``documents_of``, ...); a missing one is read here. ``meetings_linked``: the ids of the
    meetings whose page the reader may open (None: all); the others show without a link."""
    tz = ZoneInfo(selectors.case_timezone(case))
    now = now or datetime.datetime.now(tz)
    clinical = _clinical(
        case, tz, selectors.documents_of(case) if documents is None else documents, case.biomarkers.all()
    )
    events = [
        *clinical,
        *_statuses(case, tz),
        *_reviews(tz, selectors.reviews_of(case) if reviews is None else reviews),
        *_comments(tz, selectors.comments_of(case) if comments is None else comments),
        *_plans(
            tz,
            selectors.plans_of(case) if plans is None else plans,
            selectors.changes_of(case) if changes is None else changes,
        ),
        *_meetings(tz, now, selectors.agenda_items_of(case) if agenda_items is None else agenda_items, meetings_linked),
        *_follow_ups(tz, selectors.follow_ups_of(case) if follow_ups is None else follow_ups),
        *_second_opinions(case, tz),
    ]
    return sorted(events, key=lambda event: event.at)


def _day(day: datetime.date, tz: ZoneInfo) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=tz)


def _name(user) -> str:
    return user.name if user is not None else "the system"


def _clinical(case, tz, documents, biomarkers) -> list[TimelineEvent]:
    events = []
    if case.diagnosis_date:
        details = tuple(filter(None, [case.histology, case.get_grade_display()]))
        label = f"Diagnosis: {case.get_primary_site_display()}"
        events.append(
            TimelineEvent(_day(case.diagnosis_date, tz), EventKind.DIAGNOSIS, label, details, day=case.diagnosis_date)
        )
    for d in documents:
        href = f"/api/v1/cases/{case.public_id}/documents/{d.public_id}/file/"
        label = f"{d.get_kind_display()}: {d.title}"
        who = f"added by {d.uploaded_by.name}"
        events.append(TimelineEvent(_day(d.date, tz), EventKind.DOCUMENT, label, who=who, href=href, day=d.date))
    for b in biomarkers:
        if b.date is None:  # an undated result stays in the summary only
            continue
        value = f" ({b.value:g})" if b.value is not None else ""
        label = f"{b.get_name_display()}: {b.get_result_display().lower()}{value}"
        details = (b.detail,) if b.detail else ()
        events.append(TimelineEvent(_day(b.date, tz), EventKind.BIOMARKER, label, details, day=b.date))
    return events


def _statuses(case, tz) -> list[TimelineEvent]:
    events = [
        TimelineEvent(case.created_at.astimezone(tz), EventKind.STATUS, "Case created", who=_name(case.created_by))
    ]
    transitions = CaseTransition.objects.filter(case=case).exclude(action="create")  # "Case created" says it
    for t in transitions.select_related("by").order_by("at", "id"):
        label = CASE_STEPS.get(t.action, f"Status changed to {t.get_to_status_display().lower()}")
        moved = t.from_status != t.to_status
        details = [f"Status: {t.get_from_status_display()} → {t.get_to_status_display()}"] if moved else []
        if t.reason:
            details.append(f"Reason: {t.reason}")
        events.append(TimelineEvent(t.at.astimezone(tz), EventKind.STATUS, label, tuple(details), who=_name(t.by)))
    return events


def revision_text(revision) -> str:
    """ "Clinical T revised cT2 → cT3 (reason)": what a review changed in the profile."""
    text = f"{revision.get_field_display()} revised {revision.original or '—'} → {revision.revised}"
    return f"{text} ({revision.reason})" if revision.reason else text


def _reviews(tz, reviews) -> list[TimelineEvent]:
    events = []
    for r in reviews:
        details = [f"Findings: {r.findings}"]
        if r.recommendation:
            details.append(f"Recommendation: {r.recommendation}")
        revisions = tuple(revision_text(rev) for rev in r.revisions.all())
        who = f"{r.author.name}, {r.get_specialty_display()}"
        at = r.created_at.astimezone(tz)
        events.append(
            TimelineEvent(at, EventKind.REVIEW, r.get_kind_display(), tuple(details), who, revisions=revisions)
        )
    return events


def _comments(tz, comments) -> list[TimelineEvent]:
    events = []
    for c in comments:
        who = c.author.name + (f", {c.get_specialty_display()}" if c.specialty else "")
        label = f"Comment ({c.get_kind_display().lower()})"
        events.append(TimelineEvent(c.created_at.astimezone(tz), EventKind.COMMENT, label, (c.body,), who))
    return events


def _plans(tz, plans, changes) -> list[TimelineEvent]:
    summaries: dict[int, list[str]] = {}
    for record in changes:
        summaries.setdefault(record.to_plan_id, []).append(record.summary)
    events = []
    for p in plans:
        name = "Board recommendation" if p.kind == PlanKind.BOARD else "Proposed plan"
        label = f"{name} v{p.version}: {p.get_intent_display().lower()}"
        details = [c.text for c in p.components.all()]
        if p.kind == PlanKind.BOARD:
            details.append(f"Consensus: {p.get_consensus_display().lower()}")
            details += [f"What the board changed: {s}" for s in summaries.get(p.pk, [])]
        if p.rationale:
            details.append(f"Rationale: {p.rationale}")
        events.append(
            TimelineEvent(p.created_at.astimezone(tz), EventKind.PLAN, label, tuple(details), p.created_by.name)
        )
    return events


def _meetings(tz, now, agenda_items, linked: Container[int] | None) -> list[TimelineEvent]:
    events = []
    for item in agenda_items:
        meeting = item.meeting
        label = SLOT_STEPS[item.status].format(board=meeting.board.name)
        details = [f"Slot {item.position}, {item.minutes} min"]
        if item.status == AgendaItemStatus.ROLLED_OVER:
            details.append(item.status_label)
        if item.note:
            details.append(item.note)
        upcoming = item.status == AgendaItemStatus.SCHEDULED and meeting.starts_at > now
        href = f"/meetings/{meeting.public_id}/" if linked is None or meeting.pk in linked else ""
        at = meeting.starts_at.astimezone(tz)
        events.append(TimelineEvent(at, EventKind.MEETING, label, tuple(details), href=href, upcoming=upcoming))
    return events


def _follow_ups(tz, follow_ups) -> list[TimelineEvent]:
    events = []
    for f in follow_ups:
        done = f.get_implemented_display().lower()
        label = f"Follow-through of board recommendation v{f.plan.version}: implemented {done}"
        details = tuple(filter(None, [f.get_reason_display() if f.reason else "", f.note]))
        events.append(
            TimelineEvent(f.created_at.astimezone(tz), EventKind.FOLLOW_UP, label, details, f.recorded_by.name)
        )
    return events


def _second_opinions(case, tz) -> list[TimelineEvent]:
    steps = SecondOpinionTransition.objects.filter(request__case=case).select_related(
        "request__target_institution", "by"
    )
    events = []
    for t in steps.order_by("at", "id"):
        so = t.request
        if t.action == "request":
            label = f"Second opinion requested from {so.target_institution.name}"
            details = (f"Reason: {so.reason}", *(f"Question: {q}" for q in so.questions))
        else:
            label = SECOND_OPINION_STEPS.get(t.action, f"Second opinion {t.get_to_status_display().lower()}")
            details = (t.message,) if t.message else ()
        events.append(TimelineEvent(t.at.astimezone(tz), EventKind.SECOND_OPINION, label, details, _name(t.by)))
    return events
