"""Boards and meetings (read): visibility, filters, query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


def test_boards_visible_to_their_institution_only(world, api):
    ids = {b["id"] for b in api(world.other_member).get("/api/v1/boards/").json()["results"]}
    assert ids == {str(world.board.public_id), str(world.other_board.public_id)}
    assert api(world.referrer).get("/api/v1/boards/").json()["count"] == 0
    assert api(world.referrer).get(f"/api/v1/boards/{world.board.public_id}/").status_code == 404
    body = api(world.member).get(f"/api/v1/boards/{world.board.public_id}/").json()
    assert body["recurrence"] == "FREQ=WEEKLY;BYDAY=TU" and body["timezone"] == "Europe/Paris"
    assert body["required_specialties"] == ["medical_oncology", "surgical_oncology", "radiation_oncology"]


def test_meeting_filters(world, api):
    start = timezone.now() + datetime.timedelta(days=60)
    MeetingFactory(board=world.board, starts_at=start, ends_at=start + datetime.timedelta(hours=1), status="cancelled")
    client = api(world.coordinator)
    assert client.get("/api/v1/meetings/").json()["count"] == 3
    assert client.get("/api/v1/meetings/", {"board": str(world.board.public_id)}).json()["count"] == 2
    assert client.get("/api/v1/meetings/", {"status": "cancelled"}).json()["count"] == 1
    assert (
        client.get("/api/v1/meetings/", {"from": (start - datetime.timedelta(days=1)).isoformat()}).json()["count"] == 1
    )
    assert (
        client.get("/api/v1/meetings/", {"to": (start - datetime.timedelta(days=1)).isoformat()}).json()["count"] == 2
    )
    bad = client.get("/api/v1/meetings/", {"from": "next tuesday"})
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "from"
    assert api(world.referrer).get("/api/v1/meetings/").json()["count"] == 0


def test_meeting_list_costs_the_same_queries_at_page_size_1_and_50(world, api):
    MeetingFactory.create_batch(60, board=world.board)
    client = api(world.coordinator)
    counts = []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/meetings/", {"page_size": size}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
