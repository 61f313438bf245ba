"""The trials pages (list, form), and where a case's trials show: the case page, the packet (HTML/PDF) and the
presenter view of run mode."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Biomarker, FollowUp, PacketVersion, PlanComponent, Trial
from cases.services import packets
from cases.services.meeting_packets import meeting_packet_content
from scheduling.models import AgendaItem
from tests.conftest import meeting_start
from tests.factories import CaseFactory, TrialFactory
from tests.pages.test_case_page import scheduled
from tests.pages.test_follow_up_page import due_plan
from tests.pages.test_packet_pages import visible_text
from tests.pages.test_presenter_page import running, url
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db

NOTICE = "May match — eligibility is decided by the study team."
FORM = {
    "identifier": "nct09999999",
    "title": "Synthetic study of drug Y",
    "phase": "3",
    "status": "open",
    "disease_sites": ["breast", "lung"],
    "stage_min": "II",
    "stage_max": "III",
    "ecog_max": "1",
    "age_min": "18",
    "req_name_1": "HER2",
    "req_result_1": "positive",
    "exc_name_2": "BRCA1",
    "exc_result_2": "positive",
    "contact": "Trial office",
}


def test_a_coordinator_adds_edits_and_deletes_a_trial_members_read(client, world):
    client.force_login(world.coordinator)
    assert client.get("/trials/new/").status_code == 200
    response = client.post("/trials/new/", FORM)
    assert (response.status_code, response["Location"]) == (302, "/trials/")
    trial = Trial.objects.get(institution=world.academic)
    assert (trial.identifier, trial.disease_sites, trial.stage_min, trial.ecog_max, trial.age_min, trial.age_max) == (
        "NCT09999999", ["breast", "lung"], "II", 1, 18, None,
    )  # fmt: skip
    assert trial.required_biomarkers == [{"name": "HER2", "result": "positive"}]
    assert trial.excluded_biomarkers == [{"name": "BRCA1", "result": "positive"}]
    edit = client.get(f"/trials/{trial.public_id}/").content.decode()
    assert 'value="NCT09999999"' in edit and '<option value="BRCA1" selected>' in edit
    response = client.post(f"/trials/{trial.public_id}/", {**FORM, "status": "suspended", "req_name_1": ""})
    assert response.status_code == 400  # a result without its biomarker
    assert "Please choose one of the options offered." in response.content.decode()
    response = client.post(f"/trials/{trial.public_id}/", {**FORM, "status": "suspended", "age_max": "10"})
    body = response.content.decode()
    assert response.status_code == 400 and "The maximum age is below the minimum." in body
    assert 'aria-invalid="true" aria-describedby="errors-age_max"' in body
    assert client.post(f"/trials/{trial.public_id}/", {**FORM, "status": "suspended"}).status_code == 302
    assert Trial.objects.get(pk=trial.pk).status == "suspended"
    client.force_login(world.member)
    listing = client.get("/trials/").content.decode()
    assert "NCT09999999" in listing and "Suspended" in listing and NOTICE in listing
    assert 'id="new-trial"' not in listing and f"/trials/{trial.public_id}/" not in listing
    assert client.get(f"/trials/{trial.public_id}/").status_code == 403
    assert client.get("/trials/new/").status_code == 403
    client.force_login(world.referrer)  # another institution's trial does not exist
    assert client.get(f"/trials/{trial.public_id}/").status_code == 404
    assert "NCT09999999" not in client.get("/trials/").content.decode()
    client.force_login(world.coordinator)
    assert client.post(f"/trials/{trial.public_id}/delete/").status_code == 302
    assert not Trial.objects.exists()
    actions = AuditEvent.objects.filter(object_type="cases.trial").order_by("id").values_list("action", flat=True)
    assert list(actions) == ["create", "update", "delete"]


def test_bad_form_input_is_refused_next_to_the_field(client, world):
    client.force_login(world.coordinator)
    TrialFactory(institution=world.academic, identifier="NCT09999999")
    response = client.post("/trials/new/", {**FORM, "req_name_1": "HER2", "req_result_1": "negative",
                                            "exc_name_2": "HER2", "exc_result_2": "negative"})  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 400
    assert "Your institution already lists a trial with this identifier." not in body  # the first refusal shown
    assert "Already listed in required_biomarkers." in body and 'id="errors-exc_name_2"' not in body
    response = client.post("/trials/new/", {**FORM, "identifier": "NCT1"})
    assert "An NCT number is NCT followed by 8 digits, e.g. NCT01234567." in response.content.decode()
    response = client.post("/trials/new/", FORM)
    assert "Your institution already lists a trial with this identifier." in response.content.decode()


def _trials_world(world):
    """The Breast board's case (breast, stage IIA, ECOG 0) and three open trials: one it may match, one it fails."""
    Biomarker.objects.create(case=world.case, name="HER2", result="positive")
    TrialFactory(institution=world.academic, identifier="BR-MATCH", title="HER2 study", required_biomarkers=[
        {"name": "HER2", "result": "positive"}], contact="Dr Trial, ext. 12")  # fmt: skip
    TrialFactory(institution=world.academic, identifier="BR-CHECK", title="First-line study", max_prior_lines=0)
    TrialFactory(institution=world.academic, identifier="LU-FAIL", title="Lung study", disease_sites=["lung"])


def test_the_case_page_shows_the_trials_it_may_match_and_the_others_apart(client, world, django_assert_num_queries):
    _trials_world(world)
    client.force_login(world.chair)
    with CaptureQueriesContext(connection) as three:
        page = client.get(f"/cases/{world.case.public_id}/")
    text = visible_text(page.content.decode())
    assert NOTICE in text
    start = text.index("Clinical trials")
    section = text[start : text.index("Packet", start)]
    assert "BR-MATCH — HER2 study" in section and "HER2 positive required met HER2 positive" in section
    assert "BR-CHECK — First-line study" in section and "1 to check" in section
    assert "No prior systemic therapy unknown no treatment history recorded" in section
    assert "1 open trial not matching" in section and "LU-FAIL — Lung study: Lung not met (Breast)" in section
    assert section.index("BR-MATCH") < section.index("BR-CHECK") < section.index("LU-FAIL")
    TrialFactory.create_batch(4, institution=world.academic)
    with django_assert_num_queries(len(three.captured_queries)):  # the institution's open trials: one query
        assert client.get(f"/cases/{world.case.public_id}/").status_code == 200


def test_the_packet_and_the_meeting_packet_list_the_trials(world, client, django_capture_on_commit_callbacks):
    _trials_world(world)
    with django_capture_on_commit_callbacks(execute=True):
        packets.packet_request(case=world.case)
    content = PacketVersion.objects.get(case=world.case).content
    assert content["trials"]["notice"] == NOTICE
    assert [t["identifier"] for t in content["trials"]["may_match"]] == ["BR-MATCH", "BR-CHECK"]
    assert [t["identifier"] for t in content["trials"]["not_matching"]] == ["LU-FAIL"]
    client.force_login(world.member)
    text = visible_text(client.get(f"/cases/{world.case.public_id}/packet/").content.decode())
    assert "Clinical trials the case may match" in text and NOTICE in text
    assert "BR-MATCH — HER2 study (Phase 2; contact: Dr Trial, ext. 12)" in text and "LU-FAIL" not in text


def test_the_meeting_packet_reads_the_trials_of_all_its_cases_in_one_query(world):
    meeting, items = running(world, n=1)
    TrialFactory(institution=world.academic, identifier="ANY")
    counts = []
    for n in (1, 3):
        while len(items) < n:
            case = CaseFactory(institution=world.academic, board=world.board, created_by=world.member, meeting=meeting)
            items.append(AgendaItem.objects.create(meeting=meeting, case=case, position=len(items) + 1, minutes=5))
        with CaptureQueriesContext(connection) as queries:
            content = meeting_packet_content(meeting)
        counts.append(len(queries))
        assert [[t["identifier"] for t in c["trials"]["may_match"]] for c in content["cases"]] == [["ANY"]] * n
    assert counts[0] == counts[1], counts


def test_the_presenter_view_lists_the_trials_the_case_may_match(client, world):
    meeting, items = running(world, n=2)  # each case HER2 positive, ER negative
    TrialFactory(institution=world.academic, identifier="BR-HER2", required_biomarkers=[
        {"name": "HER2", "result": "positive"}])  # fmt: skip
    TrialFactory(institution=world.academic, identifier="BR-ER", required_biomarkers=[
        {"name": "ER", "result": "positive"}])  # fmt: skip
    client.force_login(world.member)
    text = visible_text(client.get(url(meeting, items[1])).content.decode())
    section = text[text.index("Clinical trials") :]
    assert NOTICE in section and "BR-HER2" in section and "HER2 positive required met" in section
    assert "BR-ER" not in section  # not matching: not in run mode


def test_the_board_plan_form_offers_the_open_trials_and_records_the_reference(client, world):
    case, meeting = scheduled(world)
    meeting_start(meeting, by=world.coordinator)
    trial = TrialFactory(institution=world.academic, identifier="BR-REF", title="Referral study")
    TrialFactory(institution=world.academic, identifier="BR-SHUT", status="closed")
    foreign = TrialFactory(institution=world.community, identifier="OTHER-1")
    client.force_login(world.chair)
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert f'<option value="{trial.public_id}">BR-REF — Referral study</option>' in page
    assert "BR-SHUT" not in page.split('id="plans"')[1] and "OTHER-1" not in page
    form = {
        "kind": "board", "intent": "curative", "meeting": str(meeting.public_id), "consensus": "unanimous",
        "modality_1": "surgery", "detail_1": "lumpectomy", "modality_2": "clinical_trial",
        "trial_2": str(foreign.public_id),
    }  # fmt: skip
    refused = client.post(f"/cases/{case.public_id}/plans/", form)
    assert refused.status_code == 400 and "That choice is not available" in refused.content.decode()
    refused = client.post(f"/cases/{case.public_id}/plans/", {**form, "modality_2": "radiation_therapy",
                                                              "trial_2": str(trial.public_id)})  # fmt: skip
    assert "A trial belongs to a clinical_trial component, not to radiation_therapy." in refused.content.decode()
    response = client.post(f"/cases/{case.public_id}/plans/", {**form, "trial_2": str(trial.public_id)})
    assert response.status_code == 302, response.content.decode()[:500]
    component = PlanComponent.objects.get(plan__case=case, modality="clinical_trial")
    assert component.trial == trial
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "Clinical trial [trial BR-REF]" in page


def test_the_follow_through_worklist_records_an_enrolment_in_a_trial_the_plan_names(client, world):
    plan = due_plan(world)
    trial = TrialFactory(institution=world.academic, identifier="BR-ENROL")
    PlanComponent.objects.create(plan=plan, position=3, modality="clinical_trial", trial=trial)
    other = TrialFactory(institution=world.academic, identifier="BR-OTHER")
    client.force_login(world.coordinator)
    page = client.get("/follow-up/").content.decode()
    assert "Clinical trial [trial BR-ENROL]" in page
    assert f'<option value="{trial.public_id}">BR-ENROL' in page and "BR-OTHER" not in page
    form = {"plan": str(plan.public_id), "implemented": "yes", "enrolled_trial": str(other.public_id)}
    refused = client.post(f"/follow-up/{plan.case.public_id}/", form)
    assert refused.status_code == 400 and "That choice is not available" in refused.content.decode()
    done = client.post(f"/follow-up/{plan.case.public_id}/", {**form, "enrolled_trial": str(trial.public_id)})
    assert done.status_code == 302
    assert FollowUp.objects.get(plan=plan).enrolled_trial == trial
