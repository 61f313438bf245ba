"""A specialist's review task in a real browser: the navigation shows one open task, the task list names the case and
its due date, the geneticist records the genetics review on the case page, and the task is done: the count is gone
and the list of done tasks shows it. Every step is audited by axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.models import Biomarker, Case, ReviewTask
from specialists.models import Specialty
from tests.cases.test_review_tasks import member, place
from tests.e2e.helpers import sign_in, snapshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_geneticist_sees_the_task_records_the_review_and_the_task_is_done(world, page):
    geneticist = member(world, "geneticist", Specialty.GENETICS)
    Biomarker.objects.create(case=world.case, name="BRCA2", result="positive")  # a germline finding: genetics
    place(world)
    task = ReviewTask.objects.get(case=world.case, specialty=Specialty.GENETICS)
    assert task.assignee == geneticist
    patient = Case.objects.select_related("patient").get(pk=world.case.pk).patient.name

    # 1. the navigation counts the open task
    sign_in(page, "geneticist")
    nav = page.get_by_role("navigation", name="Main")
    tasks_link = nav.get_by_role("link", name=re.compile(r"^Tasks 1 open$"))
    expect(tasks_link).to_be_visible()
    snapshot(page, "tasks-1-count")

    # 2. the task list: the case, the review asked for, its due date
    tasks_link.click()
    page.wait_for_url("**/tasks/")
    expect(page.get_by_role("heading", name="Review tasks", level=1)).to_be_visible()
    row = page.get_by_role("row", name=re.compile(patient))
    expect(row.get_by_text("Genetics")).to_be_visible()
    expect(row.get_by_text(task.local_due)).to_be_visible()  # in the board's time zone
    snapshot(page, "tasks-2-list")

    # 3. the case page: the genetics review
    row.get_by_role("link", name=patient).click()
    page.wait_for_url(f"**/cases/{world.case.public_id}/#reviews")
    page.get_by_label("Review", exact=True).select_option("genetics")
    page.get_by_label("Findings").fill("Pathogenic BRCA2 variant; germline testing of relatives advised.")
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_text("Specialty review recorded.")).to_be_visible()
    snapshot(page, "tasks-3-reviewed")

    # 4. the task is done: no count, listed among the done tasks
    task.refresh_from_db()
    assert (task.status, task.completed_by_id, task.review.kind) == ("done", geneticist.pk, "genetics")
    expect(nav.get_by_role("link", name="Tasks", exact=True)).to_be_visible()
    nav.get_by_role("link", name="Tasks", exact=True).click()
    expect(page.get_by_text("No tasks to show.")).to_be_visible()
    page.get_by_label("Show").select_option("done")
    page.get_by_role("button", name="Show").click()
    done = page.get_by_role("row", name=re.compile(patient))
    expect(done.get_by_text("Done", exact=True)).to_be_visible()
    snapshot(page, "tasks-4-done")
