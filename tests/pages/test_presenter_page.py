"""Run mode's presenter view (/meetings/<id>/present/): the current case's summary with its biomarkers, the
checklist's critical and warning findings, the proposed plan, the documents, the timer's allotted minutes, next and
previous links, who may see it, a bad item refused in place, the audit of the read, and its queries at two sizes."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.codes import CaseStatus, Modality, PlanKind, TreatmentIntent
from cases.lifecycle.recommendation import plan_record
from cases.models import Biomarker, Document
from scheduling.models import AgendaItem, Meeting, MeetingStatus
from tests.factories import CaseFactory
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%%EOF\n"


def url(meeting, item=None) -> str:
    tail = f"?item={item.public_id}" if item is not None else ""
    return f"/meetings/{meeting.public_id}/present/{tail}"


def running(world, n: int = 3, minutes: int = 12) -> tuple[Meeting, list[AgendaItem]]:
    """The board's meeting in progress with ``n`` cases on its agenda (rows written directly: the services that
    place them are tested elsewhere)."""
    meeting = Meeting.objects.get(board=world.board)
    items = []
    for i in range(n):
        case = CaseFactory(
            institution=world.academic,
            board=world.board,
            created_by=world.member,
            status=CaseStatus.SCHEDULED,
            meeting=meeting,
            question=f"Question {i}: adjuvant chemotherapy?",
        )
        Biomarker.objects.create(case=case, name="HER2", result="positive", value=3)
        Biomarker.objects.create(case=case, name="ER", result="negative")
        items.append(AgendaItem.objects.create(meeting=meeting, case=case, position=i + 1, minutes=minutes))
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.IN_PROGRESS, capacity_minutes=600)
    return meeting, items


def document(case, user, title):
    return Document.objects.create(
        case=case,
        kind="imaging",
        title=title,
        date=timezone.localdate() - datetime.timedelta(days=3),
        file=SimpleUploadedFile("d.pdf", PDF),
        content_type="application/pdf",
        sha256="0" * 64,
        size=len(PDF),
        uploaded_by=user,
    )


def test_the_presenter_sees_the_case_in_brief(client, world):
    meeting, items = running(world)
    case = items[1].case
    plan_record(
        user=world.member,
        case=case,
        data={
            "kind": PlanKind.PROPOSED,
            "intent": TreatmentIntent.CURATIVE,
            "components": [{"modality": Modality.SYSTEMIC_THERAPY, "drugs": ["trastuzumab", "paclitaxel"]}],
        },
    )
    scan = document(case, world.member, "CT chest abdomen pelvis")
    client.force_login(world.member)
    before = AuditEvent.objects.filter(user=world.member, action="read").count()
    response = client.get(url(meeting, items[1]))
    assert response.status_code == 200
    body = response.content.decode()
    patient = case.patient
    assert f"{patient.name}, {response.context['age']}, female" in body
    for text in (
        "Breast, stage IIA",
        "Invasive ductal carcinoma",
        "cT2 N0 M0 · stage IIA",
        "<strong>HER2</strong> positive (3)",
        "<strong>Estrogen receptor</strong> negative",
        "Question 1: adjuvant chemotherapy?",
        "Systemic therapy (trastuzumab, paclitaxel)",
        "CT chest abdomen pelvis",
        f"/api/v1/cases/{case.public_id}/documents/{scan.public_id}/file/",
        "case 2 of 3",
    ):
        assert text in body, text
    severities = {f.severity for f in response.context["findings"]}
    assert severities and severities <= {"critical", "warning"}  # info findings stay on the case page
    for finding in response.context["findings"]:
        assert finding.message in body
    assert 'data-minutes="12"' in body and f'data-item="{items[1].public_id}"' in body
    assert 'role="timer"' in body
    assert f'href="?item={items[0].public_id}" rel="prev"' in body
    assert f'href="?item={items[2].public_id}" rel="next"' in body
    assert "scheduling/presenter.js" in body
    read = AuditEvent.objects.filter(user=world.member, action="read").order_by("id")[before:]
    assert {e.patient_id for e in read} == {i.case.patient_id for i in items}  # the names next/previous show
    assert {e.detail["view"] for e in read} == {"presenter view"}


def test_the_presenter_sees_variants_other_staging_and_the_karnofsky_score(client, world):
    meeting, items = running(world, n=1)
    case = items[0].case
    case.variants.create(gene="EGFR", hgvs="p.Leu858Arg", origin="somatic", interpretation="pathogenic")
    case.other_staging.create(system="figo", value="IIIC")
    case.karnofsky = 70
    case.save(update_fields=["karnofsky"])
    client.force_login(world.member)
    body = client.get(url(meeting, items[0])).content.decode()
    for text in ("EGFR p.Leu858Arg — somatic, pathogenic", "; FIGO stage IIIC", "<dt>Karnofsky</dt><dd>70</dd>"):
        assert text in body, text


def test_the_ends_of_the_agenda_have_one_link_and_the_default_is_the_first_not_presented(client, world):
    meeting, items = running(world)
    AgendaItem.objects.filter(pk=items[0].pk).update(status="presented")
    client.force_login(world.chair)
    response = client.get(url(meeting))
    assert response.context["current"] == items[1]
    body = client.get(url(meeting, items[0])).content.decode()
    assert 'rel="prev"' not in body and 'rel="next"' in body and "Presented" in body
    body = client.get(url(meeting, items[2])).content.decode()
    assert 'rel="prev"' in body and 'rel="next"' not in body


def test_run_mode_links_to_the_presenter_view_and_runs_the_timer(client, world):
    meeting, items = running(world, n=2)
    client.force_login(world.coordinator)
    body = client.get(f"/meetings/{meeting.public_id}/?item={items[0].public_id}").content.decode()
    assert f"/meetings/{meeting.public_id}/present/?item={items[0].public_id}" in body
    assert 'data-minutes="12"' in body and "scheduling/presenter.js" in body
    assert "Mark presented" in body  # run mode's actions stay where they were


@pytest.mark.parametrize("who", ["other_member", "referrer", "referrer2"])
def test_others_get_404(client, world, who):
    meeting, items = running(world, n=1)
    client.force_login(getattr(world, who))
    assert client.get(url(meeting, items[0])).status_code == 404


def test_an_item_not_on_the_agenda_is_404_and_a_malformed_one_refused_in_place(client, world):
    meeting, items = running(world, n=2)
    client.force_login(world.member)
    other = Meeting.objects.get(board=world.other_board)
    assert client.get(f"{url(meeting)}?item={other.public_id}").status_code == 404
    response = client.get(f"{url(meeting)}?item=not-an-id")
    assert response.status_code == 400
    body = response.content.decode()
    assert 'role="alert"' in body and "not a case of this agenda" in body
    assert response.context["current"] == items[0]


def test_an_empty_agenda_says_so(client, world):
    meeting = Meeting.objects.get(board=world.board)
    client.force_login(world.member)
    response = client.get(url(meeting))
    assert response.status_code == 200
    assert "No case on this meeting" in response.content.decode()


def test_the_same_queries_with_one_and_six_cases_and_their_documents(client, world):
    def queries(meeting, item) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(meeting, item)).status_code == 200
        return len(captured)

    client.force_login(world.member)
    meeting, items = running(world, n=1)
    document(items[0].case, world.member, "Scan 0")
    client.get(url(meeting, items[0]))  # warm the per-request caches of the access policy alike
    one = queries(meeting, items[0])
    AgendaItem.objects.filter(meeting=meeting).delete()
    meeting, items = running(world, n=6)
    for i in range(6):
        document(items[2].case, world.member, f"Scan {i}")
    assert queries(meeting, items[2]) == one
    assert one <= 25, one


def test_before_the_meeting_the_presenter_can_rehearse(client, world):
    meeting, items = running(world, n=2)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.SCHEDULED)
    client.force_login(world.member)
    body = client.get(url(meeting, items[0])).content.decode()
    assert "Back to the meeting" in body and "Back to run mode" not in body
    assert 'rel="next"' in body
