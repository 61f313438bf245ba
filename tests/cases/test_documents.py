"""Documents: multipart upload with SHA-256, size limit and content-type allow-list; audited download."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Document
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _upload(client, case, content=PDF, name="path-report.pdf", content_type="application/pdf", **fields):
    data = {"kind": "pathology", "title": "Core biopsy report", "date": "2026-10-02", **fields}
    data["file"] = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(f"/api/v1/cases/{case.public_id}/documents/", data, format="multipart")


def test_upload_stores_hash_and_size_and_download_is_audited(world, api):
    response = _upload(api(world.member), world.case)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["size"] == len(PDF)
    assert body["kind"] == "pathology" and body["date"] == "2026-10-02"
    stored = Document.objects.get(public_id=body["id"])
    assert "path-report" not in stored.file.name  # file names often carry patient names

    listing = api(world.coordinator).get(f"/api/v1/cases/{world.case.public_id}/documents/").json()
    assert [d["id"] for d in listing["results"]] == [body["id"]]

    download = api(world.coordinator).get(body["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Cache-Control"] == "no-store"
    assert AuditEvent.objects.filter(
        action="download", object_id=body["id"], user=world.coordinator, patient=world.case.patient
    ).exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"content": b"MZ\x90\x00 executable", "name": "x.exe", "content_type": "application/x-msdownload"}, "file"),
        ({"content": b"not a pdf at all"}, "file"),
        ({"content": b""}, "file"),
        ({"content": b"\xff\xfe\xfa", "name": "note.txt", "content_type": "text/plain"}, "file"),
        ({"kind": "xray"}, "kind"),
        ({"date": "2999-01-01"}, "date"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_uploads_are_400_naming_the_field_and_store_nothing(world, api, kwargs, field):
    response = _upload(api(world.member), world.case, **kwargs)
    assert response.status_code == 400
    assert field in [e["field"] for e in response.json()["errors"]], response.json()
    assert not Document.objects.exists()


def test_size_limit(world, api, settings):
    settings.DOCUMENT_MAX_BYTES = 100
    response = _upload(api(world.member), world.case, content=PDF + b"x" * 200)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "file"
    assert "larger than 100 bytes" in response.json()["errors"][0]["message"]


def test_outsiders_neither_upload_nor_list(world, api):
    assert _upload(api(world.referrer), world.case).status_code == 404
    assert api(world.other_member).get(f"/api/v1/cases/{world.case.public_id}/documents/").status_code == 404
    assert not Document.objects.exists()


def test_comments_carry_author_specialty(world, api):
    url = f"/api/v1/cases/{world.case.public_id}/comments/"
    response = api(world.chair).post(url, {"body": "Consider neoadjuvant therapy.", "kind": "question"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["specialty"] == "surgical_oncology"
    assert response.json()["author"]["id"] == str(world.chair.public_id)
    assert api(world.chair).post(url, {"body": ""}, format="json").json()["errors"][0]["field"] == "body"
    listing = api(world.member).get(url).json()["results"]
    assert [c["body"] for c in listing] == ["Consider neoadjuvant therapy."]
