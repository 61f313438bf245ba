"""The meeting's packet on the meeting page: the board's members ask for it and download it; the fragment polls
while it builds; nobody else reaches it."""

from __future__ import annotations

import pytest

from cases.models import MeetingPacket
from scheduling.models import Meeting
from tests.cases.test_meeting_packets import _agenda

pytestmark = pytest.mark.django_db


def _meeting(world) -> Meeting:
    return Meeting.objects.get(board=world.board)


def test_a_member_asks_for_the_meetings_packet_and_downloads_it(
    world, client, django_capture_on_commit_callbacks, django_assert_num_queries
):
    _agenda(world, "Ada Routine", "Bea Urgent")
    meeting = _meeting(world)
    client.force_login(world.member)
    page = client.get(f"/meetings/{meeting.public_id}/").content.decode()
    assert "The meeting's packet" in page and "Build the meeting's packet" in page
    build = f"/meetings/{meeting.public_id}/packet/build/"
    fragment = client.post(build, HTTP_HX_REQUEST="true")  # the build waits for the commit: pending, polling
    assert fragment.status_code == 200
    html = fragment.content.decode()
    assert "<html" not in html and 'hx-trigger="every 2s"' in html and "Pending" in html
    with django_capture_on_commit_callbacks(execute=True):
        client.post(build, HTTP_HX_REQUEST="true")
    status = f"/meetings/{meeting.public_id}/packet/status/"
    # session, user, memberships, the meeting, the packet, the user's institution (the menu's context), the session
    # saved and its savepoint (a read runs in no transaction). Status only: no case is read.
    with django_assert_num_queries(9):
        html = client.get(status, HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in html and "Ready" in html
    url = f"/api/v1/meetings/{meeting.public_id}/packet/pdf/?version=1"
    assert f'href="{url}"' in html and "Download the meeting's packet (PDF, version 1)" in html
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")


def test_without_htmx_the_request_comes_back_to_the_page(world, client, django_capture_on_commit_callbacks):
    meeting = _meeting(world)
    client.force_login(world.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{meeting.public_id}/packet/build/")
    assert response.status_code == 302
    assert response["Location"].endswith(f"/meetings/{meeting.public_id}/#meeting-packet")
    assert MeetingPacket.objects.get().version == 1  # an empty agenda: the cover alone


def test_nobody_else_reaches_it(world, client):
    meeting = _meeting(world)
    for outsider in (world.other_member, world.referrer):
        client.force_login(outsider)
        assert client.post(f"/meetings/{meeting.public_id}/packet/build/").status_code == 404
        assert client.get(f"/meetings/{meeting.public_id}/packet/status/").status_code == 404
    assert not MeetingPacket.objects.exists()
    client.logout()
    assert client.post(f"/meetings/{meeting.public_id}/packet/build/").status_code == 302  # to sign in
    assert client.get(f"/meetings/{meeting.public_id}/packet/status/").status_code == 302
