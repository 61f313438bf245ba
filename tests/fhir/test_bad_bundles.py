"""Bad bundles are refused whole (400, each error naming its FHIR path); an oversized one is 413; nothing is
half-written."""

from __future__ import annotations

import pytest
from django.conf import settings

from cases.models import Biomarker, Case, CaseImport, Patient
from tests.fhir.helpers import bundle, post, resource
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db


def _counts():
    return [m.objects.count() for m in (Case, Patient, Biomarker, CaseImport, AuditEvent)]


def _no_patient(body):
    body["entry"].pop(0)


def _two_patients(body):
    body["entry"].append({"fullUrl": "urn:uuid:p2", "resource": dict(resource(body, "p1"), id="p2")})


def _other_subject(body):
    resource(body, "er")["subject"] = {"reference": "Patient/someone-else"}


def _bad_value(body):
    resource(body, "ki67")["valueQuantity"]["value"] = "twenty"


def _unknown_element(body):
    resource(body, "c1")["stagingSummary"] = "IIB"


def _unknown_type(body):
    body["entry"][3]["resource"] = {"resourceType": "TumorBoardFinding", "id": "x"}


def _contained_unknown_type(body):
    resource(body, "er")["contained"] = [{"resourceType": "TumorBoardFinding"}]


def _no_mrn(body):
    del resource(body, "p1")["identifier"]


def _partial_birth_date(body):
    resource(body, "p1")["birthDate"] = "1968"


def _no_primary(body):
    body["entry"].pop(1)  # and no order or specimen giving the site


def _nul(body):
    resource(body, "p1")["name"][0]["family"] = "Ex\x00ample"


def _batch(body):
    body["type"] = "batch"


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        (_no_patient, "entry", "no_patient"),
        (_two_patients, "entry[17].resource", "two_patients"),
        (_other_subject, "entry[8].resource.subject.reference", "other_patient"),
        (_bad_value, "entry[11].resource.valueQuantity.value", "invalid_fhir"),
        (_unknown_element, "entry[1].resource.stagingSummary", "invalid_fhir"),
        (_unknown_type, "entry[3].resource.resourceType", "unknown_resource_type"),
        (_contained_unknown_type, "entry[8].resource.contained", "unknown_resource_type"),
        (_no_mrn, "entry[0].resource.identifier", "no_mrn"),
        (_partial_birth_date, "entry[0].resource.birthDate", "no_birth_date"),
        (_no_primary, "entry", "no_primary_cancer"),
        (_batch, "type", "bundle_type"),
        (_nul, "entry[0].resource.name[0].family", "null_characters_not_allowed"),
    ],
)
def test_a_bad_bundle_is_refused_with_the_path_of_the_fault(world, api, change, field, code):
    body = bundle("breast")
    change(body)
    before = _counts()

    response = post(api(world.member), body)

    assert response.status_code == 400, response.json()
    assert {"field": field, "code": code} in [{k: e[k] for k in ("field", "code")} for e in response.json()["errors"]]
    assert all(e["message"] for e in response.json()["errors"])
    assert _counts() == before


@pytest.mark.parametrize(
    ("body", "field", "code"),
    [
        (b"{not json", None, "parse_error"),
        ({"resourceType": "Patient", "id": "p1"}, "resourceType", "not_a_bundle"),
        ([1, 2], "resourceType", "not_a_bundle"),
        ({"resourceType": "Bundle", "type": "collection", "": 1}, None, "invalid_fhir"),
        ({"resourceType": "Bundle", "type": "collection", "total": "many"}, "total", "invalid_fhir"),
    ],
)
def test_what_is_not_a_fhir_bundle_is_refused(world, api, body, field, code):
    response = post(api(world.member), body)

    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]


def test_a_patient_whose_birth_date_differs_from_the_institutions_is_refused_at_the_birth_date(world, api):
    post(api(world.member), bundle("breast"))
    body = bundle("breast")
    resource(body, "p1")["birthDate"] = "1968-07-22"
    resource(body, "c1")["code"]["coding"][0]["code"] = "254637007"  # another cancer: a new case, the same MRN
    resource(body, "c1")["bodySite"] = []
    before = _counts()

    response = post(api(world.member), body)

    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "entry[0].resource.birthDate"
    assert _counts() == before


def test_an_oversized_bundle_is_413_before_it_is_read(world, api, settings):
    settings.FHIR_IMPORT_MAX_BYTES = 2000
    before = _counts()

    response = post(api(world.member), bundle("breast"))

    assert response.status_code == 413
    assert response.json()["errors"] == [
        {"field": None, "code": "too_large", "message": "The bundle is larger than 2000 bytes."}
    ]
    assert _counts() == before


def test_the_default_limit_is_five_megabytes():
    assert settings.FHIR_IMPORT_MAX_BYTES == 5 * 1024 * 1024
