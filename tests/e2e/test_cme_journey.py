"""Continuing-education credit in the browser: a member who checked in to a completed meeting attests from its page
(a refused claim says why on the field), downloads the certificate; the coordinator opens the meeting's roster,
members and guests apart. Axe-clean at each step."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from scheduling.attendance import attendance_check_in
from scheduling.models import CmeAttestation
from tests.e2e.helpers import sign_in, snapshot
from tests.scheduling.test_cme import _complete, _credit, _guest, _running

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_member_attests_and_downloads_the_certificate_and_the_coordinator_reads_the_roster(world, page):
    _credit(world.board)
    meeting = _running(world)
    attendance_check_in(user=world.member, meeting=meeting)
    _guest(world, meeting)
    _complete(world, meeting)

    sign_in(page, "member")
    page.goto(f"/meetings/{meeting.public_id}/")
    section = page.locator("#cme")
    expect(section.get_by_role("heading", name="CME")).to_be_visible()
    expect(section).to_contain_text("RSS-2026-BREAST")
    hours = section.get_by_label(re.compile("Hours claimed"))
    expect(hours).to_have_value("1.5")
    section.get_by_role("button", name="Attest attendance").click()  # the box not ticked
    expect(page.locator("#errors-confirm")).to_contain_text("Tick the box")
    snapshot(page, "cme-attest-refused")
    page.locator("#cme").get_by_label("I attest the statement above").check()
    page.locator("#cme").get_by_label(re.compile("Hours claimed")).fill("1.25")
    page.locator("#cme").get_by_role("button", name="Attest attendance").click()
    expect(page.locator("#cme")).to_contain_text("You attested attending this meeting for 1.25 h")
    link = page.get_by_role("link", name="Download your certificate (PDF)")
    snapshot(page, "cme-attested")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.startswith("cme-certificate-")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert CmeAttestation.objects.get().hours_claimed == 1.25

    page.context.clear_cookies()
    sign_in(page, "coord")
    page.goto(f"/meetings/{meeting.public_id}/")
    page.get_by_role("link", name="This meeting's roster").click()
    expect(page.get_by_role("heading", name=re.compile("meeting of"))).to_be_visible()
    members = page.locator("table").nth(0)
    expect(members).to_contain_text(world.member.name)
    expect(members).to_contain_text("1.25")
    expect(page.locator("table").nth(1)).to_contain_text(world.referrer.name)
    snapshot(page, "cme-roster")
