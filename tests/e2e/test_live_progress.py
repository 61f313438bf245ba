"""Long work shows its progress without a reload, with the real components: a real Celery worker builds the
packet while the case page, in Chromium, polls its status and then offers the PDF."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Packet
from tests.e2e.helpers import sign_in, snapshot

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_builds_the_packet_while_the_page_shows_its_progress(world, page, celery_worker):
    sign_in(page, "member")
    page.goto(f"/cases/{world.case.public_id}/")
    page.evaluate("window.stillTheSamePage = true")  # a reload would drop it

    page.get_by_role("button", name="Build packet now").click()
    # the answer is rendered before the task is even sent (after commit): the page shows the work under way
    expect(page.get_by_role("status").filter(has_text="Assembling the packet")).to_be_visible()
    snapshot(page, "progress-1-packet-building")

    link = page.get_by_role("link", name=re.compile("Download packet PDF"))
    expect(link).to_be_visible(timeout=90_000)
    assert page.evaluate("window.stillTheSamePage") is True
    assert Packet.objects.get(case=world.case).status == "ready"
    body = page.request.get(link.get_attribute("href")).body()
    assert body.startswith(b"%PDF-")
    snapshot(page, "progress-2-packet-ready")
    log = celery_worker.log_path.read_text(errors="replace")
    assert "packet" in log and world.case.patient.name not in log and world.case.patient.mrn not in log
