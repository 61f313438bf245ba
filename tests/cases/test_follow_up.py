"""Follow-through (SPEC §5.4): was the board's recommendation carried out, and the reminder for those without."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import tasks
from cases.lifecycle.recommendation import plan_record
from cases.models import Case, CaseTransition, FollowUp, FollowUpReminder, Plan
from cases.selectors import follow_up_due_plans
from scheduling.models import Meeting
from specialists.models import BoardRole, Specialty
from tests.cases.plan_helpers import BOARD, discussed
from tests.factories import MembershipFactory, UserFactory
from tumorboard.models import Notification

pytestmark = pytest.mark.django_db


def url(case) -> str:
    return f"/api/v1/cases/{case.public_id}/follow-up/"


def post(world, user, payload, case=None):
    return world.client(user).post(url(case or world.case), payload, format="json")


def errors(response) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["errors"]}


def recommend(world, case=None) -> Plan:
    discussed(world, case)
    return plan_record(user=world.chair, case=case or world.case, data=BOARD)


@pytest.fixture
def navigator(world):
    user = UserFactory(username="nav", institution=world.academic, specialty=Specialty.NURSE_NAVIGATION)
    MembershipFactory(user=user, board=world.board, role=BoardRole.MEMBER)
    return user


def test_a_follow_up_before_any_board_plan_is_a_400_on_plan(world):
    Case.objects.filter(pk=world.case.pk).update(status="discussed")
    response = post(world, world.coordinator, {"implemented": "yes"})
    assert response.status_code == 400
    assert errors(response) == {"plan": "The board has not recorded a recommendation for this case yet."}
    assert not FollowUp.objects.exists()


def test_the_care_team_records_it_and_the_case_is_closed(world):
    plan = recommend(world)
    response = post(world, world.member, {"implemented": "partial", "reason": "toxicity", "note": "Stopped at C3."})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["plan"], body["plan_version"]) == (str(plan.public_id), 1)
    assert (body["implemented"], body["reason"], body["note"]) == ("partial", "toxicity", "Stopped at C3.")
    assert body["recorded_by"]["id"] == str(world.member.public_id) and body["recorded_at"]
    case = Case.objects.get(pk=world.case.pk)
    assert case.status == "closed"
    last = CaseTransition.objects.filter(case=case).latest("id")
    assert (last.from_status, last.to_status, last.action, last.reason) == (
        "recommended",
        "closed",
        "follow-up",
        "implemented: partial",
    )
    # a later follow-up on the closed case supersedes; the list is latest first
    assert post(world, world.member, {"implemented": "yes"}).status_code == 201
    listed = world.client(world.chair).get(url(world.case)).json()["results"]
    assert [f["implemented"] for f in listed] == ["yes", "partial"]


def test_the_boards_navigator_records_it_a_plain_member_may_not(world, navigator):
    recommend(world)
    assert post(world, world.chair, {"implemented": "yes"}).status_code == 403
    assert post(world, world.other_member, {"implemented": "yes"}).status_code == 404
    assert post(world, navigator, {"implemented": "yes"}).status_code == 201


REASONS = [
    ({"implemented": "yes", "reason": "toxicity"}, "reason", "A recommendation carried out in full has no reason."),
    ({"implemented": "no"}, "reason", "Say why the recommendation was not (fully) carried out."),
    ({"implemented": "partial", "reason": ""}, "reason", "Say why the recommendation was not (fully) carried out."),
    ({"implemented": "no", "reason": "other"}, "note", "Describe the other reason."),
    ({"implemented": "no", "reason": "cost"}, "reason", '"cost" is not a valid choice.'),
    ({"implemented": "maybe"}, "implemented", '"maybe" is not a valid choice.'),
    ({}, "implemented", "This field is required."),
]


@pytest.mark.parametrize(("payload", "field", "message"), REASONS, ids=[f"{r[1]}: {r[2][:28]}" for r in REASONS])
def test_bad_follow_up_is_a_400_naming_the_field(world, payload, field, message):
    recommend(world)
    response = post(world, world.coordinator, payload)
    assert response.status_code == 400
    assert errors(response) == {field: message}
    assert not FollowUp.objects.exists() and Case.objects.get(pk=world.case.pk).status == "recommended"


def test_the_plan_must_be_a_board_plan_of_this_case(world):
    recommend(world)
    data = {**BOARD, "kind": "proposed", "consensus": ""}
    proposed = plan_record(user=world.member, case=world.case, data=data)
    other = Plan.objects.create(
        case=world.other_case, kind="board", version=1, intent="curative", consensus="unanimous", created_by=world.admin
    )
    for foreign in (proposed, other):
        response = post(world, world.coordinator, {"implemented": "yes", "plan": str(foreign.public_id)})
        assert errors(response) == {"plan": f"Object with public_id={foreign.public_id} does not exist."}


def test_an_older_board_version_may_be_followed_up(world):
    first = recommend(world)
    plan_record(user=world.chair, case=world.case, data={**BOARD, "intent": "palliative"})
    body = post(world, world.coordinator, {"implemented": "no", "reason": "progression", "plan": str(first.public_id)})
    assert body.json()["plan_version"] == 1
    assert Case.objects.get(pk=world.case.pk).status == "recommended"  # the current recommendation is still open
    assert post(world, world.coordinator, {"implemented": "yes"}).json()["plan_version"] == 2
    assert Case.objects.get(pk=world.case.pk).status == "closed"


def test_the_follow_up_list_costs_the_same_at_any_size(world):
    recommend(world)
    client, counts = world.client(world.chair), []
    for n in (1, 5):
        while FollowUp.objects.count() < n:
            post(world, world.coordinator, {"implemented": "yes"})
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(world.case)).json()["count"] == n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- Due for follow-through, and the reminder ------------------------------------------------------------


def age(plan: Plan, days: int) -> None:
    """The plan decided ``days`` ago: its meeting then (and recorded then)."""
    then = timezone.now() - datetime.timedelta(days=days)
    Plan.objects.filter(pk=plan.pk).update(created_at=then)
    if plan.meeting_id:
        Meeting.objects.filter(pk=plan.meeting_id).update(starts_at=then, ends_at=then + datetime.timedelta(hours=1))


def test_the_due_date_runs_from_the_meeting_not_from_when_the_plan_was_typed_in(world, settings):
    settings.FOLLOW_UP_DUE_DAYS = 30
    plan = recommend(world)
    then = timezone.now() - datetime.timedelta(days=31)
    Meeting.objects.filter(pk=plan.meeting_id).update(starts_at=then, ends_at=then + datetime.timedelta(hours=1))
    assert list(follow_up_due_plans()) == [plan]


def test_due_plans_are_the_current_board_plans_older_than_the_period_without_follow_up(world, settings):
    settings.FOLLOW_UP_DUE_DAYS = 30
    plan = recommend(world)
    assert not follow_up_due_plans().exists()
    age(plan, 31)
    assert list(follow_up_due_plans()) == [plan]
    due_cases = world.client(world.coordinator).get("/api/v1/cases/?follow_up_due=true").json()["results"]
    assert [c["id"] for c in due_cases] == [str(world.case.public_id)]
    not_due = world.client(world.coordinator).get("/api/v1/cases/?follow_up_due=false").json()["results"]
    assert str(world.case.public_id) not in {c["id"] for c in not_due}
    settings.FOLLOW_UP_DUE_DAYS = 45
    assert not follow_up_due_plans().exists()
    settings.FOLLOW_UP_DUE_DAYS = 30
    newer = plan_record(user=world.chair, case=world.case, data={**BOARD, "intent": "palliative"})
    assert list(follow_up_due_plans()) == [newer]  # v1 is superseded; v2 was decided at the same meeting
    post(world, world.coordinator, {"implemented": "yes"})
    assert not follow_up_due_plans().exists()  # followed up


def test_the_navigators_are_reminded_once_without_patient_data(
    world, navigator, settings, django_capture_on_commit_callbacks
):
    settings.FOLLOW_UP_DUE_DAYS = 30
    age(recommend(world), 31)
    with django_capture_on_commit_callbacks(execute=True):  # the e-mails go out once the reminder commits
        assert tasks.follow_ups_remind() == 1
    notifications = Notification.objects.filter(kind="follow_up_due")
    # the board's nurse navigators (its coordinator is one too), not its other members
    assert {n.recipient_id for n in notifications} == {navigator.pk, world.coordinator.pk}
    for notification in notifications:
        assert notification.subject == "1 recommendation(s) of Breast await follow-through"
        assert f"/follow-up/?board={world.board.public_id}" in notification.body
    patient = world.case.patient
    reminders = [m for m in mail.outbox if "follow-through" in m.subject]
    assert sorted(m.to[0] for m in reminders) == sorted([navigator.email, world.coordinator.email])
    for message in reminders:
        assert patient.name not in message.body + message.subject and patient.mrn not in message.body
    assert tasks.follow_ups_remind() == 0  # each plan is in one reminder only
    assert FollowUpReminder.objects.count() == 1


def test_a_board_without_navigators_reminds_its_coordinators(world, settings):
    settings.FOLLOW_UP_DUE_DAYS = 30
    world.coordinator.specialty = Specialty.MEDICAL_ONCOLOGY
    world.coordinator.save()
    age(recommend(world), 31)
    assert tasks.follow_ups_remind() == 1
    recipients = set(Notification.objects.filter(kind="follow_up_due").values_list("recipient_id", flat=True))
    assert recipients == {world.coordinator.pk}


def test_the_follow_up_due_filter_rejects_what_is_not_a_boolean(world):
    response = world.client(world.coordinator).get("/api/v1/cases/?follow_up_due=-1")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "follow_up_due"
