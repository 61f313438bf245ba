"""Invitations with .ics, RSVP (API service and signed link), check-in, quorum and its 48-hour alert."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from icalendar import Calendar

from cases.lifecycle.agenda import meeting_transition
from cases.quorum import case_quorum, specialties_required_for_case
from scheduling import ical
from scheduling.attendance import (
    attendance_check_in,
    attendance_from_token,
    attendance_rsvp,
    meeting_invite,
    quorum_alerts_send,
    rsvp_token,
)
from scheduling.models import Attendance, Meeting
from scheduling.quorum import meeting_quorum
from tests.conftest import meeting_start
from tests.factories import BoardFactory, CaseFactory, MeetingFactory, MembershipFactory, UserFactory
from tumorboard.models import Notification

pytestmark = pytest.mark.django_db

SPECIALTIES = ["medical_oncology", "surgical_oncology", "radiation_oncology"]


@pytest.fixture
def team():
    board = BoardFactory(name="Breast", required_specialties=SPECIALTIES, timezone="America/Chicago")
    coordinator = UserFactory(institution=board.institution, specialty="nurse_navigation")
    MembershipFactory(user=coordinator, board=board, role="coordinator")
    members = {}
    for specialty in SPECIALTIES:
        members[specialty] = UserFactory(institution=board.institution, specialty=specialty)
        MembershipFactory(user=members[specialty], board=board)
    start = timezone.now().replace(microsecond=0) + datetime.timedelta(days=3)
    meeting = MeetingFactory(board=board, starts_at=start, ends_at=start + datetime.timedelta(hours=1))
    return board, coordinator, members, meeting


def _ics(message):
    (name, content, mimetype) = message.attachments[0]
    assert name == "invite.ics"
    return mimetype, Calendar.from_ical(content)


def test_invitations_carry_a_parsable_ics_and_no_patient_data(team, django_capture_on_commit_callbacks):
    board, coordinator, members, meeting = team
    case = CaseFactory(institution=board.institution, board=board, meeting=meeting, status="scheduled")
    with django_capture_on_commit_callbacks(execute=True):
        meeting_invite(user=coordinator, meeting=meeting)
    assert Attendance.objects.filter(meeting=meeting).count() == 4
    assert len(mail.outbox) == 4
    mimetype, calendar = _ics(mail.outbox[0])
    assert mimetype == "text/calendar; method=REQUEST"
    assert calendar["method"] == "REQUEST"
    assert calendar.walk("VTIMEZONE")[0]["tzid"] == "America/Chicago"
    event = calendar.walk("VEVENT")[0]
    assert str(event["uid"]) == f"meeting-{meeting.public_id}@tumorboard"
    assert event["dtstart"].dt == meeting.starts_at
    assert int(event["sequence"]) == 0
    attachment = mail.outbox[0].attachments[0][1]
    everything = mail.outbox[0].body + mail.outbox[0].subject + str(attachment)
    assert case.patient.name not in everything and case.patient.mrn not in everything
    assert "/rsvp/" in mail.outbox[0].body

    # re-sending is idempotent: nobody gets the same version twice
    with django_capture_on_commit_callbacks(execute=True):
        meeting_invite(user=coordinator, meeting=meeting)
    assert len(mail.outbox) == 4

    with django_capture_on_commit_callbacks(execute=True):
        meeting_transition(user=coordinator, meeting=meeting, action_name="cancel", reason="Holiday", confirm=True)
    cancels = mail.outbox[4:]
    assert len(cancels) == 4
    mimetype, calendar = _ics(cancels[0])
    assert calendar["method"] == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert str(event["uid"]) == f"meeting-{meeting.public_id}@tumorboard" and int(event["sequence"]) == 1
    assert str(event["status"]) == "CANCELLED"


def test_rsvp_and_signed_link(team):
    board, coordinator, members, meeting = team
    meeting_invite(user=coordinator, meeting=meeting)
    medonc = members["medical_oncology"]
    attendance = attendance_rsvp(user=medonc, meeting=meeting, answer="accepted")
    assert attendance.rsvp == "accepted" and attendance.responded_at
    token = rsvp_token(Attendance.objects.get(meeting=meeting, user=members["radiation_oncology"]))
    assert attendance_from_token(token).user == members["radiation_oncology"]
    with pytest.raises(Http404):
        attendance_from_token(token[:-2] + "xx")
    with pytest.raises(ValidationError):
        attendance_rsvp(user=medonc, meeting=meeting, answer="maybe")
    stranger = UserFactory(institution=board.institution)
    with pytest.raises(Http404):
        attendance_rsvp(user=stranger, meeting=meeting, answer="accepted")


def test_meeting_quorum_before_and_during_the_meeting(team):
    board, coordinator, members, meeting = team
    meeting_invite(user=coordinator, meeting=meeting)
    attendances = lambda: meeting.attendances.select_related("user")  # noqa: E731
    assert meeting_quorum(meeting, attendances()).as_dict() == {"met": False, "missing": SPECIALTIES}
    for user in members.values():
        attendance_rsvp(user=user, meeting=meeting, answer="accepted")
    assert meeting_quorum(meeting, attendances()).met
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=1))
    meeting.refresh_from_db()
    meeting_start(meeting, by=coordinator)
    meeting.refresh_from_db()
    # once started, only those who checked in count
    assert meeting_quorum(meeting, attendances()).missing == SPECIALTIES
    for user in members.values():
        attendance_check_in(user=user, meeting=meeting, remote=user.specialty == "radiation_oncology")
    assert meeting_quorum(meeting, attendances()).met
    assert Attendance.objects.get(meeting=meeting, user=members["radiation_oncology"]).remote


def test_case_quorum_adds_genetics_for_germline_and_palliative_for_ecog_3(team):
    board, coordinator, members, meeting = team
    case = CaseFactory(institution=board.institution, board=board, ecog=3, treatment_intent="curative")
    case.biomarkers.create(name="BRCA1", result="detected", detail="c.68_69delAG germline")
    assert specialties_required_for_case(case) == {*SPECIALTIES, "genetics", "palliative_care"}
    palliative = CaseFactory(institution=board.institution, board=board, ecog=1, treatment_intent="palliative")
    assert "palliative_care" in specialties_required_for_case(palliative)
    plain = CaseFactory(institution=board.institution, board=board, ecog=1)
    assert specialties_required_for_case(plain) == set(SPECIALTIES)
    meeting_invite(user=coordinator, meeting=meeting)
    for user in members.values():
        attendance_rsvp(user=user, meeting=meeting, answer="accepted")
    attendances = meeting.attendances.select_related("user")
    assert case_quorum(plain, meeting, attendances).met
    assert case_quorum(case, meeting, attendances).missing == ["genetics", "palliative_care"]


def test_quorum_alert_48h_before_tells_coordinators_once_without_patient_data(team):
    board, coordinator, members, meeting = team
    meeting_invite(user=coordinator, meeting=meeting)
    attendance_rsvp(user=members["medical_oncology"], meeting=meeting, answer="accepted")
    soon = meeting.starts_at - datetime.timedelta(hours=47)
    assert quorum_alerts_send(now=meeting.starts_at - datetime.timedelta(hours=60)) == 0  # too early
    assert quorum_alerts_send(now=soon) == 1
    assert quorum_alerts_send(now=soon) == 0  # once per meeting
    alert = Notification.objects.get(kind="quorum_at_risk")
    assert alert.recipient == coordinator
    assert "surgical_oncology, radiation_oncology" in alert.body


def test_feed_has_no_method_and_lists_meetings(team):
    board, coordinator, members, meeting = team
    calendar = Calendar.from_ical(ical.feed([meeting], name="My tumor boards"))
    assert "method" not in calendar
    assert [str(e["summary"]) for e in calendar.walk("VEVENT")] == ["Breast tumor board"]
