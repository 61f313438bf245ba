"""The community-hospital portal: the list of second-opinion requests, the all-or-nothing new-request form,
the request's page with its actions and the report's progress; another hospital gets 404 everywhere."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.codes import PacketStatus
from cases.lifecycle.second_opinions import second_opinion_transition
from cases.models import Case, Document, Patient, SecondOpinion, SecondOpinionReport
from cases.services.second_opinions import second_opinion_request, second_opinion_route
from scheduling.models import Meeting
from tests.cases.plan_helpers import BOARD
from tests.conftest import meeting_start
from tests.factories import CaseFactory, MeetingFactory
from tests.pages.markup import assert_refused
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db

LIST = "/second-opinions/"
NEW = "/second-opinions/new/"


def pdf(name="report.pdf", body=b"%PDF-1.4\n% test document\n"):
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def page_of(so) -> str:
    return f"/second-opinions/{so.public_id}/"


def routed_request(world, case=None, **overrides) -> SecondOpinion:
    """A request of the referrer on a community draft case, routed (to the Breast board)."""
    params = {
        "questions": ["Is adjuvant chemotherapy indicated?"],
        "reason": "Borderline indication.",
        "urgency": "routine",
    } | overrides
    so = second_opinion_request(
        user=world.referrer, case=case or world.community_case, target_institution=world.academic, **params
    )
    second_opinion_route(request_id=so.pk)
    return SecondOpinion.objects.get(pk=so.pk)


def new_case_form(world, **overrides) -> dict:
    return {
        "case_choice": "new",
        "patient.mrn": "VCH-1001",
        "patient.name": "Maria Example",
        "patient.birth_date": "1968-04-02",
        "patient.sex": "female",
        "primary_site": "breast",
        "histology": "Invasive lobular carcinoma",
        "grade": "G2",
        "stage.clinical_t": "T2",
        "stage.clinical_n": "N1",
        "stage.clinical_m": "M0",
        "stage.group": "IIB",
        "ecog": "1",
        "treatment_intent": "curative",
        "question": "Neoadjuvant or upfront surgery?",
        "treating_physician": str(world.referrer.public_id),
        "target_institution": str(world.academic.public_id),
        "questions": "Neoadjuvant chemotherapy first?\nIs breast conservation possible?",
        "reason": "The patient asks for an expert opinion.",
        "urgency": "urgent",
        "doc_kind_1": "pathology",
        "doc_title_1": "Core biopsy",
        "doc_date_1": "2026-11-02",
        "doc_file_1": pdf(),
    } | overrides


def stored_files() -> set[str]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p) for p in root.rglob("*") if p.is_file()}


def counts():
    return Case.objects.count(), Document.objects.count(), SecondOpinion.objects.count(), Patient.objects.count()


# --- The list ---------------------------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, world):
    so = routed_request(world)
    for path in (LIST, NEW, page_of(so)):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_list_shows_each_side_its_requests_with_status_due_date_and_what_to_do(client, world):
    so = routed_request(world)
    SecondOpinion.objects.filter(pk=so.pk).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    client.force_login(world.referrer)
    body = client.get(LIST).content.decode()
    assert world.community_case.patient.name in body and "Academic Cancer Center" in body
    assert "Overdue" in body and "Requested" in body and "New second-opinion request" in body
    assert AuditEvent.objects.filter(user=world.referrer, object_id=str(so.public_id), action="list").exists()

    client.force_login(world.coordinator)
    response = client.get(LIST)
    assert response.status_code == 200
    assert world.community_case.patient.name in response.content.decode()
    assert "Accept, decline or ask for information" in response.content.decode()
    assert "New second-opinion request" not in response.content.decode()

    for outsider in (world.referrer2, world.other_member):
        client.force_login(outsider)
        assert world.community_case.patient.name not in client.get(LIST).content.decode()


def test_the_list_filters_by_status_and_a_bad_status_is_a_400_naming_the_field(client, world):
    routed_request(world)
    client.force_login(world.referrer)
    assert world.community_case.patient.name in client.get(LIST, {"status": "requested"}).content.decode()
    assert world.community_case.patient.name not in client.get(LIST, {"status": "declined"}).content.decode()
    assert client.get(LIST, {"status": "", "urgency": "", "overdue": ""}).status_code == 200  # "any"
    response = client.get(LIST, {"status": "bogus"})
    assert response.status_code == 400
    body = response.content.decode()
    assert_refused(body, "status")
    assert "bogus" in body
    assert client.get(LIST, {"overdue": "maybe"}).status_code == 400


def _list_queries(client, user) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_1_and_6_requests(client, world, django_assert_max_num_queries):
    routed_request(world)
    one = {user.username: _list_queries(client, user) for user in (world.referrer, world.coordinator)}
    for _ in range(5):
        routed_request(world, case=CaseFactory(institution=world.community, created_by=world.referrer))
    for user in (world.referrer, world.coordinator):
        client.force_login(user)
        with django_assert_max_num_queries(one[user.username]):
            response = client.get(LIST)
        assert len(response.context["requests"]) == 6
    assert max(one.values()) <= 14, one


# --- A new request ----------------------------------------------------------------------------------------------


def test_a_new_request_with_a_new_case_and_a_document_is_written_and_routed(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.referrer)
    form = client.get(NEW)
    assert form.status_code == 200
    assert world.community_case.patient.name in form.content.decode()  # the draft to pick
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, new_case_form(world))
    assert response.status_code == 302, response.content.decode()[:3000]
    so = SecondOpinion.objects.get(case__patient__mrn="VCH-1001")
    assert response["Location"] == page_of(so)
    assert so.questions == ["Neoadjuvant chemotherapy first?", "Is breast conservation possible?"]
    assert so.urgency == "urgent" and so.requested_by == world.referrer and so.board == world.board
    case = so.case
    assert case.institution == world.community and case.stage_group == "IIB" and case.ecog == 1
    assert case.treating_physician == world.referrer and case.urgency == "urgent"
    assert [d.title for d in case.documents.all()] == ["Core biopsy"]
    page = client.get(response["Location"])
    assert "Your second-opinion request was sent" in page.content.decode()
    assert "Routed to the Breast board" in page.content.decode()


def test_a_new_request_about_one_of_my_draft_cases(client, world, django_capture_on_commit_callbacks):
    client.force_login(world.referrer)
    data = {
        "case_choice": "existing",
        "case": str(world.community_case.public_id),
        "target_institution": str(world.academic.public_id),
        "questions": ["First question?", "Second question?"],  # repeated fields work too
        "reason": "Second look.",
        "urgency": "routine",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, data)
    assert response.status_code == 302
    so = SecondOpinion.objects.get(case=world.community_case)
    assert so.questions == ["First question?", "Second question?"] and so.routed_at is not None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target_institution": "not-a-uuid"}, "target_institution"),
        ({"questions": "  \n "}, "questions"),
        ({"questions": "x" * 2001}, "questions"),  # questions[0] from the serializer, shown at the field
        ({"reason": ""}, "reason"),
        ({"urgency": "whenever"}, "urgency"),
        ({"patient.birth_date": "2990-01-01"}, "patient.birth_date"),
        ({"ecog": "7"}, "ecog"),
        ({"primary_site": "spleen"}, "primary_site"),
        ({"doc_file_1": SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf")}, "doc_1.file"),
        ({"doc_kind_1": "selfie"}, "doc_1.kind"),
        ({"doc_date_1": "yesterday"}, "doc_1.date"),
        ({"stage.clinical_t": "T99"}, "stage.clinical_t"),
        ({"stage.clinical_n": "banana"}, "stage.clinical_n"),
        ({"stage.clinical_m": "M7"}, "stage.clinical_m"),
        ({"stage.group": "ZZZ"}, "stage.group"),
    ],
)
def test_a_bad_field_anywhere_writes_nothing_and_names_the_field(client, world, overrides, field):
    client.force_login(world.referrer)
    before = counts()
    response = client.post(NEW, new_case_form(world, **overrides))
    assert response.status_code == 400
    assert field in response.context["errors"], response.context["errors"]
    assert counts() == before  # no case, no patient, no document, no request
    body = response.content.decode()
    assert "The request was not sent" in body
    assert 'value="VCH-1001"' in body  # the user's input is kept


def test_a_refusal_by_the_service_after_the_case_and_document_were_written_rolls_everything_back(client, world):
    """The academic center is the referrer's own institution: refused by second_opinion_request, the last step."""
    client.force_login(world.referrer)
    before, files = counts(), stored_files()
    response = client.post(NEW, new_case_form(world, target_institution=str(world.community.public_id)))
    assert response.status_code == 400
    assert "target_institution" in response.context["errors"]
    assert counts() == before
    assert stored_files() == files  # the uploaded file was removed from storage too


def test_a_case_of_another_hospital_cannot_be_picked(client, world):
    client.force_login(world.referrer)
    data = {
        "case_choice": "existing",
        "case": str(world.community2_case.public_id),
        "target_institution": str(world.academic.public_id),
        "questions": "Q?",
        "reason": "R",
        "urgency": "routine",
    }
    response = client.post(NEW, data)
    assert response.status_code == 400 and response.context["errors"]["case"] == ["No such case."]
    response = client.post(NEW, data | {"case": "nonsense"})
    assert response.status_code == 400 and "case" in response.context["errors"]
    assert not SecondOpinion.objects.exists()


def test_a_second_open_request_on_the_same_case_is_a_409(client, world):
    routed_request(world)
    client.force_login(world.referrer)
    data = {
        "case_choice": "existing",
        "case": str(world.community_case.public_id),
        "target_institution": str(world.academic.public_id),
        "questions": "Q?",
        "reason": "R",
        "urgency": "routine",
    }
    response = client.post(NEW, data)
    assert response.status_code == 409
    assert SecondOpinion.objects.count() == 1


# --- The request's page -----------------------------------------------------------------------------------------


def test_the_page_shows_the_request_to_both_sides_and_audits_the_read(client, world):
    so = routed_request(world)
    client.force_login(world.referrer)
    response = client.get(page_of(so))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Is adjuvant chemotherapy indicated?" in body and "Routed to the Breast board" in body
    assert "Cancel the request" in body and "Accept" not in body and "Decline" not in body
    assert AuditEvent.objects.filter(
        user=world.referrer, action="read", object_id=str(so.public_id), detail__view="second-opinion-page"
    ).exists()

    client.force_login(world.coordinator)
    body = client.get(page_of(so)).content.decode()
    assert "Accept" in body and "Decline" in body and "Request information" in body
    assert "Cancel the request" not in body


def test_another_hospital_gets_404_on_everything_including_posts(client, world):
    so = routed_request(world)
    client.force_login(world.referrer2)
    assert client.get(page_of(so)).status_code == 404
    assert client.get(f"{page_of(so)}report/", HTTP_HX_REQUEST="true").status_code == 404
    for action in ("accept", "decline", "request-info", "provide-info", "cancel"):
        assert client.post(f"{page_of(so)}{action}/", {"reason": "x", "message": "x"}).status_code == 404
    upload = {"doc_file_1": pdf(), "doc_kind_1": "pathology", "doc_title_1": "X", "doc_date_1": "2026-11-01"}
    assert client.post(f"{page_of(so)}documents/", upload).status_code == 404
    assert SecondOpinion.objects.get(pk=so.pk).status == "requested"
    assert not Document.objects.exists()
    # the other board's member too
    client.force_login(world.other_member)
    assert client.get(page_of(so)).status_code == 404
    assert client.get(f"/second-opinions/{'0' * 8}-0000-0000-0000-{'0' * 12}/").status_code == 404


def test_request_information_then_the_answer_with_a_document(client, world, django_capture_on_commit_callbacks):
    so = routed_request(world)
    client.force_login(world.coordinator)
    response = client.post(f"{page_of(so)}request-info/", {"message": ""})
    assert response.status_code == 400 and "message" in response.context["errors"]
    response = client.post(f"{page_of(so)}request-info/", {"message": "Please attach the pathology report."})
    assert response.status_code == 302
    assert SecondOpinion.objects.get(pk=so.pk).status == "info_requested"

    client.force_login(world.referrer)
    body = client.get(page_of(so)).content.decode()
    assert "Please attach the pathology report." in body and "Send the answer" in body
    # a bad document refuses the whole answer: no document, still info_requested
    bad = {"message": "Attached.", "doc_file_1": pdf(body=b"nope"), "doc_kind_1": "pathology", "doc_title_1": "P"}
    response = client.post(f"{page_of(so)}provide-info/", bad | {"doc_date_1": "2026-11-01"})
    assert response.status_code == 400 and "doc_1.file" in response.context["errors"]
    assert not Document.objects.exists() and SecondOpinion.objects.get(pk=so.pk).status == "info_requested"
    answer = {"message": "Attached.", "doc_file_1": pdf(), "doc_kind_1": "pathology", "doc_title_1": "Pathology"}
    response = client.post(f"{page_of(so)}provide-info/", answer | {"doc_date_1": "2026-11-01"})
    assert response.status_code == 302
    so.refresh_from_db()
    assert so.status == "requested" and so.transitions.last().message == "Attached."
    assert Document.objects.get().title == "Pathology"


def test_an_empty_answer_is_refused_and_a_document_alone_answers(client, world):
    so = routed_request(world)
    second_opinion_transition(user=world.coordinator, request=so, action_name="request-info", message="The MRI?")
    client.force_login(world.referrer)
    response = client.post(f"{page_of(so)}provide-info/", {"message": "  "})
    assert response.status_code == 400
    assert response.context["errors"]["message"] == ["Answer with a message or add a document."]
    assert "Answer with a message or add a document." in response.content.decode()
    assert SecondOpinion.objects.get(pk=so.pk).status == "info_requested"
    document = {"doc_file_1": pdf(), "doc_kind_1": "imaging", "doc_title_1": "Breast MRI", "doc_date_1": "2026-11-01"}
    response = client.post(f"{page_of(so)}provide-info/", {"message": ""} | document)
    assert response.status_code == 302
    so.refresh_from_db()
    assert so.status == "requested" and so.transitions.last().action == "provide-info"
    assert Document.objects.get().title == "Breast MRI"


def test_the_requester_cannot_answer_for_the_board_nor_the_board_cancel(client, world):
    so = routed_request(world)
    client.force_login(world.referrer)
    response = client.post(f"{page_of(so)}accept/")
    assert response.status_code == 403
    client.force_login(world.coordinator)
    assert client.post(f"{page_of(so)}cancel/").status_code == 403
    assert client.post(f"{page_of(so)}provide-info/", {"message": "x"}).status_code == 403
    assert client.post(f"{page_of(so)}frobnicate/").status_code == 404
    assert SecondOpinion.objects.get(pk=so.pk).status == "requested"


def test_accept_on_a_chosen_meeting_and_bad_meeting_ids(client, world, django_capture_on_commit_callbacks):
    so = routed_request(world)
    later = MeetingFactory(board=world.board, starts_at=timezone.now() + datetime.timedelta(days=14))
    client.force_login(world.coordinator)
    assert str(later.public_id) in client.get(page_of(so)).content.decode()
    response = client.post(f"{page_of(so)}accept/", {"meeting": "not-a-uuid"})
    assert response.status_code == 400 and "meeting" in response.context["errors"]
    other = Meeting.objects.get(board=world.other_board)
    response = client.post(f"{page_of(so)}accept/", {"meeting": str(other.public_id)})
    assert response.status_code == 400 and "meeting" in response.context["errors"]
    assert SecondOpinion.objects.get(pk=so.pk).status == "requested"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{page_of(so)}accept/", {"meeting": str(later.public_id)})
    assert response.status_code == 302
    so.refresh_from_db()
    assert so.status == "scheduled" and so.meeting == later
    client.force_login(world.referrer)
    body = client.get(page_of(so)).content.decode()
    assert f"{page_of(so)}join/" in body and "Join the tumor board" in body
    assert client.get(f"{page_of(so)}join/").status_code == 200  # the existing join page still works


def test_decline_needs_a_reason(client, world):
    so = routed_request(world)
    client.force_login(world.coordinator)
    response = client.post(f"{page_of(so)}decline/", {"reason": "  "})
    assert response.status_code == 400 and "reason" in response.context["errors"]
    response = client.post(f"{page_of(so)}decline/", {"reason": "Outside our scope."}, follow=True)
    assert response.status_code == 200 and "Request declined." in response.content.decode()
    assert SecondOpinion.objects.get(pk=so.pk).status == "declined"
    assert "Outside our scope." in response.content.decode()  # in the timeline


def test_cancel_by_the_requester(client, world):
    so = routed_request(world)
    client.force_login(world.referrer)
    response = client.post(f"{page_of(so)}cancel/", {"reason": "The patient decided."})
    assert response.status_code == 302
    assert SecondOpinion.objects.get(pk=so.pk).status == "cancelled"
    response = client.post(f"{page_of(so)}cancel/")  # a repeat changes nothing
    assert response.status_code == 302
    body = client.get(page_of(so)).content.decode()
    assert "Nothing to do" in body and "Cancel the request" not in body


def test_documents_are_added_while_the_request_is_open(client, world):
    so = routed_request(world)
    client.force_login(world.referrer)
    upload = {"doc_file_1": pdf(), "doc_kind_1": "imaging", "doc_title_1": "CT chest", "doc_date_1": "2026-11-01"}
    response = client.post(f"{page_of(so)}documents/", upload)
    assert response.status_code == 302
    assert Document.objects.get().title == "CT chest"
    response = client.post(f"{page_of(so)}documents/", {})
    assert response.status_code == 400 and "doc_1.file" in response.context["errors"]
    body = client.get(page_of(so)).content.decode()
    assert "CT chest" in body
    assert AuditEvent.objects.filter(user=world.referrer, object_type="cases.document", action="read").exists()


def _reviewed(world, so, capture, *, build: bool):
    """Accept, start the meeting and record the board plan; the report is built only if ``build``."""
    second_opinion_transition(user=world.coordinator, request=so, action_name="accept")
    meeting = Meeting.objects.get(agenda_items__case=so.case)
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=timezone.now() + datetime.timedelta(minutes=5))
    meeting_start(meeting, by=world.coordinator)
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(world.coordinator)
    with capture(execute=build):
        response = api.post(
            f"/api/v1/cases/{so.case.public_id}/plans/", {**BOARD, "meeting": str(meeting.public_id)}, format="json"
        )
    assert response.status_code == 201, response.json()


def test_the_report_fragment_polls_while_pending_and_then_links_the_pdf(
    client, world, django_capture_on_commit_callbacks
):
    so = routed_request(world)
    _reviewed(world, so, django_capture_on_commit_callbacks, build=False)
    report = SecondOpinionReport.objects.get(request=so)
    assert report.status == PacketStatus.PENDING
    client.force_login(world.referrer)
    body = client.get(page_of(so)).content.decode()
    assert 'hx-trigger="every 2s"' in body and "the report is being generated" in body
    fragment = client.get(f"{page_of(so)}report/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and 'hx-trigger="every 2s"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    assert client.get(f"{page_of(so)}report/").status_code == 302  # not htmx: the page

    from cases.services.reports import report_build

    with django_capture_on_commit_callbacks(execute=True):
        assert report_build(report_id=report.pk) == "ready"
    fragment = client.get(f"{page_of(so)}report/", HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in fragment and "Download report (PDF)" in fragment
    url = f"/api/v1/second-opinions/{so.public_id}/report/pdf/?version=1"
    assert url.replace("&", "&amp;") in fragment or url in fragment
    download = client.get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    so.refresh_from_db()
    assert so.status == "report_sent"
    client.force_login(world.referrer2)
    assert client.get(f"{page_of(so)}report/", HTTP_HX_REQUEST="true").status_code == 404


def test_a_report_finished_while_the_fragment_is_read_shows_with_its_status(
    client, world, monkeypatch, django_capture_on_commit_callbacks
):
    """The worker commits the report (and the request's report_sent) after the poll has read the request but
    before it reads the report: the fragment, which stops polling once the report is there, still shows the
    request's new status (it used to show "Reviewed" for good)."""
    from cases.pages import portal
    from cases.services.reports import report_build

    so = routed_request(world)
    _reviewed(world, so, django_capture_on_commit_callbacks, build=False)
    report = SecondOpinionReport.objects.get(request=so)
    real = portal._latest_report

    def built_meanwhile(request):
        with django_capture_on_commit_callbacks(execute=True):
            assert report_build(report_id=report.pk) == "ready"
        return real(request)

    monkeypatch.setattr(portal, "_latest_report", built_meanwhile)
    client.force_login(world.referrer)
    fragment = client.get(f"{page_of(so)}report/", HTTP_HX_REQUEST="true").content.decode()
    assert "Download report (PDF)" in fragment and "hx-trigger" not in fragment
    assert 'id="so-status" hx-swap-oob="true" class="badge report_sent big">Report sent<' in fragment
