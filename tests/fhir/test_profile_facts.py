"""The profile beyond TNM and tumor markers, from and to FHIR: genomic variants and fusions, staging in other systems,
Karnofsky/Lansky, weight/height/BSA, comorbidities, current medications and treatment history. Imported from the
synthetic mCODE STU4 bundles of tests/fhir/bundles/, kept by hand on re-import per item, exported as validating
resources and read back the same (the round trip)."""

from __future__ import annotations

import datetime

import pytest
from fhir.resources.R4B import get_fhir_model_class

from cases.models import Case
from tests.fhir.helpers import bundle, post, resource
from tests.fhir.test_export import export, resources, with_plans

pytestmark = pytest.mark.django_db

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
NON_TNM = {
    "cervix_figo": [("figo", "IIIA")],
    "prostate_gleason": [("gleason_grade_group", "4")],
    "myeloma_iss": [("iss", "II"), ("r_iss", "III")],
    "cll_binet_rai": [("binet", "B"), ("rai", "II")],
    "lymphoma_lugano": [("lugano", "IIIE")],
    "melanoma_breslow": [("breslow", "0.76-1.75")],
}
BUNDLES = ["pediatric_all", "treatments", "lung_genomics", *NON_TNM]
# sites that are groups of sites (primary_sites.csv has no row to export them by): the exported condition carries
# only text, which the import does not map
SITES_AS_TEXT = {"colorectal", "lymphoma"}


def imported(api, user, name: str) -> dict:
    response = post(api(user), bundle(name))
    assert response.status_code == 201, response.content
    return response.json()


def _items(case: dict, name: str, fields) -> list[tuple]:
    return [tuple(item[f] for f in fields) for item in case[name]]


def test_a_pediatric_leukemia_brings_lansky_body_measurements_risk_group_fusion_and_treatment(world, api):
    body = imported(api, world.member, "pediatric_all")
    case = body["case"]

    assert case["primary_site"] == "leukemia"
    # the ICD-O-3 morphology code alone, read through histology.csv
    assert case["histology"].startswith("B lymphoblastic leukemia/lymphoma with t(12;21)")
    assert (case["lansky"], case["karnofsky"]) == (80, None)
    # 44 [in_i] is 111.76 cm; the date is the latest of the three measurements
    assert (case["weight_kg"], case["height_cm"], case["bsa_m2"]) == (18.2, 111.76, 0.75)
    assert case["body_measured_on"] == "2026-05-05"
    assert _items(case, "other_staging", ("system", "value", "date")) == [("risk_group", "Standard", "2026-05-06")]
    assert _items(case, "variants", ("kind", "gene", "partner_gene", "origin")) == [
        ("fusion", "ETV6", "RUNX1", "somatic")
    ]
    assert _items(case, "treatments", ("kind", "name", "code", "start", "end", "status")) == [
        # two administrations of one drug are one course, from the first to the last
        ("systemic", "vincristine", "11202", "2026-05-10", "2026-05-17", "completed"),
        ("systemic", "prednisone", "8640", "2026-05-10", None, "ongoing"),
    ]
    # the active order is also a current medication, so the drug-interaction checks see it
    assert case["medications"] == [{"name": "prednisone", "status": "active"}]
    assert case["comorbidities"] == ["Atrial septal defect"]
    assert body["warnings"] == [
        {
            "path": "entry[12].resource",
            "message": "The procedure Lumbar puncture: a diagnostic procedure, not imported as treatment history.",
        }
    ]
    assert "variants.ETV6::RUNX1" in body["changed"] and "treatments.systemic: vincristine" in body["changed"]


@pytest.mark.parametrize("name", list(NON_TNM))
def test_staging_in_other_systems_is_kept_with_its_system(world, api, name):
    case = imported(api, world.member, name)["case"]
    assert _items(case, "other_staging", ("system", "value")) == NON_TNM[name]
    assert all(item["date"] == "2026-01-20" for item in case["other_staging"])
    assert case["stage"]["clinical_t"] == "" and case["stage"]["group"] == ""


def test_a_lymphoma_stages_modifiers_are_a_warning(world, api):
    warnings = imported(api, world.member, "lymphoma_lugano")["warnings"]
    assert {
        "path": "entry[2].resource.component",
        "message": "The stage's modifiers (components) are not imported.",
    } in (warnings)


def test_a_stage_code_not_in_the_table_is_read_from_its_words(world, api):
    body = bundle("prostate_gleason")
    resource(body, "gleason")["valueCodeableConcept"] = {"text": "Grade group 2"}
    response = post(api(world.member), body)
    assert response.status_code == 201
    assert _items(response.json()["case"], "other_staging", ("system", "value")) == [
        ("gleason_grade_group", "Grade group 2")
    ]
    assert {
        "path": "entry[2].resource.valueCodeableConcept",
        "message": "The stage's code is not in our table: 'Grade group 2' is read from its words.",
    } in response.json()["warnings"]


def test_the_genomics_report_brings_its_variants_and_warns_of_what_it_cannot_map(world, api):
    body = imported(api, world.member, "lung_genomics")
    case = body["case"]

    fields = ("kind", "gene", "partner_gene", "hgvs", "description", "origin", "interpretation", "date")
    assert _items(case, "variants", fields) == [
        # the amino-acid change is the one shown; the c. change is kept in the description
        ("sequence", "EGFR", "", "NP_005219.2:p.(Leu858Arg)", "NM_005228.5:c.2573T>G", "somatic", "pathogenic",
         "2026-06-01"),
        ("fusion", "EML4", "ALK", "", "", "somatic", "", "2026-06-01"),
        # its clinical significance comes from the diagnostic implication derived from it
        ("sequence", "BRCA2", "", "NM_000059.4:c.5946del", "", "germline", "likely_pathogenic", "2026-06-01"),
    ]  # fmt: skip
    warnings = {w["path"]: w["message"] for w in body["warnings"]}
    assert warnings["entry[9].resource.valueCodeableConcept"] == (
        "A variant reported absent (a pertinent negative: KRAS, BRAF): not imported."
    )
    # a variant without a gene is a warning, not a refusal
    assert warnings["entry[10].resource.component"] == (
        "The variant names no gene (a component Gene studied, LOINC 48018-6): not imported."
    )
    assert warnings["entry[5].resource.component"] == (
        "Not imported from this variant: Sample variant allelic frequency [NFr]."
    )
    assert not [w for w in body["warnings"] if "not imported yet" in w["message"]]


def test_medications_procedures_radiotherapy_and_comorbidities(world, api):
    body = imported(api, world.member, "treatments")
    case = body["case"]

    assert case["histology"] == "Adenocarcinoma, NOS"
    assert case["karnofsky"] == 80
    assert (case["weight_kg"], case["height_cm"], case["body_measured_on"]) == (69.85, 172.72, "2026-04-01")
    assert case["comorbidities"] == [
        "Hypertensive disorder, systemic arterial",
        "Type 2 diabetes mellitus without complications",
        "Chronic kidney disease stage 3",
    ]
    assert _items(case, "treatments", ("kind", "name", "code", "start", "end", "status", "detail")) == [
        ("surgery", "Right hemicolectomy", "", "2025-12-01", "2025-12-01", "completed", ""),
        ("systemic", "oxaliplatin (FOLFOX)", "", "2026-01-05", "2026-03-16", "completed", "85 mg/m2 IV every 2 weeks"),
        ("systemic", "fluorouracil", "4492", "2026-01-05", "2026-03-16", "completed", ""),
        ("systemic", "capecitabine", "194000", "2026-04-02", None, "ongoing", ""),
        ("radiotherapy", "Radiotherapy", "", "2026-04-10", "2026-04-14", "completed",
         "5 sessions; External beam radiation therapy using photons; 35 Gy in 5 fractions; Liver structure"),
    ]  # fmt: skip
    # orders (a cancer drug or not) and statements: what the interaction checks read, the active ones
    assert case["medications"] == [
        {"name": "oxaliplatin (FOLFOX)", "status": "stopped"},  # a completed order: not a current drug
        {"name": "capecitabine", "status": "active"},
        {"name": "warfarin 5 mg tablet", "status": "active"},
        {"name": "metformin", "status": "active"},
    ]
    warnings = {w["path"]: w["message"] for w in body["warnings"]}
    assert warnings == {
        "entry[4].resource.clinicalStatus": "Pneumonia: resolved, not imported as a comorbidity.",
        "entry[5].resource.extension[2]": "Recorded as absent: Obesity. The case lists the comorbidities present; "
        "not imported.",
        "entry[13].resource.status": "bevacizumab: cancelled, not a treatment given; not imported.",
        "entry[18].resource": "The procedure Biopsy of breast using ultrasonographic guidance: a diagnostic "
        "procedure, not imported as treatment history.",
        "entry[19].resource": "The procedure Port-a-cath placement: not a cancer treatment we recognise, not "
        "imported as treatment history.",
    }


def test_a_malformed_quantity_is_refused_with_its_path(world, api):
    body = bundle("treatments")
    resource(body, "weight")["valueQuantity"]["value"] = "heavy"

    response = post(api(world.member), body)

    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == ["entry[7].resource.valueQuantity.value"]
    assert not Case.objects.filter(patient__mrn="CRC-77").exists()


@pytest.mark.parametrize(
    ("observation", "change", "path", "message"),
    [
        ("weight", {"valueQuantity": {"value": 900, "code": "kg"}}, "valueQuantity.value",
         "900 kg is outside what the case accepts (0.3 to 400): not imported."),
        ("weight", {"valueQuantity": {"value": 70, "code": "[stone_av]"}}, "valueQuantity.code",
         "The unit '[stone_av]' is not the 'kg' the case keeps: not imported."),
        ("kps", {"valueInteger": 85}, "valueInteger",
         "The Karnofsky performance status is not an integer from 0 to 100 in steps of 10: not imported."),
    ],
)  # fmt: skip
def test_a_measurement_the_case_cannot_hold_is_a_warning(world, api, observation, change, path, message):
    body = bundle("treatments")
    resource(body, observation).update(change)

    response = post(api(world.member), body)

    assert response.status_code == 201
    index = next(i for i, e in enumerate(body["entry"]) if e["resource"]["id"] == observation)
    assert {"path": f"entry[{index}].resource.{path}", "message": message} in response.json()["warnings"]
    case = response.json()["case"]
    assert (case["weight_kg"] if observation == "weight" else case["karnofsky"]) is None


# ---- re-import ----------------------------------------------------------------------------------------------------


def test_a_reimport_keeps_hand_edits_per_item_and_says_what_changed(world, api):
    client = api(world.member)
    case_id = imported(api, world.member, "lung_genomics")["case"]["id"]
    case = client.get(f"/api/v1/cases/{case_id}/").json()
    variants = [
        {k: v for k, v in item.items() if k != "id"}
        | ({"interpretation": "uncertain"} if item["gene"] == "EGFR" else {})
        for item in case["variants"]
    ]
    hand = {"kind": "surgery", "name": "Wedge resection", "code": "", "start": "2026-06-20", "end": "2026-06-20",
            "status": "completed", "detail": ""}  # fmt: skip
    response = client.patch(f"/api/v1/cases/{case_id}/", {"variants": variants, "treatments": [hand]}, format="json")
    assert response.status_code == 200, response.json()

    moved_on = bundle("lung_genomics")
    gene = resource(moved_on, "egfr")["component"]
    gene[3]["valueCodeableConcept"]["coding"][0]["code"] = "LA6683-2"  # the record now says germline
    alk = resource(moved_on, "alk")
    alk["effectiveDateTime"] = "2026-07-01"
    response = post(client, moved_on)

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["changed"] == ["variants.EML4::ALK"]
    assert body["kept"] == ["variants.EGFR"]
    case = body["case"]
    by_gene = {v["gene"]: v for v in case["variants"]}
    assert (by_gene["EGFR"]["interpretation"], by_gene["EGFR"]["origin"]) == ("uncertain", "somatic")  # by hand
    assert by_gene["EML4"]["date"] == "2026-07-01"  # the record's, untouched by hand
    assert by_gene["BRCA2"]["interpretation"] == "likely_pathogenic"
    assert [t["name"] for t in case["treatments"]] == ["Wedge resection"]  # only ever entered by hand
    assert {
        "path": "entry[5].resource",
        "message": "variants.EGFR: the case keeps the value entered by hand; the record's differs.",
    } in body["warnings"]


def test_the_same_bundle_again_changes_nothing(world, api):
    for name in ("treatments", "pediatric_all"):
        imported(api, world.member, name)
        again = post(api(world.member), bundle(name)).json()
        assert (again["created"], again["changed"], again["kept"]) == (False, [], [])


# ---- export and the round trip ----------------------------------------------------------------------------------


def _facts(case: Case) -> dict:
    case = Case.objects.get(pk=case.pk)
    lists = {
        "variants": ("kind", "gene", "partner_gene", "hgvs", "description", "origin", "interpretation", "date"),
        "other_staging": ("system", "value", "date"),
        "treatments": ("kind", "name", "code", "start", "end", "status", "detail"),
        "medications": ("name", "status"),
        "biomarkers": ("name", "result", "value", "date", "detail"),
    }
    return {
        **{
            name: getattr(case, name)
            for name in (
                "primary_site",
                "histology",
                "diagnosis_date",
                "ecog",
                "karnofsky",
                "lansky",
                "weight_kg",
                "height_cm",
                "bsa_m2",
                "body_measured_on",
                "comorbidities",
            )
        },
        **{
            name: sorted(tuple(getattr(row, f) for f in fields) for row in getattr(case, name).all())
            for name, fields in lists.items()
        },
    }


@pytest.mark.parametrize("name", BUNDLES)
def test_an_exported_bundle_imported_again_gives_back_the_same_facts(world, api, name):
    case = Case.objects.get(public_id=imported(api, world.member, name)["case"]["id"])
    exported = export(world, api, case).json()

    again = post(api(world.referrer2), exported)

    assert again.status_code == 201 and again.json()["created"] is True, again.content
    copy = Case.objects.get(public_id=again.json()["case"]["id"])
    assert copy.pk != case.pk
    mine, theirs = _facts(case), _facts(copy)
    if mine["primary_site"] in SITES_AS_TEXT:  # the export names the site in words only: it comes back as Other
        assert theirs.pop("primary_site") == "other" and mine.pop("primary_site")
    assert theirs == mine


def test_the_export_writes_each_fact_as_its_mcode_resource(world, api):
    case = Case.objects.get(public_id=imported(api, world.member, "pediatric_all")["case"]["id"])
    with_plans(case, world, 1)
    exported = export(world, api, case).json()

    for entry in exported["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    profiles = {
        profile for entry in exported["entry"] for profile in entry["resource"].get("meta", {}).get("profile", [])
    }
    assert {
        MCODE + "mcode-lansky-play-performance-status",
        MCODE + "mcode-body-surface-area",
        "http://hl7.org/fhir/StructureDefinition/bodyweight",
        "http://hl7.org/fhir/StructureDefinition/bodyheight",
        MCODE + "mcode-cancer-risk-assessment",
        MCODE + "mcode-genomic-variant",
        MCODE + "mcode-genomics-report",
        MCODE + "mcode-cancer-related-medication-administration",
    } <= profiles
    (report,) = resources(exported, "DiagnosticReport")
    (fusion,) = [o for o in resources(exported, "Observation") if o["code"]["coding"][0]["code"] == "69548-6"]
    assert report["result"] == [{"reference": f"urn:uuid:{fusion['id']}"}]
    genes = [
        c["valueCodeableConcept"]["text"] for c in fusion["component"] if c["code"]["coding"][0]["code"] == "48018-6"
    ]
    assert genes == ["ETV6", "RUNX1"]
    (statement,) = resources(exported, "MedicationStatement")
    assert statement["status"] == "active" and statement["medicationCodeableConcept"]["coding"][0] == {
        "system": RXNORM, "code": "8640", "display": "prednisone"
    }  # fmt: skip
    (comorbidity,) = [c for c in resources(exported, "Condition") if "meta" not in c]
    assert comorbidity["code"] == {"text": "Atrial septal defect"}
    # the board's plan drugs carry RxNorm where drugs.csv knows them (cyclophosphamide, docetaxel)
    drugs = {
        r["medicationCodeableConcept"]["text"]: r["medicationCodeableConcept"]
        for r in resources(exported, "MedicationRequest")
    }
    assert drugs["cyclophosphamide"]["coding"][0]["code"] == "3002"
    assert drugs["docetaxel"]["coding"][0]["code"] == "72962"


@pytest.mark.parametrize("size", [1, 12])
def test_the_export_costs_the_same_queries_whatever_the_facts(world, api, django_assert_num_queries, size):
    case = Case.objects.get(public_id=imported(api, world.member, "treatments")["case"]["id"])
    for index in range(size):
        case.variants.create(gene=f"GENE{index}", hgvs="c.1A>G", origin="somatic")
        case.other_staging.create(system="other", value=f"S{index}")
        case.treatments.create(kind="surgery", name=f"Operation {index}", start=datetime.date(2026, 1, 1))
        case.medications.create(name=f"drug {index}")
    client = api(world.member)
    # test_export's count without its plans and second opinion: the profile's lists come with the case, in one query
    with django_assert_num_queries(7):
        assert client.get(f"/api/v1/cases/{case.public_id}/fhir/").status_code == 200


def test_a_reimport_of_a_record_that_stopped_a_drug_marks_it_stopped(world, api):
    imported(api, world.member, "pediatric_all")
    later = bundle("pediatric_all")
    resource(later, "pred")["status"] = "completed"
    resource(later, "pred")["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"]["end"] = "2026-06-07"

    body = post(api(world.member), later).json()

    assert sorted(body["changed"]) == ["medications.prednisone", "treatments.systemic: prednisone"]
    assert body["case"]["medications"] == [{"name": "prednisone", "status": "stopped"}]
    course = next(t for t in body["case"]["treatments"] if t["name"] == "prednisone")
    assert (course["status"], course["end"]) == ("completed", "2026-06-07")


def test_a_drug_named_by_a_medication_of_the_bundle_or_by_nothing(world, api):
    body = bundle("treatments")
    del resource(body, "warfarin")["medicationCodeableConcept"]
    resource(body, "warfarin")["medicationReference"] = {"reference": "urn:uuid:warfarin-product"}
    product = {"resourceType": "Medication", "id": "warfarin-product", "code": {"text": "warfarin"}}
    body["entry"].append({"fullUrl": "urn:uuid:warfarin-product", "resource": product})
    del resource(body, "metformin")["medicationCodeableConcept"]
    resource(body, "metformin")["medicationReference"] = {"reference": "Medication/elsewhere"}

    response = post(api(world.member), body)

    assert response.status_code == 201, response.json()
    names = [m["name"] for m in response.json()["case"]["medications"]]
    assert names == ["oxaliplatin (FOLFOX)", "capecitabine", "warfarin"]
    warnings = {w["path"]: w["message"] for w in response.json()["warnings"]}
    assert warnings["entry[15].resource"] == "The MedicationStatement names no drug: not imported."
    assert "Medication/elsewhere" in warnings["entry[15].resource.medicationReference.reference"]
    assert f"entry[{len(body['entry']) - 1}].resource" not in warnings  # the Medication is read through its order


def test_a_course_that_ends_before_it_starts_keeps_its_start(world, api):
    body = bundle("treatments")
    resource(body, "oxali")["dosageInstruction"][0]["timing"]["repeat"]["boundsPeriod"]["end"] = "2025-12-24"

    response = post(api(world.member), body)

    assert response.status_code == 201
    course = next(t for t in response.json()["case"]["treatments"] if t["name"] == "oxaliplatin (FOLFOX)")
    assert (course["start"], course["end"]) == ("2026-01-05", None)
    assert {
        "path": "entry[9].resource",
        "message": "oxaliplatin (FOLFOX): the treatment ends before it starts; its end is not imported.",
    } in response.json()["warnings"]


def test_a_report_or_staging_date_in_the_future_is_not_imported(world, api):
    body = bundle("cll_binet_rai")
    resource(body, "binet")["effectiveDateTime"] = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()

    response = post(api(world.member), body)

    assert response.status_code == 201
    assert _items(response.json()["case"], "other_staging", ("system", "date")) == [
        ("binet", None),
        ("rai", "2026-01-20"),
    ]
    assert {"path": "entry[2].resource", "message": "The staging date is in the future: not imported."} in (
        response.json()["warnings"]
    )
