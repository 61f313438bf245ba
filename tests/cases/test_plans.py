"""Plan versions (SPEC §5.4): proposed and board plans, immutable, with the case moved along by the service."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case, CaseTransition, Plan
from scheduling.models import AgendaItem, Attendance, Meeting
from specialists.models import BoardRole, Specialty
from tests.cases.plan_helpers import BOARD, PROPOSED, discussed, in_meeting, on_agenda
from tests.conftest import at_once
from tests.factories import MeetingFactory, MembershipFactory, UserFactory
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db


def plans_url(case) -> str:
    return f"/api/v1/cases/{case.public_id}/plans/"


def post(world, user, payload, case=None):
    return world.client(user).post(plans_url(case or world.case), payload, format="json")


def errors(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


# --- Proposed plans ----------------------------------------------------------------------------------------


def test_a_member_proposes_a_plan_and_a_new_version_supersedes_it(world):
    first = post(world, world.member, PROPOSED)
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["kind"], body["version"], body["current"]) == ("proposed", 1, True)
    assert [c["modality"] for c in body["components"]] == ["surgery", "systemic_therapy"]
    assert body["components"][1]["drugs"] == ["AC-T"]
    assert body["consensus"] == "" and body["meeting"] is None and body["quorum_met"] is None
    second = post(world, world.chair, {**PROPOSED, "intent": "disease_control"})
    assert second.json()["version"] == 2
    listed = world.client(world.member).get(plans_url(world.case)).json()["results"]
    assert [(p["version"], p["current"], p["intent"]) for p in listed] == [
        (1, False, "curative"),
        (2, True, "disease_control"),
    ]
    assert Case.objects.get(pk=world.case.pk).status == "draft"  # a proposal moves nothing


def test_a_proposed_plan_carries_no_board_fields(world):
    response = post(world, world.member, {**PROPOSED, "consensus": "unanimous", "dissent": "x"})
    assert response.status_code == 400
    assert set(errors(response)) == {"consensus", "dissent"}
    assert not Plan.objects.exists()


def test_the_referrer_proposes_on_their_own_case_and_nobody_else_sees_it(world):
    assert post(world, world.referrer, PROPOSED, world.community_case).status_code == 201
    assert post(world, world.referrer2, PROPOSED, world.community_case).status_code == 404
    assert world.client(world.member).get(plans_url(world.community_case)).status_code == 404


# --- Bad input ---------------------------------------------------------------------------------------------

BAD_COMPONENTS = [
    ([{"modality": "chemo"}], "components[0].modality", '"chemo" is not a valid choice.'),
    (
        [{"modality": "surgery", "drugs": ["capecitabine"]}],
        "components[0].drugs",
        "Drugs belong to a systemic_therapy component, not to surgery.",
    ),
    (
        [{"modality": "surgery"}, {"modality": "radiation_therapy", "drugs": ["cisplatin"]}],
        "components[1].drugs",
        "Drugs belong to a systemic_therapy component, not to radiation_therapy.",
    ),
    (
        [{"modality": "systemic_therapy", "drugs": ["paclitaxel"], "target_auc": 5}],
        "components[0].target_auc",
        "A target AUC is given for carboplatin only.",
    ),
    (
        [{"modality": "systemic_therapy", "drugs": ["carboplatin"], "target_auc": 12}],
        "components[0].target_auc",
        "Ensure this value is less than or equal to 10.",
    ),
    (
        [{"modality": "surgery", "detail": "lumpectomy", "dose_mg_m2": 60}],
        "components[0].dose_mg_m2",
        "A dose and cycles belong to a systemic_therapy component, not to surgery.",
    ),
    (
        [{"modality": "systemic_therapy", "drugs": ["AC"], "dose_mg_m2": 60, "cycles": 0}],
        "components[0].cycles",
        "Ensure this value is greater than or equal to 1.",
    ),
    (
        [{"modality": "systemic_therapy", "drugs": ["AC"], "dose_mg_m2": -60, "cycles": 4}],
        "components[0].dose_mg_m2",
        "Ensure this value is greater than or equal to 0.01.",
    ),
    ([], "components", "This list may not be empty."),
]


@pytest.mark.parametrize(("components", "field", "message"), BAD_COMPONENTS, ids=[b[1] for b in BAD_COMPONENTS])
def test_bad_components_are_a_400_naming_the_field(world, components, field, message):
    response = post(world, world.member, {**PROPOSED, "components": components})
    assert response.status_code == 400
    assert errors(response) == {field: message}
    assert not Plan.objects.exists()


def test_dose_per_cycle_and_cycles_are_recorded_and_shown(world):
    ac = {"modality": "systemic_therapy", "detail": "adjuvant", "drugs": ["AC"], "dose_mg_m2": 60, "cycles": 4}
    components = [ac]
    response = post(world, world.member, {**PROPOSED, "components": components})
    assert response.status_code == 201, response.content
    assert response.json()["components"][0] | {"target_auc": None} == {
        "modality": "systemic_therapy",
        "detail": "adjuvant",
        "drugs": ["AC"],
        "target_auc": None,
        "dose_mg_m2": 60.0,
        "cycles": 4,
        "trial": None,  # a clinical_trial component's trial (tests/cases/test_trials_api.py)
    }
    component = Plan.objects.get().components.get()
    assert component.text == "Systemic therapy: adjuvant (AC; 60 mg/m² x 4 cycles)"


def test_a_target_auc_is_accepted_for_a_regimen_containing_carboplatin(world):
    components = [{"modality": "systemic_therapy", "drugs": ["TCHP"], "target_auc": 6}]
    response = post(world, world.member, {**PROPOSED, "components": components})
    assert response.status_code == 201, response.content
    assert response.json()["components"][0]["target_auc"] == 6


def test_an_unknown_kind_and_intent_are_400(world):
    response = post(world, world.member, {**PROPOSED, "kind": "final", "intent": "cure"})
    assert set(errors(response)) == {"kind", "intent"}


# --- Board plans -------------------------------------------------------------------------------------------


def test_the_chair_records_the_board_plan_and_the_case_becomes_recommended(world):
    item = discussed(world)
    response = post(world, world.chair, {**BOARD, "consensus": "majority", "dissent": "Radiation first."})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["kind"], body["version"], body["consensus"]) == ("board", 1, "majority")
    assert body["dissent"] == "Radiation first."
    assert body["meeting"] == str(item.meeting.public_id)
    case = Case.objects.get(pk=world.case.pk)
    assert case.status == "recommended"
    last = CaseTransition.objects.filter(case=case).latest("id")
    assert (last.from_status, last.to_status, last.action) == ("discussed", "recommended", "recommend")
    assert last.by == world.chair
    created = AuditEvent.objects.filter(object_type="cases.plan", object_id=body["id"], action="create")
    assert created.get().user == world.chair


def test_a_plain_member_gets_403_and_another_board_404(world):
    discussed(world)
    denied = post(world, world.member, BOARD)
    assert denied.status_code == 403
    assert denied.json()["errors"][0]["message"] == (
        "Only the board's chair or coordinators record the board's recommendation."
    )
    assert post(world, world.other_member, BOARD).status_code == 404
    assert not Plan.objects.exists()
    assert Case.objects.get(pk=world.case.pk).status == "discussed"


def test_a_board_plan_without_consensus_is_a_400(world):
    discussed(world)
    for payload in ({**BOARD, "consensus": ""}, {k: v for k, v in BOARD.items() if k != "consensus"}):
        response = post(world, world.chair, payload)
        assert response.status_code == 400
        assert errors(response) == {"consensus": "The board's recommendation records its consensus."}
    response = post(world, world.chair, {**BOARD, "dissent": "I disagree."})
    assert errors(response) == {"dissent": "A unanimous recommendation has no dissent."}
    assert not Plan.objects.exists()
    assert Case.objects.get(pk=world.case.pk).status == "discussed"


def test_recording_the_plan_during_the_meeting_presents_the_case(world):
    item = in_meeting(world)
    response = post(world, world.coordinator, BOARD)
    assert response.status_code == 201, response.content
    item.refresh_from_db()
    assert item.status == "presented"
    actions = list(CaseTransition.objects.filter(case=world.case).order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["discuss", "recommend"]


@pytest.mark.parametrize("status", ["draft", "submitted", "info_requested", "deferred"])
def test_a_board_plan_before_the_board_discussed_the_case_is_a_409(world, status):
    Case.objects.filter(pk=world.case.pk).update(status=status)
    response = post(world, world.chair, BOARD)
    assert response.status_code == 409
    assert Case.objects.get(pk=world.case.pk).status == status and not Plan.objects.exists()


def test_a_board_plan_for_a_case_whose_meeting_has_not_started_is_a_409(world):
    on_agenda(world)
    response = post(world, world.chair, BOARD)
    assert response.status_code == 409
    assert response.json()["errors"][0]["message"] == "Cases are presented while the meeting is in progress."
    assert Case.objects.get(pk=world.case.pk).status == "scheduled" and not Plan.objects.exists()


@pytest.mark.parametrize("status", ["closed", "withdrawn"])
def test_no_plan_on_a_closed_case(world, status):
    Case.objects.filter(pk=world.case.pk).update(status=status)
    assert post(world, world.member, PROPOSED).status_code == 409
    assert post(world, world.chair, BOARD).status_code == 409


def test_the_meeting_must_be_one_that_discussed_the_case(world):
    item = discussed(world)
    foreign = Meeting.objects.filter(board=world.other_board).first()
    response = post(world, world.chair, {**BOARD, "meeting": str(foreign.public_id)})
    assert errors(response) == {"meeting": f"Object with public_id={foreign.public_id} does not exist."}
    later = MeetingFactory(board=world.board)
    response = post(world, world.chair, {**BOARD, "meeting": str(later.public_id)})
    assert errors(response) == {"meeting": "The case was not presented at this meeting."}
    response = post(world, world.chair, {**BOARD, "meeting": str(item.meeting.public_id)})
    assert response.status_code == 201


def test_specialties_present_and_quorum_come_from_the_meeting(world):
    world.board.required_specialties = [Specialty.MEDICAL_ONCOLOGY, Specialty.SURGICAL_ONCOLOGY, Specialty.PATHOLOGY]
    world.board.save()
    item = discussed(world)
    for user in (world.member, world.chair):
        Attendance.objects.create(meeting=item.meeting, user=user, present=True)
    body = post(world, world.chair, BOARD).json()
    assert body["specialties_present"] == ["medical_oncology", "surgical_oncology"]
    assert body["quorum_met"] is False  # no pathologist
    pathologist = UserFactory(institution=world.academic, specialty=Specialty.PATHOLOGY)
    MembershipFactory(user=pathologist, board=world.board, role=BoardRole.MEMBER)
    Attendance.objects.create(meeting=item.meeting, user=pathologist, present=True)
    body = post(world, world.chair, BOARD).json()
    assert body["version"] == 2 and body["quorum_met"] is True
    assert body["specialties_present"] == ["medical_oncology", "surgical_oncology", "pathology"]


def test_specialties_present_given_for_the_case_decide_the_quorum(world):
    world.board.required_specialties = [Specialty.MEDICAL_ONCOLOGY, Specialty.RADIATION_ONCOLOGY]
    world.board.save()
    discussed(world)
    given = ["radiation_oncology", "medical_oncology", "medical_oncology"]
    body = post(world, world.chair, {**BOARD, "specialties_present": given}).json()
    assert body["specialties_present"] == ["medical_oncology", "radiation_oncology"] and body["quorum_met"] is True
    response = post(world, world.chair, {**BOARD, "specialties_present": ["oncology"]})
    assert errors(response) == {"specialties_present[0]": '"oncology" is not a valid choice.'}


def test_a_new_board_version_supersedes_and_the_case_stays_recommended(world):
    discussed(world)
    post(world, world.chair, BOARD)
    second = post(world, world.coordinator, {**BOARD, "intent": "palliative"})
    assert second.status_code == 201 and second.json()["version"] == 2
    listed = world.client(world.member).get(plans_url(world.case)).json()["results"]
    assert [(p["kind"], p["version"], p["current"]) for p in listed] == [("board", 1, False), ("board", 2, True)]
    assert Case.objects.get(pk=world.case.pk).status == "recommended"
    assert CaseTransition.objects.filter(case=world.case, action="recommend").count() == 1


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_a_plan_is_never_edited_or_deleted(world, method):
    plan_id = post(world, world.member, PROPOSED).json()["id"]
    url = f"{plans_url(world.case)}{plan_id}/"
    response = getattr(world.client(world.member), method)(url, PROPOSED, format="json")
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "method_not_allowed"
    plan = Plan.objects.get(public_id=plan_id)
    assert (plan.intent, plan.components.count()) == ("curative", 2)


def test_reads_are_audited(world):
    plan_id = post(world, world.member, PROPOSED).json()["id"]
    world.client(world.chair).get(plans_url(world.case))
    world.client(world.chair).get(f"{plans_url(world.case)}{plan_id}/")
    reads = AuditEvent.objects.filter(user=world.chair, object_type="cases.plan", object_id=plan_id)
    assert sorted(reads.values_list("action", flat=True)) == ["list", "read"]
    assert reads.first().patient_id == world.case.patient_id


def test_the_plan_list_costs_the_same_at_any_size(world):
    client = world.client(world.member)
    counts = []
    for n in (1, 6):
        while Plan.objects.filter(case=world.case).count() < n:
            post(world, world.member, PROPOSED)
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(plans_url(world.case) + "?page_size=100").json()["results"]) == n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def test_the_packet_shows_the_plans(world):
    """The packet is rebuilt when a plan is recorded (it exists once the case is on a meeting)."""
    from cases.services import packets

    item = discussed(world)
    packets.packet_request(case=world.case)
    post(world, world.chair, BOARD)
    assert packets.packet_build(case_id=world.case.pk) == "ready"
    content = Case.objects.get(pk=world.case.pk).packet.version.content
    assert [(p["kind"], p["version"]) for p in content["plans"]] == [("board", 1)]
    assert AgendaItem.objects.get(pk=item.pk).status == "presented"


@pytest.mark.django_db(transaction=True)
def test_concurrent_recorders_get_consecutive_versions_and_lose_nothing(world):
    """Six proposals and two board plans posted at once, each request on its own connection: the case's row
    lock orders them, so every one is stored with its own version and none fails."""
    assert connection.vendor == "postgresql"
    discussed(world)
    posts = [(world.member, {**PROPOSED, "rationale": f"p{i}"}) for i in range(6)]
    posts += [(world.chair, {**BOARD, "rationale": "b0"}), (world.coordinator, {**BOARD, "rationale": "b1"})]
    clients = [(world.client(user), payload) for user, payload in posts]
    calls = [lambda c=client, p=payload: c.post(plans_url(world.case), p, format="json") for client, payload in clients]
    statuses = [response.status_code for response in at_once(calls)]
    assert sorted(statuses) == [201] * 8
    stored = Plan.objects.filter(case=world.case)
    assert sorted(stored.filter(kind="proposed").values_list("version", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert sorted(stored.filter(kind="board").values_list("version", flat=True)) == [1, 2]
    assert {p.rationale for p in stored} == {f"p{i}" for i in range(6)} | {"b0", "b1"}
    assert Case.objects.get(pk=world.case.pk).status == "recommended"


def test_a_component_reads_the_same_on_every_page():
    from cases.models import PlanComponent

    assert PlanComponent(modality="surgery", detail="Lumpectomy").text == "Surgery: Lumpectomy"
    assert PlanComponent(modality="systemic_therapy", drugs=["letrozole"]).text == "Systemic therapy (letrozole)"
    component = PlanComponent(
        modality="systemic_therapy", detail="adjuvant", drugs=["carboplatin", "paclitaxel"], target_auc=5.0
    )
    assert component.text == "Systemic therapy: adjuvant (carboplatin, paclitaxel; AUC 5)"
