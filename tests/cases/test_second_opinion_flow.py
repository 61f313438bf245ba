"""The whole second-opinion loop through the API, as the issue asks: submit → route → info requested →
provided → accept → meeting → board plan → report downloaded (tasks run in-process on commit)."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import Case, SecondOpinion, SecondOpinionReport
from scheduling.models import Attendance, Meeting
from tests.cases.plan_helpers import BOARD, PROPOSED
from tests.cases.so_helpers import URL, act, payload, submit
from tests.conftest import meeting_start, wait_for
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_submit_route_info_accept_meeting_plan_report(world, api, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    referrer, coordinator = world.referrer, world.coordinator
    # the referrer's own proposed plan, to be compared with the board's
    assert (
        api(referrer)
        .post(
            f"/api/v1/cases/{world.community_case.public_id}/plans/",
            {**PROPOSED, "components": [{"modality": "surgery", "detail": "Mastectomy"}]},
            format="json",
        )
        .status_code
        == 201
    )
    # before routing, the academic board does not see the community case
    assert api(world.member).get(f"/api/v1/cases/{world.community_case.public_id}/").status_code == 404

    mail.outbox.clear()
    so = submit(world, api, capture)
    so_id = so["id"]
    assert so["status"] == "requested"
    assert so["board"] == str(world.board.public_id)  # breast → the Breast board, not Thoracic
    assert so["due_at"] is not None and so["meeting"] is not None
    assert "Routed to the Breast board" in so["routing_note"]
    routed_to = {m.to[0] for m in mail.outbox}
    assert world.coordinator.email in routed_to and world.referrer.email not in routed_to
    # routed: the board's members see the case; the other board and the other hospital do not
    assert api(world.member).get(f"/api/v1/cases/{world.community_case.public_id}/").status_code == 200
    assert api(world.other_member).get(f"{URL}{so_id}/").status_code == 404
    assert api(world.referrer2).get(f"{URL}{so_id}/").status_code == 404

    act(world, api, capture, coordinator, so_id, "request-info", {"message": "Please attach the pathology report."})
    assert api(referrer).get(f"{URL}{so_id}/").json()["status"] == "info_requested"
    upload = SimpleUploadedFile("path.pdf", b"%PDF-1.4\n% pathology\n", content_type="application/pdf")
    response = api(referrer).post(
        f"/api/v1/cases/{world.community_case.public_id}/documents/",
        {"file": upload, "kind": "pathology", "title": "Core biopsy", "date": "2026-11-02"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    act(world, api, capture, referrer, so_id, "provide-info", {"message": "Attached."})

    so = act(world, api, capture, coordinator, so_id, "accept")
    assert so["status"] == "scheduled"
    assert so["remote_url"].endswith(f"/second-opinions/{so_id}/join/")
    case = Case.objects.get(pk=world.community_case.pk)
    assert case.status == "scheduled" and case.institution == world.community  # still the hospital's case
    meeting = Meeting.objects.get(public_id=so["meeting"])
    guest = Attendance.objects.get(meeting=meeting, guest_case=case)
    assert guest.user == referrer and not guest.present

    # meeting day: the requester joins for their slot and sees no other case
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + datetime.timedelta(minutes=30))
    meeting_start(meeting, by=coordinator)
    joined = api(referrer).post(f"{URL}{so_id}/join/")
    assert joined.status_code == 200, joined.json()
    slot_fields = {"meeting", "meeting_starts_at", "slot_starts_at", "minutes", "video_url", "checked_in_at"}
    assert set(joined.json()) == slot_fields  # the slot, nothing about other cases
    assert api(referrer).get(f"/api/v1/meetings/{meeting.public_id}/agenda/").status_code == 404
    attendance = api(coordinator).get(f"/api/v1/meetings/{meeting.public_id}/attendance/").json()
    assert [a["guest"] for a in attendance if a["specialist"] == str(referrer.public_id)] == [True]

    with capture(execute=True):
        response = api(coordinator).post(
            f"/api/v1/cases/{case.public_id}/plans/", {**BOARD, "meeting": str(meeting.public_id)}, format="json"
        )
    assert response.status_code == 201, response.json()
    so = api(referrer).get(f"{URL}{so_id}/").json()
    assert so["status"] == "report_sent", so["transitions"]
    assert [t["to_status"] for t in so["transitions"]] == [
        "requested", "requested", "info_requested", "requested", "accepted", "scheduled", "reviewed", "report_sent",
    ]  # fmt: skip
    report_mail = [m for m in mail.outbox if m.subject == "The tumor board's report is ready"]
    assert report_mail and referrer.email in report_mail[0].to
    assert case.patient.name not in report_mail[0].body and case.patient.mrn not in report_mail[0].body

    report = api(referrer).get(so["report_url"]).json()
    assert report["status"] == "ready" and report["json"]["comparison"]["changed"] is True
    assert report["json"]["request"]["questions"][0] == "Is adjuvant chemotherapy indicated?"
    downloaded = api(referrer).get(report["pdf_url"])
    assert downloaded.status_code == 200 and downloaded["Content-Type"] == "application/pdf"
    assert b"".join(downloaded.streaming_content).startswith(b"%PDF-")
    row = SecondOpinionReport.objects.get(request__public_id=so_id)
    assert AuditEvent.objects.filter(
        action="download", object_id=str(row.public_id), user=referrer, patient=case.patient
    ).exists()
    # another hospital gets 404 for the request, its report and its PDF
    for path in (f"{URL}{so_id}/", so["report_url"], report["pdf_url"]):
        assert api(world.referrer2).get(path).status_code == 404


@pytest.mark.worker
def test_routing_and_the_report_run_on_a_real_worker_and_log_no_patient_data(celery_worker, world, api):
    referrer, coordinator = world.referrer, world.coordinator
    response = api(referrer).post(URL, payload(world), format="json")
    assert response.status_code == 201
    so_id = response.json()["id"]
    wait_for(
        lambda: SecondOpinion.objects.filter(public_id=so_id, routed_at__isnull=False).exists(),
        message="the worker to route the request",
    )
    assert api(coordinator).post(f"{URL}{so_id}/accept/").json()["status"] == "scheduled"
    meeting = Meeting.objects.get(agenda_items__case=world.community_case)
    meeting_start(meeting, by=coordinator)
    response = api(coordinator).post(f"/api/v1/cases/{world.community_case.public_id}/plans/", BOARD, format="json")
    assert response.status_code == 201
    wait_for(
        lambda: SecondOpinion.objects.filter(public_id=so_id, status="report_sent").exists(),
        timeout=60,
        message="the worker to build and send the report",
    )
    assert api(referrer).get(f"{URL}{so_id}/report/").json()["status"] == "ready"
    log = celery_worker.log_path.read_text()
    assert "second_opinion_route" in log and "second_opinion_report_build" in log
    patient = world.community_case.patient
    assert patient.name not in log and patient.mrn not in log
