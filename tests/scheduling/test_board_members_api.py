"""A board's members through the API (``/api/v1/boards/{id}/members/``): the same services as the boards pages, so
the same rules: only the board's coordinators change it, only active colleagues of its institution join, and the
board always keeps a coordinator. Who may call what is in tests/api/test_authorization_matrix_scheduling.py."""

from __future__ import annotations

import pytest

from specialists.models import BoardMembership, BoardRole
from tests.factories import UserFactory
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db


def members_url(board, user=None) -> str:
    return f"/api/v1/boards/{board.public_id}/members/" + (f"{user.public_id}/" if user else "")


def roles(board) -> dict[str, str]:
    return dict(BoardMembership.objects.filter(board=board).values_list("user__username", "role"))


def test_the_members_are_listed_with_specialty_and_role(world, api):
    response = api(world.member).get(members_url(world.board))
    assert response.status_code == 200
    listed = {m["name"]: (m["specialty"], m["role"]) for m in response.json()}
    assert listed[world.coordinator.name] == ("nurse_navigation", "coordinator")
    assert listed[world.chair.name] == ("surgical_oncology", "chair")
    assert {m["user"] for m in response.json()} == {
        str(u.public_id) for u in (world.coordinator, world.chair, world.member)
    }


def test_the_list_costs_the_same_queries_for_3_and_12_members(world, api, django_assert_max_num_queries):
    client = api(world.member)
    client.get(members_url(world.board))  # warm: the token's user
    with django_assert_max_num_queries(8) as small:
        client.get(members_url(world.board))
    for _ in range(9):
        BoardMembership.objects.create(board=world.board, user=UserFactory(institution=world.academic), role="member")
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(client.get(members_url(world.board)).json()) == 12


def test_a_coordinator_adds_changes_and_removes_a_member_and_each_change_is_audited(world, api):
    client = api(world.coordinator)
    added = client.put(members_url(world.board, world.other_member), {"role": "member"}, format="json")
    assert added.status_code == 200 and added.json()["role"] == "member"
    changed = client.put(members_url(world.board, world.other_member), {"role": "chair"}, format="json")
    assert changed.json()["role"] == "chair"
    assert roles(world.board)["othermember"] == "chair"
    assert client.delete(members_url(world.board, world.other_member)).status_code == 204
    assert "othermember" not in roles(world.board)
    assert AuditEvent.objects.filter(user=world.coordinator, object_type="scheduling.board").count() == 3


def test_the_last_coordinator_stays(world, api):
    client = api(world.coordinator)
    response = client.delete(members_url(world.board, world.coordinator))
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "field": "member",
            "code": "invalid",
            "message": f"{world.coordinator.name} is the board's only coordinator: make another member coordinator "
            "first.",
        }
    ]
    demoted = client.put(members_url(world.board, world.coordinator), {"role": "member"}, format="json")
    assert demoted.status_code == 400 and demoted.json()["errors"][0]["field"] == "role"
    assert roles(world.board)["coord"] == BoardRole.COORDINATOR
    client.put(members_url(world.board, world.chair), {"role": "coordinator"}, format="json")  # a second one
    assert client.delete(members_url(world.board, world.coordinator)).status_code == 204


@pytest.mark.parametrize(("payload", "field"), [({}, "role"), ({"role": "owner"}, "role"), ({"role": ""}, "role")])
def test_a_bad_role_is_a_400_naming_it(world, api, payload, field):
    response = api(world.coordinator).put(members_url(world.board, world.other_member), payload, format="json")
    assert response.status_code == 400
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert "othermember" not in roles(world.board)


def test_an_inactive_colleague_does_not_join(world, api):
    gone = UserFactory(username="gone", institution=world.academic, is_active=False)
    response = api(world.coordinator).put(members_url(world.board, gone), {"role": "member"}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "user"
    assert "gone" not in roles(world.board)
