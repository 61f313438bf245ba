"""A new case (/cases/new/): the care team of an academic center or a community hospital creates a draft case with
the three dimensions and its documents in one go (a refusal writes nothing, not even a file), through the form the
portal uses; the case page then links to editing for those who may edit."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case, Document, Patient
from tests.factories import BoardFactory, UserFactory
from tests.pages.markup import Page, assert_refused
from tumorboard.forms import DEVELOPER_PHRASES
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db

NEW = "/cases/new/"


def pdf(name="biopsy.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test document\n", content_type="application/pdf")


def form(world, user, **overrides) -> dict:
    return {
        "patient.mrn": "ACC-5001",
        "patient.name": "Ada Newcase",
        "patient.birth_date": "1959-10-01",
        "patient.sex": "female",
        "primary_site": "lung",
        "histology": "Adenocarcinoma",
        "grade": "G2",
        "diagnosis_date": "2026-10-20",
        "stage.clinical_t": "T2a",
        "stage.clinical_n": "N2",
        "stage.clinical_m": "M0",
        "stage.group": "IIIA",
        "ecog": "1",
        "organ_function.gfr_ml_min": "72",
        "organ_function.gfr_date": "2026-11-01",
        "organ_function.lvef_percent": "58",
        "treatment_intent": "curative",
        "urgency": "urgent",
        "question": "Concurrent chemoradiation or surgery after induction?",
        "treating_physician": str(user.public_id),
        "board": str(world.other_board.public_id),
        "doc_kind_1": "pathology",
        "doc_title_1": "EBUS pathology",
        "doc_date_1": "2026-10-18",
        "doc_file_1": pdf(),
    } | overrides


def stored_files() -> set[str]:
    return {str(p) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}


def counts():
    return Case.objects.count(), Document.objects.count(), Patient.objects.count()


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(NEW)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_academic_clinician_creates_a_case_with_its_three_dimensions_and_a_document(client, world):
    client.force_login(world.other_member)
    page = client.get(NEW)
    assert page.status_code == 200
    html = Page()
    html.feed(page.content.decode())
    assert html.unlabelled() == [] and html.dangling_references() == []
    assert f'<option value="{world.other_board.public_id}">Thoracic</option>' in page.content.decode()

    response = client.post(NEW, form(world, world.other_member))
    case = Case.objects.get(patient__mrn="ACC-5001")
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.public_id}/"
    assert (case.status, case.institution, case.board, case.created_by) == (
        "draft", world.academic, world.other_board, world.other_member
    )  # fmt: skip
    assert (case.primary_site, case.clinical_t, case.stage_group, case.stage_system) == ("lung", "T2a", "IIIA", "AJCC8")
    assert (case.ecog, case.gfr_ml_min, str(case.gfr_date), case.lvef_percent) == (1, 72, "2026-11-01", 58)
    assert (case.treatment_intent, case.urgency, case.treating_physician) == ("curative", "urgent", world.other_member)
    document = case.documents.get()
    assert (document.kind, document.title, str(document.date)) == ("pathology", "EBUS pathology", "2026-10-18")
    assert AuditEvent.objects.filter(action="create", object_id=str(case.public_id)).exists()

    landed = client.get(response["Location"])
    assert "The case was created as a draft with 1 document." in landed.content.decode()
    assert f'href="/cases/{case.public_id}/profile/">Edit the case</a>' in landed.content.decode()


def test_a_community_physician_creates_a_case_without_a_board(client, world):
    client.force_login(world.referrer)
    page = client.get(NEW).content.decode()
    assert 'name="board"' not in page  # a community case gets its board when its second opinion is routed
    data = form(world, world.referrer, **{"patient.mrn": "VCH-77"})
    data.pop("board")
    response = client.post(NEW, data)
    case = Case.objects.get(patient__mrn="VCH-77")
    assert response["Location"] == f"/cases/{case.public_id}/"
    assert (case.institution, case.board) == (world.community, None)
    client.force_login(world.referrer2)
    assert client.get(response["Location"]).status_code == 404  # the other hospital never sees it


def test_a_refused_case_writes_nothing_and_says_why_next_to_each_field(client, world):
    client.force_login(world.other_member)
    before, files = counts(), stored_files()
    bad = {
        "patient.name": "",
        "patient.birth_date": "2090-01-01",
        "primary_site": "elbow",
        "stage.clinical_t": "T99",
        "ecog": "7",
        "organ_function.lvef_date": "2026-11-01",  # a date with no LVEF
        "board": str(BoardFactory().public_id),  # another institution's board
    }
    response = client.post(NEW, form(world, world.other_member, **bad))
    assert response.status_code == 400
    body = response.content.decode()
    for field in ("patient.name", "patient.birth_date", "primary_site", "stage.clinical_t", "ecog", "board"):
        assert_refused(body, field)
    assert "The case was not created." in body
    assert 'value="ACC-5001"' in body  # what was typed comes back
    assert [phrase for phrase in DEVELOPER_PHRASES if phrase in body] == []
    assert counts() == before and stored_files() == files


def test_a_refused_document_keeps_the_case_from_being_written(client, world):
    client.force_login(world.other_member)
    before, files = counts(), stored_files()
    bad_file = SimpleUploadedFile("notes.exe", b"MZ\x90\x00binary", content_type="application/octet-stream")
    response = client.post(NEW, form(world, world.other_member, doc_file_1=bad_file))
    assert response.status_code == 400
    assert_refused(response.content.decode(), "file", 1)
    assert counts() == before and stored_files() == files


def test_a_date_of_organ_function_without_its_value_is_refused(client, world):
    client.force_login(world.other_member)
    response = client.post(NEW, form(world, world.other_member, **{"organ_function.lvef_percent": ""}) | {
        "organ_function.lvef_date": "2026-11-01"
    })  # fmt: skip
    assert response.status_code == 400
    assert_refused(response.content.decode(), "organ_function.lvef_date")
    assert not Case.objects.filter(patient__mrn="ACC-5001").exists()


def test_a_user_of_no_institution_may_not_create_cases(client, world):
    nobody = UserFactory(institution=None, specialty="")
    client.force_login(nobody)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form(world, nobody)).status_code == 403
    assert "New case" not in client.get("/cases/").content.decode()


def test_the_form_costs_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.force_login(world.other_member)
    client.get(NEW)
    UserFactory.create_batch(5, institution=world.academic)  # more physicians to choose from
    BoardFactory.create_batch(3, institution=world.academic)
    # session, user, memberships (the menu), the header's institution, physicians, boards, the session's save,
    # and its savepoint (a read runs in no transaction), the menu's count of open review tasks
    with django_assert_num_queries(10):
        client.get(NEW)


def test_the_case_page_links_to_editing_only_for_those_who_may_edit(client, world):
    path = f"/cases/{world.case.public_id}/"
    edit = f'href="/cases/{world.case.public_id}/profile/">Edit the case</a>'
    client.force_login(world.member)  # created it
    assert edit in client.get(path).content.decode()
    client.force_login(world.chair)  # a board member, not of its care team
    body = client.get(path).content.decode()
    assert "Edit the case" not in body and 'href="/cases/"' in body  # the way back to the list
