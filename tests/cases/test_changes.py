"""Change tracking (SPEC §5.4): each board plan compared with the latest proposed plan and the previous board
plan, category by category, as a Celery task; the treating physician told without patient data."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from cases import tasks
from cases.lifecycle.recommendation import plan_record
from cases.models import Case, ChangeRecord, Plan
from cases.services.plan_changes import plan_changes_detect
from cases.services.reviews import review_record
from specialists.models import BoardRole, Specialty
from tests.cases.plan_helpers import BOARD, PROPOSED, discussed
from tests.conftest import wait_for
from tests.factories import MembershipFactory, UserFactory
from tumorboard.models import Notification

pytestmark = pytest.mark.django_db

SURGERY = {"modality": "surgery", "detail": "Lumpectomy"}
FOLFOX = {"modality": "systemic_therapy", "drugs": ["FOLFOX"]}


def plan(world, components, *, kind="proposed", intent="curative", user=None, **extra) -> Plan:
    data = {**(BOARD if kind == "board" else PROPOSED), "components": components, "intent": intent, **extra}
    user = user or (world.chair if kind == "board" else world.member)
    return plan_record(user=user, case=world.case, data=data)


def board(world, components, **extra) -> ChangeRecord:
    """Record the board plan and run the change detection as the task does; the record against the proposal."""
    recorded = plan(world, components, kind="board", **extra)
    plan_changes_detect(plan_id=recorded.pk)
    return ChangeRecord.objects.get(to_plan=recorded, basis="proposed")


@pytest.fixture
def discussed_case(world):
    return discussed(world)


def reviewer(world, specialty: str):
    user = UserFactory(institution=world.academic, specialty=specialty)
    MembershipFactory(user=user, board=world.board, role=BoardRole.MEMBER)
    return user


# --- Category by category ----------------------------------------------------------------------------------


def test_identical_plans_are_unchanged(world, discussed_case):
    plan(world, [SURGERY, FOLFOX])
    record = board(world, [SURGERY, FOLFOX])
    assert (record.changed, record.categories) == (False, [])
    assert record.summary == "The board's recommendation matches the proposed plan."
    assert record.board == world.board and record.decided_at == discussed_case.meeting.starts_at


def test_intent_changed(world, discussed_case):
    plan(world, [SURGERY])
    record = board(world, [SURGERY], intent="palliative")
    assert (record.changed, record.categories) == (True, ["intent_changed"])
    assert record.summary == "Intent changed from curative to palliative."


def test_modality_added(world, discussed_case):
    plan(world, [SURGERY])
    record = board(world, [SURGERY, {"modality": "radiation_therapy", "detail": "Whole-breast RT"}])
    assert record.categories == ["modality_added"] and record.summary == "Added radiation therapy."


def test_modality_removed(world, discussed_case):
    plan(world, [SURGERY, FOLFOX])
    record = board(world, [FOLFOX])
    assert record.categories == ["modality_removed"] and record.summary == "Removed surgery."


def test_regimen_changed(world, discussed_case):
    plan(world, [FOLFOX])
    record = board(world, [{"modality": "systemic_therapy", "drugs": ["FOLFIRI"]}])
    assert record.categories == ["regimen_changed"]
    assert record.summary == "Regimen changed from FOLFOX to FOLFIRI."


def test_the_same_regimen_written_as_its_drugs_is_unchanged(world, discussed_case):
    plan(world, [FOLFOX])
    record = board(world, [{"modality": "systemic_therapy", "drugs": ["Oxaliplatin", "5-FU", "leucovorin"]}])
    assert (record.changed, record.categories) == (False, [])


def test_a_different_carboplatin_auc_is_a_regimen_change(world, discussed_case):
    plan(world, [{"modality": "systemic_therapy", "drugs": ["carboplatin", "paclitaxel"], "target_auc": 5}])
    record = board(world, [{"modality": "systemic_therapy", "drugs": ["carboplatin", "paclitaxel"], "target_auc": 6}])
    assert record.categories == ["regimen_changed"]
    assert record.summary == "Carboplatin target AUC changed from 5 to 6."


def test_unknown_drug_names_are_compared_as_written(world, discussed_case):
    plan(world, [{"modality": "systemic_therapy", "drugs": ["Investigational agent XR-17"]}])
    same = board(world, [{"modality": "systemic_therapy", "drugs": ["investigational  agent xr-17"]}])
    assert same.changed is False
    other = board(world, [{"modality": "systemic_therapy", "drugs": ["Investigational agent XR-18"]}])
    assert other.categories == ["regimen_changed"]


def test_trial_referral(world, discussed_case):
    plan(world, [FOLFOX])
    record = board(world, [FOLFOX, {"modality": "clinical_trial", "detail": "NCT01234567"}])
    assert record.categories == ["trial_referral"]  # its own category, not "modality_added"
    assert record.summary == "Added clinical trial."


def test_diagnostics_requested(world, discussed_case):
    plan(world, [SURGERY])
    record = board(world, [SURGERY, {"modality": "further_diagnostics", "detail": "Breast MRI"}])
    assert record.categories == ["diagnostics_requested"]


def test_pathology_revised_by_a_re_read_between_the_plans(world, discussed_case):
    Case.objects.filter(pk=world.case.pk).update(grade="G2")
    plan(world, [SURGERY])
    review_record(
        user=reviewer(world, Specialty.PATHOLOGY),
        case=world.case,
        kind="pathology_reread",
        findings="High mitotic count on review.",
        revisions=[{"field": "grade", "revised": "G3", "reason": "Mitoses 25/10 HPF."}],
    )
    record = board(world, [SURGERY])
    assert (record.changed, record.categories) == (True, ["pathology_revised"])
    assert record.summary == "Grade revised from G2 to G3."


def test_staging_revised_by_an_imaging_re_read(world, discussed_case):
    Case.objects.filter(pk=world.case.pk).update(clinical_n="N0")
    plan(world, [SURGERY])
    review_record(
        user=reviewer(world, Specialty.RADIOLOGY),
        case=world.case,
        kind="imaging_reread",
        findings="Two suspicious axillary nodes.",
        revisions=[{"field": "clinical_n", "revised": "N1", "reason": "Cortical thickening, 2 nodes."}],
    )
    record = board(world, [SURGERY, {"modality": "radiation_therapy"}])
    assert record.categories == ["modality_added", "staging_revised"]
    assert record.summary == "Added radiation therapy. Clinical N revised from N0 to N1."


def test_a_revision_before_the_proposed_plan_was_known_to_the_presenter(world, discussed_case):
    review_record(
        user=reviewer(world, Specialty.PATHOLOGY),
        case=world.case,
        kind="pathology_reread",
        findings="Lobular, not ductal.",
        revisions=[{"field": "histology", "revised": "Invasive lobular carcinoma", "reason": "E-cadherin negative."}],
    )
    plan(world, [SURGERY])
    assert board(world, [SURGERY]).changed is False


def test_several_categories_at_once(world, discussed_case):
    plan(world, [SURGERY, FOLFOX])
    record = board(
        world,
        [{"modality": "systemic_therapy", "drugs": ["FOLFIRINOX"]}, {"modality": "palliative_care"}],
        intent="palliative",
    )
    assert record.categories == ["intent_changed", "modality_added", "modality_removed", "regimen_changed"]


# --- Bases, versions, idempotency ----------------------------------------------------------------------------


def test_the_latest_proposed_version_is_the_basis(world, discussed_case):
    plan(world, [SURGERY])
    latest = plan(world, [SURGERY, FOLFOX])
    record = board(world, [SURGERY, FOLFOX])
    assert record.from_plan == latest and record.changed is False


def test_a_second_board_plan_is_compared_with_the_first_too(world, discussed_case):
    plan(world, [SURGERY])
    board(world, [SURGERY])
    second = plan(world, [SURGERY, {"modality": "radiation_therapy"}], kind="board")
    plan_changes_detect(plan_id=second.pk)
    records = {r.basis: r for r in ChangeRecord.objects.filter(to_plan=second)}
    assert set(records) == {"proposed", "previous_board"}
    assert records["previous_board"].from_plan.version == 1 and records["previous_board"].from_plan.kind == "board"
    assert records["previous_board"].categories == ["modality_added"]
    assert records["proposed"].categories == ["modality_added"]


def test_the_record_credits_the_board_that_decided(world, discussed_case):
    plan(world, [SURGERY])
    recorded = plan(world, [SURGERY], kind="board")
    Case.objects.filter(pk=world.case.pk).update(board=world.other_board)  # moved before the task ran
    (record,) = plan_changes_detect(plan_id=recorded.pk)
    assert record.board == world.board == discussed_case.meeting.board


def test_nothing_to_compare_with(world, discussed_case):
    recorded = plan(world, [SURGERY], kind="board")
    (record,) = plan_changes_detect(plan_id=recorded.pk)
    assert (record.basis, record.from_plan, record.changed, record.categories) == ("none", None, False, [])


def test_detection_is_idempotent_and_ignores_proposed_and_missing_plans(world, discussed_case):
    proposal = plan(world, [SURGERY])
    recorded = plan(world, [FOLFOX], kind="board")
    assert len(plan_changes_detect(plan_id=recorded.pk)) == 1
    assert plan_changes_detect(plan_id=recorded.pk) == []
    assert plan_changes_detect(plan_id=proposal.pk) == []
    assert plan_changes_detect(plan_id=10**9) == []
    assert ChangeRecord.objects.count() == 1
    assert Notification.objects.filter(kind="board_recommendation").count() == 1


def test_the_treating_physician_is_told_without_patient_data(world, discussed_case, django_capture_on_commit_callbacks):
    physician = UserFactory(institution=world.academic, specialty=Specialty.MEDICAL_ONCOLOGY)
    Case.objects.filter(pk=world.case.pk).update(treating_physician=physician)
    plan(world, [SURGERY])
    with django_capture_on_commit_callbacks(execute=True):  # the task runs eagerly once the plan is committed
        response = world.client(world.chair).post(
            f"/api/v1/cases/{world.case.public_id}/plans/", {**BOARD, "components": [SURGERY]}, format="json"
        )
    assert response.status_code == 201
    assert ChangeRecord.objects.filter(to_plan__public_id=response.json()["id"]).count() == 1
    (message,) = [m for m in mail.outbox if "recommendation" in m.subject]
    assert message.to == [physician.email]
    patient = world.case.patient
    for text in (message.subject, message.body):
        assert patient.name not in text and patient.mrn not in text and world.case.question not in text
    assert f"/cases/{world.case.public_id}/" in message.body


def test_the_changes_endpoint(world, discussed_case):
    plan(world, [SURGERY])
    record = board(world, [SURGERY], intent="disease_control")
    client = world.client(world.member)
    body = client.get(f"/api/v1/cases/{world.case.public_id}/changes/").json()
    assert body["count"] == 1
    (item,) = body["results"]
    assert item["id"] == str(record.public_id)
    assert item["from_plan"] == str(record.from_plan.public_id) and item["to_plan"] == str(record.to_plan.public_id)
    assert (item["basis"], item["changed"], item["categories"]) == ("proposed", True, ["intent_changed"])
    assert item["summary"] == "Intent changed from curative to disease_control."
    assert {"decided_at", "detected_at"} <= set(item)
    assert world.client(world.other_member).get(f"/api/v1/cases/{world.case.public_id}/changes/").status_code == 404
    assert client.post(f"/api/v1/cases/{world.case.public_id}/changes/", {}, format="json").status_code == 405


def test_the_sweep_finishes_what_a_lost_message_left(world, discussed_case, settings):
    """The plan commits first; its message is lost (never sent); the sweep re-enqueues it after the delay."""
    plan(world, [SURGERY])
    recorded = plan(world, [SURGERY, FOLFOX], kind="board")  # no on-commit execution here: the message is "lost"
    assert not ChangeRecord.objects.exists()
    settings.CHANGES_STALE_SECONDS = 300
    assert tasks.plan_changes_sweep() == 0  # too recent: its message may still be on its way
    Plan.objects.filter(case=world.case).update(created_at=timezone.now() - datetime.timedelta(minutes=6))
    assert tasks.plan_changes_sweep() == 1  # eager in tests: the detection ran
    assert ChangeRecord.objects.get(to_plan=recorded).categories == ["modality_added"]
    assert tasks.plan_changes_sweep() == 0


@pytest.mark.worker
def test_change_detection_runs_on_a_real_worker(celery_worker, world):
    discussed(world)
    plan(world, [SURGERY])
    response = world.client(world.chair).post(
        f"/api/v1/cases/{world.case.public_id}/plans/", {**BOARD, "components": [SURGERY, FOLFOX]}, format="json"
    )
    assert response.status_code == 201
    record = wait_for(
        lambda: ChangeRecord.objects.filter(to_plan__public_id=response.json()["id"]).first(),
        message="the worker to store the change record",
    )
    assert (record.basis, record.categories) == ("proposed", ["modality_added"])
    log = celery_worker.log_path.read_text()
    assert "plan_changes_detect" in log and "succeeded" in log
    assert world.case.patient.name not in log and world.case.patient.mrn not in log
