"""An import is a PHI write: audited, within the importer's institution, and bounded in queries."""

from __future__ import annotations

import pytest

from cases.models import Case
from tests.fhir.helpers import bundle, post, resource
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_import_is_audited_as_itself_and_as_the_case_it_writes(world, api):
    body = post(api(world.member), bundle("breast")).json()
    case = Case.objects.get(public_id=body["case"]["id"])

    rows = AuditEvent.objects.filter(user=world.member, patient_id=case.patient_id).order_by("id")
    assert [(r.action, r.object_type) for r in rows] == [("create", "cases.case"), ("create", "cases.caseimport")]
    detail = rows[1].detail
    assert detail["source"] == "fhir" and detail["created"] is True and detail["case"] == str(case.public_id)
    assert "clinical_t" in detail["changed"]

    post(api(world.member), bundle("breast"))
    later = AuditEvent.objects.filter(patient_id=case.patient_id, id__gt=rows[1].id)
    assert [(r.action, r.object_type) for r in later] == [("create", "cases.caseimport")]


def test_anonymous_is_401(world, api):
    assert post(api(None), bundle("breast")).status_code == 401


def test_an_outsider_cannot_attach_to_another_institutions_board(world, api):
    response = post(api(world.referrer), bundle("breast"), board=world.board.public_id)

    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("board", "does_not_exist")]
    assert not Case.objects.filter(patient__mrn="FHIR-0001").exists()


def test_a_board_that_is_not_a_uuid_is_400(world, api):
    response = post(api(world.member), bundle("breast"), board="breast")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "board"


def test_the_same_mrn_at_another_institution_is_another_patient_and_case(world, api):
    academic = post(api(world.member), bundle("breast")).json()["case"]

    other = post(api(world.referrer2), bundle("breast"))

    assert other.status_code == 201 and other.json()["created"] is True
    assert other.json()["case"]["id"] != academic["id"]
    assert other.json()["case"]["institution"] == str(world.community2.public_id)
    assert api(world.referrer2).get(f"/api/v1/cases/{academic['id']}/").status_code == 404
    assert api(world.member).get(f"/api/v1/cases/{other.json()['case']['id']}/").status_code == 404


def _bigger(body: dict) -> dict:
    """The breast bundle with four more tumor markers and two more secondary cancers."""
    for index in range(4):
        extra = dict(resource(body, "her2"), id=f"her2-{index}", effectiveDateTime=f"2026-02-0{index + 1}")
        body["entry"].append({"fullUrl": f"urn:uuid:her2-{index}", "resource": extra})
    for index, code in enumerate(("10200004", "12738006")):
        condition = {
            "resourceType": "Condition",
            "id": f"m{index}",
            "meta": {"profile": ["http://hl7.org/fhir/us/mcode/StructureDefinition/mcode-secondary-cancer-condition"]},
            "code": {"coding": [{"system": "http://snomed.info/sct", "code": "128462008"}]},
            "bodySite": [{"coding": [{"system": "http://snomed.info/sct", "code": code}]}],
            "subject": {"reference": "urn:uuid:6a1f7c1e-0000-4000-8000-000000000001"},
        }
        body["entry"].append({"fullUrl": f"urn:uuid:m{index}", "resource": condition})
    return body


@pytest.mark.parametrize("size", ["breast", "bigger"])
def test_an_import_costs_a_fixed_number_of_queries(world, api, django_assert_num_queries, size):
    client = api(world.member)
    body = bundle("breast") if size == "breast" else _bigger(bundle("breast"))
    with django_assert_num_queries(QUERIES_CREATE):
        assert post(client, body, board=world.board.public_id).status_code == 201
    with django_assert_num_queries(QUERIES_REIMPORT):
        assert post(client, body).status_code == 200


# the token, the board, the lookup, case_create (patient, case, biomarkers in one INSERT, transition, audit), the
# import row and its audit, the case read back (its profile's lists in one query); a re-import locks and reads the
# case instead of creating it.
# Since the medications are imported, the breast bundle's active tamoxifen request costs its list's DELETE and INSERT
# (a list the bundle leaves empty is not written).
QUERIES_CREATE = 24
# A re-import reads each of the five lists it decides on (biomarkers, variants, other staging, treatments,
# medications) once: four more than the biomarkers alone.
QUERIES_REIMPORT = 17
