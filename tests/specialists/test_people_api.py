"""Token, /me, institutions and specialists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_me_lists_boards_with_roles(world, api):
    body = api(world.coordinator).get("/api/v1/me/").json()
    assert body["id"] == str(world.coordinator.public_id)
    assert body["institution"] == {
        "id": str(world.academic.public_id),
        "name": world.academic.name,
        "kind": "academic_center",
    }
    assert body["specialty"] == "nurse_navigation"
    assert body["boards"] == [{"board": str(world.board.public_id), "board_name": "Breast", "role": "coordinator"}]
    assert api(None).get("/api/v1/me/").status_code == 401


def test_institutions_are_listed_for_everyone_signed_in(world, api):
    body = api(world.referrer).get("/api/v1/institutions/").json()
    assert body["count"] == 3
    assert api(world.referrer).get("/api/v1/institutions/", {"kind": "community_hospital"}).json()["count"] == 2


def test_specialists_are_colleagues_and_board_comembers_only(world, api):
    names = {s["id"] for s in api(world.referrer).get("/api/v1/specialists/").json()["results"]}
    assert names == {str(world.referrer.public_id)}
    academic = api(world.member).get("/api/v1/specialists/", {"specialty": "surgical_oncology"}).json()["results"]
    assert [s["id"] for s in academic] == [str(world.chair.public_id)]
    assert api(world.referrer2).get(f"/api/v1/specialists/{world.member.public_id}/").status_code == 404


def test_specialists_list_costs_the_same_queries_at_page_size_1_and_50(world, api):
    UserFactory.create_batch(60, institution=world.academic)
    client = api(world.member)
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/specialists/", {"page_size": size}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
