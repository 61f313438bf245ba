"""The clinical profile form (/cases/<id>/profile/): who may open and save it (404 outside, 403 for a member who is
not on the care team), a whole profile saved through the API's rules with its lists replaced, refusals next to
their fields with nothing written, and a form opened before someone else's change refused (409) with the
saved values that now differ shown."""

from __future__ import annotations

import html

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.codes import CaseStatus
from cases.services import case_profile as services
from cases.staging import STAGE_MESSAGES
from tests.conftest import at_once
from tests.pages.markup import assert_refused
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db


def url(case) -> str:
    return f"/cases/{case.public_id}/profile/"


def form_of(client, case) -> dict:
    """The form as the page fills it in: every control's current value, the way a browser would post it."""
    response = client.get(url(case))
    assert response.status_code == 200
    context = response.context
    data = _flat(context["v"])
    data["version"] = context["version"]
    for name, prefix in (
        ("biomarkers", "bm"),
        ("pharmacogenomics", "pgx"),
        ("medications", "med"),
        ("prior_anthracyclines", "anth"),
        ("variants", "var"),
        ("other_staging", "stg"),
        ("treatments", "tx"),
    ):
        for row in context["rows"][name]:
            for field, value in row["values"].items():
                data[f"{prefix}_{field}_{row['n']}"] = value
    return data


def _flat(v: dict) -> dict:
    """The template's ``v`` (dots as underscores) back to the form's names."""
    out = {}
    for key, value in v.items():
        for prefix in ("stage_", "organ_function_", "advance_care_planning_"):
            if key.startswith(prefix):
                key = prefix[:-1] + "." + key[len(prefix) :]
        if isinstance(value, bool):
            if value:
                out[key] = "true"
            continue
        out[key] = value
    return out


def test_the_care_team_opens_the_form_filled_in_and_the_read_is_audited(client, world):
    case = world.case
    case.biomarkers.create(name="ER", result="positive", value=90)
    client.force_login(world.member)  # the submitter
    response = client.get(url(case))
    assert response.status_code == 200
    body = response.content.decode()
    assert f'<option value="{case.primary_site}" selected>' in body
    assert 'name="bm_name_1"' in body and 'name="bm_name_3"' in body  # the recorded row and two spare ones
    assert response.context["rows"]["biomarkers"][0]["values"]["name"] == "ER"
    event = AuditEvent.objects.filter(user=world.member, action="read").order_by("-id").first()
    assert event.detail == {"view": "case profile form"}
    assert event.patient_id == case.patient_id
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert url(case) in page  # the case page links to it


@pytest.mark.parametrize("who", ["other_member", "referrer", "referrer2"])
def test_others_get_404_and_change_nothing(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(url(world.case)).status_code == 404
    assert client.post(url(world.case), {"primary_site": "lung", "urgency": "urgent"}).status_code == 404
    world.case.refresh_from_db()
    assert world.case.primary_site == "breast"


def test_a_board_member_outside_the_care_team_may_read_the_case_but_not_edit_it(client, world):
    client.force_login(world.chair)
    assert url(world.case) not in client.get(f"/cases/{world.case.public_id}/").content.decode()
    assert client.get(url(world.case)).status_code == 403
    assert client.post(url(world.case), {"primary_site": "lung"}).status_code == 403
    world.case.refresh_from_db()
    assert world.case.primary_site == "breast"


def test_the_coordinator_saves_the_whole_profile_and_its_lists_are_replaced(client, world):
    case = world.case
    case.biomarkers.create(name="ER", result="positive", value=90)
    case.medications.create(name="tamoxifen")
    client.force_login(world.coordinator)
    data = form_of(client, case)
    data |= {
        "ecog": "2",
        "organ_function.gfr_ml_min": "42.5",
        "organ_function.gfr_date": "2026-11-30",
        "organ_function.lvef_percent": "",
        "anth_drug_1": "epirubicin",
        "anth_cumulative_mg_m2_1": "360",
        "financial_navigation": "referred",
        "advance_care_planning.healthcare_proxy": "true",
        "advance_care_planning.polst": "true",
        "stage.clinical_t": "T2",
        "stage.clinical_n": "N1",
        "metastatic": "true",
        "metastasis_count": "2",
        "metastatic_sites": "liver\n\n bone \n",
        "comorbidities": "type 2 diabetes\nheart failure",
        "bm_result_1": "negative",  # ER was positive
        "bm_name_2": "HER2",
        "bm_result_2": "positive",
        "bm_detail_2": "IHC 3+",
        "pgx_gene_1": "DPYD",
        "pgx_phenotype_1": "intermediate",
        "med_name_1": "",  # tamoxifen removed
        "goals_of_care_discussed": "true",
        "question": "Neoadjuvant therapy first?",
    }
    response = client.post(url(case), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert response["Location"] == f"/cases/{case.public_id}/#summary"
    case.refresh_from_db()
    assert (case.ecog, case.gfr_ml_min, case.lvef_percent) == (2, 42.5, None)
    assert case.gfr_date.isoformat() == "2026-11-30"
    assert case.prior_anthracyclines == [{"drug": "epirubicin", "cumulative_mg_m2": 360.0}]
    assert case.financial_navigation == "referred"
    assert (case.acp_healthcare_proxy, case.acp_advance_directive, case.acp_polst) == (True, False, True)
    assert (case.clinical_t, case.clinical_n, case.metastasis_count) == ("T2", "N1", 2)
    assert case.metastatic_sites == ["liver", "bone"]
    assert case.comorbidities == ["type 2 diabetes", "heart failure"]
    assert case.goals_of_care_discussed and not case.fertility_preservation_discussed
    assert case.question == "Neoadjuvant therapy first?"
    biomarkers = sorted(case.biomarkers.values_list("name", "result", "detail"))
    assert biomarkers == [("ER", "negative", ""), ("HER2", "positive", "IHC 3+")]
    assert list(case.pharmacogenomics.values_list("gene", "phenotype")) == [("DPYD", "intermediate")]
    assert not case.medications.exists()
    event = AuditEvent.objects.filter(user=world.coordinator, action="update").order_by("-id").first()
    assert "ecog" in event.detail["fields"] and "biomarkers" in event.detail["fields"]
    page = client.get(response["Location"]).content.decode()
    assert "The clinical profile was saved." in page
    assert "epirubicin 360.0 mg/m²" in page and "health-care proxy named; POLST/MOLST" in page
    assert "42.5 mL/min" in page and "30 Nov 2026" in page and "Referred" in page


def test_performance_scores_body_measurements_variants_other_staging_and_treatment_history_are_saved(client, world):
    case = world.case
    case.variants.create(gene="TP53", hgvs="p.Arg175His", origin="somatic")
    case.treatments.create(kind="surgery", name="Lumpectomy", code="392021009")
    client.force_login(world.member)
    data = form_of(client, case)
    assert data["tx_code_1"] == "392021009"  # an imported code goes round the form unchanged
    data |= {
        "karnofsky": "70",
        "lansky": "",
        "weight_kg": "68",
        "height_cm": "165",
        "bsa_m2": "",
        "body_measured_on": "2026-11-03",
        "var_gene_1": "",  # TP53 removed
        "var_hgvs_1": "",
        "var_kind_2": "sequence",
        "var_gene_2": "BRCA2",
        "var_hgvs_2": "c.5946del",
        "var_origin_2": "germline",
        "var_interpretation_2": "pathogenic",
        "var_kind_3": "fusion",
        "var_gene_3": "EML4",
        "var_partner_gene_3": "ALK",
        "var_origin_3": "somatic",
        "stg_system_1": "figo",
        "stg_value_1": "IIIC",
        "stg_date_1": "2026-10-20",
        "tx_kind_2": "systemic",
        "tx_name_2": "Doxorubicin and cyclophosphamide",
        "tx_start_2": "2026-01-05",
        "tx_end_2": "2026-03-09",
        "tx_status_2": "completed",
        "tx_detail_2": "4 cycles",
    }
    response = client.post(url(case), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    case.refresh_from_db()
    assert (case.karnofsky, case.lansky, case.weight_kg, case.height_cm, case.bsa_m2) == (70, None, 68, 165, None)
    assert case.body_measured_on.isoformat() == "2026-11-03"
    assert case.body_surface_area == 1.77  # Mosteller: sqrt(68 * 165 / 3600)
    variants = list(case.variants.values_list("kind", "gene", "partner_gene", "hgvs", "origin", "interpretation"))
    assert variants == [
        ("sequence", "BRCA2", "", "c.5946del", "germline", "pathogenic"),
        ("fusion", "EML4", "ALK", "", "somatic", ""),
    ]
    assert list(case.other_staging.values_list("system", "value")) == [("figo", "IIIC")]
    treatments = list(case.treatments.values_list("kind", "name", "code", "status"))
    assert treatments == [  # by start date, undated last
        ("systemic", "Doxorubicin and cyclophosphamide", "", "completed"),
        ("surgery", "Lumpectomy", "392021009", "unknown"),
    ]
    event = AuditEvent.objects.filter(user=world.member, action="update").order_by("-id").first()
    assert {"karnofsky", "weight_kg", "variants", "other_staging", "treatments"} <= set(event.detail["fields"])
    form = client.get(url(case)).content.decode()
    assert "1.77 m² by Mosteller" in form  # the computed BSA, shown where none is recorded
    assert '<option value="70" selected>' in form


@pytest.mark.parametrize(
    ("changes", "field", "row"),
    [
        ({"organ_function.gfr_ml_min": "-3"}, "organ_function.gfr_ml_min", ""),
        ({"ecog": "7"}, "ecog", ""),
        ({"primary_site": ""}, "primary_site", ""),
        ({"metastatic": "", "metastasis_count": "3"}, "metastasis_count", ""),
        ({"diagnosis_date": "2999-01-01"}, "diagnosis_date", ""),
        ({"organ_function.gfr_ml_min": "", "organ_function.gfr_date": "2026-11-01"}, "organ_function.gfr_date", ""),
        ({"organ_function.lvef_percent": "55", "organ_function.lvef_date": "2999-01-01"},
         "organ_function.lvef_date", ""),
        ({"anth_drug_1": "epirubicin", "anth_cumulative_mg_m2_1": "100", "anth_drug_2": "epirubicin",
          "anth_cumulative_mg_m2_2": "200"}, "prior_anthracyclines", ""),
        ({"anth_drug_1": "bleomycin", "anth_cumulative_mg_m2_1": "100"}, "anth_drug", "1"),
        ({"financial_navigation": "maybe"}, "financial_navigation", ""),
        ({"bm_name_1": "ER"}, "bm_result", "1"),  # a row without its result
        ({"bm_name_1": "ER", "bm_result_1": "positive", "bm_value_1": "lots"}, "bm_value", "1"),
        ({"pgx_gene_1": "DPYD", "pgx_phenotype_1": "poor", "pgx_gene_2": "DPYD", "pgx_phenotype_2": "normal"},
         "pharmacogenomics", ""),
    ],
)  # fmt: skip
def test_a_refused_profile_is_shown_next_to_its_field_and_nothing_is_written(client, world, changes, field, row):
    case = world.case
    case.medications.create(name="tamoxifen")
    client.force_login(world.member)
    data = form_of(client, case) | {"histology": "Lobular carcinoma", "med_name_1": ""} | changes
    if not changes.get("metastatic", "true"):
        data.pop("metastatic", None)
    before = case.updated_at
    response = client.post(url(case), data)
    assert response.status_code == 400
    assert_refused(response.content.decode(), field, row)
    assert "Lobular carcinoma" in response.content.decode()  # the entries are kept
    case.refresh_from_db()
    assert case.updated_at == before and case.histology != "Lobular carcinoma"
    assert list(case.medications.values_list("name", flat=True)) == ["tamoxifen"]
    assert not case.biomarkers.exists() and not case.pharmacogenomics.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("stage.clinical_t", "T99"), ("stage.clinical_n", "banana"), ("stage.clinical_m", "M7"), ("stage.group", "ZZZ"),
     ("stage.pathological_t", "cT2"), ("stage.system", "TNM7")],
)  # fmt: skip
def test_a_stage_outside_the_ajcc_8th_lists_is_refused_at_its_field_with_the_allowed_values(
    client, world, field, value
):
    case = world.case
    client.force_login(world.member)
    before = case.updated_at
    response = client.post(url(case), form_of(client, case) | {field: value, "histology": "Lobular carcinoma"})
    assert response.status_code == 400
    page = response.content.decode()
    assert_refused(page, field, "")
    name = {"stage.group": "stage_group", "stage.system": "stage_system"}.get(field, field.removeprefix("stage."))
    assert html.escape(STAGE_MESSAGES[name]) in page  # the message names the allowed values
    assert f'value="{value}"' in page  # the entry is kept
    case.refresh_from_db()
    assert case.updated_at == before and case.histology != "Lobular carcinoma"


def test_ajcc_8th_values_with_their_prefix_are_saved(client, world):
    case = world.case
    client.force_login(world.member)
    stage = {"stage.clinical_t": "cT2", "stage.clinical_n": "cN1mi", "stage.clinical_m": "cM0",
             "stage.pathological_t": "ypT1c", "stage.pathological_n": "ypN0(i+)", "stage.pathological_m": "",
             "stage.group": "IIIC1"}  # fmt: skip
    response = client.post(url(case), form_of(client, case) | stage)
    assert response.status_code == 302, response.context and response.context["errors"]
    case.refresh_from_db()
    assert (case.clinical_t, case.clinical_n, case.pathological_t, case.pathological_n, case.stage_group) == (
        "cT2",
        "cN1mi",
        "ypT1c",
        "ypN0(i+)",
        "IIIC1",
    )


def test_a_form_opened_before_someone_elses_change_is_refused_409_with_what_differs(client, world):
    case = world.case
    client.force_login(world.member)
    mine = form_of(client, case) | {"ecog": "1", "histology": "Invasive ductal carcinoma"}
    # meanwhile, the coordinator records a worse performance status
    services.case_update(user=world.coordinator, case=case, data={"ecog": 3, "gfr_ml_min": 35.0})
    response = client.post(url(case), mine)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else changed this case" in body
    differing = {d["label"]: d["saved"] for d in response.context["differences"]}
    assert differing["ECOG performance status"] == "3"
    assert differing["GFR"] == "35.0"
    assert "Invasive ductal carcinoma" in body  # my entries are kept
    case.refresh_from_db()
    assert (case.ecog, case.gfr_ml_min) == (3, 35.0)
    # saving again, having seen the difference, replaces it with mine
    response = client.post(url(case), mine | {"version": response.context["version"]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.ecog, case.histology) == (1, "Invasive ductal carcinoma")


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_the_same_version_at_once_one_is_refused_and_nothing_is_lost(world):
    """Each request on its own connection: the case's row lock orders them, the second finds a newer version."""
    forms = []
    for user, ecog in ((world.member, "1"), (world.coordinator, "3")):
        client = Client()
        client.force_login(user)
        forms.append((client, form_of(client, world.case) | {"ecog": ecog}))
    responses = at_once([lambda c=client, d=data: c.post(url(world.case), d) for client, data in forms])
    statuses = {data["ecog"]: response.status_code for (_, data), response in zip(forms, responses, strict=True)}
    assert sorted(statuses.values()) == [302, 409], statuses
    winner = next(ecog for ecog, status in statuses.items() if status == 302)
    world.case.refresh_from_db()
    assert world.case.ecog == int(winner)


@pytest.mark.parametrize("version", [None, "yesterday", "2026-13-45T10:00:00"])
def test_a_form_without_its_version_is_refused(client, world, version):
    client.force_login(world.member)
    data = form_of(client, world.case)
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    response = client.post(url(world.case), data)
    assert response.status_code == 400
    assert "open it again from the case page" in response.content.decode()


def test_a_closed_case_cannot_be_edited(client, world):
    case = world.case
    case.status = CaseStatus.WITHDRAWN
    case.save(update_fields=["status"])
    client.force_login(world.member)
    response = client.get(url(case), follow=True)
    assert "can no longer be edited" in response.content.decode()
    assert url(case) not in response.content.decode()
    response = client.post(url(case), {"primary_site": "lung", "urgency": "routine"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.primary_site == "breast"


def _form_queries(client, case) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(case)).status_code == 200
    return len(queries)


def test_the_form_costs_the_same_queries_with_1_and_6_rows_per_list(client, world, django_assert_max_num_queries):
    case = world.case
    client.force_login(world.member)
    genes = ["DPYD", "UGT1A1", "CYP2D6", "TPMT", "NUDT15"]

    def grow(start, stop):
        for i in range(start, stop):
            case.biomarkers.create(name="KI67", result="high", value=i)
            case.medications.create(name=f"drug {i}")
        for gene in genes[start:stop]:
            case.pharmacogenomics.create(gene=gene, phenotype="normal")

    grow(0, 1)
    client.get(url(case))
    one = _form_queries(client, case)
    grow(1, 6)
    with django_assert_max_num_queries(one):
        response = client.get(url(case))
    assert len(response.context["rows"]["biomarkers"]) == 6 + 2
    assert one <= 18, one  # 16, and two more since the variants, other staging and treatment history are read too
