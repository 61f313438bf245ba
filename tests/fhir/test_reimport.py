"""Importing the same patient's same primary cancer again updates that case's imported facts (200, created false),
keeps what people entered by hand since, and says what changed and what it kept."""

from __future__ import annotations

import pytest

from cases.models import Case, CaseImport
from tests.fhir.helpers import bundle, post, resource

pytestmark = pytest.mark.django_db

AJCC = "http://cancerstaging.org"
LOINC = "http://loinc.org"


def _hand_edit(api, user, case_id):
    """The care team changes the ECOG and the ER by hand, and writes the question."""
    client = api(user)
    case = client.get(f"/api/v1/cases/{case_id}/").json()
    markers = [
        {k: b[k] for k in ("name", "result", "value", "detail", "date")}
        | ({"result": "negative"} if b["name"] == "ER" else {})
        for b in case["biomarkers"]
    ]
    response = client.patch(
        f"/api/v1/cases/{case_id}/",
        {"ecog": 2, "biomarkers": markers, "question": "Neoadjuvant endocrine therapy?"},
        format="json",
    )
    assert response.status_code == 200, response.json()


def _record_moved_on() -> dict:
    """The record a month later: ECOG 0, cT4a, a new GFR, PR now positive, ER still positive."""
    body = bundle("breast")
    resource(body, "ecog")["valueInteger"] = 0
    resource(body, "t1")["valueCodeableConcept"] = {"coding": [{"system": AJCC, "code": "cT4a"}]}
    resource(body, "gfr")["valueQuantity"]["value"] = 80
    resource(body, "pr")["valueCodeableConcept"] = {"coding": [{"system": LOINC, "code": "LA6576-8"}]}
    return body


def test_a_reimport_updates_the_imported_facts_and_keeps_the_hand_entered_ones(world, api):
    first = post(api(world.member), bundle("breast")).json()
    case_id = first["case"]["id"]
    _hand_edit(api, world.member, case_id)

    response = post(api(world.member), _record_moved_on())

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["created"] is False
    assert body["case"]["id"] == case_id
    assert Case.objects.count() == 5  # the world's four and this one: no second case
    case = body["case"]
    assert case["stage"]["clinical_t"] == "T4a"  # the record's, untouched by hand
    assert case["organ_function"]["gfr_ml_min"] == 80.0
    assert case["ecog"] == 2  # entered by hand: kept
    assert case["question"] == "Neoadjuvant endocrine therapy?"  # only ever entered by hand
    results = {b["name"]: b["result"] for b in case["biomarkers"]}
    assert results == {"ER": "negative", "PR": "positive", "HER2": "negative", "ONCOTYPE_RS": "high"}
    assert sorted(body["changed"]) == ["biomarkers.PR", "clinical_t", "gfr_ml_min"]
    assert sorted(body["kept"]) == ["biomarkers.ER", "ecog"]
    kept = {w["path"]: w["message"] for w in body["warnings"] if "entered by hand" in w["message"]}
    assert kept == {
        "entry[8].resource": "Estrogen receptor: the case keeps the value entered by hand; the record's differs.",
        "entry[13].resource.valueInteger": "ecog: the case keeps the value entered by hand; the record's differs.",
    }
    assert list(CaseImport.objects.filter(case__public_id=case_id).values_list("created", flat=True)) == [False, True]


def test_the_same_bundle_again_changes_nothing(world, api):
    post(api(world.member), bundle("breast"))
    response = post(api(world.member), bundle("breast"))

    assert response.status_code == 200
    assert response.json()["changed"] == [] and response.json()["kept"] == []


def test_a_later_import_follows_the_record_where_the_case_still_holds_the_last_import(world, api):
    post(api(world.member), bundle("breast"))
    post(api(world.member), _record_moved_on())
    body = bundle("breast")
    resource(body, "ecog")["valueInteger"] = 3

    case = post(api(world.member), body).json()["case"]

    assert case["ecog"] == 3  # never touched by hand: the record's latest
    assert case["stage"]["clinical_t"] == "T3"


def test_an_ecog_of_zero_entered_by_hand_is_kept(world, api):
    case_id = post(api(world.member), bundle("breast")).json()["case"]["id"]
    assert api(world.member).patch(f"/api/v1/cases/{case_id}/", {"ecog": 0}, format="json").status_code == 200

    body = post(api(world.member), bundle("breast")).json()

    assert body["case"]["ecog"] == 0
    assert body["kept"] == ["ecog"]


def test_only_the_care_team_reimports_into_a_case(world, api):
    post(api(world.member), bundle("breast"))

    response = post(api(world.other_member), bundle("breast"))

    assert response.status_code == 403
    assert CaseImport.objects.count() == 1


def test_a_reimport_moves_a_draft_to_the_board_given(world, api):
    post(api(world.member), bundle("breast"))

    body = post(api(world.member), bundle("breast"), board=world.board.public_id).json()

    assert body["case"]["board"] == str(world.board.public_id)
    assert body["changed"] == ["board"]


def test_another_primary_cancer_of_the_same_patient_is_its_own_case(world, api):
    post(api(world.member), bundle("breast"))
    body = bundle("breast")
    resource(body, "c1")["code"] = {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "C34.11"}]}
    resource(body, "c1")["bodySite"] = []

    response = post(api(world.member), body)

    assert response.status_code == 201
    assert response.json()["case"]["primary_site"] == "lung"
