"""POST /api/v1/fhir/import/: a breast case with its staging, receptors and recurrence score; a sparse one."""

from __future__ import annotations

import datetime

import pytest

from cases.models import Case, CaseImport
from tests.fhir.helpers import bundle, post

pytestmark = pytest.mark.django_db


def test_the_breast_bundle_makes_a_draft_case_with_every_mapped_fact(world, api):
    response = post(api(world.member), bundle("breast"), board=world.board.public_id)

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["created"] is True
    case = body["case"]
    assert case["status"] == "draft"
    assert case["board"] == str(world.board.public_id)
    assert case["patient"] == {
        "mrn": "FHIR-0001",
        "name": "Alexandra Example",
        "birth_date": "1968-07-21",
        "sex": "female",
    }
    assert case["primary_site"] == "breast"
    assert case["histology"] == "Infiltrating duct carcinoma (morphologic abnormality)"
    assert case["diagnosis_date"] == "2026-03-02"  # the assertedDate extension, before the onset
    assert case["stage"] == {
        "system": "AJCC8",
        "clinical_t": "T3",
        "clinical_n": "N0",
        "clinical_m": "M0",
        "pathological_t": "T3",
        "pathological_n": "N1a",
        "pathological_m": "",
        "group": "IIB",
    }
    assert case["ecog"] == 1
    assert (case["weight_kg"], case["body_measured_on"]) == (68.5, "2026-05-01")
    # an active order of a drug, not said to treat the cancer: a current medication, no treatment course
    assert case["medications"] == [{"name": "tamoxifen", "status": "active"}]
    assert case["treatments"] == []
    assert case["organ_function"]["gfr_ml_min"] == 92.0
    assert case["organ_function"]["gfr_date"] == "2026-05-01"
    markers = {(b["name"], b["result"], b["value"], b["date"]) for b in case["biomarkers"]}
    assert markers == {
        ("ER", "positive", None, "2026-03-10"),
        ("PR", "negative", None, "2026-03-10"),
        ("HER2", "negative", None, "2026-03-10"),
        ("ONCOTYPE_RS", "high", 31.0, "2026-04-28"),
    }
    assert case["metastatic"] is False
    stored = Case.objects.get(public_id=case["id"])
    assert stored.institution == world.academic and stored.created_by == world.member


def test_what_is_not_mapped_is_a_warning_with_its_path(world, api):
    warnings = post(api(world.member), bundle("breast")).json()["warnings"]

    by_path = {w["path"]: w["message"] for w in warnings}
    assert "entry[16].resource" not in by_path  # the active tamoxifen request: a current medication
    assert "entry[14].resource" not in by_path  # the body weight
    assert "Ki-67" in by_path["entry[11].resource"]  # a value without an interpretation is not guessed
    assert "Practitioner/dr-owen" in by_path["entry[1].resource.recorder.reference"]  # not carried: a warning
    assert "Practitioner/dr-owen" in by_path["entry[10].resource.performer[0].reference"]


def test_an_entry_without_a_resource_is_a_warning(world, api):
    body = bundle("breast")
    body["type"] = "transaction"
    body["entry"].append({"request": {"method": "DELETE", "url": "Observation/old"}})

    response = post(api(world.member), body)

    assert response.status_code == 201
    assert {"path": "entry[17]", "message": "The entry carries no resource: nothing to import."} in response.json()[
        "warnings"
    ]


def test_the_sparse_bundle_reads_the_icd10_diagnosis_and_the_metastases(world, api):
    response = post(api(world.referrer), bundle("sparse"), content_type="application/json")

    assert response.status_code == 201, response.json()
    case = response.json()["case"]
    assert case["primary_site"] == "lung"
    assert case["board"] is None
    assert case["patient"]["sex"] == "unknown"
    assert case["metastatic"] is True
    assert case["metastatic_sites"] == ["bone", "liver"]
    paths = [w["path"] for w in response.json()["warnings"]]
    assert "entry[0].resource.identifier[0].value" in paths  # the identifier is not typed MR
    assert "entry[1].resource.encounter.reference" in paths
    assert CaseImport.objects.get().case.public_id.hex == case["id"].replace("-", "")


def test_dates_are_read_as_dates(world, api):
    case = post(api(world.member), bundle("breast")).json()["case"]
    assert datetime.date.fromisoformat(case["diagnosis_date"]) < datetime.date.today()


def test_a_genomics_bundle_without_a_condition_takes_the_site_from_the_orders_reason(world, api):
    response = post(api(world.member), bundle("lung_genomics"))

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["case"]["primary_site"] == "lung"
    assert [(b["name"], b["result"], b["value"]) for b in body["case"]["biomarkers"]] == [("TMB", "high", 14.0)]
    assert {
        "path": "entry[1].resource.reasonCode[0]",
        "message": "The bundle holds no primary cancer condition: the primary site is read from here.",
    } in body["warnings"]
    paths = {w["path"] for w in body["warnings"]}
    assert {"entry[1].resource", "entry[2].resource"} <= paths  # the order and the specimen are not imported
    assert "entry[3].resource" not in paths  # the genomics report: its results are read entry by entry
