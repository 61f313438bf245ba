"""The specialist's inbox (/inbox/): the cases on the agendas of their boards' next meetings, soonest first and
"to review" first, their RSVP with htmx buttons, their own cases not yet on an agenda; bounded queries."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.lifecycle.agenda import agenda_add
from cases.models import Packet
from scheduling.attendance import meeting_invite
from scheduling.models import Attendance, Meeting, MeetingStatus
from tests.factories import CaseFactory, CommentFactory, MeetingFactory, MembershipFactory
from tests.pages.markup import assert_refused
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db


def on_agenda(world, meeting, n: int, by=None, **fields):
    cases = []
    for _ in range(n):
        board, by = meeting.board, by or world.coordinator
        case = CaseFactory(
            institution=world.academic, board=board, created_by=world.chair, status="submitted", **fields
        )
        agenda_add(user=by, meeting=meeting, case=case)
        cases.append(case)
    return cases


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/inbox/")
    assert response.status_code == 302


def test_the_inbox_groups_the_cases_by_meeting_soonest_first_to_review_first(client, world):
    meeting = Meeting.objects.get(board=world.board)
    later = MeetingFactory(board=world.board, starts_at=meeting.starts_at + datetime.timedelta(days=7))
    far = MeetingFactory(board=world.board, starts_at=meeting.starts_at + datetime.timedelta(days=40))
    reviewed, waiting = on_agenda(world, meeting, 2)
    urgent = on_agenda(world, meeting, 1, urgency="urgent")[0]
    on_later = on_agenda(world, later, 1)[0]
    on_far = on_agenda(world, far, 1)[0]
    CommentFactory(case=reviewed, author=world.member)
    other_coordinator = MembershipFactory(board=world.other_board, role="coordinator").user
    foreign = on_agenda(world, Meeting.objects.get(board=world.other_board), 1, by=other_coordinator)[0]

    client.force_login(world.member)
    response = client.get("/inbox/")
    assert response.status_code == 200
    groups = response.context["groups"]
    assert [g["meeting"] for g in groups] == [meeting, later]  # 3 weeks ahead; the other board's not at all
    assert [r["case"] for r in groups[0]["rows"]] == [urgent, waiting, reviewed]
    assert [r["done"] for r in groups[0]["rows"]] == [False, False, True]
    assert groups[0]["to_review"] == 2
    assert [r["case"] for r in groups[1]["rows"]] == [on_later]
    body = response.content.decode()
    assert f'href="/meetings/{meeting.public_id}/"' in body
    assert meeting.local_start in body
    assert f"/cases/{urgent.public_id}/" in body
    assert f"/cases/{on_far.public_id}/" not in body
    assert f"/cases/{foreign.public_id}/" not in body
    assert "To review" in body and "Reviewed" in body
    assert urgent.question in body


def test_the_inbox_shows_packet_status_and_checklist_alerts(client, world):
    meeting = Meeting.objects.get(board=world.board)
    case = on_agenda(world, meeting, 1, ecog=None)[0]
    Packet.objects.update_or_create(case=case, defaults={"status": "ready", "requested_at": timezone.now()})
    client.force_login(world.member)
    response = client.get("/inbox/")
    row = response.context["groups"][0]["rows"][0]
    assert row["packet_status"] == "ready"
    assert row["warning"] + row["critical"] >= 1  # ECOG missing, no pathology report...
    assert "warning" in response.content.decode()


def test_the_inbox_read_is_audited(client, world):
    meeting = Meeting.objects.get(board=world.board)
    case = on_agenda(world, meeting, 1)[0]
    client.force_login(world.member)
    client.get("/inbox/")
    event = AuditEvent.objects.filter(user=world.member, object_id=str(case.public_id)).latest("id")
    assert event.action == "list"
    assert event.detail == {"view": "inbox"}


def test_the_users_own_cases_not_yet_on_an_agenda(client, world):
    draft = world.case  # created by the member
    submitted = CaseFactory(institution=world.academic, board=world.board, created_by=world.member, status="submitted")
    placed = CaseFactory(institution=world.academic, board=world.board, created_by=world.member, status="submitted")
    agenda_add(user=world.coordinator, meeting=Meeting.objects.get(board=world.board), case=placed)
    CaseFactory(institution=world.academic, board=world.board, created_by=world.chair)  # someone else's draft
    client.force_login(world.member)
    response = client.get("/inbox/")
    assert set(response.context["own"]) == {draft, submitted}
    assert "Your cases not yet on an agenda" in response.content.decode()


def test_rsvp_buttons_answer_the_invitation_over_htmx(client, world):
    meeting = Meeting.objects.get(board=world.board)
    meeting_invite(user=world.coordinator, meeting=meeting)
    client.force_login(world.member)
    body = client.get("/inbox/").content.decode()
    assert f'hx-post="/inbox/rsvp/{meeting.public_id}/"' in body
    for label in ("Accept", "Tentative", "Decline"):
        assert f">{label}</button>" in body
    response = client.post(f"/inbox/rsvp/{meeting.public_id}/", {"rsvp": "accepted"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "Accepted" in response.content.decode()
    assert Attendance.objects.get(meeting=meeting, user=world.member).rsvp == "accepted"


def test_rsvp_without_htmx_redirects_with_a_message(client, world):
    meeting = Meeting.objects.get(board=world.board)
    meeting_invite(user=world.coordinator, meeting=meeting)
    client.force_login(world.member)
    response = client.post(f"/inbox/rsvp/{meeting.public_id}/", {"rsvp": "tentative"}, follow=True)
    assert response.redirect_chain[-1][0] == "/inbox/"
    assert "Tentative" in response.content.decode()
    assert Attendance.objects.get(meeting=meeting, user=world.member).rsvp == "tentative"


def test_a_bad_rsvp_is_refused_with_the_field(client, world):
    meeting = Meeting.objects.get(board=world.board)
    meeting_invite(user=world.coordinator, meeting=meeting)
    client.force_login(world.member)
    response = client.post(f"/inbox/rsvp/{meeting.public_id}/", {"rsvp": "maybe"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    assert_refused(response.content.decode(), "rsvp")
    assert Attendance.objects.get(meeting=meeting, user=world.member).rsvp == "invited"


def test_rsvp_to_a_cancelled_meeting_is_409(client, world):
    meeting = Meeting.objects.get(board=world.board)
    meeting_invite(user=world.coordinator, meeting=meeting)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    client.force_login(world.member)
    response = client.post(f"/inbox/rsvp/{meeting.public_id}/", {"rsvp": "accepted"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 409
    assert Attendance.objects.get(meeting=meeting, user=world.member).rsvp == "invited"


@pytest.mark.parametrize("who", ["referrer", "referrer2"])
def test_rsvp_to_another_institutions_meeting_is_404(client, world, who):
    meeting = Meeting.objects.get(board=world.board)
    meeting_invite(user=world.coordinator, meeting=meeting)
    client.force_login(getattr(world, who))
    assert client.post(f"/inbox/rsvp/{meeting.public_id}/", {"rsvp": "accepted"}).status_code == 404
    assert client.post(f"/inbox/rsvp/{uuid.uuid4()}/", {"rsvp": "accepted"}).status_code == 404


def test_rsvp_without_an_invitation_is_404(client, world):
    meeting = Meeting.objects.get(board=world.other_board)  # same institution, not invited
    client.force_login(world.member)
    assert client.post(f"/inbox/rsvp/{meeting.public_id}/", {"rsvp": "accepted"}).status_code == 404
    assert not Attendance.objects.filter(user=world.member).exists()


def test_a_get_on_rsvp_changes_nothing(client, world):
    meeting = Meeting.objects.get(board=world.board)
    client.force_login(world.member)
    assert client.get(f"/inbox/rsvp/{meeting.public_id}/").status_code == 405


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/inbox/").status_code == 200
    return len(queries)


def test_the_inbox_costs_the_same_queries_with_1_and_6_cases(client, world, django_assert_max_num_queries):
    meeting = Meeting.objects.get(board=world.board)
    meeting_invite(user=world.coordinator, meeting=meeting)
    cases = on_agenda(world, meeting, 1)
    CommentFactory(case=cases[0], author=world.member)
    CaseFactory(institution=world.academic, board=world.board, created_by=world.member, status="submitted")
    client.force_login(world.member)
    one = _queries(client)
    more = on_agenda(world, meeting, 5)
    for case in more[:2]:
        Packet.objects.update_or_create(case=case, defaults={"status": "pending", "requested_at": timezone.now()})
        CommentFactory(case=case, author=world.member)
    CaseFactory.create_batch(5, institution=world.academic, board=world.board, created_by=world.member)
    with django_assert_max_num_queries(one):
        response = client.get("/inbox/")
    assert len(response.context["groups"][0]["rows"]) == 6
    assert len(response.context["own"]) == 7
    assert one <= 25, one
