"""Safe runs (issue 18, item 4): starting a meeting before its day or with its quorum missing needs a confirmation
with a reason, kept with the transition; cancelling needs a reason and a confirmation; completing names the meeting
each case not presented rolls to."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases.lifecycle.agenda import agenda_allocate, meeting_transition
from cases.models import CaseTransition
from scheduling.models import AgendaItem, AgendaItemStatus, Attendance, Meeting, MeetingStatus, MeetingTransition
from specialists.models import Specialty
from tests.factories import CaseFactory, MeetingFactory, UserFactory

pytestmark = pytest.mark.django_db

REASON = "The chair flies out tomorrow; the board meets a day early."


def url(meeting, action):
    return f"/api/v1/meetings/{meeting.public_id}/{action}/"


def meeting_of(world) -> Meeting:
    return Meeting.objects.get(board=world.board)


def today(meeting: Meeting) -> Meeting:
    """The meeting moved to now: its day, in any time zone."""
    now = timezone.now().replace(microsecond=0)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=now, ends_at=now + datetime.timedelta(hours=1))
    meeting.refresh_from_db()
    return meeting


def quorate(world, meeting: Meeting) -> Meeting:
    """Every required specialty (medical, surgical and radiation oncology) accepted the invitation."""
    radiation = UserFactory(institution=world.academic, specialty=Specialty.RADIATION_ONCOLOGY)
    for user in (world.member, world.chair, radiation):
        Attendance.objects.create(meeting=meeting, user=user, rsvp="accepted")
    return meeting


def test_starting_on_the_day_with_quorum_needs_no_confirmation(world, api):
    meeting = quorate(world, today(meeting_of(world)))
    response = api(world.coordinator).post(url(meeting, "start"))
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_progress"
    assert MeetingTransition.objects.get(meeting=meeting).reason == ""


def test_an_early_start_is_refused_with_a_clear_message(world, api):
    meeting = quorate(world, meeting_of(world))  # a week ahead
    response = api(world.coordinator).post(url(meeting, "start"))
    assert response.status_code == 409
    [error] = response.json()["errors"]
    local_day = meeting.starts_at.astimezone(ZoneInfo(world.board.timezone))
    assert error["code"] == "start_needs_confirmation"
    assert f"the meeting is on {local_day:%Y-%m-%d} ({world.board.timezone})" in error["message"]
    assert "Confirm with a reason" in error["message"] and "quorum" not in error["message"]
    assert meeting_of(world).status == MeetingStatus.SCHEDULED
    assert not MeetingTransition.objects.filter(meeting=meeting).exists()


def test_a_start_with_the_quorum_missing_is_refused(world, api):
    meeting = today(meeting_of(world))
    Attendance.objects.create(meeting=meeting, user=world.member, rsvp="accepted")
    response = api(world.coordinator).post(url(meeting, "start"), {"confirm": False}, format="json")
    assert response.status_code == 409
    [error] = response.json()["errors"]
    assert error["code"] == "start_needs_confirmation"
    assert "its quorum is missing Surgical oncology, Radiation oncology" in error["message"]
    assert "the meeting is on" not in error["message"]
    assert meeting_of(world).status == MeetingStatus.SCHEDULED


def test_a_confirmed_start_keeps_the_reason_with_the_transition(world, api):
    meeting = meeting_of(world)  # early, and nobody accepted
    response = api(world.coordinator).post(url(meeting, "start"), {"confirm": True, "reason": REASON}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "in_progress"
    transition = MeetingTransition.objects.get(meeting=meeting)
    assert (transition.from_status, transition.to_status, transition.by) == (
        "scheduled",
        "in_progress",
        world.coordinator,
    )
    assert transition.reason.startswith(REASON)
    assert "the meeting is on" in transition.reason and "quorum is missing" in transition.reason


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_confirmation_needs_a_reason(world, api, reason):
    meeting = meeting_of(world)
    response = api(world.coordinator).post(url(meeting, "start"), {"confirm": True, "reason": reason}, format="json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]
    assert meeting_of(world).status == MeetingStatus.SCHEDULED


def test_the_confirmation_is_checked_after_the_permission(world, api):
    meeting = meeting_of(world)
    assert api(world.member).post(url(meeting, "start")).status_code == 403
    assert api(world.referrer).post(url(meeting, "start")).status_code == 404
    response = api(world.coordinator).post(url(meeting, "start"), {"confirm": "perhaps"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "confirm"


def test_cancelling_needs_a_reason_and_a_confirmation(world, api):
    meeting = meeting_of(world)
    client = api(world.coordinator)
    response = client.post(url(meeting, "cancel"), {"reason": "Public holiday"}, format="json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["confirm"]
    response = client.post(url(meeting, "cancel"), {"confirm": True}, format="json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["reason"]
    assert meeting_of(world).status == MeetingStatus.SCHEDULED
    response = client.post(url(meeting, "cancel"), {"confirm": True, "reason": "Public holiday"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert MeetingTransition.objects.get(meeting=meeting).reason == "Public holiday"


def test_completing_names_the_meeting_each_case_rolls_to(world, api):
    board = world.board
    board.minutes_per_case, board.submission_cutoff_hours = 10, 0
    board.save()
    meeting = meeting_of(world)  # a week ahead: the cases go on it, the board runs it early (confirmed)
    later = MeetingFactory(board=board, starts_at=meeting.starts_at + datetime.timedelta(days=14))
    cases = [
        CaseFactory(institution=world.academic, board=board, created_by=world.member, status="submitted")
        for _ in range(2)
    ]
    for case in cases:
        assert agenda_allocate(case_id=case.pk).meeting_id == meeting.pk
    meeting_transition(user=world.coordinator, meeting=meeting, action_name="start", confirm=True, reason=REASON)
    meeting_transition(user=world.coordinator, meeting=meeting, action_name="complete")
    meeting.refresh_from_db()

    expected = (
        f"Rolled over to the meeting of {later.local_start}: not presented at the meeting of {meeting.local_start}."
    )
    for case in cases:
        case.refresh_from_db()
        assert case.meeting == later
        last = CaseTransition.objects.filter(case=case).latest("pk")
        assert last.action == "roll-over" and last.reason.startswith(expected), last.reason
        new = AgendaItem.objects.get(case=case, status=AgendaItemStatus.SCHEDULED)
        assert new.meeting == later and new.note.startswith(expected)
        old = AgendaItem.objects.get(case=case, meeting=meeting)
        assert old.status == AgendaItemStatus.ROLLED_OVER and old.rolled_to == later

    agenda = api(world.coordinator).get(f"/api/v1/meetings/{meeting.public_id}/agenda/").json()
    rows = agenda["results"] if isinstance(agenda, dict) else agenda
    assert {row["status"] for row in rows} == {"rolled_over"}
    assert {row["rolled_to"] for row in rows} == {str(later.public_id)}
    assert {row["status_label"] for row in rows} == {f"Rolled over to the meeting of {later.local_start}"}


def test_the_schema_documents_the_confirmation(world, api):
    schema = api(world.coordinator).get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]

    def body(action):
        operation = schema["paths"][f"/api/v1/meetings/{{id}}/{action}/"]["post"]
        assert "409" in operation["responses"] and "400" in operation["responses"]
        return components[operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]]

    variants = [components[v["$ref"].rsplit("/", 1)[1]] for v in body("start")["oneOf"]]
    assert [set(v["properties"]) for v in variants] == [{"confirm", "reason"}] * 2
    assert [set(v.get("required", [])) for v in variants] == [set(), {"confirm", "reason"}]
    assert set(body("cancel")["required"]) == {"confirm", "reason"}
