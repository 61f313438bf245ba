"""The follow-through worklist at /follow-up/: who sees which boards, the inline form and its effect."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.codes import CaseStatus
from cases.models import FollowUp, Plan, PlanComponent
from specialists.models import BoardRole, Specialty
from tests.factories import CaseFactory, MembershipFactory, UserFactory
from tests.pages.markup import assert_refused
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def due_plan(world, board=None, days=45):
    """A board recommendation recorded ``days`` ago on a recommended case, without follow-through."""
    board = board or world.board
    case = CaseFactory(institution=world.academic, board=board, created_by=world.member, status=CaseStatus.RECOMMENDED)
    plan = Plan.objects.create(
        case=case, kind="board", version=1, intent="curative", consensus="unanimous", created_by=world.coordinator
    )
    PlanComponent.objects.create(plan=plan, position=1, modality="surgery", detail="Lumpectomy")
    PlanComponent.objects.create(plan=plan, position=2, modality="systemic_therapy", drugs=["letrozole"])
    Plan.objects.filter(pk=plan.pk).update(created_at=timezone.now() - datetime.timedelta(days=days))
    return plan


def test_the_coordinator_sees_due_recommendations_of_their_board(client, world):
    plan = due_plan(world)
    recent = due_plan(world, days=3)  # not due yet
    other = due_plan(world, board=world.other_board)
    client.force_login(world.coordinator)
    response = client.get("/follow-up/")
    assert response.status_code == 200
    assert response.context["due"] == [plan]
    body = response.content.decode()
    assert f"/cases/{plan.case.public_id}/" in body and "Surgery: Lumpectomy; Systemic therapy (letrozole)" in body
    assert plan.case.patient.name in body
    assert recent.case.patient.name not in body and other.case.patient.name not in body
    assert AuditEvent.objects.filter(user=world.coordinator, patient_id=plan.case.patient_id).exists()


def test_the_board_filter_from_the_reminder_link(client, world):
    plan = due_plan(world)
    client.force_login(world.coordinator)
    response = client.get(f"/follow-up/?board={world.board.public_id}")
    assert response.status_code == 200 and response.context["due"] == [plan]
    assert client.get(f"/follow-up/?board={world.other_board.public_id}").status_code == 404
    response = client.get("/follow-up/?board=nope")
    assert response.status_code == 400
    assert_refused(response.content.decode(), "board")


def test_a_nurse_navigator_member_runs_the_worklist_of_their_board(client, world):
    plan = due_plan(world)
    navigator = UserFactory(institution=world.academic, specialty=Specialty.NURSE_NAVIGATION)
    MembershipFactory(user=navigator, board=world.board, role=BoardRole.MEMBER)
    client.force_login(navigator)
    assert client.get("/follow-up/").context["due"] == [plan]


@pytest.mark.parametrize("who", ["member", "other_member", "referrer"])
def test_others_see_nothing(client, world, who):
    plan = due_plan(world)
    client.force_login(getattr(world, who))
    response = client.get("/follow-up/")
    assert response.status_code == 200 and response.context["due"] == []
    assert plan.case.patient.name not in response.content.decode()
    assert client.get(f"/follow-up/?board={world.board.public_id}").status_code == 404


def test_recording_with_htmx_takes_the_item_off_the_list(client, world):
    plan = due_plan(world)
    client.force_login(world.coordinator)
    data = {"plan": str(plan.public_id), "implemented": "partial", "reason": "toxicity", "note": "Dose reduced"}
    response = client.post(f"/follow-up/{plan.case.public_id}/", data, **HTMX)
    assert response.status_code == 200 and "Follow-through recorded." in response.content.decode()
    follow_up = FollowUp.objects.get(plan=plan)
    assert (follow_up.implemented, follow_up.reason, follow_up.note) == ("partial", "toxicity", "Dose reduced")
    plan.case.refresh_from_db()
    assert plan.case.status == CaseStatus.CLOSED
    page = client.get("/follow-up/")
    assert page.context["due"] == [] and page.context["recent"] == [follow_up]
    assert "Toxicity" in page.content.decode()


def test_a_plain_post_redirects_back_to_the_board(client, world):
    plan = due_plan(world)
    client.force_login(world.coordinator)
    data = {"plan": str(plan.public_id), "implemented": "yes", "board": str(world.board.public_id)}
    response = client.post(f"/follow-up/{plan.case.public_id}/", data)
    assert response.status_code == 302 and response["Location"] == f"/follow-up/?board={world.board.public_id}"
    assert FollowUp.objects.filter(plan=plan, implemented="yes").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({}, "implemented"),
        ({"implemented": "maybe"}, "implemented"),
        ({"implemented": "no"}, "reason"),
        ({"implemented": "no", "reason": "other"}, "note"),
        ({"implemented": "yes", "reason": "toxicity"}, "reason"),
    ],
)
def test_bad_input_is_a_400_next_to_the_field(client, world, data, field):
    plan = due_plan(world)
    client.force_login(world.coordinator)
    response = client.post(f"/follow-up/{plan.case.public_id}/", {"plan": str(plan.public_id), **data}, **HTMX)
    assert response.status_code == 400
    body = response.content.decode()
    assert_refused(body, field)
    assert f'id="plan-{plan.public_id}"' in body
    assert not FollowUp.objects.filter(plan=plan).exists()
    # the plain form too: the whole page with the errors on that item
    response = client.post(f"/follow-up/{plan.case.public_id}/", {"plan": str(plan.public_id), **data})
    assert response.status_code == 400
    assert_refused(response.content.decode(), field)


def test_another_institution_gets_404_and_a_member_403(client, world):
    plan = due_plan(world)
    data = {"plan": str(plan.public_id), "implemented": "yes"}
    client.force_login(world.referrer)
    assert client.post(f"/follow-up/{plan.case.public_id}/", data).status_code == 404
    client.force_login(world.chair)  # sees the case, is not its care team nor a navigator
    assert client.post(f"/follow-up/{plan.case.public_id}/", data, **HTMX).status_code == 403
    assert not FollowUp.objects.exists()


def test_the_query_count_does_not_grow_with_the_list(client, world):
    client.force_login(world.coordinator)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/follow-up/")
        return len(queries), len(response.context["due"])

    due_plan(world)
    small, n = count()
    assert n == 1
    for _ in range(5):
        plan = due_plan(world)
        due_plan(world)
        FollowUp.objects.create(case=plan.case, plan=plan, implemented="yes", recorded_by=world.coordinator)
    assert count() == (small, 6)
