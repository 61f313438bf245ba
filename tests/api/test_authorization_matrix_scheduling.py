"""The authorization matrix of SPEC §7 for scheduling: boards, meetings, agendas, attendance, calendar feeds.

Same rows and rules as test_authorization_matrix.py (shared pieces in matrix_helpers.py). Who is who here:

- every academic user sees both boards (boards of their institution); a board's meetings are seen by its members,
  and by the coordinators of any board of the institution (the coordinator sees the Thoracic meeting too); the
  others, and the referrers, get 404 for every meeting, agenda and attendance URL;
- only a board's coordinators (and admins) change the board, its meetings and its agendas: the other academic
  users see the object and get 403, checked before the state (403 stays 403 where a coordinator gets 409);
- an agenda shows only the cases the user may see: the coordinator sees the Thoracic meeting but none of its
  items, so an item of it answers them 404;
- an RSVP needs an invitation: no invitation answers 404 even when the meeting is visible (the invitation is the
  object); check-in is for the board's members and invitees.

Outside the API: the private feed ``/calendar/<token>.ics`` and the e-mailed ``/rsvp/<token>/`` link.

Known gaps: the rows and tests below assert SPEC §7 where the code does not (yet); they fail until it does.

1. ``POST /meetings/{id}/agenda/`` looks the case up before the meeting: a referrer gets 400 "No such case." about a
   meeting they cannot see, where 404 is due (AgendaViewSet.create).
2. ``PUT .../agenda/{item}/presence/`` answers 405 to everyone: AgendaViewSet.http_method_names lacks "put".
3. Check-in by someone who is neither on the board nor invited answers 409 ("opens on the day"), then on the day
   400 about a ``user`` field they did not send, where 403 is due (attendance_check_in checks state first).
4. ``DELETE .../agenda/{item}/`` with a JSON body that is not an object raises AttributeError: a 500.
5. The e-mailed RSVP link of a deactivated user still records an answer (and counts toward quorum).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from cases.models import Case, MeetingPacket
from scheduling.attendance import RSVP_SALT, rsvp_token
from scheduling.models import AgendaItem, Attendance, Meeting
from tests.api.matrix_helpers import (
    ACADEMIC,
    EVERYONE,
    ITEMS,
    NOT_FOUND,
    Endpoint,
    Refs,
    call,
    check,
    check_list,
    fill,
    list_rows,
    matrix,
    minus,
)

pytestmark = pytest.mark.django_db

COORD = "coordinator admin"  # coordinators of the Breast board (an admin coordinates every board)
BOARD = "coordinator chair member"  # the Breast board's members
SEES = "chair member"  # see the Breast meeting, do not coordinate it
BOARD_SEES = "chair member other_member"  # see the Breast board (of their institution), do not coordinate it
NON_ADMIN = minus(ACADEMIC, "admin")  # see every academic board; coordinate none of the Thoracic board
SEES_THORACIC = "coordinator other_member"  # see the Thoracic meeting (its member; a coordinator of the institution)
BREAST_MEETING = "coordinator chair member admin"  # who sees the Breast meeting
THORACIC_MEETING = "coordinator other_member admin"  # who sees the Thoracic meeting
NOT_ON_BOARD = "admin"  # sees the Breast meeting, is neither on its board nor invited
CONFLICT = "coordinator=409 admin=409"
BOARD_CONFLICT = "coordinator=409 chair=409 member=409"
FOREIGN_BOARD = "referrer=400 referrer2=400"  # the academic board in a payload reads as no board at all
NEW_BOARD = {"name": "Melanoma", "disease_sites": ["melanoma"], "recurrence": "FREQ=WEEKLY;BYDAY=WE"}
BOARD_EDIT = {"video_url": "https://video.example.org/breast"}
WHY = {"reason": "The chair is away."}
CANCEL = {**WHY, "confirm": True}
START = {"confirm": True, "reason": "The board meets early this week."}  # the meeting is days ahead
ACCEPT = {"rsvp": "accepted"}
CHAIR = {"user": "{chair}"}  # check the chair in
MEETINGS = "/api/v1/meetings/"
AGENDA = "/api/v1/meetings/{meeting}/agenda/"
ATTENDANCE = "/api/v1/meetings/{meeting}/attendance/"
ITEM = AGENDA + "{item}/"


def until(_world) -> dict:
    return {"until": (timezone.localdate() + timedelta(days=28)).isoformat()}


def too_far(_world) -> dict:
    return {"until": (timezone.localdate() + timedelta(days=3 * 365)).isoformat()}


def one_off(board: str):
    def payload(world) -> dict:
        starts_at = timezone.now().replace(microsecond=0) + timedelta(days=10)
        return {
            "board": str(getattr(world, board).public_id),
            "starts_at": starts_at.isoformat(),
            "duration_minutes": 45,
        }

    payload.__name__ = f"one_off_{board}"
    return payload


THORACIC = one_off("other_board")


def in_the_past(world) -> dict:
    return {**one_off("board")(world), "starts_at": (timezone.now() - timedelta(hours=1)).isoformat()}


def invited(world, refs: Refs) -> None:
    """The Breast board's members are invited to its meeting."""
    meeting = refs.subject("meeting").get()
    Attendance.objects.bulk_create(Attendance(meeting=meeting, user=m.user) for m in meeting.board.memberships.all())


def today(world, refs: Refs) -> None:
    """The meeting starts in an hour: check-in is open."""
    starts_at = timezone.now() + timedelta(hours=1)
    refs.subject("meeting").update(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))


def checked_in(world, refs: Refs) -> None:
    """The chair is at the meeting."""
    Attendance.objects.create(meeting=refs.subject("meeting").get(), user=world.chair, rsvp="accepted", present=True)


def packet_asked(world, refs: Refs) -> None:
    """Someone asked for the Breast meeting's packet (not built yet)."""
    MeetingPacket.objects.create(meeting=refs.subject("meeting").get(), requested_at=timezone.now())


def board(method: str, path: str, payload=None, on: str = "board", **rules) -> Endpoint:
    return Endpoint(method, f"/api/v1/boards/{{{on}}}/{path}", payload=payload, **rules)


def meeting(method: str, path: str, payload=None, at: str = "", on: str = "meeting", **rules) -> Endpoint:
    """A request about a meeting (or what hangs off it), the meeting put in state ``at`` first."""
    subject = on if at else ""
    return Endpoint(method, f"{MEETINGS}{{{on}}}/{path}", payload=payload, subject=subject, state=at, **rules)


def agenda_add(at: str, on: str = "meeting", **rules) -> Endpoint:
    """Put the Breast case, in state ``at``, on a meeting's agenda."""
    path = f"/api/v1/meetings/{{{on}}}/agenda/"
    return Endpoint("POST", path, payload={"case": "{case}"}, subject="case", state=at, **rules)


ENDPOINTS = [
    # --- boards: a new one is for coordinators of the institution's boards; nothing to hide, so 403 for the rest
    Endpoint("GET", "/api/v1/boards/", ok=EVERYONE),
    board("GET", "", ok=ACADEMIC),
    board("GET", "", on="other_board", ok=ACADEMIC),
    Endpoint("POST", "/api/v1/boards/", ok=COORD, code=201, deny=minus(EVERYONE, COORD), payload=NEW_BOARD),
    board("PATCH", "", BOARD_EDIT, ok=COORD, deny=BOARD_SEES),
    board("PATCH", "", BOARD_EDIT, on="other_board", ok="admin", deny=NON_ADMIN),
    board("PUT", "", BOARD_EDIT, others=405),
    board("DELETE", "", others=405),
    board("POST", "generate-meetings/", until, ok=COORD, deny=BOARD_SEES),
    # --- a board's members: seen by everyone who sees the board, changed by its coordinators
    board("GET", "members/", ok=ACADEMIC),
    board("PUT", "members/{other_member}/", {"role": "member"}, ok=COORD, deny=BOARD_SEES),
    board("PUT", "members/{member}/", {"role": "member"}, on="other_board", ok="admin", deny=NON_ADMIN),
    board("DELETE", "members/{member}/", ok=COORD, code=204, deny=BOARD_SEES),
    board("DELETE", "members/{referrer}/", note="another institution"),  # that person does not exist here
    board("POST", "generate-meetings/", until, on="other_board", ok="admin", deny=NON_ADMIN),
    # more than two years ahead: 400, but only to those who may generate (403 stays 403)
    board("POST", "generate-meetings/", too_far, also="coordinator=400 admin=400", deny=BOARD_SEES, note="too far"),
    # --- meetings: one-off ones on a board of the writer's institution (the academic one is foreign to referrers)
    Endpoint("GET", MEETINGS, ok=EVERYONE),
    meeting("GET", "", ok=BREAST_MEETING),
    meeting("GET", "", on="other_meeting", ok=THORACIC_MEETING),
    Endpoint("POST", MEETINGS, ok=COORD, code=201, deny=BOARD_SEES, also=FOREIGN_BOARD, payload=one_off("board")),
    Endpoint(
        "POST", MEETINGS, ok="admin", code=201, deny=NON_ADMIN, also=FOREIGN_BOARD, payload=THORACIC, note="Thoracic"
    ),
    Endpoint("POST", MEETINGS, others=400, payload=in_the_past, note="in the past"),  # bad input, whoever asks
    meeting("PATCH", "", BOARD_EDIT, others=405),  # a meeting changes by its actions only
    meeting("DELETE", "", others=405),
    meeting("POST", "start/", START, at="scheduled", ok=COORD, deny=SEES),
    meeting("POST", "start/", at="scheduled", also=CONFLICT, deny=SEES, note="early, not confirmed"),
    meeting("POST", "start/", at="in_progress", ok=COORD, deny=SEES),  # a repeat is a no-op
    meeting("POST", "start/", START, at="cancelled", also=CONFLICT, deny=SEES),
    meeting("POST", "start/", START, at="scheduled", on="other_meeting", ok="admin", deny=SEES_THORACIC),
    meeting("POST", "complete/", at="in_progress", ok=COORD, deny=SEES),
    meeting("POST", "complete/", at="scheduled", also=CONFLICT, deny=SEES),
    meeting("POST", "cancel/", CANCEL, at="scheduled", ok=COORD, deny=SEES),
    meeting("POST", "cancel/", {}, at="scheduled", also="coordinator=400 admin=400", deny=SEES, note="no reason"),
    meeting("POST", "cancel/", WHY, at="scheduled", also="coordinator=400 admin=400", deny=SEES, note="no confirm"),
    meeting("POST", "cancel/", CANCEL, at="completed", also=CONFLICT, deny=SEES),
    meeting("POST", "invite/", at="scheduled", ok=COORD, deny=SEES),
    meeting("POST", "invite/", at="cancelled", also=CONFLICT, deny=SEES),
    meeting("POST", "invite/", at="scheduled", on="other_meeting", ok="admin", deny=SEES_THORACIC),
    meeting("GET", "invite.ics", ok=BREAST_MEETING),
    meeting("GET", "invite.ics", on="other_meeting", ok=THORACIC_MEETING),
    # --- agendas: the coordinator sees the Thoracic meeting but not its cases: a Thoracic item is 404 to them, and
    # other_member reads the Breast case in a payload as no case (400); those who cannot see the meeting: 404
    meeting("GET", "agenda/", ok=BREAST_MEETING),  # what each role gets back: AGENDA_ROWS
    agenda_add("submitted", ok=COORD, code=201, deny="chair member"),
    agenda_add("draft", also=CONFLICT, deny="chair member"),
    # the Breast case on the Thoracic meeting: not that meeting's board (admin: 400), not the coordinator's (403)
    agenda_add("submitted", on="other_meeting", deny="coordinator", also="admin=400 other_member=400"),
    meeting("POST", "agenda/reorder/", {"items": ["{item}"]}, ok=COORD, deny=SEES),
    meeting("POST", "agenda/reorder/", {"items": ["{item}"]}, at="in_progress", also=CONFLICT, deny=SEES),
    meeting("GET", "agenda/{item}/", others=405),
    meeting("PATCH", "agenda/{item}/", {"minutes": 15}, ok=COORD, deny="chair member"),
    meeting("PATCH", "agenda/{item}/", {"minutes": 15}, at="completed", also=CONFLICT, deny="chair member"),
    meeting("DELETE", "agenda/{item}/", ok=COORD, code=204, deny="chair member"),
    meeting("DELETE", "agenda/{item}/", at="in_progress", also=CONFLICT, deny="chair member"),
    meeting("POST", "agenda/{item}/presented/", at="in_progress", ok=COORD, deny="chair member"),
    meeting("POST", "agenda/{item}/presented/", at="scheduled", also=CONFLICT, deny="chair member"),
    # gap 2: PUT is not among AgendaViewSet.http_method_names, so this answers 405 to everyone
    meeting("PUT", "agenda/{item}/presence/", {"users": ["{chair}"]}, ok=COORD, deny="chair member", given=checked_in),
    meeting("PATCH", "agenda/{other_item}/", {"minutes": 15}, on="other_meeting", ok="admin", deny="other_member"),
    # --- attendance: an RSVP needs an invitation (none: 404, even to those who see the meeting)
    meeting("GET", "attendance/", ok=BREAST_MEETING),
    meeting("POST", "attendance/rsvp/", ACCEPT),
    meeting("POST", "attendance/rsvp/", ACCEPT, ok=BOARD, given=invited),
    meeting("POST", "attendance/rsvp/", ACCEPT, at="cancelled", also=BOARD_CONFLICT, given=invited),
    # check-in is for the board's members, on the day (a week ahead: 409); for anyone else 403 whatever the day
    # (gap 3: they get the 409, then a 400 about a "user" field they did not send)
    meeting("POST", "attendance/check-in/", {"remote": False}, also=BOARD_CONFLICT, deny=NOT_ON_BOARD),
    meeting("POST", "attendance/check-in/", {"remote": True}, ok=BOARD, deny=NOT_ON_BOARD, given=today),
    # checking someone else in is for coordinators (the chair naming themselves is checking in)
    meeting(
        "POST",
        "attendance/check-in/",
        CHAIR,
        ok=COORD + " chair",
        deny="member",
        given=today,
        note="chair",
    ),
    # --- the meeting's packet: the board's members (and admins); who merely sees the meeting (a coordinator of the
    # institution, for the Thoracic one) gets 404 like everyone else
    meeting("POST", "packet/", ok=BREAST_MEETING, code=202),
    meeting("POST", "packet/", on="other_meeting", ok="other_member admin", code=202),
    meeting("GET", "packet/"),  # none asked for yet: 404 for everyone
    meeting("GET", "packet/", ok=BREAST_MEETING, given=packet_asked),
    meeting("GET", "packet/pdf/", given=packet_asked),  # none built yet
    # --- continuing-education credit (scheduling/cme.py): the credit is read by whoever sees the meeting and set by
    # its coordinators (the world's board offers no credit: 400 on hours); attesting is for members checked in to a held
    # meeting with credit (409 naming which is missing, to whoever sees the meeting); the rosters are for coordinators
    meeting("GET", "cme/", ok=BREAST_MEETING),
    meeting("PUT", "cme/", {"hours": 1}, also="coordinator=400 admin=400", deny=SEES),
    meeting("POST", "cme/attest/", {"hours": 1}, also=BOARD_CONFLICT + " admin=409"),
    *(meeting("GET", f"cme/{suffix}", ok=COORD, deny=SEES) for suffix in ("roster/", "roster.csv", "roster.pdf")),
    *(board("GET", f"cme/{suffix}", ok=COORD, deny=BOARD_SEES) for suffix in ("roster/", "roster.csv", "roster.pdf")),
    Endpoint("GET", "/api/v1/cme/attestations/", ok=EVERYONE),  # one's own
    Endpoint("GET", "/api/v1/cme/attestations/{meeting}/certificate/"),  # no such attestation
    # --- the user's own private calendar feed URL: nothing to hide
    Endpoint("GET", "/api/v1/me/calendar/", ok=EVERYONE),
    Endpoint("POST", "/api/v1/me/calendar/", ok=EVERYONE),
]

MATRIX, MATRIX_IDS = matrix(ENDPOINTS)


@pytest.mark.parametrize(("endpoint", "role", "expected"), MATRIX, ids=MATRIX_IDS)
def test_matrix(world, endpoint: Endpoint, role: str, expected: int):
    check(world, endpoint, role, expected)


# --- Lists: exactly which objects each role gets back --------------------------------------------------

LISTS = {
    "/api/v1/boards/": {ACADEMIC: "board other_board", "referrer referrer2": ""},
    "/api/v1/meetings/": {
        "coordinator admin": "meeting other_meeting",
        "chair member": "meeting",
        "other_member": "other_meeting",
        "referrer referrer2": "",
    },
    # a filter on a board whose meetings the user may not see filters out everything; it does not widen the scope
    "/api/v1/meetings/?board={other_board}": {THORACIC_MEETING: "other_meeting", "chair member referrer referrer2": ""},
}
LIST_ROWS = list_rows(LISTS)


@pytest.mark.parametrize(("path", "role", "keys"), LIST_ROWS, ids=[f"{p} {r}" for p, r, _ in LIST_ROWS])
def test_list_returns_exactly_what_the_role_may_see(world, path: str, role: str, keys: str):
    check_list(world, path, role, keys)


# the Breast agenda holds the Breast case and a community case routed to the board; the Thoracic one its case
AGENDAS = {
    "/api/v1/meetings/{meeting}/agenda/": {"coordinator chair member admin": "item routed_item"},
    "/api/v1/meetings/{other_meeting}/agenda/": {"other_member admin": "other_item", "coordinator": ""},
}
AGENDA_ROWS = list_rows(AGENDAS)


@pytest.mark.parametrize(("path", "role", "keys"), AGENDA_ROWS, ids=[f"{p} {r}" for p, r, _ in AGENDA_ROWS])
def test_an_agenda_holds_only_the_cases_the_role_may_see(world, path: str, role: str, keys: str):
    refs = Refs(world)
    for key in ITEMS:
        refs[key]
    response = call(world, role, "GET", path.format_map(refs))
    assert response.status_code == 200, response.content[:300]
    assert [item["id"] for item in response.json()] == [refs[k] for k in keys.split()]  # in agenda order


# --- Existence is never leaked ---------------------------------------------------------------------------

FOREIGN = [  # (role, method, path, the placeholder foreign to the role, a payload that passes validation)
    ("referrer", "PATCH", "/api/v1/boards/{board}/", "board", BOARD_EDIT),
    ("referrer2", "POST", "/api/v1/boards/{other_board}/generate-meetings/", "other_board", {"until": "2030-01-01"}),
    ("referrer", "POST", "/api/v1/meetings/{meeting}/cancel/", "meeting", CANCEL),
    ("referrer", "POST", "/api/v1/meetings/{meeting}/invite/", "meeting", None),
    ("referrer", "GET", "/api/v1/meetings/{meeting}/invite.ics", "meeting", None),
    ("referrer", "GET", AGENDA, "meeting", None),
    ("referrer2", "OPTIONS", AGENDA, "meeting", None),
    ("referrer", "POST", AGENDA + "reorder/", "meeting", {"items": []}),
    ("referrer2", "GET", ATTENDANCE, "meeting", None),
    ("referrer", "POST", ATTENDANCE + "check-in/", "meeting", {}),
    ("referrer", "POST", ATTENDANCE + "rsvp/", "meeting", ACCEPT),
    ("other_member", "POST", ATTENDANCE + "rsvp/", "meeting", ACCEPT),  # not invited reads as no meeting at all
    ("other_member", "PATCH", ITEM, "item", {"minutes": 15}),  # an item of a case the user may not see
    ("other_member", "PUT", ITEM + "presence/", "item", {"users": []}),
    ("coordinator", "POST", "/api/v1/meetings/{other_meeting}/agenda/{other_item}/presented/", "other_item", None),
    ("admin", "DELETE", "/api/v1/meetings/{meeting}/agenda/{other_item}/", "other_item", None),  # another meeting's
]


@pytest.mark.parametrize(
    ("role", "method", "path", "key", "payload"), FOREIGN, ids=[f"{m} {p} {r}" for r, m, p, _, _ in FOREIGN]
)
def test_a_404_is_the_same_for_missing_and_foreign(world, role, method, path, key, payload):
    refs = Refs(world)
    missing = Refs(world)
    missing[key] = str(uuid.uuid4())
    foreign = call(world, role, method, path.format_map(refs), payload)
    absent = call(world, role, method, path.format_map(missing), payload)
    assert foreign.status_code == absent.status_code == 404, foreign.content[:300]
    assert foreign.json() == absent.json() == NOT_FOUND


FOREIGN_IN_PAYLOAD = [  # (role, path, field, an object the role may not use there, the rest of the payload)
    ("referrer", "/api/v1/meetings/", "board", "board", one_off("board")),
    ("referrer2", "/api/v1/meetings/", "board", "other_board", one_off("board")),
    ("coordinator", AGENDA, "case", "other_case", {}),
    ("other_member", "/api/v1/meetings/{other_meeting}/agenda/", "case", "case", {}),
    ("chair", ATTENDANCE + "check-in/", "user", "referrer", {}),
]


@pytest.mark.parametrize(
    ("role", "path", "field", "key", "base"),
    FOREIGN_IN_PAYLOAD,
    ids=[f"{p} {f} {r}" for r, p, f, _, _ in FOREIGN_IN_PAYLOAD],
)
def test_a_foreign_id_in_a_payload_reads_as_nonexistent(world, role, path, field, key, base):
    refs = Refs(world)
    path = path.format_map(refs)
    base = base(world) if callable(base) else fill(base, refs)
    Case.objects.filter(pk__in=[world.case.pk, world.other_case.pk]).update(status="submitted")

    def state():
        return Meeting.objects.count(), AgendaItem.objects.count(), Attendance.objects.count()

    before = state()
    answers = []
    for value in (refs[key], str(uuid.uuid4())):
        response = call(world, role, "POST", path, {**base, field: value})
        assert response.status_code == 400, response.content[:300]
        answers.append(str(response.json()).replace(value, "<id>"))
    assert answers[0] == answers[1]
    assert f"'field': '{field}'" in answers[0] and "does_not_exist" in answers[0]
    assert state() == before


# --- Outside the API: the private calendar feed and the e-mailed RSVP link ---------------------------------


def _patient_data(world) -> list[str]:
    return [s for c in Case.objects.select_related("patient") for s in (c.patient.name, c.patient.mrn, c.question)]


def _unfolded(content: bytes) -> str:
    return content.decode().replace("\r\n ", "").replace("\r\n\t", "")  # RFC 5545 line folding


FEEDS = {"coordinator": "meeting", "chair": "meeting", "member": "meeting", "other_member": "other_meeting"}


def test_the_private_feed_has_only_the_users_boards_meetings_and_no_patient_data(world):
    refs = Refs(world)
    for key in ITEMS:  # patients on both agendas
        refs[key]
    anonymous = Client()  # the token in the URL is the only credential
    for role in ("coordinator", "chair", "member", "other_member", "referrer", "referrer2", "admin"):
        url = call(world, role, "GET", "/api/v1/me/calendar/").json()["url"]
        response = anonymous.get(urlsplit(url).path)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar"), role
        events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
        expected = {f"meeting-{refs[k]}@tumorboard" for k in FEEDS.get(role, "").split()}
        assert {str(event["uid"]) for event in events} == expected, role  # not the other board's, though visible
        text = _unfolded(response.content)
        assert not [s for s in _patient_data(world) if s in text], role


def test_a_feed_url_stops_working_when_rotated_or_its_user_is_deactivated(world):
    anonymous = Client()
    old = urlsplit(call(world, "member", "GET", "/api/v1/me/calendar/").json()["url"]).path
    new = urlsplit(call(world, "member", "POST", "/api/v1/me/calendar/").json()["url"]).path
    assert new != old
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200
    assert anonymous.get("/calendar/forged.ics").status_code == 404
    world.member.is_active = False
    world.member.save(update_fields=["is_active"])
    assert anonymous.get(new).status_code == 404


def test_the_invitation_has_no_patient_data(world):
    refs = Refs(world)
    refs["item"]
    response = call(world, "member", "GET", f"/api/v1/meetings/{refs['meeting']}/invite.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert f"UID:meeting-{refs['meeting']}@tumorboard" in _unfolded(response.content)
    assert not [s for s in _patient_data(world) if s in _unfolded(response.content)]


def test_removing_an_item_with_a_body_that_is_not_an_object_is_a_400(world):
    """Gap 4: ``AgendaViewSet.destroy`` reads ``request.data.get("reason")`` and a JSON list has no ``get``."""
    refs = Refs(world)
    client = world.client(world.coordinator)
    response = client.delete(ITEM.format_map(refs), ["not", "an", "object"], format="json")
    assert response.status_code == 400, response.content[:300]
    assert AgendaItem.objects.get(public_id=refs["item"]).status == "scheduled"


def test_a_forged_rsvp_link_is_a_404(world):
    refs = Refs(world)
    mine = Attendance.objects.create(meeting=refs.subject("meeting").get(), user=world.member)
    theirs = Attendance.objects.create(meeting=refs.subject("other_meeting").get(), user=world.other_member)
    genuine = rsvp_token(mine)
    payload, signature = genuine.rsplit(":", 1)
    forged = [
        "forged",
        f"{payload}:{'B' if signature[0] == 'A' else 'A'}{signature[1:]}",  # a signature that does not match
        signing.dumps({"a": mine.pk, "m": mine.meeting_id}, compress=True),  # signed, but not for RSVP links
        signing.dumps({"a": theirs.pk, "m": mine.meeting_id}, salt=RSVP_SALT, compress=True),  # another meeting's
    ]
    client = Client()
    for token in forged:
        for response in (client.get(f"/rsvp/{token}/"), client.post(f"/rsvp/{token}/", {"rsvp": "accepted"})):
            assert response.status_code == 404, token
            assert world.board.name not in response.content.decode()
    assert set(Attendance.objects.values_list("rsvp", flat=True)) == {"invited"}
    # the genuine link: GET shows the invitation and changes nothing, POST answers it
    assert client.get(f"/rsvp/{genuine}/").status_code == 200
    assert Attendance.objects.get(pk=mine.pk).rsvp == "invited"
    assert client.post(f"/rsvp/{genuine}/", {"rsvp": "declined"}).status_code == 200
    assert Attendance.objects.get(pk=mine.pk).rsvp == "declined"


def test_a_deactivated_users_rsvp_link_no_longer_works(world):
    """Gap 5: like their API token and their calendar feed, a deactivated user's e-mailed link stops working."""
    refs = Refs(world)
    attendance = Attendance.objects.create(meeting=refs.subject("meeting").get(), user=world.member)
    world.member.is_active = False
    world.member.save(update_fields=["is_active"])
    response = Client().post(f"/rsvp/{rsvp_token(attendance)}/", {"rsvp": "accepted"})
    assert response.status_code == 404
    assert Attendance.objects.get(pk=attendance.pk).rsvp == "invited"
