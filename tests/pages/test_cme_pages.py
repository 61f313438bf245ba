"""The meeting page's "CME" section (attest, the certificate link, the roster links) and the roster page."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest

from scheduling.models import Attendance, CmeAttestation
from tests.pages.markup import assert_refused
from tests.scheduling.test_cme import _check_in, _complete, _credit, _guest, _running

pytestmark = pytest.mark.django_db


def test_a_member_who_checked_in_attests_from_the_meeting_page_and_gets_the_certificate(world, api, client):
    _credit(world.board)
    meeting = _running(world)
    _check_in(api, world.member, meeting)
    page = f"/meetings/{meeting.public_id}/"
    client.force_login(world.member)
    html = client.get(page).content.decode()
    assert 'id="cme-heading">CME' in html and "You can attest once the meeting is completed." in html
    assert 'id="cme-attest"' not in html and 'id="cme-roster-link"' not in html  # no roster for a member
    _complete(world, meeting)
    html = client.get(page).content.decode()
    assert 'id="cme-attest"' in html and 'max="1.5"' in html and 'value="1.5"' in html

    # the box not ticked, or more hours than offered: the page says why, on the field
    refused = client.post(page + "cme/attest/", {"hours": "1.5"})
    assert refused.status_code == 400
    assert_refused(refused.content.decode(), "confirm")
    refused = client.post(page + "cme/attest/", {"hours": "3", "confirm": "true"})
    assert refused.status_code == 400 and "At most the 1.5 h this meeting offers." in refused.content.decode()
    assert_refused(refused.content.decode(), "hours")
    assert not CmeAttestation.objects.exists()

    done = client.post(page + "cme/attest/", {"hours": "1", "confirm": "true"}, follow=True)
    attestation = CmeAttestation.objects.get()
    assert attestation.hours_claimed == 1
    html = done.content.decode()
    assert "You attested attending this meeting for 1 h" in html
    certificate = f"/api/v1/cme/attestations/{attestation.public_id}/certificate/"
    assert f'href="{certificate}"' in html
    assert client.get(certificate)["Content-Type"] == "application/pdf"
    again = client.post(page + "cme/attest/", {"hours": "1", "confirm": "true"})
    assert again.status_code == 409 and "You have already attested" in again.content.decode()
    assert CmeAttestation.objects.count() == 1


def test_the_coordinator_reads_the_roster_of_a_meeting_and_of_a_period(world, api, client):
    _credit(world.board)
    meeting = _running(world)
    _check_in(api, world.member, meeting)
    _guest(world, meeting)
    _complete(world, meeting)
    client.force_login(world.coordinator)
    html = client.get(f"/meetings/{meeting.public_id}/").content.decode()
    assert 'id="cme-roster-link"' in html

    roster = client.get(f"/cme/roster/?meeting={meeting.public_id}")
    text = roster.content.decode()
    assert roster.status_code == 200 and f"meeting of {meeting.local_start}" in text
    assert f"/api/v1/meetings/{meeting.public_id}/cme/roster.csv" in text
    members, guests = text.index("<h3>Members</h3>"), text.index("<h3>Guests</h3>")
    assert members < text.index(world.member.name) < guests < text.index(world.referrer.name)
    assert "Valley Community Hospital" in text and world.community_case.patient.name not in text

    day = meeting.starts_at.astimezone(ZoneInfo(world.board.timezone)).date()
    period = {"board": world.board.public_id, "from": day - datetime.timedelta(days=7), "to": day}
    text = client.get("/cme/roster/", period).content.decode()
    assert f"meetings from {period['from']:%Y-%m-%d}" in text and world.member.name in text
    assert f"/api/v1/boards/{world.board.public_id}/cme/roster.pdf?from=" in text
    # the period form alone, then a period that ends before it starts
    assert client.get("/cme/roster/", {"board": world.board.public_id}).status_code == 200
    refused = client.get("/cme/roster/", {**period, "to": day - datetime.timedelta(days=30)})
    assert refused.status_code == 400
    assert_refused(refused.content.decode(), "to")

    # a member of the board: 403; another institution: 404
    client.force_login(world.member)
    assert client.get(f"/cme/roster/?meeting={meeting.public_id}").status_code == 403
    client.force_login(world.referrer)
    assert client.get(f"/cme/roster/?meeting={meeting.public_id}").status_code == 404
    assert client.get("/cme/roster/", period).status_code == 404
    assert Attendance.objects.filter(meeting=meeting, present=True).count() == 2
