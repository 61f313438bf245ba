"""GET /api/v1/cases/{id}/fhir/: the case as a FHIR R4 Bundle, every resource validating with its fhir.resources R4B
model; CarePlans per plan version, a Task per second opinion; scoped, audited and bounded in queries; and what it
exports the import reads back (the round trip)."""

from __future__ import annotations

import datetime

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from cases.codes import SecondOpinionStatus
from cases.fhir.export import TASK_STATUS
from cases.models import Case, FollowUp, Plan, PlanComponent, SecondOpinion, SecondOpinionTransition
from scheduling.models import Meeting
from tests.fhir.helpers import bundle, post
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
SNOMED = "http://snomed.info/sct"


def url(case) -> str:
    return f"/api/v1/cases/{case.public_id}/fhir/"


def imported(world, api, name: str = "breast") -> Case:
    """A bundle of tests/fhir/bundles/ imported by a member of the breast board (the breast one on that board)."""
    response = post(api(world.member), bundle(name), board=world.board.public_id if name == "breast" else None)
    assert response.status_code == 201, response.content
    return Case.objects.get(public_id=response.json()["case"]["id"])


def plan(case, world, kind: str, version: int, *, meeting=None, drugs=("docetaxel", "cyclophosphamide")) -> Plan:
    board = kind == "board"
    row = Plan.objects.create(
        case=case,
        kind=kind,
        version=version,
        intent="curative",
        rationale="High recurrence score.",
        consensus="majority" if board else "",
        dissent="Radiation oncology: radiotherapy first." if board else "",
        meeting=meeting,
        created_by=world.chair if board else world.member,
    )
    PlanComponent.objects.create(plan=row, position=1, modality="surgery", detail="Lumpectomy")
    PlanComponent.objects.create(
        plan=row, position=2, modality="systemic_therapy", detail="adjuvant", drugs=list(drugs), cycles=4
    )
    PlanComponent.objects.create(plan=row, position=3, modality="genetic_counseling")
    return row


def with_plans(case, world, board_plans: int) -> list[Plan]:
    """A proposed plan, then ``board_plans`` board versions at the board's meeting; the first one followed up."""
    meeting = Meeting.objects.filter(board=world.board).first()
    plans = [plan(case, world, "proposed", 1)]
    plans += [plan(case, world, "board", v, meeting=meeting) for v in range(1, board_plans + 1)]
    FollowUp.objects.create(
        case=case, plan=plans[1], implemented="partial", reason="toxicity", note="Stopped after cycle 3.",
        recorded_by=world.member,
    )  # fmt: skip
    return plans


def second_opinion(case, world, status: str) -> SecondOpinion:
    request = SecondOpinion.objects.create(
        case=case,
        requesting_institution=world.academic,
        target_institution=world.academic,
        board=world.board,
        requested_by=world.member,
        reason="Borderline indication for chemotherapy.",
        questions=["Is chemotherapy indicated?"],
        status=status,
    )
    SecondOpinionTransition.objects.create(
        request=request, from_status="requested", to_status=status, action="decide", by=world.coordinator,
        message="Outside the board's scope.",
    )  # fmt: skip
    return request


def resources(body: dict, resource_type: str) -> list[dict]:
    return [e["resource"] for e in body["entry"] if e["resource"]["resourceType"] == resource_type]


def codes(concept: dict) -> list[tuple[str, str]]:
    return [(c.get("system"), c.get("code")) for c in concept.get("coding", [])]


def export(world, api, case, user=None):
    response = api(user or world.member).get(url(case))
    assert response.status_code == 200, response.content
    return response


# ---- the bundle ---------------------------------------------------------------------------------------------


def test_the_bundle_and_each_resource_validate_with_their_r4b_models(world, api):
    case = imported(world, api)
    with_plans(case, world, 2)
    second_opinion(case, world, SecondOpinionStatus.DECLINED)

    response = export(world, api, case)

    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    Bundle.model_validate(body)
    assert body["type"] == "collection"
    for entry in body["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
    counts: dict[str, int] = {}
    for entry in body["entry"]:
        counts[entry["resource"]["resourceType"]] = counts.get(entry["resource"]["resourceType"], 0) + 1
    # observations: cT, cN, cM, pT, pN, the stage group; ER, PR, HER2, Oncotype DX; ECOG; the body weight. The
    # active tamoxifen order came in as a current medication: a MedicationStatement
    assert counts == {
        "Patient": 1, "Organization": 2, "Condition": 1, "Observation": 12, "CarePlan": 3, "MedicationRequest": 6,
        "Task": 1, "MedicationStatement": 1,
    }  # fmt: skip


def test_the_patient_and_the_primary_cancer_condition(world, api):
    case = imported(world, api)
    body = export(world, api, case).json()

    [patient] = resources(body, "Patient")
    [identifier] = patient["identifier"]
    assert codes(identifier["type"]) == [("http://terminology.hl7.org/CodeSystem/v2-0203", "MR")]
    assert identifier["value"] == "FHIR-0001"
    assert patient["name"] == [{"use": "official", "text": "Alexandra Example"}]
    assert (patient["birthDate"], patient["gender"]) == ("1968-07-21", "female")

    [condition] = resources(body, "Condition")
    assert condition["meta"]["profile"] == [MCODE + "mcode-primary-cancer-condition"]
    assert codes(condition["code"]) == [("http://hl7.org/fhir/sid/icd-10-cm", "C50")]
    assert codes(condition["bodySite"][0]) == [(SNOMED, "76752008")]
    assert condition["subject"]["reference"] == f"urn:uuid:{patient['id']}"
    extensions = {e["url"]: e for e in condition["extension"]}
    histology = extensions[MCODE + "mcode-histology-morphology-behavior"]["valueCodeableConcept"]
    assert histology["text"] == case.histology
    assert extensions["http://hl7.org/fhir/StructureDefinition/condition-assertedDate"]["valueDateTime"] == "2026-03-02"


def test_staging_markers_and_ecog_observations_carry_the_tables_codes(world, api):
    case = imported(world, api)
    Case.objects.filter(pk=case.pk).update(pathological_n="N1")  # pN1: no SNOMED CT code in the table
    case.refresh_from_db()
    body = export(world, api, case).json()
    observations = {codes(o["code"])[0]: o for o in resources(body, "Observation")}

    clinical_t = observations[(SNOMED, "399504009")]
    assert clinical_t["meta"]["profile"] == [MCODE + "mcode-tnm-primary-tumor-category"]
    assert codes(clinical_t["valueCodeableConcept"]) == [(SNOMED, "1228938002")]  # cT3
    assert codes(clinical_t["method"]) == [(SNOMED, "897275008")]  # AJCC 8th edition
    # a value the table has no SNOMED CT code for is written as the AJCC code the import reads
    assert codes(observations[(SNOMED, "384625004")]["valueCodeableConcept"]) == [(SNOMED, "1229859000")]  # pT3
    assert codes(observations[(SNOMED, "371494008")]["valueCodeableConcept"]) == [("http://cancerstaging.org", "pN1")]
    group_type = (SNOMED, "399588009") if case.pathological_t else (SNOMED, "399537006")
    assert observations[group_type]["valueCodeableConcept"]["text"] == case.stage_group

    er = observations[("http://loinc.org", "16112-5")]
    assert er["meta"]["profile"] == [MCODE + "mcode-tumor-marker-test"]
    assert codes(er["valueCodeableConcept"]) == [("http://loinc.org", "LA6576-8")]
    assert er["effectiveDateTime"] == "2026-03-10"
    score = observations[("http://www.ncbi.nlm.nih.gov/gtr", "509910")]
    assert score["valueQuantity"]["value"] == 31
    assert codes(score["interpretation"][0]) == [
        ("http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "H")
    ]

    ecog = observations[("http://loinc.org", "89247-1")]
    assert ecog["valueInteger"] == case.ecog and ecog["meta"]["profile"] == [MCODE + "mcode-ecog-performance-status"]


# ---- the board's recommendations ----------------------------------------------------------------------------


def test_care_plans_intent_status_replaces_author_and_activities(world, api):
    case = imported(world, api)
    proposed, first, second = with_plans(case, world, 2)
    body = export(world, api, case).json()
    plans = {p["id"]: p for p in resources(body, "CarePlan")}
    [condition] = resources(body, "Condition")
    board = next(o for o in resources(body, "Organization") if o["id"] == str(world.board.public_id))

    assert plans[str(proposed.public_id)]["intent"] == "proposal"
    assert plans[str(proposed.public_id)]["status"] == "active"
    assert "replaces" not in plans[str(proposed.public_id)]
    old, new = plans[str(first.public_id)], plans[str(second.public_id)]
    assert (old["intent"], old["status"], new["intent"], new["status"]) == ("plan", "revoked", "plan", "active")
    assert "replaces" not in old
    assert new["replaces"] == [{"reference": f"urn:uuid:{first.public_id}"}]
    assert new["author"] == {"reference": f"urn:uuid:{board['id']}"} and board["name"] == "Breast"
    assert new["addresses"] == [{"reference": f"urn:uuid:{condition['id']}"}]
    assert datetime.datetime.fromisoformat(new["created"]) == second.meeting.starts_at
    notes = [n["text"] for n in new["note"]]
    assert "Consensus: Majority." in notes and "Dissent: Radiation oncology: radiotherapy first." in notes

    surgery, systemic, counseling = new["activity"]
    assert codes(surgery["detail"]["code"]) == [(SNOMED, "387713003")]
    assert codes(systemic["detail"]["code"]) == [(SNOMED, "416608005")]
    assert systemic["detail"]["kind"] == "MedicationRequest"
    assert counseling["detail"]["code"] == {"text": "Genetic counseling"}  # no sourced code: text only
    assert {a["detail"]["status"] for a in new["activity"]} == {"not-started"}
    # the first board plan was partially carried out: stopped, with the reason
    assert {a["detail"]["status"] for a in old["activity"]} == {"stopped"}
    assert old["activity"][0]["detail"]["statusReason"]["text"] == "Toxicity: Stopped after cycle 3."

    drugs = [m for m in resources(body, "MedicationRequest") if m["basedOn"][0]["reference"] == f"urn:uuid:{new['id']}"]
    assert [m["medicationCodeableConcept"]["text"] for m in drugs] == ["docetaxel", "cyclophosphamide"]
    assert {(m["intent"], m["status"]) for m in drugs} == {("proposal", "active")}
    assert drugs[0]["dosageInstruction"] == [{"text": "4 cycles"}]


def test_every_second_opinion_state_has_its_task_status():
    assert set(TASK_STATUS) == set(SecondOpinionStatus.values)


@pytest.mark.parametrize("state", SecondOpinionStatus.values)
def test_a_second_opinion_is_a_task_whose_status_maps_its_state(world, api, state):
    case = imported(world, api)
    request = second_opinion(case, world, state)
    [task] = resources(export(world, api, case).json(), "Task")

    assert task["id"] == str(request.public_id)
    assert task["status"] == TASK_STATUS[state]
    assert task["businessStatus"]["text"] == SecondOpinionStatus(state).label
    assert task["statusReason"]["text"] == "Outside the board's scope."
    assert task["intent"] == "order"


# ---- access, audit, cost ------------------------------------------------------------------------------------


def test_access_follows_the_case(world, api):
    case = imported(world, api)
    outsider = api(world.referrer2).get(url(case))
    assert outsider.status_code == 404 and outsider["Content-Type"] == "application/json"
    assert outsider.json() == api(world.referrer2).get(url(world.community_case)).json()  # as a case it cannot see
    assert api(world.other_member).get(url(case)).status_code == 404
    assert api(None).get(url(case)).status_code == 401
    assert api(world.chair).get(url(case)).status_code == 200


def test_an_application_json_client_gets_the_same_bundle(world, api):
    case = imported(world, api)
    response = api(world.member).get(url(case), HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    assert response.json()["resourceType"] == "Bundle"


def test_an_export_is_audited_as_a_read_of_the_case(world, api):
    case = imported(world, api)
    last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
    export(world, api, case, user=world.chair)

    [row] = AuditEvent.objects.filter(id__gt=last)
    assert (row.user, row.action, row.object_type, row.patient_id) == (
        world.chair,
        "read",
        "cases.case",
        case.patient_id,
    )
    assert row.detail == {"view": "fhir export"}


@pytest.mark.parametrize("board_plans", [1, 5])
def test_an_export_costs_a_fixed_number_of_queries(world, api, django_assert_num_queries, board_plans):
    case = imported(world, api)
    with_plans(case, world, board_plans)
    second_opinion(case, world, SecondOpinionStatus.ACCEPTED)
    client = api(world.member)
    with django_assert_num_queries(9):  # a read: no transaction, no savepoint
        assert client.get(url(case)).status_code == 200


# ---- the round trip -----------------------------------------------------------------------------------------

FACTS = (
    "primary_site", "histology", "diagnosis_date", "clinical_t", "clinical_n", "clinical_m", "pathological_t",
    "pathological_n", "pathological_m", "stage_group", "ecog", "metastatic", "metastatic_sites",
)  # fmt: skip


def _facts(case: Case) -> dict:
    case = Case.objects.select_related("patient").get(pk=case.pk)
    patient = case.patient
    return {
        **{name: getattr(case, name) for name in FACTS},
        "patient": (patient.mrn, patient.name, patient.birth_date, patient.sex),
        "biomarkers": sorted((b.name, b.result, b.value, b.date, b.detail) for b in case.biomarkers.all()),
    }


@pytest.mark.parametrize("name", ["breast", "sparse", "lung_genomics"])
def test_an_exported_bundle_imported_again_gives_back_the_same_facts(world, api, name):
    case = imported(world, api, name)
    with_plans(case, world, 2)
    exported = export(world, api, case).json()

    # another institution's import: a new patient and case, from nothing but the export
    again = post(api(world.referrer2), exported)

    assert again.status_code == 201 and again.json()["created"] is True, again.content
    copy = Case.objects.get(public_id=again.json()["case"]["id"])
    assert copy.pk != case.pk and copy.institution_id == world.community2.pk
    assert _facts(copy) == _facts(case)
    assert _facts(case)["biomarkers"] or name == "sparse"


def test_the_round_trip_holds_staging_markers_and_metastases(world, api):
    breast, sparse = imported(world, api, "breast"), imported(world, api, "sparse")
    assert breast.stage_group and breast.pathological_t and breast.ecog is not None
    assert len(breast.biomarkers.all()) >= 4
    assert sparse.metastatic and len(sparse.metastatic_sites) >= 2
    secondary = resources(export(world, api, sparse).json(), "Condition")[1:]
    assert [c["meta"]["profile"] for c in secondary] == [[MCODE + "mcode-secondary-cancer-condition"]] * len(
        sparse.metastatic_sites
    )


def test_the_export_imported_back_at_its_own_institution_changes_nothing(world, api):
    case = imported(world, api)
    before = _facts(case)

    again = post(api(world.member), export(world, api, case).json())

    assert again.status_code == 200 and again.json()["created"] is False, again.content
    assert again.json()["case"]["id"] == str(case.public_id)
    assert (again.json()["changed"], again.json()["kept"]) == ([], [])
    assert _facts(case) == before
