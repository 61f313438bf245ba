"""/api/v1/trials/, /api/v1/cases/{id}/trials/, a board plan's trial reference, enrolment and /analytics/trials/."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.lifecycle.recommendation import plan_record
from cases.models import Biomarker, Trial
from tests.cases.plan_helpers import BOARD, discussed, on_agenda
from tests.factories import CaseFactory, TrialFactory
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db

FULL = {
    "identifier": "nct01234567",
    "title": "Synthetic phase 2 study of drug X in HER2-positive breast cancer",
    "phase": "2",
    "disease_sites": ["breast"],
    "stage_min": "II",
    "stage_max": "IV",
    "min_prior_lines": None,
    "max_prior_lines": 2,
    "required_biomarkers": [{"name": "HER2", "result": "positive"}],
    "excluded_biomarkers": [{"name": "BRCA1", "result": "positive"}],
    "ecog_max": 1,
    "age_min": 18,
    "age_max": 80,
    "contact": "Study nurse, ext. 4321",
}


def errors(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def test_a_coordinator_keeps_the_institution_s_trials_audited(world):
    client = world.client(world.coordinator)
    response = client.post("/api/v1/trials/", FULL, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["identifier"] == "NCT01234567"  # an NCT number is upper-cased
    assert body["institution"] == str(world.academic.public_id) and body["status"] == "open"
    assert {k: body[k] for k in FULL if k != "identifier"} == {k: v for k, v in FULL.items() if k != "identifier"}
    url = f"/api/v1/trials/{body['id']}/"
    patched = client.patch(url, {"status": "suspended", "ecog_max": 2}, format="json")
    assert (patched.status_code, patched.json()["status"], patched.json()["ecog_max"]) == (200, "suspended", 2)
    assert world.client(world.member).get(url).json()["status"] == "suspended"  # members read
    assert world.client(world.member).patch(url, {"status": "open"}, format="json").status_code == 403
    assert client.delete(url).status_code == 204
    events = AuditEvent.objects.filter(object_type="cases.trial", object_id=body["id"]).order_by("id")
    assert [(e.action, e.user_id) for e in events] == [
        (a, world.coordinator.pk) for a in ("create", "update", "delete")
    ]
    assert events[1].detail == {"fields": ["ecog_max", "status"]}


BAD = [
    ({"identifier": "NCT123"}, "identifier", "An NCT number is NCT followed by 8 digits, e.g. NCT01234567."),
    ({"identifier": "  "}, "identifier", "This field may not be blank."),
    (
        {"identifier": "ab$%"},
        "identifier",
        "A local id is letters, digits, spaces and . _ / - (at most 32 characters).",
    ),
    ({"stage_min": "IV", "stage_max": "II"}, "stage_max", "The highest stage is below the lowest."),
    ({"age_min": 60, "age_max": 40}, "age_max", "The maximum age is below the minimum."),
    ({"min_prior_lines": 3, "max_prior_lines": 1}, "max_prior_lines", "The maximum prior lines is below the minimum."),
    ({"ecog_max": 5}, "ecog_max", "Ensure this value is less than or equal to 4."),
    ({"phase": "5"}, "phase", '"5" is not a valid choice.'),
    ({"phase": 2}, "phase", '"2" is not a valid choice.'),  # the code "2" is text, not the number 2
    ({"stage_max": 0}, "stage_max", '"0" is not a valid choice.'),
    ({"disease_sites": ["spleen"]}, "disease_sites[0]", '"spleen" is not a valid choice.'),
    (
        {"required_biomarkers": [{"name": "XYZ", "result": "positive"}]},
        "required_biomarkers[0].name",
        '"XYZ" is not a valid choice.',
    ),
    (
        {"excluded_biomarkers": [{"name": "HER2", "result": "positive"}]},
        "excluded_biomarkers[0]",
        "Already listed in required_biomarkers.",
    ),
    ({"title": 5}, "title", "Must be text (a JSON string), not a number, true/false or a list."),
]


@pytest.mark.parametrize(("change", "field", "message"), BAD, ids=[b[1] + ":" + b[2][:20] for b in BAD])
def test_bad_input_is_a_400_naming_the_field(world, change, field, message):
    response = world.client(world.coordinator).post("/api/v1/trials/", {**FULL, **change}, format="json")
    assert response.status_code == 400, response.content
    assert errors(response) == {field: message}
    assert not Trial.objects.exists()


def test_identifiers_are_unique_per_institution_and_local_ids_are_allowed(world):
    client = world.client(world.coordinator)
    assert client.post("/api/v1/trials/", {**FULL, "identifier": "BR-2026/04"}, format="json").status_code == 201
    again = client.post("/api/v1/trials/", {**FULL, "identifier": "BR-2026/04"}, format="json")
    assert errors(again) == {"identifier": "Your institution already lists a trial with this identifier."}
    TrialFactory(identifier="NCT01234567")  # another institution lists it too: no clash
    assert client.post("/api/v1/trials/", FULL, format="json").status_code == 201


def test_another_institution_s_trial_does_not_exist_for_you(world):
    foreign = TrialFactory(institution=world.community)
    mine = TrialFactory(institution=world.academic)
    coordinator = world.client(world.coordinator)
    url = f"/api/v1/trials/{foreign.public_id}/"
    for method in ("get", "patch", "delete"):
        response = getattr(coordinator, method)(url, {"status": "closed"}, format="json")
        assert response.status_code == 404, method
    listed = coordinator.get("/api/v1/trials/").json()["results"]
    assert [t["id"] for t in listed] == [str(mine.public_id)]
    assert world.client(world.referrer).get(f"/api/v1/trials/{mine.public_id}/").status_code == 404
    assert world.client(world.referrer).get(f"/api/v1/trials/{foreign.public_id}/").status_code == 200
    # a referrer is no coordinator: they add no trial, not even to their own hospital
    assert world.client(world.referrer).post("/api/v1/trials/", FULL, format="json").status_code == 403
    assert Trial.objects.get(pk=foreign.pk).status == "open"


def test_the_list_costs_the_same_at_1_and_at_20_trials(world, django_assert_num_queries):
    client = world.client(world.member)
    TrialFactory(institution=world.academic)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/api/v1/trials/").json()["count"] == 1
    TrialFactory.create_batch(19, institution=world.academic)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get("/api/v1/trials/?page_size=100").json()["count"] == 20


def test_a_case_shows_the_trials_it_may_match_criterion_by_criterion(world, django_assert_num_queries):
    case = world.case  # breast, stage IIA, ECOG 0, board of the academic center
    Biomarker.objects.create(case=case, name="HER2", result="positive")
    match = TrialFactory(
        institution=world.academic, identifier="A-MATCH", required_biomarkers=FULL["required_biomarkers"]
    )
    unsure = TrialFactory(institution=world.academic, identifier="B-UNSURE", max_prior_lines=0)
    fails = TrialFactory(institution=world.academic, identifier="C-FAILS", stage_min="IV")
    TrialFactory(institution=world.academic, identifier="D-CLOSED", status="closed")
    TrialFactory(institution=world.community, identifier="E-FOREIGN")
    client = world.client(world.chair)
    url = f"/api/v1/cases/{case.public_id}/trials/"
    with django_assert_num_queries(QUERIES_CASE_TRIALS):
        body = client.get(url).json()
    assert body["notice"] == "May match — eligibility is decided by the study team."
    assert [(m["trial"]["identifier"], m["unknown"]) for m in body["may_match"]] == [("A-MATCH", 0), ("B-UNSURE", 1)]
    assert body["may_match"][0]["criteria"] == [
        {"name": "disease_site", "label": "Breast", "outcome": "met", "detail": "Breast"},
        {"name": "biomarker.HER2", "label": "HER2 positive required", "outcome": "met", "detail": "HER2 positive"},
    ]
    assert body["may_match"][1]["criteria"][1] == {
        "name": "prior_lines",
        "label": "No prior systemic therapy",
        "outcome": "unknown",
        "detail": "no treatment history recorded",
    }
    assert [(m["trial"]["id"], [c["outcome"] for c in m["criteria"]]) for m in body["not_matching"]] == [
        (str(fails.public_id), ["met", "not_met"])
    ]
    assert {str(match.public_id), str(unsure.public_id)} == {m["trial"]["id"] for m in body["may_match"]}
    read = AuditEvent.objects.filter(action="read", patient_id=case.patient_id).latest("id")
    assert read.detail == {"view": "trial matches"}
    TrialFactory.create_batch(5, institution=world.academic)
    with django_assert_num_queries(QUERIES_CASE_TRIALS):
        assert len(client.get(url).json()["may_match"]) == 7
    assert world.client(world.other_member).get(url).status_code == 404


QUERIES_CASE_TRIALS = (
    5  # the token with its memberships, the case and its profile lists (2), the open trials, the audit row
)


def _trial_plan(world, trial, modality="clinical_trial"):
    component = {"modality": modality, "detail": "Refer to the study team", "trial": str(trial.public_id)}
    return {**BOARD, "components": [BOARD["components"][0], component]}


def test_a_board_plan_refers_to_a_trial_enrolment_is_followed_through_and_analytics_count_both(world):
    trial = TrialFactory(institution=world.academic, identifier="NCT00000001")
    other = TrialFactory(institution=world.academic, identifier="NCT00000002")
    foreign = TrialFactory(institution=world.community)
    second = CaseFactory(institution=world.academic, board=world.board, created_by=world.member)
    on_agenda(world, second)
    discussed(world)
    plans = f"/api/v1/cases/{world.case.public_id}/plans/"
    chair = world.client(world.chair)
    bad = chair.post(plans, _trial_plan(world, trial, modality="surgery"), format="json")
    assert errors(bad) == {"components[1].trial": "A trial belongs to a clinical_trial component, not to surgery."}
    bad = chair.post(plans, _trial_plan(world, foreign), format="json")
    assert errors(bad) == {"components[1].trial": f"Object with public_id={foreign.public_id} does not exist."}
    with pytest.raises(ValidationError, match="Not a trial of the institution whose board discusses the case"):
        plan_record(user=world.chair, case=world.case, data={**BOARD, "components": [{**TRIAL, "trial": foreign}]})
    response = chair.post(plans, _trial_plan(world, trial), format="json")
    assert response.status_code == 201, response.content
    assert [c["trial"] for c in response.json()["components"]] == [None, str(trial.public_id)]
    # a proposed plan naming a trial is no referral
    proposed = {**BOARD, "kind": "proposed", "consensus": "", "components": [{**TRIAL, "trial": other}]}
    plan_record(user=world.chair, case=world.case, data=proposed)
    follow = f"/api/v1/cases/{world.case.public_id}/follow-up/"
    coordinator = world.client(world.coordinator)
    refused = coordinator.post(follow, {"implemented": "yes", "enrolled_trial": str(other.public_id)}, format="json")
    assert errors(refused) == {"enrolled_trial": "Not a trial this board recommendation refers the patient to."}
    refused = coordinator.post(follow, {"implemented": "yes", "enrolled_trial": str(foreign.public_id)}, format="json")
    assert errors(refused) == {"enrolled_trial": f"Object with public_id={foreign.public_id} does not exist."}
    refused = coordinator.post(
        follow, {"implemented": "no", "reason": "patient_choice", "enrolled_trial": str(trial.public_id)}, format="json"
    )
    assert errors(refused) == {"enrolled_trial": "An enrolment carries the recommendation out: yes or partial."}
    done = coordinator.post(follow, {"implemented": "yes", "enrolled_trial": str(trial.public_id)}, format="json")
    assert (done.status_code, done.json()["enrolled_trial"]) == (201, str(trial.public_id))
    # a second case of the board referred, not enrolled
    plan_record(
        user=world.chair, case=second, data=_trial_plan(world, trial) | {"components": [{**TRIAL, "trial": trial}]}
    )
    figures = {f["trial"]["identifier"]: (f["referrals"], f["enrolments"]) for f in _analytics(world, world.chair)}
    assert figures == {"NCT00000001": (2, 1), "NCT00000002": (0, 0)}
    # over the cases the user sees: the Thoracic board's member sees neither case
    figures = {
        f["trial"]["identifier"]: (f["referrals"], f["enrolments"]) for f in _analytics(world, world.other_member)
    }
    assert figures == {"NCT00000001": (0, 0), "NCT00000002": (0, 0)}
    assert _analytics(world, world.referrer) == [
        {"trial": {"id": str(foreign.public_id), "identifier": foreign.identifier, "title": foreign.title,
                   "phase": "2", "contact": ""}, "status": "open", "referrals": 0, "enrolments": 0}
    ]  # fmt: skip
    refused = world.client(world.coordinator).delete(f"/api/v1/trials/{trial.public_id}/")
    assert (refused.status_code, refused.json()["errors"][0]["code"]) == (409, "trial_referenced")


TRIAL = {"modality": "clinical_trial", "detail": "Screening visit"}


def _analytics(world, user) -> list[dict]:
    response = world.client(user).get("/api/v1/analytics/trials/")
    assert response.status_code == 200
    return response.json()
