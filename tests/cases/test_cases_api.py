"""Cases through the API: create with the full profile, read, edit, and the action endpoints."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseTransition
from tests.factories import CaseFactory
from tumorboard.models import AuditEvent, Notification

pytestmark = pytest.mark.django_db

PROFILE = {
    "patient": {"mrn": "A-1001", "name": "Jane Roe", "birth_date": "1981-03-02", "sex": "female"},
    "primary_site": "breast",
    "histology": "Invasive ductal carcinoma",
    "grade": "G2",
    "stage": {"clinical_t": "T2", "clinical_n": "N0", "clinical_m": "M0", "group": "IIA"},
    "metastatic": False,
    "ecog": 1,
    "organ_function": {
        "gfr_ml_min": 92,
        "gfr_date": "2026-10-20",
        "lvef_percent": 61,
        "lvef_date": "2026-10-02",
        "bilirubin_mg_dl": 0.6,
        "bilirubin_date": "2026-10-20",
    },
    "treatment_intent": "curative",
    "preferences": "Wants to keep working; worried about hair loss.",
    "question": "Is chemotherapy needed given the recurrence score?",
    "urgency": "routine",
    "diagnosis_date": "2026-10-01",
    "menopausal_status": "pre",
    "fertility_preservation_discussed": False,
    "goals_of_care_discussed": False,
    "prior_anthracycline_mg_m2": 0,
    "prior_anthracyclines": [{"drug": "epirubicin", "cumulative_mg_m2": 300}],
    "financial_navigation": "referred",
    "advance_care_planning": {"healthcare_proxy": True, "advance_directive": False, "polst": False},
    "biomarkers": [
        {"name": "ER", "result": "positive", "value": 95},
        {"name": "HER2", "result": "negative"},
        {"name": "ONCOTYPE_RS", "result": "low", "value": 18},
    ],
    "pharmacogenomics": [{"gene": "CYP2D6", "phenotype": "poor", "diplotype": "*4/*4"}],
    "medications": [{"name": "Paroxetine", "status": "active"}],
}


def test_create_case_with_full_profile_round_trips(world, api):
    response = api(world.member).post("/api/v1/cases/", {**PROFILE, "board": str(world.board.public_id)}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "draft"
    assert body["board"] == str(world.board.public_id)
    assert body["institution"] == str(world.academic.public_id)
    assert body["stage"] == {
        "system": "AJCC8",
        "clinical_t": "T2",
        "clinical_n": "N0",
        "clinical_m": "M0",
        "pathological_t": "",
        "pathological_n": "",
        "pathological_m": "",
        "group": "IIA",
    }
    assert body["organ_function"] == {
        "gfr_ml_min": 92.0,
        "gfr_date": "2026-10-20",
        "lvef_percent": 61.0,
        "lvef_date": "2026-10-02",
        "bilirubin_mg_dl": 0.6,
        "bilirubin_date": "2026-10-20",
    }
    assert body["prior_anthracyclines"] == [{"drug": "epirubicin", "cumulative_mg_m2": 300.0}]
    assert body["financial_navigation"] == "referred"
    assert body["advance_care_planning"] == {"healthcare_proxy": True, "advance_directive": False, "polst": False}
    assert [b["name"] for b in body["biomarkers"]] == ["ER", "HER2", "ONCOTYPE_RS"]
    assert body["pharmacogenomics"] == [{"gene": "CYP2D6", "phenotype": "poor", "diplotype": "*4/*4"}]
    assert body["medications"] == [{"name": "Paroxetine", "status": "active"}]
    case = Case.objects.get(public_id=body["id"])
    assert AuditEvent.objects.filter(action="create", object_id=body["id"], patient=case.patient).exists()

    again = api(world.member).get(f"/api/v1/cases/{body['id']}/").json()
    assert again == body


def test_same_mrn_reuses_the_patient_and_a_conflicting_birth_date_is_rejected(world, api):
    client = api(world.member)
    first = client.post("/api/v1/cases/", PROFILE, format="json").json()
    second = client.post("/api/v1/cases/", PROFILE, format="json").json()
    assert Case.objects.get(public_id=first["id"]).patient_id == Case.objects.get(public_id=second["id"]).patient_id
    clash = {**PROFILE, "patient": {**PROFILE["patient"], "birth_date": "1990-01-01"}}
    response = client.post("/api/v1/cases/", clash, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "patient.birth_date"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**PROFILE, "ecog": 5}, "ecog"),
        ({**PROFILE, "primary_site": "spleen"}, "primary_site"),
        ({**PROFILE, "biomarkers": [{"name": "XYZ", "result": "positive"}]}, "biomarkers[0].name"),
        ({**PROFILE, "pharmacogenomics": [{"gene": "DPYD", "phenotype": "slow"}]}, "pharmacogenomics[0].phenotype"),
        ({**PROFILE, "organ_function": {"lvef_percent": 140}}, "organ_function.lvef_percent"),
        ({**PROFILE, "patient": {**PROFILE["patient"], "birth_date": "2999-01-01"}}, "patient.birth_date"),
        ({**PROFILE, "status": "closed"}, "status"),
        ({**PROFILE, "metastasis_count": 3, "metastatic": False}, "metastasis_count"),
        ({k: v for k, v in PROFILE.items() if k != "patient"}, "patient"),
        (
            {**PROFILE, "pharmacogenomics": [{"gene": "DPYD", "phenotype": "normal"}] * 2},
            "pharmacogenomics",
        ),
    ],
)
def test_bad_input_is_400_naming_the_field_and_writes_nothing(world, api, payload, field):
    before = Case.objects.count(), AuditEvent.objects.count()
    response = api(world.member).post("/api/v1/cases/", payload, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in [e["field"] for e in errors], errors
    assert all(e["message"] and e["code"] for e in errors)
    assert (Case.objects.count(), AuditEvent.objects.count()) == before


def test_foreign_board_or_physician_in_payload_reads_as_nonexistent(world, api):
    foreign_board = {**PROFILE, "board": str(world.other_board.public_id)}
    # the referrer's institution has no boards: the academic board is foreign to them
    response = api(world.referrer).post("/api/v1/cases/", foreign_board, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "board"
    nonexistent = api(world.referrer).post(
        "/api/v1/cases/", {**PROFILE, "board": "00000000-0000-0000-0000-000000000000"}, format="json"
    )
    assert nonexistent.json()["errors"][0]["code"] == response.json()["errors"][0]["code"] == "does_not_exist"
    physician = {**PROFILE, "treating_physician": str(world.member.public_id)}
    response = api(world.referrer).post("/api/v1/cases/", physician, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "treating_physician"


def test_patch_updates_profile_and_replaces_lists_but_never_status(world, api):
    client = api(world.member)
    url = f"/api/v1/cases/{world.case.public_id}/"
    response = client.patch(url, {"ecog": 2, "medications": [{"name": "Venlafaxine"}]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["ecog"] == 2
    assert response.json()["medications"] == [{"name": "Venlafaxine", "status": "active"}]
    response = client.patch(url, {"status": "recommended"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "status"
    world.case.refresh_from_db()
    assert world.case.status == "draft"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"medications": [{"status": "active"}]}, "medications[0].name"),
        ({"biomarkers": [{"name": "ER"}]}, "biomarkers[0].result"),
        ({"pharmacogenomics": [{"phenotype": "poor"}]}, "pharmacogenomics[0].gene"),
    ],
)
def test_patch_refuses_a_list_item_missing_a_required_field(world, api, data, field):
    """A list is replaced whole, so each item is complete even in a PATCH (where DRF skips missing fields)."""
    world.case.medications.create(name="Letrozole")
    response = api(world.member).patch(f"/api/v1/cases/{world.case.public_id}/", data, format="json")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert (error["field"], error["code"]) == (field, "required")
    assert list(world.case.medications.values_list("name", flat=True)) == ["Letrozole"]
    assert not world.case.biomarkers.exists() and not world.case.pharmacogenomics.exists()


def test_board_member_who_is_not_care_team_cannot_edit(world, api):
    response = api(world.chair).patch(f"/api/v1/cases/{world.case.public_id}/", {"ecog": 3}, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "permission_denied"


def test_submit_request_info_resubmit_and_withdraw(world, api, mailoutbox, django_capture_on_commit_callbacks):
    url = f"/api/v1/cases/{world.case.public_id}"
    member, coordinator = api(world.member), api(world.coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = member.post(f"{url}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    # the allocation task ran on commit and put the case on the board's next meeting
    world.case.refresh_from_db()
    assert world.case.status == "scheduled" and world.case.meeting is not None
    meeting = world.case.meeting
    assert member.post(f"{url}/submit/").status_code == 200  # idempotent repeat
    assert CaseTransition.objects.filter(case=world.case, action="submit").count() == 1
    # coordinators were told, without patient data
    notification = Notification.objects.get(recipient=world.coordinator, kind="case_submitted")
    assert world.case.patient.name not in notification.subject + notification.body
    assert str(world.case.public_id) in notification.body
    assert len(mailoutbox) == 1 and world.case.patient.mrn not in mailoutbox[0].body

    assert member.post(f"{url}/request-info/", {"reason": "x"}).status_code == 403  # a plain member
    response = coordinator.post(f"{url}/request-info/", {})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "reason"
    response = coordinator.post(f"{url}/request-info/", {"reason": "Please attach the pathology report."})
    assert response.json()["status"] == "info_requested"
    assert response.json()["meeting"] is None
    meeting.refresh_from_db()
    assert meeting.allocated_minutes == 0  # the slot was freed
    assert member.post(f"{url}/submit/").json()["status"] == "submitted"

    response = member.post(f"{url}/close/")
    assert response.status_code == 409
    assert "submitted" in response.json()["errors"][0]["message"]
    assert member.post(f"{url}/withdraw/", {"reason": "Patient moved"}).json()["status"] == "withdrawn"
    assert member.post(f"{url}/submit/").status_code == 409
    history = member.get(f"{url}/history/").json()
    assert [h["action"] for h in history] == ["submit", "schedule", "request-info", "submit", "withdraw"]
    assert history[2]["reason"] == "Please attach the pathology report."


def test_submit_without_board_is_400(world, api):
    response = api(world.referrer).post(f"/api/v1/cases/{world.community_case.public_id}/submit/")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "board"


def test_filters(world, api):
    client = api(world.coordinator)
    assert client.get("/api/v1/cases/", {"status": "draft"}).json()["count"] == 1
    assert client.get("/api/v1/cases/", {"status": "closed"}).json()["count"] == 0
    assert client.get("/api/v1/cases/", {"board": str(world.board.public_id)}).json()["count"] == 1
    assert client.get("/api/v1/cases/", {"primary_site": "lung"}).json()["count"] == 0
    response = client.get("/api/v1/cases/", {"primary_site": "spleen"})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "primary_site"


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_case_list_and_detail_cost_the_same_queries_at_page_size_1_and_50(world, api):
    for _ in range(60):
        case = CaseFactory(institution=world.academic, board=world.board, created_by=world.member)
        case.biomarkers.create(name="ER", result="positive")
        case.medications.create(name="Letrozole")
        case.pharmacogenomics.create(gene="DPYD", phenotype="normal")
        case.variants.create(gene="BRCA2", hgvs="c.5946del", origin="germline", interpretation="pathogenic")
        case.other_staging.create(system="figo", value="IIIC")
        case.treatments.create(kind="surgery", name="Lumpectomy")
    client = api(world.coordinator)
    one = _queries(client, "/api/v1/cases/?page_size=1")
    fifty = _queries(client, "/api/v1/cases/?page_size=50")
    # the token with its user's memberships, the first 1,001 ids (the count and the page), and one statement for the
    # page's cases with the profile's lists and their audit rows (cases.api.case_reads); a read runs in no transaction
    # (no SAVEPOINT).
    assert one == fifty == 3, (one, fifty)
    # the token; the case with its audit row
    assert _queries(client, f"/api/v1/cases/{world.case.public_id}/") == 2
    assert AuditEvent.objects.filter(action="list", user=world.coordinator).count() == 51
