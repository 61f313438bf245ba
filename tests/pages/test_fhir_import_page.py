"""Importing a FHIR bundle from a page (/cases/import/): upload, a preview that writes nothing (the same service as the
API, rolled back), a confirmation that writes without a second upload and cannot be altered, refusals in place with
their FHIR paths, and the case page's "from the health record" note."""

from __future__ import annotations

import json
import re

import pytest
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Biomarker, Case, CaseImport, Patient
from cases.pages.fhir_import import SALT
from tests.factories import BoardFactory, UserFactory
from tests.fhir.helpers import bundle, resource
from tests.pages.markup import Page
from tumorboard.forms import DEVELOPER_PHRASES
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/cases/import/"
TOKEN = re.compile(r'name="token" value="([^"]+)"')


def upload(body, name="record.json") -> SimpleUploadedFile:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return SimpleUploadedFile(name, data, content_type="application/json")


def counts() -> tuple[int, ...]:
    return (
        Case.objects.count(),
        Patient.objects.count(),
        Biomarker.objects.count(),
        CaseImport.objects.count(),
        AuditEvent.objects.count(),
    )


def preview(client, body, **extra):
    return client.post(URL, {"bundle": upload(body), **extra})


def token_of(response) -> str:
    return TOKEN.search(response.content.decode()).group(1)


def assert_clinician_words(body: str) -> None:
    assert not [phrase for phrase in DEVELOPER_PHRASES if phrase in body]
    assert "Traceback" not in body


def test_upload_previews_and_writes_nothing(client, world):
    client.force_login(world.coordinator)
    page = client.get(URL)
    assert page.status_code == 200
    markup = Page()
    markup.feed(page.content.decode())
    assert not markup.unlabelled() and not markup.dangling_references()
    before = counts()
    response = preview(client, bundle("breast"), board=str(world.board.public_id))
    assert response.status_code == 200
    assert counts() == before
    text = response.content.decode()
    assert_clinician_words(text)
    for shown in ("Alexandra Example", "FHIR-0001", "1968-07-21", "A new draft case on Breast", "Primary site",
                  "Breast", "Clinical T", "T3", "Stage group", "IIB", "ECOG performance status", "Estrogen receptor",
                  "Positive", "GFR", "92 mL/min on 2026-05-01", "Create the case"):  # fmt: skip
        assert shown in text, shown
    assert "entry[11].resource" in text and "Ki-67 (20 %)" in text  # a warning with its path
    assert "clinical_t" not in text and "biomarkers.ER" not in text  # labels, not codes


def test_confirm_creates_then_reupload_previews_an_update(client, world):
    client.force_login(world.coordinator)
    first = preview(client, bundle("breast"), board=str(world.board.public_id))
    response = client.post(URL, {"token": token_of(first)})
    case = Case.objects.get(patient__mrn="FHIR-0001")
    assert response.status_code == 302 and response.url == f"/cases/{case.public_id}/"
    assert case.board == world.board and case.clinical_t == "T3" and case.ecog == 1
    assert CaseImport.objects.filter(case=case, created=True).count() == 1
    page = client.get(response.url).content.decode()
    assert "The case was created as a draft from the FHIR bundle, with 4 warnings" in page
    assert "Imported from a FHIR bundle on" in page and "Estrogen receptor" in page

    # ECOG changed by hand; the same bundle again: an update that keeps it
    Case.objects.filter(pk=case.pk).update(ecog=2)
    before = counts()
    again = preview(client, bundle("breast"))
    assert counts() == before
    text = again.content.decode()
    assert "Updates the existing case" in text and f"/cases/{case.public_id}/" in text
    assert "kept as entered by hand" in text and "Update the case" in text
    assert "ECOG performance status: the case keeps the value entered by hand" in text and "ecog:" not in text
    done = client.post(URL, {"token": token_of(again)})
    assert done.status_code == 302 and done.url == f"/cases/{case.public_id}/"
    assert Case.objects.filter(patient__mrn="FHIR-0001").count() == 1
    case.refresh_from_db()
    assert case.ecog == 2
    page = client.get(done.url).content.decode()
    assert "The case was updated from the FHIR bundle, with 5 warnings" in page
    note = page.split('id="from-record"', 1)[1].split("</p>", 1)[0]
    assert "Clinical T" in note and "ECOG" not in note  # a fact changed by hand is not claimed


def test_a_tampered_or_replayed_confirmation_is_refused(client, world):
    client.force_login(world.coordinator)
    token = token_of(preview(client, bundle("breast")))
    before = counts()
    for forged in (token[:-2] + "xx", "banana"):
        response = client.post(URL, {"token": forged})
        assert response.status_code == 400
        assert "does not match a preview of yours" in response.content.decode()
    client.force_login(world.member)  # another user's token: signed for, and kept for, the coordinator only
    response = client.post(URL, {"token": token})
    assert response.status_code == 400
    assert counts() == before
    client.force_login(world.coordinator)
    assert client.post(URL, {"token": token}).status_code == 302
    replay = client.post(URL, {"token": token})  # the kept file is gone once imported
    assert replay.status_code == 400 and "upload the file again" in replay.content.decode()


def test_bad_bundles_are_refused_in_place_with_their_path(client, world):
    client.force_login(world.coordinator)
    broken = bundle("breast")
    resource(broken, "ecog")["valueInteger"] = "one"
    before = counts()
    cases = [
        (broken, 400, ["entry[", "does not follow FHIR R4", "Nothing was imported"]),
        ({"resourceType": "Patient"}, 400, ["not a FHIR R4 Bundle"]),
        (b"\xff\xfe not json", 400, ["The file is not JSON"]),
        (b"[" * 5000, 400, ["The file is not JSON"]),
    ]
    for body, status, words in cases:
        response = preview(client, body)
        text = response.content.decode()
        assert response.status_code == status, text
        assert 'id="errors-bundle"' in text and 'aria-invalid="true"' in text
        for word in words:
            assert word in text, (word, text)
        assert_clinician_words(text)
    assert counts() == before


def test_an_oversized_file_is_refused_in_place(client, world, settings):
    settings.FHIR_IMPORT_MAX_BYTES = 2000
    client.force_login(world.coordinator)
    response = preview(client, bundle("breast"))
    assert response.status_code == 413
    assert "The file is larger than" in response.content.decode()
    assert not CaseImport.objects.exists()


def test_no_file_and_another_institutions_board(client, world):
    client.force_login(world.coordinator)
    response = client.post(URL, {})
    assert response.status_code == 400 and "Please choose a file to upload." in response.content.decode()
    elsewhere = BoardFactory(institution=world.community)
    response = preview(client, bundle("breast"), board=str(elsewhere.public_id))
    assert response.status_code == 400 and "That choice is not available" in response.content.decode()
    assert not Case.objects.filter(patient__mrn="FHIR-0001").exists()


def test_access(client, world):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client.post(URL, {"bundle": upload(bundle("breast"))}).status_code == 302
    client.force_login(UserFactory(username="nobody", institution=None))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"bundle": upload(bundle("breast"))}).status_code == 403
    client.force_login(world.member)
    assert URL in client.get("/cases/").content.decode()  # linked next to "New case"


def test_another_institutions_case_is_not_updated(client, world):
    """The same MRN at another institution: a new case of the importer's own, never the other's."""
    client.force_login(world.referrer)
    client.post(URL, {"token": token_of(preview(client, bundle("breast")))})
    client.force_login(world.coordinator)
    text = preview(client, bundle("breast")).content.decode()
    assert "A new draft case" in text and "Updates the existing case" not in text


@pytest.mark.parametrize("extra", [0, 6])
def test_query_counts(client, world, django_assert_num_queries, extra):
    """Fixed at any size of bundle: the preview and the confirmation."""
    body = bundle("breast")
    for n in range(extra):
        body["entry"].append({"fullUrl": f"urn:uuid:note-{n}", "resource": {"resourceType": "Basic", "id": f"b{n}",
                              "code": {"text": "note"}}})  # fmt: skip
    client.force_login(world.coordinator)
    client.get(URL)
    with django_assert_num_queries(PREVIEW_QUERIES):
        first = preview(client, body, board=str(world.board.public_id))
    with django_assert_num_queries(CONFIRM_QUERIES):
        client.post(URL, {"token": token_of(first)})


# the breast bundle's active tamoxifen order is imported as a current medication: its list's DELETE and INSERT in
# the case's creation (tests/fhir/test_import_access.py), in the preview's rolled-back run and in the confirmation;
# the preview's page adds the menu's count of open review tasks
PREVIEW_QUERIES = 33
CONFIRM_QUERIES = 28


def test_a_user_of_another_institution_sees_nothing_of_the_import(client, world):
    client.force_login(world.coordinator)
    response = client.post(URL, {"token": token_of(preview(client, bundle("breast")))})
    client.force_login(world.referrer)
    assert client.get(response.url).status_code == 404


def test_the_case_page_of_an_imported_case_keeps_its_query_budget(client, world, django_assert_max_num_queries):
    """The note costs one query (the latest import with its importer), within the case page's budget of 34
    (tests/pages/test_case_page.py); the facts are compared with the case's prefetched biomarkers."""
    client.force_login(world.coordinator)
    response = client.post(
        URL, {"token": token_of(preview(client, bundle("breast"), board=str(world.board.public_id)))}
    )
    client.get(response.url)
    with django_assert_max_num_queries(34):
        page = client.get(response.url)
    assert "From the health record." in page.content.decode()


def test_the_confirmation_is_audited_by_the_service_and_the_page_logs_no_patient_data(client, world, caplog):
    caplog.set_level("DEBUG")
    client.force_login(world.coordinator)
    first = preview(client, bundle("breast"))
    assert not AuditEvent.objects.filter(object_type="cases.caseimport").exists()  # the preview's rows rolled back
    client.post(URL, {"token": token_of(first)})
    case = Case.objects.get(patient__mrn="FHIR-0001")
    written = AuditEvent.objects.filter(user=world.coordinator, patient_id=case.patient_id)
    assert {"cases.case", "cases.caseimport"} <= set(written.values_list("object_type", flat=True))
    client.post(URL, {"bundle": upload(b"{ not json FHIR-0001")})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "FHIR-0001" not in logged and "Alexandra" not in logged


def test_kept_bytes_that_are_not_the_previewed_bundle_are_refused(client, world):
    client.force_login(world.coordinator)
    token = token_of(preview(client, bundle("breast")))
    digest = signing.loads(token, salt=SALT)["sha256"]
    other = bundle("breast")
    resource(other, "ecog")["valueInteger"] = 3
    cache.set(f"fhir-import:{world.coordinator.pk}:{digest}", json.dumps(other).encode())
    response = client.post(URL, {"token": token})
    assert response.status_code == 400 and "does not match a preview of yours" in response.content.decode()
    assert not CaseImport.objects.exists()


def test_the_preview_lists_variants_staging_measurements_treatments_and_medications(client, world):
    client.force_login(world.coordinator)
    response = preview(client, bundle("pediatric_all"))
    assert response.status_code == 200
    text = response.content.decode()
    assert_clinician_words(text)
    rows = {
        "Lansky play-performance status": "80",
        "Weight": "18.2 kg",
        "Height": "111.76 cm",
        "Body surface area": "0.75 m²",
        "Weight, height and BSA measured on": "2026-05-05",
        "Comorbidities": "Atrial septal defect",
        "Genomic variant: ETV6::RUNX1": "Fusion, somatic on 2026-05-08",
        "Risk group": "Standard on 2026-05-06",
        "Systemic therapy: vincristine": "completed, to 2026-05-17, 1.5 mg/m2 IV, day 1 (from 2026-05-10)",
        "Systemic therapy: prednisone": "ongoing, 60 mg/m2/day orally (from 2026-05-10)",
        "Current medication: prednisone": "active",
    }
    for label, value in rows.items():
        assert re.search(rf"<th scope=\"row\">{re.escape(label)}</th>\s*<td>{re.escape(value)}</td>", text), label
    assert "Lumbar puncture: a diagnostic procedure" in text
