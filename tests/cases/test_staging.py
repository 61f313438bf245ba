"""Stage fields take AJCC 8th edition categories and groups only (issue 18): through the API a wrong one is a 400
naming the field and the allowed values, and nothing is written; the services refuse it too (the admin, a task, a
review's revision), and every stage the demo data and the factories write is an allowed one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from cases.checklist.facts import build_facts
from cases.models import Case
from cases.services.case_profile import case_update
from cases.staging import STAGE_FIELDS, STAGE_MESSAGES, stage_category, stage_check
from demo.data import demo_cases
from demo.loader import parse_stage
from tests.cases.test_cases_api import PROFILE
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"


def errors(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


# the issue's values, and a prefix that contradicts its field
REFUSED = [
    ({"clinical_t": "T99"}, "stage.clinical_t", "Clinical T", ["TX", "Tis", "T1mi", "T1a", "T4e", "c, yc, r or rc"]),
    ({"clinical_n": "banana"}, "stage.clinical_n", "Clinical N", ["NX", "N0(i+)", "N1mi", "N3c"]),
    ({"clinical_m": "M7"}, "stage.clinical_m", "Clinical M", ["M0", "M1a", "M1d"]),
    ({"group": "ZZZ"}, "stage.group", "Stage group", ["0", "0is", "IA1", "IIIC2", "IIID", "IVC"]),
    ({"clinical_m": "MX"}, "stage.clinical_m", "Clinical M", ["M0"]),  # no MX in the 8th edition
    ({"pathological_t": "cT2"}, "stage.pathological_t", "Pathological T", ["p, yp, r or rp"]),
    ({"clinical_n": "pN1"}, "stage.clinical_n", "Clinical N", ["c, yc, r or rc"]),
    ({"system": "TNM7"}, "stage.system", "AJCC8", []),
]  # fmt: skip


@pytest.mark.parametrize(("stage", "field", "named", "listed"), REFUSED)
def test_a_stage_value_outside_the_ajcc_8th_lists_is_a_400_naming_the_field_and_the_allowed_values(
    world, api, stage, field, named, listed
):
    payload = {**PROFILE, "stage": {**PROFILE["stage"], **stage}}
    response = api(world.member).post(CASES, payload, format="json")
    assert response.status_code == 400, response.json()
    refused = errors(response)
    assert list(refused) == [field]
    assert named in refused[field]
    for value in listed:
        assert value in refused[field]
    assert response.json()["errors"][0]["code"] == "invalid_stage"
    assert not Case.objects.filter(patient__mrn="A-1001").exists()


def test_the_issue_values_together_are_refused_each_at_its_field_and_a_patch_writes_nothing(world, api):
    case = world.case
    before = (case.clinical_t, case.clinical_n, case.clinical_m, case.stage_group, case.updated_at)
    stage = {"clinical_t": "T99", "clinical_n": "banana", "clinical_m": "M7", "group": "ZZZ"}
    response = api(world.member).patch(f"{CASES}{case.public_id}/", {"stage": stage, "ecog": 2}, format="json")
    assert response.status_code == 400
    refused = errors(response)
    assert set(refused) == {"stage.clinical_t", "stage.clinical_n", "stage.clinical_m", "stage.group"}
    assert refused["stage.group"] == STAGE_MESSAGES["stage_group"]
    case.refresh_from_db()
    assert (case.clinical_t, case.clinical_n, case.clinical_m, case.stage_group, case.updated_at) == before
    assert case.ecog != 2


ACCEPTED = [
    {"clinical_t": "cT2", "clinical_n": "cN1mi", "clinical_m": "cM0", "group": "IIA"},
    {"clinical_t": "T1mi", "clinical_n": "N0(i+)", "clinical_m": "cM0(i+)", "group": "IA"},
    {"clinical_t": "ycT1c", "clinical_n": "ycN0", "clinical_m": "M0", "group": "I"},
    {"clinical_t": "TX", "clinical_n": "NX", "clinical_m": "M1d", "group": "IVB"},
    {"clinical_t": "Tis", "clinical_n": "N0", "clinical_m": "M0", "group": "0"},
    {"pathological_t": "ypT0", "pathological_n": "ypN0", "pathological_m": "cM0", "group": "0is"},
    {"pathological_t": "pT3a", "pathological_n": "pN1a", "pathological_m": "pM1b", "group": "IIIC1"},
    {"pathological_t": "T2a1", "pathological_n": "N0(mol+)", "pathological_m": "", "group": "IIA1"},
    {"clinical_t": "rT4b", "clinical_n": "N3c", "clinical_m": "M1c", "group": "IVC"},
    {"clinical_t": "", "clinical_n": "", "clinical_m": "", "group": ""},
]


@pytest.mark.parametrize("stage", ACCEPTED, ids=lambda s: " ".join(v for v in s.values() if v) or "blank")
def test_ajcc_8th_values_with_or_without_their_prefix_are_stored_as_written(world, api, stage):
    response = api(world.member).post(CASES, {**PROFILE, "stage": stage}, format="json")
    assert response.status_code == 201, response.json()
    stored = response.json()["stage"]
    assert {k: stored[k] for k in stage} == stage
    assert stored["system"] == "AJCC8"


def test_the_services_refuse_it_too_whoever_calls_them(world):
    case = world.case
    with pytest.raises(ValidationError) as refused:
        case_update(user=world.coordinator, case=case, data={"clinical_t": "T99", "stage_group": "IIA"})
    assert refused.value.message_dict == {"stage.clinical_t": [STAGE_MESSAGES["clinical_t"]]}
    case.refresh_from_db()
    assert case.clinical_t == "T2"


def test_the_schema_documents_each_stage_fields_allowed_values(world, api):
    schema = api(world.coordinator).get("/api/schema/?format=json").json()
    stage = schema["components"]["schemas"]["Stage"]["properties"]
    assert set(stage) == {"system", "clinical_t", "clinical_n", "clinical_m", "pathological_t", "pathological_n",
                          "pathological_m", "group"}  # fmt: skip
    patterns = {name: field.get("pattern") or field["oneOf"][0]["pattern"] for name, field in stage.items()}
    for name, pattern in patterns.items():
        assert pattern.startswith("^") and pattern.endswith(")$"), name
    assert "T1mi" in patterns["clinical_t"] and "IIIC1" in patterns["group"] and "AJCC8" in patterns["system"]
    assert {"type": "string", "maxLength": 0} in stage["clinical_t"]["oneOf"]  # or blank
    assert stage["clinical_t"]["description"] == STAGE_MESSAGES["clinical_t"]


def test_every_stage_of_the_demo_data_and_the_factories_is_an_ajcc_8th_one():
    for demo in demo_cases():
        stage_check(parse_stage(demo.stage))
        for review in demo.reviews:
            stage_check({field: value for field, value, _ in review.revisions if field in STAGE_FIELDS})
    factory = CaseFactory.build()
    stage_check({f: getattr(factory, f) for f in STAGE_FIELDS})


@pytest.mark.parametrize(
    ("value", "category"),
    [("T2", "T2"), ("cT2", "T2"), ("ypN1a", "N1A"), ("rcM1", "M1"), ("rpN0", "N0"), ("ycT1c", "T1C"), ("", "")],
)
def test_the_checklist_reads_a_category_without_its_prefix(value, category):
    assert stage_category(value) == category


def test_a_recurrence_m1_counts_as_metastatic_for_the_checklist(world):
    case = CaseFactory(clinical_m="rcM1", metastatic=False, stage_group="IV")
    assert build_facts(case).metastatic
    case = CaseFactory(clinical_m="cM0", metastatic=False, stage_group="IIA")
    assert not build_facts(case).metastatic


@pytest.mark.parametrize(
    ("stage", "text"),
    [
        ({}, ""),
        ({"clinical_t": "T2", "clinical_n": "N0", "clinical_m": "M0", "stage_group": "IIA"}, "cT2 N0 M0 · stage IIA"),
        ({"clinical_t": "cT3", "pathological_t": "ypT1c", "pathological_n": "N0"}, "cT3 · ypT1c N0"),
        ({"pathological_n": "N1a"}, "pN1a"),
    ],
)
def test_the_stage_reads_as_the_board_says_it(stage, text):
    assert Case(**stage).stage_text == text
