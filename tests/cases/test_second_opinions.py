"""Second opinions: routing, due dates, the state machine, the case's protection, the remote guest, the
report, escalation and the sweep. The whole loop is tests/cases/test_second_opinion_flow.py."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.codes import PacketStatus
from cases.lifecycle import agenda as scheduling
from cases.models import Case, SecondOpinion, SecondOpinionReport
from cases.quorum import case_quorum
from cases.services.reports import report_build
from cases.services.second_opinions import add_business_days, second_opinion_route, second_opinions_escalate
from cases.tasks import documents_sweep, second_opinions_sweep
from scheduling.models import AgendaItem, Attendance, Meeting
from specialists.models import BoardRole
from tests.cases.plan_helpers import BOARD
from tests.cases.so_helpers import URL, act, errors, fetch, payload, submit
from tests.conftest import meeting_start
from tests.factories import BoardFactory, CaseFactory, MeetingFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def accepted(world, api, capture, **body) -> dict:
    so = submit(world, api, capture)
    return act(world, api, capture, world.coordinator, so["id"], "accept", body)


# --- Due dates and routing ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        (datetime.datetime(2026, 11, 20, 9, 30, tzinfo=PARIS), 3, datetime.datetime(2026, 11, 25, 9, 30, tzinfo=PARIS)),
        (datetime.datetime(2026, 11, 23, 9, 30, tzinfo=PARIS), 10, datetime.datetime(2026, 12, 7, 9, 30, tzinfo=PARIS)),
        (datetime.datetime(2026, 11, 21, 15, 0, tzinfo=PARIS), 1, datetime.datetime(2026, 11, 23, 15, 0, tzinfo=PARIS)),
        # across the end of summer time: the same wall-clock time
        (datetime.datetime(2026, 10, 23, 8, 0, tzinfo=PARIS), 3, datetime.datetime(2026, 10, 28, 8, 0, tzinfo=PARIS)),
    ],
)
def test_business_days_skip_weekends(start, days, due):
    assert add_business_days(start, days, PARIS) == due


def test_routing_picks_the_board_of_the_site_sets_the_due_date_and_proposes_the_earliest_meeting_with_room(
    world, api, capture, settings
):
    settings.SECOND_OPINION_DUE_BUSINESS_DAYS_URGENT = 2
    general = BoardFactory(name="All sites", institution=world.academic, disease_sites=["breast", "lung", "colorectal"])
    meetings = list(Meeting.objects.filter(board=world.board))
    full = MeetingFactory(board=world.board, starts_at=timezone.now() + datetime.timedelta(hours=20))
    Meeting.objects.filter(pk=full.pk).update(allocated_minutes=full.capacity_minutes)
    so = submit(world, api, capture, urgency="urgent")
    row = fetch(so["id"])
    assert row.board == world.board and row.board != general  # the most specialised board of the site
    assert row.due_at == add_business_days(row.created_at, 2, PARIS)
    # the full meeting is skipped; the next one with room is after the 2-day due date, and the note says so
    assert row.meeting == meetings[0]
    assert "No meeting has room before the due date" in row.routing_note
    assert Case.objects.get(pk=world.community_case.pk).board == world.board
    # routing again (a redelivered message) changes nothing
    assert second_opinion_route(request_id=row.pk) == "skipped"
    assert [t.action for t in row.transitions.all()] == ["request", "route"]


def test_no_board_for_the_site_goes_to_the_institutions_coordinators_who_choose_one(world, api, capture):
    Case.objects.filter(pk=world.community_case.pk).update(primary_site="pancreas")  # a site no board lists
    other_coordinator = UserFactory(institution=world.academic)
    MembershipFactory(user=other_coordinator, board=world.other_board, role=BoardRole.COORDINATOR)
    mail.outbox.clear()
    so = submit(world, api, capture)
    assert so["board"] is None and "choose the board when they accept" in so["routing_note"]
    assert {m.to[0] for m in mail.outbox} == {world.coordinator.email, other_coordinator.email}
    # both coordinators see the request and its case; a plain member does not
    for user in (world.coordinator, other_coordinator):
        assert api(user).get(f"{URL}{so['id']}/").status_code == 200
        assert api(user).get(f"/api/v1/cases/{world.community_case.public_id}/").status_code == 200
    assert api(world.member).get(f"{URL}{so['id']}/").status_code == 404
    assert api(world.member).get(f"/api/v1/cases/{world.community_case.public_id}/").status_code == 404
    # accepting needs a board; one the user does not coordinate is refused
    response = api(other_coordinator).post(f"{URL}{so['id']}/accept/", {}, format="json")
    assert response.status_code == 400 and "board" in errors(response)
    response = api(other_coordinator).post(f"{URL}{so['id']}/accept/", {"board": str(world.board.public_id)})
    assert response.status_code == 400 and "board" in errors(response)
    so = act(world, api, capture, other_coordinator, so["id"], "accept", {"board": str(world.other_board.public_id)})
    assert so["board"] == str(world.other_board.public_id) and so["status"] == "scheduled"
    assert api(world.other_member).get(f"/api/v1/cases/{world.community_case.public_id}/").status_code == 200


# --- Submission ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"questions": []}, "questions"),
        ({"questions": ["  "]}, "questions[0]"),
        ({"reason": ""}, "reason"),
        ({"urgency": "soon"}, "urgency"),
        ({"target_institution": "not-a-uuid"}, "target_institution"),
    ],
)
def test_bad_requests_are_400_naming_the_field(world, api, overrides, field):
    response = api(world.referrer).post(URL, payload(world, **overrides), format="json")
    assert response.status_code == 400 and field in errors(response), response.json()
    assert not SecondOpinion.objects.exists()


def test_the_target_must_be_another_academic_center_and_the_case_the_users_own(world, api):
    for target in (world.community2, world.community):
        response = api(world.referrer).post(URL, payload(world, target_institution=str(target.public_id)))
        assert response.status_code == 400 and "target_institution" in errors(response)
    response = api(world.referrer).post(URL, payload(world, case=world.community2_case), format="json")
    assert response.status_code == 400 and errors(response)["case"] == "No such case."
    assert not SecondOpinion.objects.exists()


def test_one_open_request_per_draft_case_and_the_case_is_protected_while_it_waits(world, api, capture):
    so = submit(world, api, capture)
    again = api(world.referrer).post(URL, payload(world), format="json")
    assert again.status_code == 409
    case_url = f"/api/v1/cases/{world.community_case.public_id}/"
    assert api(world.referrer).post(f"{case_url}submit/").status_code == 409  # the board's accept submits it
    response = api(world.referrer).patch(case_url, {"board": None}, format="json")
    assert response.status_code == 400 and "board" in errors(response)
    # the profile itself stays editable (that is how the requester supplies information)
    assert api(world.referrer).patch(case_url, {"ecog": 1}, format="json").status_code == 200
    act(world, api, capture, world.coordinator, so["id"], "decline", {"reason": "Outside our scope."})
    # declined: the board no longer sees the case, and the hospital may ask elsewhere or again
    assert api(world.member).get(case_url).status_code == 404
    assert api(world.member).get(f"{URL}{so['id']}/").json()["status"] == "declined"
    assert submit(world, api, capture)["status"] == "requested"


# --- The state machine ----------------------------------------------------------------------------------------------


def test_actions_follow_the_state_machine_409_when_not_allowed_and_repeats_change_nothing(world, api, capture):
    so = submit(world, api, capture)
    so_id = so["id"]
    coordinator, referrer = world.coordinator, world.referrer
    response = api(coordinator).post(f"{URL}{so_id}/decline/", {}, format="json")
    assert response.status_code == 400 and "reason" in errors(response)
    response = api(coordinator).post(f"{URL}{so_id}/request-info/", {"message": " "}, format="json")
    assert response.status_code == 400 and "message" in errors(response)
    assert api(referrer).post(f"{URL}{so_id}/provide-info/").status_code == 200  # nothing asked: already done
    act(world, api, capture, coordinator, so_id, "request-info", {"message": "Imaging, please."})
    act(world, api, capture, coordinator, so_id, "request-info", {"message": "Imaging, please."})  # no-op
    assert api(coordinator).post(f"{URL}{so_id}/accept/").status_code == 409
    response = api(referrer).post(f"{URL}{so_id}/provide-info/", {"message": " "}, format="json")
    assert response.status_code == 400 and errors(response) == {"message": "Answer with a message or add a document."}
    act(world, api, capture, referrer, so_id, "provide-info", {"message": "The MRI report is attached."})
    act(world, api, capture, coordinator, so_id, "accept")
    assert api(coordinator).post(f"{URL}{so_id}/accept/").status_code == 200  # no-op
    response = api(coordinator).post(f"{URL}{so_id}/decline/", {"reason": "Too late"}, format="json")
    assert response.status_code == 409 and "allowed from" in response.json()["errors"][0]["message"]
    assert api(coordinator).post(f"{URL}{so_id}/request-info/", {"message": "x"}).status_code == 409
    transitions = fetch(so_id).transitions.values_list("action", flat=True)
    assert list(transitions) == ["request", "route", "request-info", "provide-info", "accept", "schedule"]


def _upload(api, user, case, title: str):
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n% report\n", content_type="application/pdf")
    data = {"file": upload, "kind": "pathology", "title": title, "date": "2026-11-02"}
    response = api(user).post(f"/api/v1/cases/{case.public_id}/documents/", data, format="multipart")
    assert response.status_code == 201, response.json()


def test_an_answer_needs_a_message_or_a_document_added_since_the_board_asked(world, api, capture):
    so_id = submit(world, api, capture)["id"]
    referrer, case = world.referrer, world.community_case
    _upload(api, referrer, case, "Sent with the request")  # before the board asked: it does not answer
    act(world, api, capture, world.coordinator, so_id, "request-info", {"message": "The staging MRI, please."})
    for body in ({}, {"message": ""}, {"message": "  \n "}):
        response = api(referrer).post(f"{URL}{so_id}/provide-info/", body, format="json")
        assert response.status_code == 400
        assert response.json()["errors"] == [
            {"field": "message", "code": "empty_answer", "message": "Answer with a message or add a document."}
        ]
    assert fetch(so_id).status == "info_requested"
    assert list(fetch(so_id).transitions.values_list("action", flat=True))[-1] == "request-info"
    _upload(api, referrer, case, "Staging MRI")  # a document added since: the answer may be only that
    so = act(world, api, capture, referrer, so_id, "provide-info")
    assert so["status"] == "requested"
    assert fetch(so_id).transitions.last().action == "provide-info"


def test_a_message_alone_answers(world, api, capture):
    so_id = submit(world, api, capture)["id"]
    act(world, api, capture, world.coordinator, so_id, "request-info", {"message": "Menopausal status?"})
    act(world, api, capture, world.referrer, so_id, "provide-info", {"message": "Postmenopausal since 2019."})
    assert fetch(so_id).status == "requested"
    assert fetch(so_id).transitions.last().message == "Postmenopausal since 2019."


def test_each_side_takes_its_own_actions(world, api, capture):
    so = submit(world, api, capture)
    so_id = so["id"]
    for user in (world.member, world.chair, world.referrer):
        assert api(user).post(f"{URL}{so_id}/accept/").status_code == 403
    for user in (world.coordinator, world.member):
        assert api(user).post(f"{URL}{so_id}/cancel/").status_code == 403
    for user in (world.other_member, world.referrer2):
        assert api(user).post(f"{URL}{so_id}/accept/").status_code == 404
        assert api(user).post(f"{URL}{so_id}/cancel/").status_code == 404
    assert fetch(so_id).status == "requested"


def test_an_action_before_routing_is_a_409_and_the_sweep_routes_what_a_lost_message_left(world, api, settings):
    # no on-commit execution: the routing message is "lost"
    response = api(world.referrer).post(URL, payload(world, urgency="urgent"), format="json")
    row = fetch(response.json()["id"])
    assert row.routed_at is None
    settings.SECOND_OPINION_STALE_SECONDS = 3600
    assert second_opinions_sweep() == 0  # too young to be stuck
    SecondOpinion.objects.filter(pk=row.pk).update(created_at=timezone.now() - datetime.timedelta(hours=2))
    assert second_opinions_sweep() == 1  # re-enqueued, run eagerly here
    row.refresh_from_db()
    assert row.routed_at is not None and row.board == world.board
    assert second_opinions_sweep() == 0


def test_cancel_after_scheduling_frees_the_slot_withdraws_the_case_and_removes_the_guest(world, api, capture):
    so = accepted(world, api, capture)
    meeting = Meeting.objects.get(public_id=so["meeting"])
    assert meeting.allocated_minutes == world.board.minutes_per_case
    assert Attendance.objects.filter(meeting=meeting, guest_case=world.community_case).exists()
    act(world, api, capture, world.referrer, so["id"], "cancel", {"reason": "Treated locally."})
    meeting.refresh_from_db()
    assert meeting.allocated_minutes == 0
    assert Case.objects.get(pk=world.community_case.pk).status == "withdrawn"
    assert not Attendance.objects.filter(guest_case=world.community_case).exists()
    assert api(world.referrer).post(f"{URL}{so['id']}/cancel/").status_code == 200  # no-op
    assert fetch(so["id"]).status == "cancelled"


def test_withdrawing_the_case_cancels_its_request(world, api, capture):
    so = submit(world, api, capture)
    act_url = f"/api/v1/cases/{world.community_case.public_id}/withdraw/"
    with capture(execute=True):
        assert api(world.referrer).post(act_url, {"reason": "Patient declined"}).status_code == 200
    assert fetch(so["id"]).status == "cancelled"


# --- The slot and the remote guest ---------------------------------------------------------------------------------


def test_the_guest_follows_the_slot_and_never_counts_for_quorum(world, api, capture):
    so = accepted(world, api, capture)
    first = Meeting.objects.get(public_id=so["meeting"])
    later = MeetingFactory(board=world.board, starts_at=first.starts_at + datetime.timedelta(days=7))
    item = AgendaItem.objects.get(case=world.community_case, status="scheduled")
    scheduling.agenda_move(user=world.coordinator, item=item, meeting=later)
    assert fetch(so["id"]).meeting == later
    guests = Attendance.objects.filter(guest_case=world.community_case)
    assert list(guests.values_list("meeting", flat=True)) == [later.pk]
    # the guest (a medical oncologist) checked in does not cover medical oncology for the case
    Meeting.objects.filter(pk=later.pk).update(starts_at=timezone.now() + datetime.timedelta(hours=1))
    assert api(world.referrer).post(f"{URL}{so['id']}/join/").status_code == 200
    later.refresh_from_db()
    item = AgendaItem.objects.get(case=world.community_case, status="scheduled")
    attendances = list(later.attendances.select_related("user"))
    quorum = case_quorum(item.case, later, attendances, [world.referrer])
    assert "medical_oncology" in quorum.missing
    # taken off the agenda: back to accepted, and the unused invitation goes
    scheduling.agenda_remove(user=world.coordinator, item=item, reason="Room for an urgent case")
    row = fetch(so["id"])
    assert row.status == "accepted" and row.meeting is None
    assert guests.filter(present=True).count() == 1  # the attendance that happened stays as history


def test_joining_is_for_the_requester_on_the_day(world, api, capture):
    so = accepted(world, api, capture)
    response = api(world.referrer).post(f"{URL}{so['id']}/join/")
    assert response.status_code == 409 and "day of the meeting" in response.json()["errors"][0]["message"]
    assert api(world.coordinator).post(f"{URL}{so['id']}/join/").status_code == 403
    assert api(world.referrer2).post(f"{URL}{so['id']}/join/").status_code == 404


def test_the_join_page_shows_the_slot_and_posting_joins_and_redirects_to_the_call(world, api, capture, client):
    so = accepted(world, api, capture)
    meeting = Meeting.objects.get(public_id=so["meeting"])
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() + datetime.timedelta(minutes=20), video_url="https://video.example.org/breast"
    )
    page = f"/second-opinions/{so['id']}/join/"
    assert client.get(page).status_code == 302  # to the login page
    client.force_login(world.referrer)
    response = client.get(page)
    assert response.status_code == 200 and b"remote guest for your case only" in response.content
    assert not Attendance.objects.get(guest_case=world.community_case).present  # a GET changes nothing
    response = client.post(page)
    assert response.status_code == 302 and response["Location"] == "https://video.example.org/breast"
    assert Attendance.objects.get(guest_case=world.community_case).present
    client.force_login(world.referrer2)
    assert client.get(page).status_code == 404


# --- Report ----------------------------------------------------------------------------------------------------------


def _reviewed(world, api, capture) -> tuple[dict, SecondOpinionReport]:
    so = accepted(world, api, capture)
    item = AgendaItem.objects.get(case=world.community_case, status="scheduled")
    meeting_start(item.meeting, by=world.coordinator)
    # the report message is "lost": no on-commit execution for the plan
    response = api(world.coordinator).post(
        f"/api/v1/cases/{world.community_case.public_id}/plans/", BOARD, format="json"
    )
    assert response.status_code == 201, response.json()
    return so, SecondOpinionReport.objects.get(request__public_id=so["id"])


def test_a_failed_report_is_kept_with_its_error_and_the_sweep_retries_it(world, api, capture, monkeypatch, settings):
    so, report = _reviewed(world, api, capture)
    assert fetch(so["id"]).status == "reviewed" and report.status == PacketStatus.PENDING
    assert api(world.referrer).get(f"{URL}{so['id']}/").json()["report_url"] is None

    def broken(content):
        raise RuntimeError("renderer down")

    monkeypatch.setattr("cases.services.reports.render_report_pdf", broken)
    assert report_build(report_id=report.pk) == "failed"
    report.refresh_from_db()
    assert report.status == "failed" and "renderer down" in report.error
    assert fetch(so["id"]).status == "reviewed"
    monkeypatch.undo()
    settings.SECOND_OPINION_STALE_SECONDS = 0
    with capture(execute=True):
        assert documents_sweep() == 1
    report.refresh_from_db()
    assert report.status == "ready" and report.attempts == 2
    assert fetch(so["id"]).status == "report_sent"
    assert report_build(report_id=report.pk) == "skipped"  # a redelivered message does nothing


def test_a_later_board_plan_makes_a_new_report_version(world, api, capture):
    so, report = _reviewed(world, api, capture)
    report_build(report_id=report.pk)
    with capture(execute=True):
        response = api(world.coordinator).post(
            f"/api/v1/cases/{world.community_case.public_id}/plans/",
            {**BOARD, "intent": "palliative"},
            format="json",
        )
    assert response.status_code == 201
    reports = SecondOpinionReport.objects.filter(request__public_id=so["id"]).order_by("version")
    assert [(r.version, r.status) for r in reports] == [(1, "ready"), (2, "ready")]
    latest = api(world.referrer).get(f"{URL}{so['id']}/report/").json()
    assert latest["version"] == 2 and latest["json"]["recommendation"]["intent"] == "palliative"
    first = api(world.referrer).get(f"{URL}{so['id']}/report/?version=1").json()
    assert first["json"]["recommendation"]["intent"] == "curative"
    assert api(world.referrer).get(f"{URL}{so['id']}/report/?version=x").status_code == 400


# --- Escalation ------------------------------------------------------------------------------------------------------


def test_requests_near_their_due_date_escalate_once_to_the_coordinators_without_patient_data(
    world, api, capture, settings
):
    settings.SECOND_OPINION_ESCALATE_HOURS = 24
    near = submit(world, api, capture)
    far = submit(world, api, capture, case=CaseFactory(institution=world.community, created_by=world.referrer))
    now = timezone.now()
    SecondOpinion.objects.filter(public_id=near["id"]).update(due_at=now + datetime.timedelta(hours=5))
    mail.outbox.clear()
    with capture(execute=True):
        assert second_opinions_escalate(now=now) == 1
        assert second_opinions_escalate(now=now) == 0
    assert [m.to[0] for m in mail.outbox] == [world.coordinator.email]
    message = mail.outbox[0]
    assert message.subject == "A second-opinion request is due soon"
    assert f"/second-opinions/{near['id']}/" in message.body
    patient = world.community_case.patient
    assert patient.name not in message.body + message.subject and patient.mrn not in message.body
    assert fetch(far["id"]).escalated_at is None


# --- Lists, queries and turnaround ---------------------------------------------------------------------------------


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx)


def test_the_list_costs_the_same_at_any_size_and_filters(world, api, capture):
    for _ in range(6):
        submit(world, api, capture, case=CaseFactory(institution=world.community, created_by=world.referrer))
    client = api(world.coordinator)
    assert _queries(client, f"{URL}?page_size=1") == _queries(client, f"{URL}?page_size=6")
    assert client.get(f"{URL}?status=requested").json()["count"] == 6
    assert client.get(f"{URL}?status=accepted").json()["count"] == 0
    assert client.get(f"{URL}?overdue=true").json()["count"] == 0
    assert client.get(f"{URL}?overdue=maybe").status_code == 400
    assert api(world.referrer2).get(URL).json()["count"] == 0


def test_turnaround_median_p90_by_urgency_and_overdue(world, api, capture):
    now = timezone.now()
    done = []
    for hours, urgency in ((24, "urgent"), (48, "urgent"), (100, "routine"), (200, "routine"), (300, "routine")):
        so = submit(world, api, capture, case=CaseFactory(institution=world.community, created_by=world.referrer))
        so = SecondOpinion.objects.get(public_id=so["id"])
        created = now - datetime.timedelta(days=30)
        SecondOpinion.objects.filter(pk=so.pk).update(
            created_at=created,
            urgency=urgency,
            status="report_sent",
            report_sent_at=created + datetime.timedelta(hours=hours),
            due_at=created + datetime.timedelta(hours=250 if urgency == "routine" else 72),
        )
        done.append(so)
    late = submit(world, api, capture)
    SecondOpinion.objects.filter(public_id=late["id"]).update(due_at=now - datetime.timedelta(hours=10))
    stats = api(world.coordinator).get("/api/v1/analytics/turnaround/").json()
    assert (stats["requests"], stats["completed"], stats["open"]) == (6, 5, 1)
    assert stats["median_hours"] == 100.0 and stats["p90_hours"] == 260.0
    assert stats["on_time"] == 4 and stats["on_time_rate"] == 0.8
    by_urgency = {row["urgency"]: row for row in stats["by_urgency"]}
    assert by_urgency["urgent"]["median_hours"] == 36.0 and by_urgency["routine"]["p90_hours"] == 280.0
    assert by_urgency["routine"]["overdue"] == 1
    assert [o["id"] for o in stats["overdue"]] == [late["id"]] and stats["overdue"][0]["hours_overdue"] >= 10
    assert stats["overdue_count"] == 1
    assert api(world.coordinator).get("/api/v1/analytics/turnaround/?urgency=urgent").json()["completed"] == 2
    assert api(world.referrer2).get("/api/v1/analytics/turnaround/").json()["requests"] == 0
    assert api(world.other_member).get("/api/v1/analytics/turnaround/").json()["requests"] == 0
    response = api(world.coordinator).get("/api/v1/analytics/turnaround/?urgency=soon")
    assert response.status_code == 400 and "urgency" in errors(response)


def test_turnaround_costs_the_same_queries_at_any_number_of_requests(world, api, capture):
    client = api(world.coordinator)
    submit(world, api, capture)
    one = _queries(client, "/api/v1/analytics/turnaround/")
    for _ in range(5):
        submit(world, api, capture, case=CaseFactory(institution=world.community, created_by=world.referrer))
    # the token with the memberships, the timestamps, the overdue ones
    assert one == _queries(client, "/api/v1/analytics/turnaround/") == 3


def test_the_requests_a_user_answers_are_those_the_access_rule_lets_them_answer(world):
    from cases.models import SecondOpinion
    from cases.selectors import second_opinions_answered_by
    from specialists.access import can_answer_second_opinion

    common = {"target_institution": world.academic, "reason": "r", "status": "requested"}
    SecondOpinion.objects.create(
        case=world.community_case, requesting_institution=world.community, requested_by=world.referrer,
        board=world.board, **common,
    )  # fmt: skip
    SecondOpinion.objects.create(
        case=world.community2_case, requesting_institution=world.community2, requested_by=world.referrer2, **common
    )  # no board: the target institution's coordinators
    for user in (world.coordinator, world.chair, world.member, world.other_member, world.referrer, world.admin):
        expected = {so.pk for so in SecondOpinion.objects.all() if can_answer_second_opinion(user, so)}
        assert set(second_opinions_answered_by(user).values_list("pk", flat=True)) == expected, user.username
