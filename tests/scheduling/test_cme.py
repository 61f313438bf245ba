"""Continuing-education credit (scheduling/cme.py): who may attest and when, the hours, the certificate PDF, the
coordinators' roster (JSON, CSV, PDF, guests apart), isolation, audit and the roster's query count."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from cases.lifecycle.agenda import meeting_transition
from scheduling.models import Attendance, CmeAttestation, Meeting
from tests.conftest import meeting_start
from tests.factories import MeetingFactory, MembershipFactory, UserFactory
from tests.pdf_text import pdf_text
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db


def _credit(board, hours="1.5") -> None:
    board.cme_hours = Decimal(hours)
    board.cme_accrediting_body = "ACCME via Academic Cancer Center CME office"
    board.cme_activity_id = "RSS-2026-BREAST"
    board.save()


def _running(world, *, hours_ago: float = 2) -> Meeting:
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=hours_ago)
    meeting = MeetingFactory(board=world.board, starts_at=start)
    meeting_start(meeting, by=world.coordinator)
    return meeting


def _check_in(api, user, meeting, remote=False):
    response = api(user).post(f"/api/v1/meetings/{meeting.public_id}/attendance/check-in/", {"remote": remote})
    assert response.status_code == 200, response.content


def _guest(world, meeting) -> Attendance:
    """The community physician, a remote guest for their case (a second-opinion requester) who joined."""
    return Attendance.objects.create(
        meeting=meeting,
        user=world.referrer,
        guest_case=world.community_case,
        present=True,
        remote=True,
        checked_in_at=meeting.starts_at + datetime.timedelta(minutes=20),
    )


def _complete(world, meeting) -> None:
    meeting_transition(user=world.coordinator, meeting=meeting, action_name="complete")


def _error(response) -> tuple[str, str]:
    error = response.json()["errors"][0]
    return error["field"], error["code"]


def test_only_a_member_who_checked_in_attests_once_after_the_meeting_within_the_hours(world, api):
    _credit(world.board)
    meeting = _running(world)
    url = f"/api/v1/meetings/{meeting.public_id}/cme/"
    _check_in(api, world.member, meeting, remote=True)

    state = api(world.member).get(url).json()
    assert state["credit"] == {
        "hours": 1.5,
        "accrediting_body": "ACCME via Academic Cancer Center CME office",
        "activity_id": "RSS-2026-BREAST",
    }
    assert state["can_attest"] is False and "completed" in state["reason"]
    assert world.board.name in state["statement"] and "commensurate" in state["statement"]
    # while the meeting runs: not yet
    response = api(world.member).post(url + "attest/", {}, format="json")
    assert response.status_code == 409 and _error(response)[1] == "meeting_not_completed"

    _complete(world, meeting)
    assert api(world.member).get(url).json()["can_attest"] is True
    # more hours than offered, or not in quarter hours: 400 naming the field
    for hours in ("2", "1.3", "0", "-1"):
        response = api(world.member).post(url + "attest/", {"hours": hours}, format="json")
        assert response.status_code == 400 and _error(response)[0] == "hours", hours
    assert "1.5" in api(world.member).post(url + "attest/", {"hours": 2}, format="json").json()["errors"][0]["message"]
    # a member of the board who did not check in; a colleague who is no member; other boards and institutions
    response = api(world.chair).post(url + "attest/", {}, format="json")
    assert response.status_code == 409 and _error(response)[1] == "not_checked_in"
    assert api(world.chair).get(url).json()["can_attest"] is False
    outsider = UserFactory(institution=world.academic)
    MembershipFactory(user=outsider, board=world.other_board, role="coordinator")  # sees the meeting, no member
    assert api(outsider).post(url + "attest/", {}, format="json").status_code == 403
    for stranger in (world.other_member, world.referrer):
        assert api(stranger).get(url).status_code == 404
        assert api(stranger).post(url + "attest/", {}, format="json").status_code == 404
    assert api(None).post(url + "attest/", {}, format="json").status_code in (401, 403)

    response = api(world.member).post(url + "attest/", {"hours": "1.25"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["hours_claimed"] == 1.25 and body["hours_offered"] == 1.5 and body["activity_id"] == "RSS-2026-BREAST"
    assert body["certificate_url"] == f"/api/v1/cme/attestations/{body['id']}/certificate/"
    # once
    response = api(world.member).post(url + "attest/", {}, format="json")
    assert response.status_code == 409 and _error(response)[1] == "already_attested"
    assert CmeAttestation.objects.get().attendance.user == world.member
    assert AuditEvent.objects.filter(
        action="create", object_type="scheduling.cmeattestation", object_id=body["id"], user=world.member
    ).exists()
    # a later change of the board's credit leaves the attestation as attested
    _credit(world.board, "1")
    assert api(world.member).get(url).json()["attestation"]["hours_offered"] == 1.5

    # a meeting of a board without credit, and a meeting that overrides its board's hours with 0
    no_credit = api(world.member).post(
        f"/api/v1/meetings/{Meeting.objects.filter(board=world.other_board).first().public_id}/cme/attest/", {}
    )
    assert no_credit.status_code == 404  # not their board's meeting
    # the meeting's own credit (coordinators): 0 for none, null for the board's again
    for hours, field in (("1.3", "hours"), ("0.75", None), ("1.25", "hours")):  # a 60-minute meeting
        response = api(world.coordinator).put(url, {"hours": hours}, format="json")
        assert (response.status_code, field and _error(response)[0]) == ((400, field) if field else (200, None))
    assert api(world.member).get(url).json()["credit"]["hours"] == 0.75
    assert api(world.member).put(url, {"hours": "0"}, format="json").status_code == 403
    assert api(world.referrer).put(url, {"hours": "0"}, format="json").status_code == 404
    assert api(world.coordinator).put(url, {"hours": "0"}, format="json").json()["credit"] is None
    assert api(world.coordinator).put(url, {"hours": None}, format="json").json()["credit"]["hours"] == 1.0
    assert (
        AuditEvent.objects.filter(action="update", object_type="scheduling.meeting", user=world.coordinator).count()
        == 3
    )
    # a board that stops offering credit: its meetings carry none, whatever their own figure
    api(world.coordinator).put(url, {"hours": "0.5"}, format="json")
    world.board.cme_hours = None
    world.board.save()
    assert api(world.member).get(url).json()["credit"] is None
    response = api(world.coordinator).put(url, {"hours": "0.25"}, format="json")
    assert response.status_code == 400 and _error(response)[0] == "hours"


def test_the_boards_credit_settings_are_validated_by_field(world, api):
    url = f"/api/v1/boards/{world.board.public_id}/"
    response = api(world.coordinator).patch(url, {"cme_hours": "0.3"}, format="json")
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"cme_hours", "cme_accrediting_body", "cme_activity_id"}
    response = api(world.coordinator).patch(url, {"cme_hours": "2"}, format="json")  # a 60-minute meeting
    assert "cme_hours" in {e["field"] for e in response.json()["errors"]}
    settings = {"cme_hours": "1", "cme_accrediting_body": "ACCME", "cme_activity_id": "RSS-1"}
    response = api(world.coordinator).patch(url, settings, format="json")
    assert response.status_code == 200 and response.json()["cme_hours"] == 1.0
    assert api(world.member).patch(url, {"cme_hours": None}, format="json").status_code == 403


def _attested_meeting(world, api) -> tuple[Meeting, dict]:
    _credit(world.board)
    meeting = _running(world)
    _check_in(api, world.member, meeting, remote=True)
    _check_in(api, world.chair, meeting)
    _guest(world, meeting)
    _complete(world, meeting)
    body = api(world.member).post(f"/api/v1/meetings/{meeting.public_id}/cme/attest/", {}, format="json").json()
    return meeting, body


def test_the_certificate_names_the_member_activity_date_hours_accreditor_and_no_patient(world, api):
    meeting, body = _attested_meeting(world, api)
    response = api(world.member).get(body["certificate_url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    pdf = b"".join(response.streaming_content)
    text = " ".join(pdf_text(pdf).split())
    day = meeting.local_start[:10]
    for expected in (
        "Certificate of attendance",
        world.member.name,
        "Breast tumor board",
        "Academic Cancer Center",
        day,
        "1.5 hours of credit",
        "ACCME via Academic Cancer Center CME office",
        "RSS-2026-BREAST",
        "commensurate with the extent of my participation",
    ):
        assert expected in text, expected
    for case in (world.case, world.community_case):
        assert case.patient.name not in text and case.patient.mrn not in text
    assert AuditEvent.objects.filter(
        action="download", object_type="scheduling.cmeattestation", object_id=body["id"], user=world.member
    ).exists()
    # only one's own: the chair checked in but did not attest; the coordinator attended nothing
    for other in (world.chair, world.coordinator):
        assert api(other).get(body["certificate_url"]).status_code == 404
    assert api(world.referrer).get(body["certificate_url"]).status_code == 404


def test_the_roster_lists_members_and_guests_apart_as_json_csv_and_pdf(world, api):
    meeting, _ = _attested_meeting(world, api)
    url = f"/api/v1/meetings/{meeting.public_id}/cme/roster"

    roster = api(world.coordinator).get(url + "/").json()
    (row,) = roster["meetings"]
    assert [(m["name"], m["attested"], m["hours_claimed"], m["remote"]) for m in row["members"]] == [
        (world.member.name, True, 1.5, True),
        (world.chair.name, False, None, False),
    ]  # by specialty: medical before surgical oncology
    guests = [(g["name"], g["institution"]) for g in row["guests"]]
    assert guests == [(world.referrer.name, "Valley Community Hospital")]
    assert row["credit"]["hours"] == 1.5 and all(m["checked_in_at"] for m in row["members"])

    response = api(world.coordinator).get(url + ".csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [(r["section"], r["name"], r["attested"], r["hours_claimed"]) for r in rows] == [
        ("member", world.member.name, "yes", "1.5"),
        ("member", world.chair.name, "no", ""),
        ("guest", world.referrer.name, "", ""),
    ]
    assert rows[0]["specialty"] == "Medical oncology" and rows[0]["remote"] == "yes"
    assert rows[2]["institution"] == "Valley Community Hospital" and rows[0]["activity_id"] == "RSS-2026-BREAST"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", rows[1]["checked_in"])  # the board's time zone

    response = api(world.coordinator).get(url + ".pdf")
    text = " ".join(pdf_text(b"".join(response.streaming_content)).split())
    members, guests = text.index("Members"), text.index("Guests")
    assert members < text.index(world.member.name) < text.index(world.chair.name) < guests
    assert text.index(world.referrer.name) > guests and "Valley Community Hospital" in text
    assert "2 member attendances, 1 attested (1.5 h claimed); 1 guest" in text
    assert world.community_case.patient.name not in text and world.case.patient.name not in text
    downloads = AuditEvent.objects.filter(action="download", object_type="scheduling.meeting", user=world.coordinator)
    assert downloads.count() == 2 and downloads.first().object_id == str(meeting.public_id)

    # the board's coordinators only: a member 403, another institution or board 404, bad periods 400 by field
    assert api(world.member).get(url + "/").status_code == 403
    assert api(world.referrer).get(url + ".csv").status_code == 404
    assert api(world.other_member).get(url + "/").status_code == 404

    # the board's period: by default the year up to today; bad periods 400 naming the field
    period = f"/api/v1/boards/{world.board.public_id}/cme/roster"
    body = api(world.coordinator).get(period + "/").json()
    assert [m["meeting"] for m in body["meetings"]] == [str(meeting.public_id)]
    assert datetime.date.fromisoformat(body["end"]) - datetime.date.fromisoformat(body["start"]) == datetime.timedelta(
        days=365
    )
    for params, field in (
        ({"from": "2099-03-01"}, "to"),
        ({"from": "2026-03-01", "to": "2026-02-01"}, "to"),
        ({"from": "2025-01-01", "to": "2026-06-01"}, "to"),
        ({"from": "2026-02-30", "to": "2026-03-01"}, "from"),
    ):
        response = api(world.coordinator).get(period + "/", params)
        assert response.status_code == 400 and _error(response)[0] == field, params
    assert api(world.member).get(period + ".csv").status_code == 403
    assert api(world.referrer).get(period + ".pdf").status_code == 404
    assert api(world.other_member).get(period + "/").status_code == 403  # their institution's board: they see it

    # the member's own attestations
    mine = api(world.member).get("/api/v1/cme/attestations/").json()
    assert [(a["meeting"], a["board_name"], a["hours_claimed"]) for a in mine["results"]] == [
        (str(meeting.public_id), "Breast", 1.5)
    ]
    assert api(world.chair).get("/api/v1/cme/attestations/").json()["results"] == []


def test_the_period_roster_costs_the_same_queries_for_one_meeting_or_many(world, api, django_assert_num_queries):
    meeting, _ = _attested_meeting(world, api)
    day = meeting.starts_at.astimezone(ZoneInfo(world.board.timezone)).date()  # the period is in the board's zone
    query = {"from": str(day - datetime.timedelta(days=40)), "to": str(day)}
    url = f"/api/v1/boards/{world.board.public_id}/cme/roster/"
    client = api(world.coordinator)
    client.get(url, query)  # warm the session
    # the token with its user and memberships, the board, the meetings, everyone checked in with attestations
    with django_assert_num_queries(4) as one:
        one_body = client.get(url, query).json()
    assert len(one_body["meetings"]) == 1
    for weeks in (1, 2, 3):  # three more held meetings, each with people checked in
        earlier = _running(world, hours_ago=24 * 7 * weeks)
        Attendance.objects.create(meeting=earlier, user=world.chair, present=True, checked_in_at=earlier.starts_at)
        _guest(world, earlier)
        _complete(world, earlier)
    with django_assert_num_queries(len(one.captured_queries)):
        many = client.get(url, query).json()
    assert len(many["meetings"]) == 4
    assert [len(m["guests"]) for m in many["meetings"]] == [1, 1, 1, 1]
