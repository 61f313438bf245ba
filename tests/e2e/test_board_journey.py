"""A coordinator creates a board in a real browser: the recurrence in words, the preview of its next six meetings
in Berlin time across the spring change of the clocks (updated as the form changes), a member added, a refusal in
place; axe-audited at each step (tests/e2e/screenshots/journey-board-*.png)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from scheduling.models import Board
from specialists.models import BoardMembership, BoardRole, Specialty
from tests.e2e.helpers import sign_in, snapshot
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_creates_a_board_and_adds_a_member(world, page):
    UserFactory(
        username="patho",
        first_name="Paula",
        last_name="Path",
        institution=world.academic,
        specialty=Specialty.PATHOLOGY,
    )
    sign_in(page, "coord")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Boards").click()
    expect(page.get_by_role("heading", name="Boards", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Breast")).to_be_visible()
    snapshot(page, "board-list")

    # the recurrence in words: the last Friday of every month at 07:30, Berlin time
    page.get_by_role("link", name="New board").click()
    page.get_by_label("Name").fill("Sarcoma")
    page.get_by_label("Sarcoma").check()
    page.get_by_label("Pathology").check()
    page.get_by_label("Time zone").select_option("Europe/Berlin")
    page.get_by_label("Start time").fill("07:30")
    page.get_by_label("Once a month, on the nth weekday").check()
    expect(page.get_by_label("Tuesday", exact=True)).to_be_hidden()  # only the chosen pattern's controls show
    page.get_by_label("Monthly, on the").select_option("-1")
    page.get_by_label("Weekday of the month").select_option("FR")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("The last Friday of every month at 07:30")  # htmx: no button pressed
    expect(preview.locator("li")).to_have_count(6)
    # six monthly meetings from any day of the year span a change of the clocks; the local time stays 07:30
    expect(preview.get_by_text("Clocks change before this meeting")).to_have_count(1)
    for time in preview.locator("time").all_inner_texts():
        assert re.search(r"Friday \d+ \w+ \d{4}, 07:30 CES?T", time), time
    assert {"CET", "CEST"} <= set(re.findall(r"CES?T", preview.inner_text()))
    snapshot(page, "board-new")

    page.get_by_role("button", name="Create board").click()
    expect(page.get_by_role("heading", name=re.compile("^Sarcoma"), level=1)).to_be_visible()
    expect(page.get_by_text("Board Sarcoma created")).to_be_visible()
    board = Board.objects.get(name="Sarcoma")
    assert board.recurrence == "FREQ=MONTHLY;BYDAY=-1FR" and board.timezone == "Europe/Berlin"
    expect(page.get_by_text("No member covers Pathology")).to_be_visible()

    # a member with their specialty and role, added in place
    page.get_by_label("Add a colleague").select_option(label="Paula Path · Pathology")
    page.get_by_label("As", exact=True).select_option("chair")
    page.get_by_role("button", name="Add to the board").click()
    members = page.locator("#members")
    expect(members.get_by_role("status")).to_have_text("Paula Path added to the board.")
    expect(members.get_by_role("row", name=re.compile("Paula Path"))).to_contain_text("Pathology")
    expect(page.get_by_text("No member covers")).to_have_count(0)
    assert BoardMembership.objects.get(board=board, user__username="patho").role == BoardRole.CHAIR

    # the board's only coordinator cannot leave it: the refusal shows in place
    page.get_by_role("button", name=f"Remove {world.coordinator.name} from the board").click()
    expect(members.get_by_role("alert")).to_contain_text("only coordinator")
    assert BoardMembership.objects.filter(board=board, user=world.coordinator, role=BoardRole.COORDINATOR).exists()
    snapshot(page, "board-page")
