"""A community-hospital oncologist's second opinion in a real browser: sign in, land on the portal, send a
request with a new case and its pathology PDF, answer the board's request for information with another
document, and once the board has recorded its plan watch the report being generated and download it. The
coordinator works in a second browser context; the board's own part (meeting, plan) goes through the API
in-process, and the report is built by a real Celery worker started once the page shows it waiting."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from rest_framework.test import APIClient

from cases.models import Case, SecondOpinion, SecondOpinionReport
from config.celery import app
from scheduling.models import Meeting
from tests.cases.plan_helpers import BOARD
from tests.conftest import WorkerProcess, meeting_start
from tests.e2e.helpers import expect_focused, sign_in, snapshot

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def write_pdf(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4\n% " + name.encode() + b"\n")
    return path


def test_a_community_oncologist_gets_a_second_opinion(world, page, browser, live_server, tmp_path):
    # the referrer signs in and lands on the portal
    sign_in(page, "referrer")
    page.wait_for_url("**/second-opinions/")
    expect(page.get_by_role("heading", name="Second opinions", level=1)).to_be_visible()
    snapshot(page, "community-01-portal")

    # a new request with a new case and its pathology report
    page.get_by_role("link", name="New second-opinion request").click()
    page.wait_for_url("**/second-opinions/new/")
    page.get_by_label("A new case").check()
    page.get_by_label("Patient MRN").fill("VCH-2044")
    page.get_by_label("Patient name").fill("Elena Journey")
    page.get_by_label("Birth date").fill("1971-03-09")
    page.get_by_label("Sex").select_option("female")
    page.get_by_label("Primary site").select_option("breast")
    page.get_by_label("Histology").fill("Invasive ductal carcinoma")
    page.get_by_label("Grade").select_option("G3")
    page.get_by_label("Clinical T").fill("T2")
    page.get_by_label("Clinical N").fill("N1")
    page.get_by_label("Clinical M").fill("M0")
    page.get_by_label("Stage group").fill("IIB")
    page.get_by_label("ECOG performance status").select_option("0")
    page.get_by_label("Treatment intent").select_option("curative")
    page.get_by_label("Clinical question of the case").fill("Neoadjuvant chemotherapy or surgery first?")
    page.get_by_label("Academic center").select_option(label="Academic Cancer Center")
    page.get_by_label("Urgency").select_option("urgent")
    page.get_by_label("Questions for the board").fill(
        "Is neoadjuvant chemotherapy indicated?\nIs a sentinel node biopsy enough?"
    )
    page.get_by_label("Why a second opinion").fill("Triple-negative, node-positive: we want the board's view.")
    first = page.get_by_role("group", name="Document 1")
    first.get_by_label("File").set_input_files(str(write_pdf(tmp_path, "core-biopsy.pdf")))
    first.get_by_label("Kind").select_option("pathology")
    first.get_by_label("Title").fill("Core biopsy pathology")
    snapshot(page, "community-02-new-request")
    # forgetting the reason: the form comes back with the field marked and nothing is written
    page.get_by_label("Why a second opinion").fill("")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_role("alert").filter(has_text="The request was not sent")).to_be_visible()
    expect(page.get_by_label("Patient MRN")).to_have_value("VCH-2044")
    reason = page.get_by_label("Why a second opinion")
    expect_focused(reason)  # the first refused field, and a screen reader reads why with it
    expect(reason).to_have_accessible_description("Please fill this in.")
    assert not SecondOpinion.objects.exists() and not Case.objects.filter(patient__mrn="VCH-2044").exists()
    snapshot(page, "community-02b-refused")
    page.get_by_label("Why a second opinion").fill("Triple-negative, node-positive: we want the board's view.")
    first.get_by_label("File").set_input_files(str(write_pdf(tmp_path, "core-biopsy.pdf")))
    page.get_by_role("button", name="Send the request").click()

    # the request page: routed to the Breast board, with a due date
    page.wait_for_url(re.compile(r"/second-opinions/[0-9a-f-]{36}/$"))
    so = SecondOpinion.objects.get(case__patient__mrn="VCH-2044")
    assert so.board == world.board and so.due_at is not None and so.urgency == "urgent"
    expect(page.get_by_role("status").filter(has_text="request was sent")).to_be_visible()
    request_facts = page.get_by_role("region", name="The request")
    expect(request_facts.get_by_text("Routed to the Breast board")).to_be_visible()
    expect(request_facts.locator("dt:text-is('Due') + dd time")).to_be_visible()  # the due date
    expect(page.get_by_role("link", name="Core biopsy pathology")).to_be_visible()
    snapshot(page, "community-03-routed")
    page.goto("/second-opinions/")
    expect(page.get_by_role("link", name="Elena Journey")).to_be_visible()
    snapshot(page, "community-04-list")
    request_path = f"/second-opinions/{so.public_id}/"

    # the coordinator, in a second browser, asks for more information
    coord_context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    coord = coord_context.new_page()
    coord.set_default_timeout(15_000)
    try:
        sign_in(coord, "coord")
        coord.goto("/second-opinions/")
        expect(coord.get_by_text("Accept, decline or ask for information")).to_be_visible()
        coord.get_by_role("link", name="Elena Journey").click()
        coord.get_by_label("What is needed").fill("Please attach the staging CT report.")
        snapshot(coord, "community-05-coordinator")
        coord.get_by_role("button", name="Request information").click()
        expect(coord.get_by_role("status").filter(has_text="Information requested")).to_be_visible()
        so.refresh_from_db()
        assert so.status == "info_requested"

        # the referrer answers with another document and a message
        page.goto(request_path)
        answer = page.get_by_role("region", name="The board asks for more information")
        expect(answer.get_by_text("Please attach the staging CT report.")).to_be_visible()
        row = answer.get_by_role("group", name="Document 1")
        row.get_by_label("File").set_input_files(str(write_pdf(tmp_path, "ct-staging.pdf")))
        row.get_by_label("Kind").select_option("imaging")
        row.get_by_label("Title").fill("Staging CT chest/abdomen")
        answer.get_by_label("Message to the board").fill("The staging CT is attached: no distant disease.")
        snapshot(page, "community-06-answer")
        answer.get_by_role("button", name="Send the answer").click()
        expect(page.get_by_role("status").filter(has_text="Your answer was sent")).to_be_visible()
        expect(page.get_by_role("link", name="Staging CT chest/abdomen")).to_be_visible()
        so.refresh_from_db()
        assert so.status == "requested"

        # the coordinator accepts (the proposed meeting)
        coord.goto(request_path)
        expect(coord.get_by_text("The staging CT is attached: no distant disease.")).to_be_visible()
        coord.get_by_role("button", name="Accept", exact=True).click()
        expect(coord.get_by_role("status").filter(has_text="Request accepted")).to_be_visible()
        snapshot(coord, "community-07-accepted")
    finally:
        coord_context.close()
    so.refresh_from_db()
    assert so.status == "scheduled"

    page.goto(request_path)
    expect(page.get_by_role("link", name="Open the join page")).to_be_visible()
    snapshot(page, "community-08-scheduled")

    # the board meets and records its plan; the report's build waits in the broker until a real worker starts
    meeting = Meeting.objects.get(agenda_items__case=so.case)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + datetime.timedelta(minutes=5))
    meeting_start(meeting, by=world.coordinator)
    api = APIClient()
    api.force_authenticate(world.coordinator)
    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(app.conf.task_default_queue)
    worker = WorkerProcess(tmp_path / "worker.log")
    try:
        response = api.post(
            f"/api/v1/cases/{so.case.public_id}/plans/", {**BOARD, "meeting": str(meeting.public_id)}, format="json"
        )
        assert response.status_code == 201, response.json()
        assert SecondOpinionReport.objects.get(request=so).status == "pending"

        page.goto(request_path)
        expect(page.get_by_text("the report is being generated")).to_be_visible()
        snapshot(page, "community-09-report-building")
        page.evaluate("window.stillTheSamePage = true")  # a reload would drop it
        worker.start()
        # no reload: the fragment polls and shows the link once the worker has built the report
        download_link = page.get_by_role("link", name="Download report (PDF)")
        expect(download_link).to_be_visible(timeout=90_000)
    finally:
        worker.stop()
        app.conf.task_always_eager = True
    assert page.evaluate("window.stillTheSamePage") is True
    expect(page.get_by_text("Version 1")).to_be_visible()
    expect(page.locator("#so-status")).to_have_text("Report sent")  # the status follows, still no reload
    snapshot(page, "community-10-report-ready")
    log = worker.log_path.read_text(errors="replace")
    assert "report" in log and "Elena Journey" not in log and "VCH-2044" not in log
    with page.expect_download() as info:
        download_link.click()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF-")
    so.refresh_from_db()
    assert so.status == "report_sent"

    # the same pages on a tablet
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto("/second-opinions/")
    expect(page.get_by_role("link", name="Elena Journey")).to_be_visible()
    snapshot(page, "community-11-tablet-list")
    page.goto(request_path)
    expect(page.get_by_role("link", name="Download report (PDF)")).to_be_visible()
    snapshot(page, "community-12-tablet-request")
