"""A board member prints the meeting: from the meeting page they ask for the meeting's packet, which a real Celery
worker builds while the page shows its progress, and download it; they read a case's packet page and go back to the
case; the case page and the meeting page print without the site's menu, buttons and forms. Axe-clean throughout."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import MeetingPacket, Packet
from scheduling.models import Meeting
from tests.cases.test_meeting_packets import _agenda
from tests.conftest import meeting_start, wait_for
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.helpers import sign_in, snapshot

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _printed(page, name: str) -> None:
    """The page as printed (the print stylesheet): no menu; a screenshot of it in tests/e2e/screenshots/."""
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / f"journey-{name}-print.png"), full_page=True)


def test_a_member_gets_the_meetings_packet_from_the_meeting_page(world, page, celery_worker):
    cases = _agenda(world, "Ada Routine", "Bea Urgent")
    meeting = Meeting.objects.get(board=world.board)
    sign_in(page, "member")
    page.goto(f"/meetings/{meeting.public_id}/")
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_role("button", name="Build the meeting's packet").click()
    expect(page.locator("#meeting-packet-status")).to_contain_text(re.compile("Pending|Building|Ready"))
    link = page.get_by_role("link", name=re.compile("Download the meeting's packet"))
    expect(link).to_be_visible(timeout=90_000)
    assert page.evaluate("window.stillTheSamePage") is True
    assert MeetingPacket.objects.get(meeting=meeting).version == 1
    body = page.request.get(link.get_attribute("href")).body()
    assert body.startswith(b"%PDF-")
    SCREENSHOTS.mkdir(exist_ok=True)
    (SCREENSHOTS / "journey-meeting-packet.pdf").write_bytes(body)  # for a person to look at
    link.scroll_into_view_if_needed()
    snapshot(page, "meeting-packet-ready")

    # printed, the meeting page keeps what is read and drops the menu and every control
    _printed(page, "meeting")
    expect(page.get_by_role("button", name=re.compile("Build the meeting's packet"))).to_be_hidden()
    expect(page.get_by_role("heading", name=re.compile("Breast tumor board"))).to_be_visible()
    page.emulate_media(media="screen")

    # a case's packet page: its header, and the way back to the case
    wait_for(lambda: Packet.objects.filter(case=cases[1], status="ready").exists(), message="the case's packet")
    page.goto(f"/cases/{cases[1].public_id}/packet/")
    expect(page.get_by_role("heading", name="Case packet: Bea Urgent")).to_be_visible()
    snapshot(page, "case-packet-page")
    _printed(page, "case-packet")
    page.emulate_media(media="screen")
    page.get_by_role("link", name="← The case").click()
    page.wait_for_url(f"**/cases/{cases[1].public_id}/")
    _printed(page, "case")
    expect(page.locator("main form").first).to_be_hidden()

    page.emulate_media(media="screen")

    # run mode, printed: the case under discussion on its own page, without the plan form or the case navigation
    meeting_start(meeting, by=world.coordinator)
    page.goto(f"/meetings/{meeting.public_id}/")
    expect(page.locator("#run")).to_be_visible()
    _printed(page, "run")
    expect(page.locator("#run")).to_be_visible()
    expect(page.locator("#run form").first).to_be_hidden()
    expect(page.get_by_role("navigation", name="Cases of this meeting")).to_be_hidden()
