"""The timeline section of the case page: what it shows, its filter by kind (a plain GET form), 404 for those who
may not see the case, one audit row for the page, and the same queries with few and many events."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cases.timeline_helpers import history
from tests.factories import CaseFactory
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db


def url(case) -> str:
    return f"/cases/{case.public_id}/"


def timeline_of(body: str) -> str:
    return body[body.index('<section id="timeline"') :]


def test_the_case_page_shows_the_timeline_oldest_first(client, world):
    history(world, world.case)
    client.force_login(world.member)
    before = AuditEvent.objects.filter(user=world.member, action="read").count()
    response = client.get(url(world.case))
    assert response.status_code == 200
    assert AuditEvent.objects.filter(user=world.member, action="read").count() == before + 1  # the page's one row
    section = timeline_of(response.content.decode())
    assert "Timeline (14)" in response.content.decode()
    labels = [
        "Diagnosis: Breast",
        "Pathology report: Core biopsy",
        "HER2: positive (3)",
        "Case created",
        "Second opinion requested from Academic Cancer Center",
        "Submitted to the board",
        "Pathology re-read",
        "Comment (question)",
        "Proposed plan v1: curative",
        "Discussed at the Breast meeting",
        "Board recommendation v1: curative",
        "Follow-through of board recommendation v1: implemented partially",
    ]
    positions = [section.index(label) for label in labels]
    assert positions == sorted(positions)
    assert '<li class="changed">Clinical T revised cT2 → cT3 (Size 5.5 cm on re-read)</li>' in section
    assert '<time datetime="2026-01-20T08:00+01:00">2026-01-20 08:00 CET</time>' in section
    assert '<time datetime="2026-01-10">2026-01-10</time>' in section
    assert "Europe/Paris" in section
    assert "pathology_reread" not in re.sub(r'(class|value)="[^"]*"', "", section)  # labels, not codes


def test_the_filter_shows_the_kinds_ticked(client, world):
    history(world, world.case)
    client.force_login(world.member)
    response = client.get(url(world.case), {"kind": ["plan", "review"]})
    assert {e.kind for e in response.context["timeline"]} == {"plan", "review"}
    section = timeline_of(response.content.decode())
    assert 'name="kind" value="plan" checked' in section and 'name="kind" value="comment">' in section
    assert "Show everything" in section and "Comment (question)" not in section
    response = client.get(url(world.case), {"kind": "astrology"})  # an unknown kind filters nothing out
    assert response.status_code == 200
    assert len(response.context["timeline"]) == 14 and not response.context["timeline_filtered"]


@pytest.mark.parametrize("who", ["other_member", "referrer", "referrer2"])
def test_those_who_may_not_see_the_case_get_404(client, world, who):
    history(world, world.case)
    client.force_login(getattr(world, who))
    assert client.get(url(world.case), {"kind": "plan"}).status_code == 404


def test_the_page_costs_the_same_queries_with_few_and_many_events(client, world):
    def queries(case) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url(case)).status_code == 200
        return len(captured)

    client.force_login(world.member)
    history(world, world.case)
    client.get(url(world.case))  # warm the per-request caches of the access policy alike
    few = queries(world.case)
    busy = CaseFactory(institution=world.academic, board=world.board, created_by=world.member)
    history(world, busy, extra=4)
    assert len(client.get(url(busy)).context["timeline"]) == 14 + 4 * 5
    assert queries(busy) == few
