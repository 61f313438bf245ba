"""The patient's timeline (cases.timeline.case_timeline): every kind of event, in the order it happened, the
revisions a re-read made, times in the board's time zone, nothing of another case, and a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest

from cases import selectors
from cases.models import Case, CaseTransition, Comment
from cases.timeline import EventKind, case_timeline
from tests.cases.timeline_helpers import at, history

pytestmark = pytest.mark.django_db


def fresh(case) -> Case:
    return Case.objects.select_related("board").get(pk=case.pk)


def test_every_kind_of_event_appears_in_the_order_it_happened(world):
    history(world, world.case)
    events = case_timeline(fresh(world.case), now=at(1, month=2))
    assert [(e.kind, e.label) for e in events] == [
        (EventKind.DIAGNOSIS, "Diagnosis: Breast"),
        (EventKind.DOCUMENT, "Pathology report: Core biopsy"),
        (EventKind.BIOMARKER, "HER2: positive (3)"),
        (EventKind.STATUS, "Case created"),
        (EventKind.SECOND_OPINION, "Second opinion requested from Academic Cancer Center"),
        (EventKind.SECOND_OPINION, "Second opinion accepted"),
        (EventKind.STATUS, "Submitted to the board"),
        (EventKind.REVIEW, "Pathology re-read"),
        (EventKind.COMMENT, "Comment (question)"),
        (EventKind.PLAN, "Proposed plan v1: curative"),
        (EventKind.STATUS, "Placed on a meeting's agenda"),
        (EventKind.MEETING, "Discussed at the Breast meeting"),
        (EventKind.PLAN, "Board recommendation v1: curative"),
        (EventKind.FOLLOW_UP, "Follow-through of board recommendation v1: implemented partially"),
    ]
    assert {e.kind for e in events} == set(EventKind.values)
    assert [e.at for e in events] == sorted(e.at for e in events)


def test_clinical_events_are_days_and_system_events_local_times(world):
    history(world, world.case)
    events = {e.label: e for e in case_timeline(fresh(world.case))}
    assert events["Diagnosis: Breast"].when == "2026-01-10"
    assert events["Diagnosis: Breast"].day == datetime.date(2026, 1, 10)
    assert events["Pathology report: Core biopsy"].when == "2026-01-12"
    assert events["Case created"].when == "2026-01-20 08:00 CET"  # stored in UTC (07:00), shown in Paris
    assert events["Discussed at the Breast meeting"].when == "2026-01-28 08:00 CET"
    assert events["Submitted to the board"].details == ("Status: Draft → Submitted",)
    assert events["Placed on a meeting's agenda"].who == "the system"


def test_a_re_read_says_what_it_revised_and_a_board_plan_what_the_board_changed(world):
    history(world, world.case)
    events = {e.label: e for e in case_timeline(fresh(world.case))}
    review = events["Pathology re-read"]
    assert review.revisions == ("Clinical T revised cT2 → cT3 (Size 5.5 cm on re-read)",)
    assert "Findings: Larger." in review.details
    board = events["Board recommendation v1: curative"]
    assert "What the board changed: Staging revised; radiotherapy added." in board.details
    assert "Surgery: lumpectomy 1" in board.details
    follow = events["Follow-through of board recommendation v1: implemented partially"]
    assert follow.details == ("Toxicity",)


def test_an_upcoming_meeting_is_marked(world):
    rows = history(world, world.case)
    assert case_timeline(fresh(world.case), now=at(1))[-1].kind == EventKind.FOLLOW_UP
    upcoming = [e for e in case_timeline(fresh(world.case), now=at(1)) if e.upcoming]
    assert upcoming == []  # the meeting was presented: discussed, not upcoming
    rows["meeting"].agenda_items.update(status="scheduled")
    upcoming = [e.label for e in case_timeline(fresh(world.case), now=at(1)) if e.upcoming]
    assert upcoming == ["On the agenda of the Breast meeting"]


def test_no_event_of_another_case(world):
    history(world, world.other_case)
    Comment.objects.create(case=world.case, author=world.member, body="Only mine")
    events = case_timeline(fresh(world.case))
    assert [e.label for e in events if e.kind == EventKind.COMMENT] == ["Comment (general)"]
    assert {e.kind for e in events} == {EventKind.DIAGNOSIS, EventKind.STATUS, EventKind.COMMENT}


def test_the_same_queries_with_one_and_many_events(world, django_assert_num_queries):
    history(world, world.case)
    case = fresh(world.case)
    with django_assert_num_queries(13):
        few = case_timeline(case)
    history(world, world.other_case, extra=4)
    case = fresh(world.other_case)
    with django_assert_num_queries(13):
        many = case_timeline(case)
    assert len(many) == len(few) + 4 * 5


def test_the_lists_a_caller_already_holds_are_not_read_again(world, django_assert_num_queries):
    history(world, world.case)
    case = Case.objects.select_related("board", "created_by").prefetch_related("biomarkers").get(pk=world.case.pk)
    held = {
        "documents": list(selectors.documents_of(case)),
        "comments": list(selectors.comments_of(case)),
        "reviews": list(selectors.reviews_of(case)),
        "plans": list(selectors.plans_of(case)),
        "changes": list(selectors.changes_of(case)),
        "follow_ups": list(selectors.follow_ups_of(case)),
        "agenda_items": list(selectors.agenda_items_of(case)),
    }
    with django_assert_num_queries(2):  # the status transitions, the second-opinion steps
        events = case_timeline(case, **held)
    assert [e.label for e in events] == [e.label for e in case_timeline(fresh(world.case))]


def test_a_case_created_by_the_service_is_created_once(world):
    CaseTransition.objects.create(case=world.case, from_status="draft", to_status="draft", action="create")
    statuses = [e for e in case_timeline(fresh(world.case)) if e.kind == EventKind.STATUS]
    assert [(e.label, e.details) for e in statuses] == [("Case created", ())]
