"""The reviewer's task list (``/tasks/``): their tasks soonest due first, linking to the case; a claim in place; the
open count in the navigation (one query on a full page, none on an htmx fragment); another board's tasks absent."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.models import ReviewTask
from specialists.models import Specialty
from tests.cases.test_review_tasks import member, place
from tests.factories import CaseFactory
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db


def _queries(client, path="/tasks/") -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_list_the_count_in_the_navigation_and_a_claim(client, world):
    rad1, rad2 = (member(world, name, Specialty.RADIATION_ONCOLOGY) for name in ("rad1", "rad2"))
    place(world)
    client.force_login(rad1)
    page = client.get("/tasks/")
    html = page.content.decode()
    assert page.status_code == 200 and [t.specialty for t in page.context["tasks"]] == ["radiation_oncology"]
    assert f'href="/cases/{world.case.public_id}/#reviews"' in html and world.case.patient.name in html
    assert '<span class="count">1<span class="visually-hidden"> open</span></span>' in html
    assert "open to your specialty" in html
    assert AuditEvent.objects.filter(user=rad1, action="list", object_type="cases.case", detail__view="tasks").exists()

    task = ReviewTask.objects.get(case=world.case, specialty=Specialty.RADIATION_ONCOLOGY)
    answer = client.post(f"/tasks/{task.public_id}/claim/", follow=True)
    assert "Task claimed" in answer.content.decode() and "yours" in answer.content.decode()
    client.force_login(rad2)
    assert client.get("/tasks/").context["tasks"] == []  # claimed by the other one
    taken = client.post(f"/tasks/{task.public_id}/claim/", follow=True)
    assert "Another member holds this task." in taken.content.decode()
    client.force_login(world.other_member)  # another board: not even there
    assert client.post(f"/tasks/{task.public_id}/claim/").status_code == 404

    client.force_login(world.member)
    assert client.get("/tasks/?show=done").context["tasks"] == []
    assert client.get("/tasks/?overdue=true").context["tasks"] == []
    ReviewTask.objects.filter(case=world.case).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    assert "Overdue" in client.get("/tasks/?overdue=true").content.decode()
    refused = client.get("/tasks/?show=someday")
    assert refused.status_code == 400 and "Please choose one of the options offered" in refused.content.decode()
    client.force_login(world.admin)  # no specialty: no Tasks link, no count query
    assert 'href="/tasks/"' not in client.get("/cases/").content.decode()


def test_the_page_costs_the_same_queries_with_one_and_six_tasks(client, world):
    place(world)
    client.force_login(world.member)
    one = _queries(client)
    for _ in range(5):
        place(world, case=CaseFactory(institution=world.academic, board=world.board, created_by=world.member))
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/tasks/")
    assert len(response.context["tasks"]) == 6 and len(queries) == one
    assert '<span class="count">6<span' in response.content.decode()
    # the layout's (session, user, memberships, institution, the session's save in a savepoint: 7), the tasks, their
    # audit rows, the navigation's count
    assert one == 10, one
