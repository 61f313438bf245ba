"""The meeting's packet: one PDF of every case on an agenda in agenda order after a cover page, built by a task with
its status row (cases/builds.py), rebuilt when the agenda changes, read by the board's members only."""

from __future__ import annotations

import datetime

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from cases.codes import PacketStatus
from cases.lifecycle.agenda import agenda_add, agenda_remove
from cases.models import MeetingPacket
from cases.services import meeting_packets
from cases.tasks import documents_sweep
from scheduling.models import AgendaItem, Attendance, Meeting
from tests.conftest import wait_for
from tests.factories import CaseFactory
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db


def _meeting(world) -> Meeting:
    return Meeting.objects.filter(board=world.board).select_related("board").get()


def _agenda(world, *names: str) -> list:
    """Cases of the Breast board put on its meeting by the coordinator, in this order; the first is urgent, so the
    agenda puts it first whatever the order they were added in."""
    meeting = _meeting(world)
    cases = []
    for at, name in enumerate(names):
        case = CaseFactory(
            institution=world.academic,
            board=world.board,
            created_by=world.member,
            status="submitted",
            urgency="urgent" if at == len(names) - 1 else "routine",
            patient__name=name,
        )
        agenda_add(user=world.coordinator, meeting=meeting, case=case)
        cases.append(case)
    return cases


def _url(world) -> str:
    return f"/api/v1/meetings/{_meeting(world).public_id}/packet/"


def test_post_answers_202_and_the_build_gives_a_pdf_and_its_status(world, api, django_capture_on_commit_callbacks):
    cases = _agenda(world, "Ada Routine", "Bea Urgent")
    with django_capture_on_commit_callbacks(execute=True):
        response = api(world.member).post(_url(world))
    assert response.status_code == 202
    assert response.json()["status"] == "pending" and response.json()["pdf_url"] is None
    body = api(world.member).get(_url(world)).json()
    assert set(body) == {"status", "version", "requested_at", "built_at", "error", "pdf_url"}
    assert body["status"] == "ready" and body["version"] == 1 and body["error"] == ""
    assert body["pdf_url"] == f"{_url(world)}pdf/?version=1"
    download = api(world.chair).get(body["pdf_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    # one download row for the packet and one against each patient it holds
    rows = AuditEvent.objects.filter(action="download", user=world.chair)
    assert {r.patient_id for r in rows if r.patient_id} == {c.patient_id for c in cases}
    assert rows.filter(object_type="cases.meetingpacket").count() == 1
    assert api(world.chair).get(f"{_url(world)}pdf/?version=7").status_code == 404


def test_the_content_has_a_cover_and_the_cases_in_agenda_order(world):
    _agenda(world, "Ada Routine", "Bea Urgent")
    meeting = _meeting(world)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=datetime.datetime(2026, 1, 14, 16, 0, tzinfo=datetime.UTC))
    world.board.timezone = "Europe/Paris"
    world.board.required_specialties = ["medical_oncology", "pathology"]
    world.board.save()
    Attendance.objects.create(meeting=meeting, user=world.member, rsvp="accepted")
    meeting = Meeting.objects.select_related("board__institution").get(pk=meeting.pk)
    content = meeting_packets.meeting_packet_content(meeting)
    assert [c["patient"]["name"] for c in content["cases"]] == ["Bea Urgent", "Ada Routine"]
    assert [a["patient"] for a in content["agenda"]] == ["Bea Urgent", "Ada Routine"]
    assert content["quorum"] == {
        "met": False,
        "missing": ["pathology"],
        "required": ["medical_oncology", "pathology"],
    }
    html = render_to_string("cases/meeting_packet.html", {"content": content})
    cover = html[: html.index('class="case-packet"')]
    assert "Breast tumor board" in cover and "14 Jan 2026, 17:00 CET" in cover  # the board's local time
    assert world.member.name in cover and "Medical oncology" in cover and "Accepted" in cover
    assert "Missing: Pathology." in cover
    assert html.index("Bea Urgent &middot;") < html.index("Ada Routine &middot;")
    assert html.count('class="case-packet"') == 2
    assert "medical_oncology" not in html and "routine" not in html.replace("Routine", "")


def test_the_agenda_changing_makes_a_new_version_and_nothing_else_does(world, api, django_capture_on_commit_callbacks):
    cases = _agenda(world, "Ada Routine", "Bea Urgent")
    with django_capture_on_commit_callbacks(execute=True):
        api(world.coordinator).post(_url(world))
    with django_capture_on_commit_callbacks(execute=True):
        api(world.coordinator).post(_url(world))  # on demand, nothing changed
    packet = MeetingPacket.objects.get()
    assert (packet.status, packet.version) == (PacketStatus.READY, 1)
    assert sorted(packet.cases.values_list("pk", flat=True)) == sorted(c.pk for c in cases)
    item = AgendaItem.objects.get(case=cases[0])
    with django_capture_on_commit_callbacks(execute=True):
        agenda_remove(user=world.coordinator, item=item, reason="Not ready")
    packet.refresh_from_db()
    assert (packet.status, packet.version) == (PacketStatus.READY, 2)
    assert list(packet.cases.all()) == [cases[1]]


def test_a_meeting_without_a_packet_is_not_built_when_its_agenda_changes(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _agenda(world, "Ada Routine")
    assert not MeetingPacket.objects.exists()


def test_a_failed_build_keeps_its_error_and_the_last_pdf(world, api, monkeypatch, django_capture_on_commit_callbacks):
    _agenda(world, "Ada Routine")
    with django_capture_on_commit_callbacks(execute=True):
        api(world.coordinator).post(_url(world))
    first = MeetingPacket.objects.get().pdf.name

    def broken(content):
        raise RuntimeError("no fonts")

    monkeypatch.setattr(meeting_packets, "render_meeting_packet_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        _agenda(world, "Bea Urgent")  # the agenda changed: rebuilt, and the render fails
    packet = MeetingPacket.objects.get()
    assert packet.status == PacketStatus.FAILED and "no fonts" in packet.error
    assert (packet.version, packet.pdf.name) == (1, first)
    body = api(world.member).get(_url(world)).json()
    assert body["status"] == "failed" and body["pdf_url"].endswith("?version=1")


def test_only_the_boards_members_ask_for_and_read_it(world, api, django_capture_on_commit_callbacks):
    _agenda(world, "Ada Routine")
    url = _url(world)
    assert api(None).get(url).status_code in {401, 403}
    assert api(None).post(url).status_code in {401, 403}
    assert api(world.member).get(url).status_code == 404  # none asked for yet
    for outsider in (world.other_member, world.referrer, world.referrer2):
        assert api(outsider).post(url).status_code == 404
    assert not MeetingPacket.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert api(world.chair).post(url).status_code == 202
    for outsider in (world.other_member, world.referrer, world.referrer2):
        assert api(outsider).get(url).status_code == 404
        assert api(outsider).get(f"{url}pdf/?version=1").status_code == 404
    for reader in (world.coordinator, world.chair, world.member, world.admin):
        assert api(reader).get(url).status_code == 200
    bogus = "/api/v1/meetings/00000000-0000-0000-0000-000000000000/packet/"
    assert api(world.member).get(bogus).status_code == 404


def test_the_status_costs_the_same_queries_at_any_agenda_size(
    world, api, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = api(world.member)
    counts = []
    for names in (["Ada Routine"], ["Bea", "Cleo", "Dora", "Eve", "Fay Urgent"]):
        _agenda(world, *names)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(_url(world))
        url = _url(world)
        # the token with its user and memberships, the meeting, the packet (a read: no transaction)
        with django_assert_num_queries(3) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_sweep_finishes_a_meeting_packet_a_lost_message_left_pending(world):
    _agenda(world, "Ada Routine")
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    MeetingPacket.objects.create(meeting=_meeting(world), requested_at=long_ago)  # its message was lost
    assert documents_sweep() >= 1  # the tests run tasks eagerly: the build runs now
    packet = MeetingPacket.objects.get()
    assert (packet.status, packet.version) == (PacketStatus.READY, 1) and packet.pdf


def test_a_stuck_build_is_taken_over_by_the_sweep(world):
    _agenda(world, "Ada Routine")
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    MeetingPacket.objects.create(
        meeting=_meeting(world), requested_at=long_ago, status=PacketStatus.BUILDING, started_at=long_ago, attempts=1
    )  # its worker died
    documents_sweep()
    packet = MeetingPacket.objects.get()
    assert (packet.status, packet.attempts) == (PacketStatus.READY, 2)


@pytest.mark.worker
def test_a_real_worker_builds_it(celery_worker, world, api):
    _agenda(world, "Ada Routine", "Bea Urgent")
    assert api(world.coordinator).post(_url(world)).status_code == 202

    def ready():
        packet = MeetingPacket.objects.filter(meeting=_meeting(world)).first()
        return packet is not None and packet.status == PacketStatus.READY

    wait_for(ready, message="the meeting packet built by the worker")
    body = api(world.member).get(_url(world)).json()
    assert body["version"] == 1 and b"".join(api(world.member).get(body["pdf_url"]).streaming_content)[:5] == b"%PDF-"
