"""The coordinator's dashboard at / and the board calendar at /calendar/."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.codes import CaseStatus, PacketStatus, SecondOpinionStatus
from cases.models import Packet, SecondOpinion
from scheduling.models import AgendaItem, Attendance, Meeting
from tests.factories import CaseFactory, MeetingFactory, UserFactory
from tests.pages.markup import assert_refused
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db


def submitted(world, **kwargs):
    return CaseFactory(
        institution=world.academic,
        board=world.board,
        created_by=world.member,
        status=CaseStatus.SUBMITTED,
        submitted_at=timezone.now(),
        **kwargs,
    )


def place(meeting, case, position, packet=None):
    Meeting.objects.filter(pk=meeting.pk).update(allocated_minutes=meeting.allocated_minutes + 10)
    meeting.refresh_from_db()
    type(case).objects.filter(pk=case.pk).update(status=CaseStatus.SCHEDULED, meeting=meeting)
    if packet:
        Packet.objects.create(case=case, status=packet, requested_at=timezone.now())
    return AgendaItem.objects.create(meeting=meeting, case=case, position=position, minutes=10)


# --- dashboard -----------------------------------------------------------------------------------------------


def test_the_dashboard_lists_upcoming_meetings_with_quorum_capacity_and_packets(client, world):
    meeting = Meeting.objects.get(board=world.board)
    place(meeting, submitted(world), 1, packet=PacketStatus.READY)
    place(meeting, submitted(world), 2, packet=PacketStatus.BUILDING)
    place(meeting, submitted(world), 3, packet=PacketStatus.FAILED)
    place(meeting, submitted(world), 4)
    Attendance.objects.create(meeting=meeting, user=world.member, rsvp="accepted")
    far = MeetingFactory(board=world.board, starts_at=timezone.now() + datetime.timedelta(weeks=10))
    client.force_login(world.coordinator)
    response = client.get("/")
    assert response.status_code == 200
    [row] = response.context["meetings"]
    assert row == meeting and far not in response.context["meetings"]
    assert row.case_count == 4
    assert (row.packets_built, row.packets_pending, row.packets_failed, row.packets_none) == (1, 1, 1, 1)
    assert row.quorum["codes"] == ["surgical_oncology", "radiation_oncology"]
    assert row.capacity["allocated"] == 40 and row.capacity["level"] == ""
    body = response.content.decode()
    assert f"/meetings/{meeting.public_id}/" in body
    assert "1 built" in body and "1 failed" in body and "Surgical oncology, Radiation oncology" in body
    # the other board's meeting is not this coordinator's
    assert Meeting.objects.get(board=world.other_board).board.name not in [
        m.board.name for m in response.context["meetings"]
    ]


def test_the_dashboard_counts_waiting_cases_and_second_opinions(client, world):
    waiting = [submitted(world), submitted(world, urgency="urgent")]
    SecondOpinion.objects.create(
        case=world.community_case,
        requesting_institution=world.community,
        target_institution=world.academic,
        board=world.board,
        requested_by=world.referrer,
        reason="Second look",
        status=SecondOpinionStatus.REQUESTED,
        due_at=timezone.now() - datetime.timedelta(days=1),
        routed_at=timezone.now() - datetime.timedelta(days=3),
    )
    SecondOpinion.objects.create(  # still being routed: nothing to answer yet
        case=world.community2_case,
        requesting_institution=world.community2,
        target_institution=world.academic,
        requested_by=world.referrer2,
        reason="Second look",
        status=SecondOpinionStatus.REQUESTED,
    )
    client.force_login(world.coordinator)
    response = client.get("/")
    assert response.context["waiting_count"] == 2
    assert response.context["waiting"][0] == waiting[1]  # urgent first
    assert response.context["second_opinions"] == {"waiting": 1, "info_requested": 0, "overdue": 1}
    body = response.content.decode()
    assert 'href="/second-opinions/"' in body and waiting[0].patient.name in body
    assert AuditEvent.objects.filter(user=world.coordinator, patient_id=waiting[0].patient_id).exists()


def test_the_other_boards_coordinator_sees_none_of_it(client, world):
    from specialists.models import BoardMembership, BoardRole

    submitted(world)
    thoracic = UserFactory(institution=world.academic)
    BoardMembership.objects.create(user=thoracic, board=world.other_board, role=BoardRole.COORDINATOR)
    client.force_login(thoracic)
    response = client.get("/")
    assert response.context["waiting_count"] == 0
    assert [m.board for m in response.context["meetings"]] == [world.other_board]


def test_the_dashboard_query_count_does_not_grow_with_meetings_and_cases(client, world):
    client.force_login(world.coordinator)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/").status_code == 200
        return len(queries)

    place(Meeting.objects.get(board=world.board), submitted(world), 1, packet=PacketStatus.READY)
    submitted(world)
    small = count()
    for week in range(1, 6):
        meeting = MeetingFactory(board=world.board, starts_at=timezone.now() + datetime.timedelta(days=7 * week + 1))
        Attendance.objects.create(meeting=meeting, user=world.member, rsvp="accepted")
        for position in range(1, 4):
            place(meeting, submitted(world), position, packet=PacketStatus.PENDING)
        submitted(world)
    assert len(client.get("/").context["meetings"]) == 6
    assert count() == small


# --- calendar ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "member"])
def test_the_calendar_lists_the_months_meetings_of_my_boards(client, world, who):
    meeting = Meeting.objects.get(board=world.board)
    client.force_login(getattr(world, who))
    response = client.get(f"/calendar/?month={meeting.starts_at:%Y-%m}")
    assert response.status_code == 200
    assert response.context["meetings"] == [meeting]  # not the thoracic board's
    body = response.content.decode()
    assert f"/meetings/{meeting.public_id}/" in body and "<caption>" in body
    assert "/calendar/" in response.context["feed_url"] and response.context["feed_url"].endswith(".ics")
    previous = (meeting.starts_at.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    assert f"?month={previous}" in body


def test_the_board_filter_shows_another_board_to_a_coordinator_and_nothing_to_a_member_of_another(client, world):
    other = Meeting.objects.get(board=world.other_board)
    client.force_login(world.coordinator)  # coordinates the Breast board: sees the institution's meetings
    path = f"/calendar/?month={other.starts_at:%Y-%m}&board={world.other_board.public_id}"
    response = client.get(path)
    assert response.status_code == 200 and response.context["meetings"] == [other]
    assert f"board={world.other_board.public_id}" in response.context["next_url"]
    client.force_login(world.member)  # on the Breast board only
    assert client.get(path).context["meetings"] == []


@pytest.mark.parametrize(
    ("query", "field"),
    [("month=2026-13", "month"), ("month=soon", "month"), ("board=nope", "board"), ("board=BOARD", "board")],
)
def test_bad_calendar_filters_are_a_400_with_the_reason(client, world, query, field):
    foreign = CaseFactory().institution  # a board of another institution is no such board
    from tests.factories import BoardFactory

    board = BoardFactory(institution=foreign)
    client.force_login(world.member)
    response = client.get("/calendar/?" + query.replace("BOARD", str(board.public_id)))
    assert response.status_code == 400
    assert_refused(response.content.decode(), field)


def test_another_institution_sees_no_meeting_of_ours(client, world):
    meeting = Meeting.objects.get(board=world.board)
    client.force_login(world.referrer)
    response = client.get(f"/calendar/?month={meeting.starts_at:%Y-%m}")
    assert response.status_code == 200 and response.context["meetings"] == []
    assert client.get(f"/calendar/?board={world.board.public_id}").status_code == 400


def test_the_calendar_query_count_does_not_grow_with_meetings(client, world):
    client.force_login(world.coordinator)
    start = timezone.now().replace(day=1, hour=9, minute=0, second=0, microsecond=0) + datetime.timedelta(days=62)
    month = start.strftime("%Y-%m")

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/calendar/?month={month}")
        return len(queries), len(response.context["meetings"])

    MeetingFactory(board=world.board, starts_at=start)
    client.get("/calendar/")  # the first visit creates the user's feed
    small, n = count()
    assert n == 1
    for day in range(1, 6):
        meeting = MeetingFactory(board=world.board, starts_at=start + datetime.timedelta(days=day))
        Attendance.objects.create(meeting=meeting, user=world.coordinator)
    assert count() == (small, 6)
