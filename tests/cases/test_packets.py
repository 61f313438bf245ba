"""Case packets: canonical JSON + PDF, versioned by content hash, failures kept, audited downloads."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import Packet, PacketVersion, Plan, PlanComponent
from cases.services import packets
from tests.factories import CaseFactory, CommentFactory, MeetingFactory
from tumorboard.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db


def _request(world, user=None):
    return world.client(user or world.member).post(f"/api/v1/cases/{world.case.public_id}/packet/")


def test_on_demand_build_gives_json_pdf_and_hash(world, django_capture_on_commit_callbacks):
    world.case.biomarkers.create(name="ER", result="positive", value=90)
    with django_capture_on_commit_callbacks(execute=True):
        response = _request(world)
    assert response.status_code == 202
    body = world.client(world.member).get(f"/api/v1/cases/{world.case.public_id}/packet/").json()
    assert body["status"] == "ready" and body["version"] == 1 and len(body["sha256"]) == 64
    content = body["json"]
    assert content["case"]["question"] == world.case.question
    assert content["tumor_biology"]["biomarkers"][0]["name"] == "ER"
    assert {"checklist", "documents", "plans", "reviews", "agenda", "patient_factors"} <= set(content)
    expected = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert packets.canonical(content) == expected.encode()

    pdf = world.client(world.coordinator).get(body["pdf_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    data = b"".join(pdf.streaming_content)
    assert data.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(
        action="download", object_type="cases.packetversion", user=world.coordinator
    ).exists()


def test_the_packet_page_renders_the_same_template_as_the_pdf(world, client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _request(world)
    url = f"/cases/{world.case.public_id}/packet/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(world.member)
    page = client.get(url)
    assert page.status_code == 200
    assert b"Readiness and safety checklist" in page.content and world.case.question.encode() in page.content
    client.force_login(world.referrer)
    assert client.get(url).status_code == 404


def test_before_the_first_build_the_packet_page_sends_to_where_it_is_built(world, client):
    client.force_login(world.member)
    page = client.get(f"/cases/{world.case.public_id}/packet/", follow=True)
    assert page.redirect_chain == [(f"/cases/{world.case.public_id}/#packet", 302)]
    assert "No packet has been built for this case yet: build it here." in page.content.decode()
    client.force_login(world.referrer)
    assert client.get(f"/cases/{world.case.public_id}/packet/").status_code == 404


def test_unchanged_content_makes_no_new_version_and_a_change_does(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _request(world)
    with django_capture_on_commit_callbacks(execute=True):
        _request(world)
    assert PacketVersion.objects.filter(case=world.case).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        # a pre-review changes the content and, since a packet exists, triggers a rebuild by itself
        world.client(world.chair).post(
            f"/api/v1/cases/{world.case.public_id}/comments/", {"body": "Margins clear.", "kind": "pre_review"}
        )
    versions = list(PacketVersion.objects.filter(case=world.case).order_by("version"))
    assert [v.version for v in versions] == [1, 2] and versions[0].sha256 != versions[1].sha256
    assert versions[1].content["reviews"][0]["body"] == "Margins clear."


def test_a_failed_render_keeps_the_error_and_the_previous_version(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _request(world)
    world.case.ecog = 2
    world.case.save()

    def broken(content):
        raise RuntimeError("renderer exploded")

    monkeypatch.setattr(packets, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        _request(world)
    body = world.client(world.member).get(f"/api/v1/cases/{world.case.public_id}/packet/").json()
    assert body["status"] == "failed"
    assert "renderer exploded" in body["error"]
    assert body["version"] == 1  # the previous ready version stays
    assert world.client(world.member).get(body["pdf_url"]).status_code == 200


def test_outsiders_get_404(world, api):
    for user in (world.referrer, world.other_member):
        assert api(user).get(f"/api/v1/cases/{world.case.public_id}/packet/").status_code == 404
        assert api(user).post(f"/api/v1/cases/{world.case.public_id}/packet/").status_code == 404
        assert api(user).get(f"/api/v1/cases/{world.case.public_id}/packet/pdf/").status_code == 404
    assert not Packet.objects.exists()
    response = api(world.member).get(f"/api/v1/cases/{world.case.public_id}/packet/")
    assert response.status_code == 404  # nothing built yet


def test_redelivered_build_is_a_no_op(world):
    packets.packet_request(case=world.case)
    assert packets.packet_build(case_id=world.case.pk) == "ready"
    assert packets.packet_build(case_id=world.case.pk) == "skipped"  # the same message delivered again
    assert PacketVersion.objects.filter(case=world.case).count() == 1


def test_queries_per_packet_do_not_grow_with_comments_documents_and_plans(world):
    def build_queries():
        with CaptureQueriesContext(connection) as ctx:
            case = packets.packet_queryset().get(pk=world.case.pk)
            packets.packet_content(case)
        return len(ctx.captured_queries)

    plan = Plan.objects.create(case=world.case, kind="proposed", version=1, intent="curative", created_by=world.member)
    PlanComponent.objects.create(plan=plan, position=1, modality="surgery", detail="Lumpectomy")
    CommentFactory(case=world.case, author=world.chair, kind="pre_review")
    small = build_queries()
    for i in range(20):
        CommentFactory(case=world.case, author=world.member, kind="pre_review" if i % 2 else "general")
        world.case.biomarkers.create(name="KI67", result="high", value=30 + i)
        world.case.medications.create(name=f"Drug {i}")
        world.case.variants.create(gene="TP53", hgvs=f"c.{100 + i}del", origin="somatic")
        world.case.other_staging.create(system="risk_group", value=f"group {i}")
        world.case.treatments.create(kind="systemic", name=f"Course {i}")
    for version in range(2, 5):
        plan = Plan.objects.create(
            case=world.case, kind="proposed", version=version, intent="curative", created_by=world.member
        )
        for position in range(1, 4):
            PlanComponent.objects.create(plan=plan, position=position, modality="systemic_therapy", drugs=["AC-T"])
    assert build_queries() == small


def test_placement_builds_and_board_members_are_told_once_per_meeting(world, django_capture_on_commit_callbacks):
    from cases.lifecycle.agenda import agenda_add

    far = MeetingFactory(board=world.board)  # a week ahead: beyond the 48 h lead time
    other = CaseFactory(institution=world.academic, board=world.board, created_by=world.member, status="submitted")
    with django_capture_on_commit_callbacks(execute=True):
        agenda_add(user=world.coordinator, meeting=far, case=other)
    assert Packet.objects.get(case=other).status == "ready"
    assert not Notification.objects.filter(kind="packets_ready").exists()

    meeting = MeetingFactory(board=world.board, starts_at=timezone.now() + datetime.timedelta(hours=30))
    with django_capture_on_commit_callbacks(execute=True):
        world.case.status = "submitted"
        world.case.save()
        agenda_add(user=world.coordinator, meeting=meeting, case=world.case)
    assert Packet.objects.get(case=world.case).status == "ready"
    notes = Notification.objects.filter(kind="packets_ready")
    assert {n.recipient for n in notes} == {world.coordinator, world.chair, world.member}
    assert all(world.case.patient.name not in n.subject + n.body for n in notes)
    assert packets.packets_ready_notify(case_id=world.case.pk) is False  # once per meeting


def test_beat_requests_packets_for_meetings_within_the_lead_time(world, django_capture_on_commit_callbacks):
    from scheduling.models import AgendaItem

    soon = MeetingFactory(board=world.board, starts_at=timezone.now() + datetime.timedelta(hours=30))
    AgendaItem.objects.create(meeting=soon, case=world.case, position=1, minutes=10)
    with django_capture_on_commit_callbacks(execute=True):
        assert packets.packets_for_upcoming_meetings(lead=datetime.timedelta(hours=48)) == 1
    assert Packet.objects.get(case=world.case).status == "ready"
    assert packets.packets_for_upcoming_meetings(lead=datetime.timedelta(hours=48)) == 0  # already fresh


def test_sweep_finds_stuck_packets(world):
    packets.packet_request(case=world.case)
    Packet.objects.filter(case=world.case).update(requested_at=timezone.now() - datetime.timedelta(hours=1))
    assert packets.packets_stale(
        pending_after=datetime.timedelta(minutes=5), building_after=datetime.timedelta(minutes=10)
    ) == [world.case.pk]


def test_the_packet_carries_variants_other_staging_performance_scores_body_and_treatment_history(
    world, client, django_capture_on_commit_callbacks
):
    case = world.case
    case.variants.create(gene="BRCA2", hgvs="c.5946del", origin="germline", interpretation="pathogenic")
    case.variants.create(kind="fusion", gene="EML4", partner_gene="ALK", origin="somatic")
    case.other_staging.create(system="figo", value="IIIC", date=datetime.date(2026, 10, 20))
    case.treatments.create(
        kind="systemic",
        name="Carboplatin and paclitaxel",
        start=datetime.date(2026, 1, 5),
        end=datetime.date(2026, 4, 20),
        status="completed",
        detail="6 cycles",
    )
    case.karnofsky, case.weight_kg, case.height_cm = 70, 68, 165
    case.body_measured_on = datetime.date(2026, 11, 3)
    case.save()
    with django_capture_on_commit_callbacks(execute=True):
        _request(world)
    content = PacketVersion.objects.get(case=case).content
    biology, factors = content["tumor_biology"], content["patient_factors"]
    assert biology["other_staging"] == [{"system": "figo", "value": "IIIC", "date": "2026-10-20"}]
    assert [v["gene"] for v in biology["variants"]] == ["BRCA2", "EML4"]
    assert (factors["karnofsky"], factors["body_surface_area"], factors["bsa_m2"]) == (70, 1.77, None)
    assert factors["treatments"][0]["name"] == "Carboplatin and paclitaxel"
    client.force_login(world.member)
    page = client.get(f"/cases/{case.public_id}/packet/").content.decode()
    for shown in (
        "FIGO stage IIIC (20 Oct 2026)",
        "BRCA2 c.5946del — germline, pathogenic",
        "EML4::ALK fusion — somatic",
        "<dt>Karnofsky</dt><dd>70</dd>",
        "Weight 68 kg, height 165 cm, BSA 1.77 m² (Mosteller), 3 Nov 2026",
        "<td>Carboplatin and paclitaxel</td><td>Systemic therapy</td><td>5 Jan 2026</td><td>20 Apr 2026</td>"
        "<td>Completed</td><td>6 cycles</td>",
    ):
        assert shown in page, shown
    assert "germline" in content["tumor_biology"]["variants"][0]["origin"]  # codes in the JSON, labels on the page
