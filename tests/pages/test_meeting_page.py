"""The meeting page: who sees it, the agenda builder's actions (htmx and plain POST) and their effect in the
database, RSVP, the meeting's transitions, check-in and run mode."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.codes import CaseStatus
from scheduling.models import AgendaItem, AgendaItemStatus, Attendance, Meeting, MeetingStatus, Rsvp
from specialists.models import BoardRole
from tests.factories import CaseFactory, MeetingFactory, MembershipFactory, UserFactory
from tests.pages.markup import assert_refused
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def url(meeting, tail=""):
    return f"/meetings/{meeting.public_id}/{tail}"


def meeting_of(world):
    return Meeting.objects.get(board=world.board)


def submitted(world, **kwargs):
    return CaseFactory(
        institution=world.academic,
        board=world.board,
        created_by=world.member,
        status=CaseStatus.SUBMITTED,
        submitted_at=timezone.now(),
        **kwargs,
    )


def place(meeting, case, position, minutes=10):
    """An agenda item written directly (the services are tested elsewhere; here the page reads it)."""
    Meeting.objects.filter(pk=meeting.pk).update(allocated_minutes=meeting.allocated_minutes + minutes)
    meeting.refresh_from_db()
    Case = type(case)
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.SCHEDULED, meeting=meeting)
    return AgendaItem.objects.create(meeting=meeting, case=case, position=position, minutes=minutes)


# --- access ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["coordinator", "chair", "member"])
def test_the_board_s_members_see_the_meeting(client, world, who):
    meeting = meeting_of(world)
    client.force_login(getattr(world, who))
    response = client.get(url(meeting))
    assert response.status_code == 200
    assert "Breast tumor board" in response.content.decode()


def test_a_member_of_another_board_does_not_but_a_coordinator_of_the_institution_does(client, world):
    thoracic = world.other_board.meetings.first()
    client.force_login(world.other_member)  # on the Thoracic board only
    assert client.get(url(meeting_of(world))).status_code == 404
    assert client.get(url(thoracic)).status_code == 200
    client.force_login(world.coordinator)  # coordinates the Breast board: sees the institution's meetings
    assert client.get(url(thoracic)).status_code == 200


@pytest.mark.parametrize("who", ["referrer", "referrer2"])
def test_other_institutions_get_404(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(url(meeting_of(world))).status_code == 404


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get(url(meeting_of(world)))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_agenda_shows_patients_to_board_members_only_and_audits_the_read(client, world):
    meeting = meeting_of(world)
    case = submitted(world)
    place(meeting, case, 1)
    client.force_login(world.member)
    body = client.get(url(meeting)).content.decode()
    assert case.patient.name in body and f"/cases/{case.public_id}/" in body
    assert AuditEvent.objects.filter(
        user=world.member, patient_id=case.patient_id, detail__view="meeting page"
    ).exists()
    # a coordinator of another board of the institution sees the meeting but none of this board's cases
    other_coordinator = UserFactory(username="thoraciccoord", institution=world.academic)
    MembershipFactory(user=other_coordinator, board=world.other_board, role=BoardRole.COORDINATOR)
    client.force_login(other_coordinator)
    body = client.get(url(meeting)).content.decode()
    assert case.patient.name not in body
    assert "No case on the agenda yet." in body


def test_only_coordinators_get_the_agenda_builder(client, world):
    meeting = meeting_of(world)
    submitted(world)
    client.force_login(world.member)
    body = client.get(url(meeting)).content.decode()
    assert "Add a case" not in body and "Start meeting" not in body
    client.force_login(world.coordinator)
    body = client.get(url(meeting)).content.decode()
    assert "Add a case" in body and "Start meeting" in body and 'role="meter"' in body


def test_a_member_cannot_change_the_agenda(client, world):
    meeting = meeting_of(world)
    case = submitted(world)
    client.force_login(world.member)
    response = client.post(url(meeting, "agenda/add/"), {"case": str(case.public_id)}, **HTMX)
    assert response.status_code == 403
    assert not AgendaItem.objects.filter(case=case).exists()


def test_another_institutions_user_cannot_post_to_the_meeting(client, world):
    meeting = meeting_of(world)
    case = submitted(world)
    client.force_login(world.referrer)
    assert client.post(url(meeting, "agenda/add/"), {"case": str(case.public_id)}).status_code == 404
    assert client.post(url(meeting, "start/")).status_code == 404


@pytest.mark.parametrize("status", [MeetingStatus.SCHEDULED, MeetingStatus.IN_PROGRESS])
def test_the_agenda_query_count_does_not_grow_with_items(client, world, status):
    def count(n):
        meeting = MeetingFactory(board=world.board, capacity_minutes=600)
        for i in range(n):
            place(meeting, submitted(world), i + 1)
            Attendance.objects.create(meeting=meeting, user=UserFactory(institution=world.academic), present=True)
        Meeting.objects.filter(pk=meeting.pk).update(status=status)
        client.force_login(world.coordinator)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(meeting)).status_code == 200
        return len(queries)

    assert count(1) == count(6)


# --- agenda builder ----------------------------------------------------------------------------------------


def test_add_a_case_with_htmx_returns_the_fragment_and_fills_the_capacity(client, world):
    meeting = meeting_of(world)
    case = submitted(world)
    client.force_login(world.coordinator)
    response = client.post(url(meeting, "agenda/add/"), {"case": str(case.public_id), "minutes": "15"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="agenda"' in body and "<html" not in body  # the fragment only
    assert 'aria-valuenow="15"' in body and "Case added to the agenda." in body
    item = AgendaItem.objects.get(case=case, status=AgendaItemStatus.SCHEDULED)
    assert item.meeting == meeting and item.minutes == 15
    case.refresh_from_db()
    assert case.status == CaseStatus.SCHEDULED


def test_add_with_a_plain_post_redirects(client, world):
    meeting = meeting_of(world)
    case = submitted(world)
    client.force_login(world.coordinator)
    response = client.post(url(meeting, "agenda/add/"), {"case": str(case.public_id)})
    assert response.status_code == 302 and response["Location"] == url(meeting)
    assert AgendaItem.objects.filter(case=case, meeting=meeting, minutes=10).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [({}, "case"), ({"case": "not-a-uuid"}, "case"), ({"case": "CASE", "minutes": "many"}, "minutes")],
)
def test_bad_input_to_add_is_a_400_with_the_field(client, world, data, field):
    meeting = meeting_of(world)
    case = submitted(world)
    data = {k: (str(case.public_id) if v == "CASE" else v) for k, v in data.items()}
    client.force_login(world.coordinator)
    response = client.post(url(meeting, "agenda/add/"), data, **HTMX)
    assert response.status_code == 400
    assert_refused(response.content.decode(), field)
    assert not AgendaItem.objects.filter(case=case).exists()


def test_a_case_of_another_institution_is_no_such_case(client, world):
    meeting = meeting_of(world)
    client.force_login(world.coordinator)
    response = client.post(url(meeting, "agenda/add/"), {"case": str(world.community2_case.public_id)}, **HTMX)
    assert response.status_code == 400 and "No such case." in response.content.decode()


def test_capacity_exceeded_is_a_409_shown_in_the_fragment(client, world):
    meeting = meeting_of(world)
    place(meeting, submitted(world), 1, minutes=55)
    case = submitted(world)
    client.force_login(world.coordinator)
    response = client.post(url(meeting, "agenda/add/"), {"case": str(case.public_id)}, **HTMX)
    assert response.status_code == 409
    assert "no time left" in response.content.decode()
    assert not AgendaItem.objects.filter(case=case).exists()
    meeting.refresh_from_db()
    assert meeting.allocated_minutes == 55


def test_reorder_with_the_up_button_order(client, world):
    meeting = meeting_of(world)
    first, second = place(meeting, submitted(world), 1), place(meeting, submitted(world), 2)
    client.force_login(world.coordinator)
    page = client.get(url(meeting))
    assert page.context["items"][1].up_order == [second.public_id, first.public_id]
    response = client.post(
        url(meeting, "agenda/reorder/"), {"items": [str(second.public_id), str(first.public_id)]}, **HTMX
    )
    assert response.status_code == 200
    first.refresh_from_db()
    second.refresh_from_db()
    assert (second.position, first.position) == (1, 2)


def test_reorder_that_does_not_name_every_item_is_a_400(client, world):
    meeting = meeting_of(world)
    first = place(meeting, submitted(world), 1)
    place(meeting, submitted(world), 2)
    client.force_login(world.coordinator)
    response = client.post(url(meeting, "agenda/reorder/"), {"items": [str(first.public_id)]}, **HTMX)
    assert response.status_code == 400
    assert_refused(response.content.decode(), "items")


def test_resize_remove_and_move(client, world):
    meeting = meeting_of(world)
    later = MeetingFactory(board=world.board, starts_at=meeting.starts_at + datetime.timedelta(days=7))
    a, b, c = (place(meeting, submitted(world), i) for i in (1, 2, 3))
    client.force_login(world.coordinator)

    response = client.post(url(meeting, f"agenda/{a.public_id}/resize/"), {"minutes": "20"}, **HTMX)
    assert response.status_code == 200
    a.refresh_from_db()
    meeting.refresh_from_db()
    assert a.minutes == 20 and meeting.allocated_minutes == 40

    response = client.post(url(meeting, f"agenda/{a.public_id}/resize/"), {"minutes": "0"}, **HTMX)
    assert response.status_code == 400
    assert_refused(response.content.decode(), "minutes")

    response = client.post(url(meeting, f"agenda/{b.public_id}/remove/"), {"reason": "Imaging missing"}, **HTMX)
    assert response.status_code == 200
    b.refresh_from_db()
    b.case.refresh_from_db()
    assert b.status == AgendaItemStatus.REMOVED and b.case.status == CaseStatus.SUBMITTED

    response = client.post(url(meeting, f"agenda/{c.public_id}/move/"), {"meeting": str(later.public_id)}, **HTMX)
    assert response.status_code == 200
    assert AgendaItem.objects.get(case=c.case, status=AgendaItemStatus.SCHEDULED).meeting == later

    response = client.post(url(meeting, f"agenda/{a.public_id}/move/"), {"meeting": "nope"}, **HTMX)
    assert response.status_code == 400
    assert_refused(response.content.decode(), "meeting")


def test_moving_to_another_boards_meeting_is_refused(client, world):
    meeting = meeting_of(world)
    item = place(meeting, submitted(world), 1)
    other = Meeting.objects.get(board=world.other_board)
    client.force_login(world.coordinator)
    response = client.post(url(meeting, f"agenda/{item.public_id}/move/"), {"meeting": str(other.public_id)}, **HTMX)
    assert response.status_code == 400
    assert AgendaItem.objects.get(pk=item.pk).status == AgendaItemStatus.SCHEDULED


# --- meeting transitions, RSVP, check-in, run mode ---------------------------------------------------------


def test_cancel_needs_a_reason_and_a_confirmation(client, world):
    meeting = meeting_of(world)
    client.force_login(world.coordinator)
    response = client.post(url(meeting, "cancel/"), {"reason": "", "confirm": "true"})
    assert response.status_code == 400
    assert_refused(response.content.decode(), "reason")
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED
    response = client.post(url(meeting, "cancel/"), {"reason": "Holiday"})
    assert response.status_code == 400
    body = response.content.decode()
    assert_refused(body, "confirm")
    assert 'value="Holiday"' in body  # what was typed stays
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED
    response = client.post(url(meeting, "cancel/"), {"reason": "Holiday", "confirm": "true"})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.CANCELLED
    assert meeting.transitions.get().reason == "Holiday"


def test_cancel_sits_apart_from_start(client, world):
    client.force_login(world.coordinator)
    body = client.get(url(meeting_of(world))).content.decode()
    actions = body[body.index("<h3>Meeting actions</h3>") :]
    actions = actions[: actions.index("</section>")]
    assert "Start meeting" in actions and "Cancel meeting" not in actions
    cancel = body[body.index('aria-labelledby="cancel-heading"') :]
    assert body.index("Start meeting") < body.index('id="agenda-heading"') < body.index("cancel-heading")
    assert 'name="reason"' in cancel and 'type="checkbox" id="cancel-confirm" name="confirm"' in cancel


@pytest.mark.parametrize("htmx", [False, True])
def test_an_early_start_asks_for_a_confirmation_and_a_reason(client, world, htmx):
    meeting = meeting_of(world)  # a week ahead, nobody accepted
    client.force_login(world.coordinator)
    extra = HTMX if htmx else {}
    response = client.post(url(meeting, "start/"), **extra)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Starting now needs a confirmation: the meeting is on" in body
    assert "its quorum is missing" in body
    confirm_form = body[body.index('id="start-confirm"') :]
    assert 'name="reason"' in confirm_form and 'name="confirm"' in confirm_form and "Start anyway" in confirm_form
    assert meeting_of(world).status == MeetingStatus.SCHEDULED

    response = client.post(url(meeting, "start/"), {"confirm": "true", "reason": ""}, **extra)
    assert response.status_code == 400
    body = response.content.decode()
    assert_refused(body, "reason")
    assert 'id="start-confirm"' in body  # the confirm form stays, its box still checked
    assert 'id="start-confirm-box" name="confirm" value="true" checked' in body
    assert meeting_of(world).status == MeetingStatus.SCHEDULED

    reason = "The chair is away next week."
    response = client.post(url(meeting, "start/"), {"confirm": "true", "reason": reason}, **extra)
    assert response.status_code == (200 if htmx else 302)
    assert meeting_of(world).status == MeetingStatus.IN_PROGRESS
    assert meeting.transitions.get().reason.startswith(reason)


def test_a_safe_start_needs_no_confirmation(client, world):
    meeting = meeting_of(world)
    now = timezone.now().replace(microsecond=0)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=now, ends_at=now + datetime.timedelta(hours=1))
    radiation = UserFactory(institution=world.academic, specialty="radiation_oncology")
    for user in (world.member, world.chair, radiation):
        Attendance.objects.create(meeting=meeting, user=user, rsvp=Rsvp.ACCEPTED)
    client.force_login(world.coordinator)
    assert client.post(url(meeting, "start/")).status_code == 302
    assert meeting_of(world).status == MeetingStatus.IN_PROGRESS


def test_complete_before_start_is_a_409(client, world):
    meeting = meeting_of(world)
    client.force_login(world.coordinator)
    response = client.post(url(meeting, "complete/"))
    assert response.status_code == 409 and "Cannot complete" in response.content.decode()


def test_a_member_cannot_start_the_meeting(client, world):
    client.force_login(world.member)
    response = client.post(url(meeting_of(world), "start/"))
    assert response.status_code == 403
    assert meeting_of(world).status == MeetingStatus.SCHEDULED


def test_rsvp_buttons_record_the_answer(client, world):
    meeting = meeting_of(world)
    Attendance.objects.create(meeting=meeting, user=world.member)
    client.force_login(world.member)
    assert "Tentative" in client.get(url(meeting)).content.decode()
    response = client.post(url(meeting, "rsvp/"), {"rsvp": "tentative"}, **HTMX)
    assert response.status_code == 200 and 'id="attendance"' in response.content.decode()
    assert Attendance.objects.get(meeting=meeting, user=world.member).rsvp == Rsvp.TENTATIVE
    response = client.post(url(meeting, "rsvp/"), {"rsvp": "maybe"}, **HTMX)
    assert response.status_code == 400
    assert_refused(response.content.decode(), "rsvp")


def test_rsvp_without_an_invitation_is_404(client, world):
    client.force_login(world.member)
    assert client.post(url(meeting_of(world), "rsvp/"), {"rsvp": "accepted"}).status_code == 404


def test_run_mode_check_in_and_present(client, world):
    meeting = meeting_of(world)
    Meeting.objects.filter(pk=meeting.pk).update(
        starts_at=timezone.now() + datetime.timedelta(minutes=5), ends_at=timezone.now() + datetime.timedelta(hours=1)
    )
    first, second = place(meeting, submitted(world), 1), place(meeting, submitted(world), 2)
    client.force_login(world.coordinator)
    started = client.post(url(meeting, "start/"), {"confirm": "true", "reason": "Nobody has accepted yet."})
    assert started.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.IN_PROGRESS

    response = client.post(url(meeting, "check-in/"), {"user": str(world.member.public_id), "remote": "true"}, **HTMX)
    assert response.status_code == 200
    attendance = Attendance.objects.get(meeting=meeting, user=world.member)
    assert attendance.present and attendance.remote
    body = response.content.decode()  # the quorum and run mode are swapped out of band
    assert 'id="meeting-quorum" hx-swap-oob="true"' in body and 'id="run"' in body
    assert 'aria-labelledby="agenda-heading" hx-swap-oob="true"' in body
    assert "case quorum missing Surgical oncology, Radiation oncology" in body  # medical oncology is covered
    response = client.post(url(meeting, "check-in/"), {"user": str(world.other_member.public_id)}, **HTMX)
    assert response.status_code == 400
    assert_refused(response.content.decode(), "user")

    page = client.get(url(meeting))
    assert page.context["current"] == first
    assert 'aria-current="true"' in page.content.decode()
    page = client.get(url(meeting) + f"?item={second.public_id}")
    assert page.context["current"] == second and page.context["previous"] == first
    assert client.get(url(meeting) + "?item=bad").status_code == 400

    response = client.post(url(meeting, f"agenda/{first.public_id}/presented/"), {"current": str(first.public_id)})
    assert response.status_code == 302
    first.refresh_from_db()
    first.case.refresh_from_db()
    assert first.status == AgendaItemStatus.PRESENTED and first.case.status == CaseStatus.DISCUSSED
    assert client.get(url(meeting)).context["current"] == second  # the first not presented


def test_run_mode_includes_the_board_plan_form_for_the_chair_and_coordinators_only(client, world):
    meeting = meeting_of(world)
    first, second = place(meeting, submitted(world), 1), place(meeting, submitted(world), 2)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.IN_PROGRESS)
    Attendance.objects.create(meeting=meeting, user=world.member, present=True)
    Attendance.objects.create(meeting=meeting, user=world.chair, present=True)
    client.force_login(world.chair)
    response = client.get(url(meeting))
    body = response.content.decode()
    assert "Record board plan" in body and 'name="kind" value="board"' in body
    assert f'name="meeting" value="{meeting.public_id}"' in body
    assert f'name="next" value="{url(meeting)}?item={second.public_id}"' in body
    assert response.context["plan_context"]["specialties_present"] == ["medical_oncology", "surgical_oncology"]
    assert 'value="medical_oncology" checked' in body and 'value="radiation_oncology" checked' not in body
    assert "Mark presented" not in body  # the chair records plans; coordinators run the agenda
    client.force_login(world.member)
    body = client.get(url(meeting)).content.decode()
    assert "Record board plan" not in body and first.case.patient.name in body


def test_the_coordinator_sends_the_invitations(client, world, mailoutbox, django_capture_on_commit_callbacks):
    meeting = meeting_of(world)
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(meeting, "invite/"), **HTMX)
    assert response.status_code == 200 and "Invitations sent." in response.content.decode()
    invited = set(Attendance.objects.filter(meeting=meeting).values_list("user__username", flat=True))
    assert invited == {"coord", "chair", "member"}
    assert len(mailoutbox) == 3 and "/rsvp/" in mailoutbox[0].body
    client.force_login(world.member)
    assert client.post(url(meeting, "invite/"), **HTMX).status_code == 403


def test_presence_for_the_current_case_sets_its_quorum_and_the_specialties_the_plan_form_offers(client, world):
    meeting = meeting_of(world)
    first = place(meeting, submitted(world), 1)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.IN_PROGRESS)
    Attendance.objects.create(meeting=meeting, user=world.member, present=True)
    Attendance.objects.create(meeting=meeting, user=world.chair, present=True)
    client.force_login(world.coordinator)
    page = client.get(url(meeting))
    assert [row["present"] for row in page.context["checked_in"]] == [True, True]  # everyone, until recorded
    assert "Present for this case" in page.content.decode()

    # the surgeon stepped out for this case: only the medical oncologist is recorded present
    response = client.post(
        url(meeting, f"agenda/{first.public_id}/presence/"),
        {"users": [str(world.member.public_id)], "current": str(first.public_id)},
        **HTMX,
    )

    assert response.status_code == 200
    assert list(first.present.all()) == [world.member]
    body = response.content.decode()  # the run mode and the agenda follow, out of band
    assert 'id="run" aria-labelledby="run-heading" hx-swap-oob="true"' in body and "Recorded for this case." in body
    assert "case quorum missing Surgical oncology, Radiation oncology" in body
    page = client.get(url(meeting))
    assert page.context["plan_context"]["specialties_present"] == ["medical_oncology"]
    assert AuditEvent.objects.filter(action="update", object_type="scheduling.agendaitem", detail__present=1).exists()


def test_presence_is_refused_for_someone_not_checked_in_and_for_a_member(client, world):
    meeting = meeting_of(world)
    first = place(meeting, submitted(world), 1)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.IN_PROGRESS)
    Attendance.objects.create(meeting=meeting, user=world.member, present=True)
    Attendance.objects.create(meeting=meeting, user=world.chair, present=False)
    client.force_login(world.coordinator)
    path = url(meeting, f"agenda/{first.public_id}/presence/")

    response = client.post(path, {"users": [str(world.chair.public_id)], "current": str(first.public_id)}, **HTMX)
    assert response.status_code == 400
    assert_refused(response.content.decode(), "users")
    assert "Check these people in first" in response.content.decode()
    response = client.post(path, {"users": ["not-a-uuid"]}, **HTMX)
    assert response.status_code == 400
    assert not first.present.exists()

    client.force_login(world.member)
    assert client.post(path, {"users": [str(world.member.public_id)]}).status_code == 403
    assert not first.present.exists()
