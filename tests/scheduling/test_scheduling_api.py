"""Boards, meetings, agendas and attendance through the API."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar

from cases.models import Case
from scheduling.models import AgendaItem, Attendance, Board, Meeting
from tests.factories import CaseFactory, MeetingFactory

pytestmark = pytest.mark.django_db

BOARD = {
    "name": "Melanoma",
    "disease_sites": ["melanoma"],
    "required_specialties": ["medical_oncology", "surgical_oncology", "pathology"],
    "recurrence": "FREQ=WEEKLY;BYDAY=MO",
    "timezone": "Europe/Berlin",
    "start_time": "07:30",
    "duration_minutes": 60,
    "minutes_per_case": 15,
    "submission_cutoff_hours": 24,
    "video_url": "https://video.example.org/melanoma",
}


def test_coordinator_creates_a_board_which_generates_its_meetings(world, api):
    response = api(world.coordinator).post("/api/v1/boards/", BOARD, format="json")
    assert response.status_code == 201, response.json()
    board = Board.objects.get(public_id=response.json()["id"])
    assert board.institution == world.academic
    assert board.memberships.get(user=world.coordinator).role == "coordinator"
    assert Meeting.objects.filter(board=board).count() in {8, 9}  # 8 weeks ahead
    local = Meeting.objects.filter(board=board).first().starts_at.astimezone(datetime.UTC)
    assert local.minute == 30


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recurrence": "FREQ=SOMETIMES"}, "recurrence"),
        ({"recurrence": "FREQ=HOURLY"}, "recurrence"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"submission_cutoff_hours": 200}, "submission_cutoff_hours"),
        ({"duration_minutes": -5}, "duration_minutes"),
        ({"minutes_per_case": 90}, "minutes_per_case"),
        ({"required_specialties": ["astrology"]}, "required_specialties[0]"),
        ({"name": "Breast"}, "name"),
    ],
)
def test_bad_board_input_is_400_naming_the_field(world, api, change, field):
    response = api(world.coordinator).post("/api/v1/boards/", {**BOARD, **change}, format="json")
    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert not Board.objects.filter(name=BOARD["name"]).exists()


def test_only_coordinators_create_and_edit_boards(world, api):
    assert api(world.member).post("/api/v1/boards/", BOARD, format="json").status_code == 403
    assert api(world.referrer).post("/api/v1/boards/", BOARD, format="json").status_code == 403
    url = f"/api/v1/boards/{world.board.public_id}/"
    assert api(world.member).patch(url, {"minutes_per_case": 12}, format="json").status_code == 403
    assert api(world.referrer).patch(url, {"minutes_per_case": 12}, format="json").status_code == 404
    response = api(world.coordinator).patch(url, {"minutes_per_case": 12}, format="json")
    assert response.status_code == 200 and response.json()["minutes_per_case"] == 12


def test_generate_meetings_is_idempotent(world, api):
    client = api(world.coordinator)
    url = f"/api/v1/boards/{world.board.public_id}/generate-meetings/"
    until = (timezone.localdate() + datetime.timedelta(weeks=6)).isoformat()
    first = client.post(url, {"until": until}, format="json").json()
    again = client.post(url, {"until": until}, format="json").json()
    assert first["created"] >= 5 and again["created"] == 0
    assert first["meetings"] == again["meetings"]
    assert client.post(url, {"until": "2099-01-01"}, format="json").json()["errors"][0]["field"] == "until"
    assert client.post(url, {"until": "soon"}, format="json").json()["errors"][0]["field"] == "until"
    assert api(world.member).post(url, {"until": until}, format="json").status_code == 403


def test_one_off_meeting_and_meeting_actions(world, api):
    client = api(world.coordinator)
    starts = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)
    response = client.post(
        "/api/v1/meetings/",
        {"board": str(world.board.public_id), "starts_at": starts.isoformat(), "duration_minutes": 30},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["one_off"] and body["capacity_minutes"] == 30
    assert body["quorum"] == {
        "met": False,
        "missing": ["medical_oncology", "surgical_oncology", "radiation_oncology"],
    }
    url = f"/api/v1/meetings/{body['id']}"
    assert client.post(f"{url}/complete/").status_code == 409
    assert client.post(f"{url}/cancel/", {}).json()["errors"][0]["field"] == "reason"
    early = client.post(f"{url}/start/")  # three days ahead, and nobody accepted: a confirmation is needed
    assert early.status_code == 409 and early.json()["errors"][0]["code"] == "start_needs_confirmation"
    confirmed = {"confirm": True, "reason": "The board meets early this week."}
    assert client.post(f"{url}/start/", confirmed, format="json").json()["status"] == "in_progress"
    assert client.post(f"{url}/start/").status_code == 200  # idempotent
    assert client.post(f"{url}/cancel/", {"reason": "x"}).status_code == 409
    assert client.post(f"{url}/complete/").json()["status"] == "completed"
    assert api(world.member).post(f"{url}/start/").status_code == 403
    assert api(world.referrer).post(f"{url}/start/").status_code == 404


def test_agenda_add_reorder_move_remove(world, api):
    client = api(world.coordinator)
    meeting = world.board.meetings.first()
    later = MeetingFactory(board=world.board)
    cases = [
        CaseFactory(institution=world.academic, board=world.board, created_by=world.member, status="submitted")
        for _ in range(3)
    ]
    url = f"/api/v1/meetings/{meeting.public_id}/agenda/"
    items = [client.post(url, {"case": str(c.public_id)}, format="json") for c in cases]
    assert [i.status_code for i in items] == [201, 201, 201], items[0].json()
    ids = [i.json()["id"] for i in items]
    assert client.post(url, {"case": str(cases[0].public_id)}, format="json").status_code == 400  # already on it

    reordered = client.post(f"{url}reorder/", {"items": [ids[2], ids[0], ids[1]]}, format="json")
    assert [i["id"] for i in reordered.json()] == [ids[2], ids[0], ids[1]]
    bad = client.post(f"{url}reorder/", {"items": ids[:2]}, format="json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "items"

    moved = client.patch(f"{url}{ids[1]}/", {"meeting": str(later.public_id)}, format="json")
    assert moved.status_code == 200, moved.json()
    assert Case.objects.get(pk=cases[1].pk).meeting == later
    resized = client.patch(f"{url}{ids[0]}/", {"minutes": 25}, format="json")
    assert resized.json()["minutes"] == 25
    assert client.patch(f"{url}{ids[0]}/", {"minutes": 999}, format="json").status_code == 400
    assert client.patch(f"{url}{ids[0]}/", {"minutes": 60}, format="json").status_code == 409  # over capacity

    assert client.delete(f"{url}{ids[2]}/").status_code == 204
    assert Case.objects.get(pk=cases[2].pk).status == "submitted"
    meeting.refresh_from_db()
    assert meeting.allocated_minutes == 25
    listing = client.get(url).json()
    assert [i["id"] for i in listing] == [ids[0]]  # removed and moved items are not on it
    assert listing[0]["quorum"]["met"] is False

    assert api(world.member).post(url, {"case": str(cases[2].public_id)}, format="json").status_code == 403
    assert api(world.referrer).get(url).status_code == 404


def test_meeting_list_with_quorum_costs_constant_queries(world, api):
    for _ in range(30):
        meeting = MeetingFactory(board=world.board)
        Attendance.objects.create(meeting=meeting, user=world.member, rsvp="accepted")
        Attendance.objects.create(meeting=meeting, user=world.chair, rsvp="declined")
    client = api(world.coordinator)
    counts = []
    for size in (1, 30):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/meetings/", {"page_size": size}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_agenda_list_costs_constant_queries(world, api):
    meeting = MeetingFactory(board=world.board, capacity_minutes=600)
    client = api(world.coordinator)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/api/v1/meetings/{meeting.public_id}/agenda/").status_code == 200
        return len(ctx.captured_queries)

    def add(n):
        for _ in range(n):
            case = CaseFactory(
                institution=world.academic, board=world.board, created_by=world.member, status="submitted"
            )
            case.biomarkers.create(name="BRCA1", result="detected")
            client.post(f"/api/v1/meetings/{meeting.public_id}/agenda/", {"case": str(case.public_id)}, format="json")

    add(1)
    one = count()
    add(20)
    assert count() == one


def test_invite_rsvp_check_in_and_attendance(world, api, django_capture_on_commit_callbacks):
    meeting = world.board.meetings.first()
    url = f"/api/v1/meetings/{meeting.public_id}"
    with django_capture_on_commit_callbacks(execute=True):
        assert api(world.coordinator).post(f"{url}/invite/").status_code == 200
    assert len(mail.outbox) == 3  # coordinator, chair, member
    rows = api(world.member).get(f"{url}/attendance/").json()
    assert {r["rsvp"] for r in rows} == {"invited"}
    response = api(world.member).post(f"{url}/attendance/rsvp/", {"rsvp": "accepted"}, format="json")
    assert response.status_code == 200 and response.json()["rsvp"] == "accepted"
    assert api(world.member).post(f"{url}/attendance/rsvp/", {"rsvp": "yes"}, format="json").status_code == 400
    # other_member sees the meeting (same institution) but is not invited: 404
    assert api(world.other_member).post(f"{url}/attendance/rsvp/", {"rsvp": "accepted"}).status_code == 404
    assert api(world.referrer).post(f"{url}/attendance/rsvp/", {"rsvp": "accepted"}).status_code == 404
    # check-in opens on the day
    assert api(world.member).post(f"{url}/attendance/check-in/", {"remote": True}).status_code == 409
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + datetime.timedelta(hours=1))
    response = api(world.coordinator).post(
        f"{url}/attendance/check-in/", {"user": str(world.chair.public_id), "remote": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["present"] and response.json()["remote"]
    assert (
        api(world.member).post(f"{url}/attendance/check-in/", {"user": str(world.chair.public_id)}).status_code == 403
    )


def test_invite_ics_and_private_feed(world, api, client):
    meeting = world.board.meetings.first()
    response = api(world.member).get(f"/api/v1/meetings/{meeting.public_id}/invite.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert calendar["method"] == "REQUEST"
    assert api(world.referrer).get(f"/api/v1/meetings/{meeting.public_id}/invite.ics").status_code == 404

    feed_url = api(world.member).get("/api/v1/me/calendar/").json()["url"]
    path = feed_url.split("127.0.0.1:8000")[1]
    feed = client.get(path)
    assert feed.status_code == 200
    events = Calendar.from_ical(feed.content).walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [f"meeting-{meeting.public_id}@tumorboard"]
    assert world.case.patient.name.encode() not in feed.content
    new_url = api(world.member).post("/api/v1/me/calendar/").json()["url"]
    assert new_url != feed_url
    assert client.get(path).status_code == 404  # the old URL is revoked


def test_rsvp_link_page(world, api, client):
    from scheduling.attendance import rsvp_token

    meeting = world.board.meetings.first()
    api(world.coordinator).post(f"/api/v1/meetings/{meeting.public_id}/invite/")
    attendance = Attendance.objects.get(meeting=meeting, user=world.member)
    page = client.get(f"/rsvp/{rsvp_token(attendance)}/")
    assert page.status_code == 200 and b"Will you attend?" in page.content
    attendance.refresh_from_db()
    assert attendance.rsvp == "invited"  # GET changes nothing
    assert client.post(f"/rsvp/{rsvp_token(attendance)}/", {"rsvp": "declined"}).status_code == 200
    attendance.refresh_from_db()
    assert attendance.rsvp == "declined"
    assert client.get("/rsvp/forged-token/").status_code == 404


def test_submission_allocates_through_the_api(world, api, django_capture_on_commit_callbacks):
    case = CaseFactory(institution=world.academic, board=world.board, created_by=world.member)
    with django_capture_on_commit_callbacks(execute=True):
        api(world.member).post(f"/api/v1/cases/{case.public_id}/submit/")
    item = AgendaItem.objects.get(case=case)
    assert item.meeting.board == world.board
    body = api(world.member).get(f"/api/v1/cases/{case.public_id}/").json()
    assert body["status"] == "scheduled" and body["meeting"] == str(item.meeting.public_id)
