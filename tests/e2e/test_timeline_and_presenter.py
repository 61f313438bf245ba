"""Two journeys in Chromium at a large screen's size (1920 x 1080), each step audited by axe-core: a member reads the
case page's timeline and filters it by kind; the chair presents a meeting's cases from run mode's presenter view,
moving with the keyboard, the timer running and then over time (tests/e2e/screenshots/journey-timeline-*.png,
journey-presenter-*.png)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.codes import CaseStatus
from cases.models import Biomarker, Plan, PlanComponent
from scheduling.models import AgendaItem, Meeting, MeetingStatus
from tests.cases.timeline_helpers import history
from tests.e2e.helpers import sign_in, snapshot
from tests.factories import CaseFactory, PatientFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LARGE = {"width": 1920, "height": 1080}


def test_a_member_reads_the_case_timeline_and_filters_it(world, page):
    history(world, world.case)
    page.set_viewport_size(LARGE)
    sign_in(page, "member")
    page.goto(f"/cases/{world.case.public_id}/")
    page.get_by_role("navigation", name="On this page").get_by_role("link", name="Timeline (14)").click()
    timeline = page.locator("ol.timeline > li")
    expect(timeline).to_have_count(14)
    expect(timeline.first).to_contain_text("2026-01-10")
    expect(timeline.first).to_contain_text("Diagnosis: Breast")
    expect(page.locator("ol.timeline")).to_contain_text("Clinical T revised cT2 → cT3")
    expect(timeline.last).to_contain_text("Follow-through of board recommendation v1")
    page.locator("#timeline").scroll_into_view_if_needed()
    snapshot(page, "timeline-1-case-page")

    page.get_by_label("Plans (2)").check()
    page.get_by_label("Reviews and re-reads (1)").check()
    page.get_by_role("button", name="Filter the timeline").click()
    expect(page).to_have_url(re.compile(r"kind=review.*#timeline$|kind=plan.*#timeline$"))
    expect(timeline).to_have_count(3)
    expect(page.locator("ol.timeline")).not_to_contain_text("Comment (question)")
    expect(page.get_by_label("Plans (2)")).to_be_checked()
    snapshot(page, "timeline-2-filtered")
    page.get_by_role("link", name="Show everything").click()
    expect(timeline).to_have_count(14)


def _agenda(world) -> tuple[Meeting, list[AgendaItem]]:
    meeting = Meeting.objects.get(board=world.board)
    items = []
    for i, (name, her2) in enumerate((("Ada First", "positive"), ("Bea Second", "negative"), ("Cleo Third", "low"))):
        case = CaseFactory(
            institution=world.academic,
            patient=PatientFactory(institution=world.academic, name=name),
            board=world.board,
            created_by=world.member,
            status=CaseStatus.SCHEDULED,
            meeting=meeting,
            ecog=None,  # a warning of the checklist to present
        )
        Biomarker.objects.create(case=case, name="HER2", result=her2)
        Biomarker.objects.create(case=case, name="KI67", result="high", value=30)
        plan = Plan.objects.create(case=case, kind="proposed", version=1, intent="curative", created_by=world.member)
        PlanComponent.objects.create(plan=plan, position=1, modality="surgery", detail="Lumpectomy")
        items.append(AgendaItem.objects.create(meeting=meeting, case=case, position=i + 1, minutes=10))
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.IN_PROGRESS, capacity_minutes=600)
    return meeting, items


def test_the_chair_presents_the_cases_with_the_keyboard_and_the_timer(world, page):
    meeting, items = _agenda(world)
    page.set_viewport_size(LARGE)
    sign_in(page, "chair")
    page.goto(f"/meetings/{meeting.public_id}/")
    run = page.locator("#run")
    expect(run.locator("[data-timer-clock]")).to_have_text(re.compile(r"^0:[0-5]\d$"))

    # typing j in run mode's plan form types a j: the keyboard moves between cases only outside fields
    rationale = run.get_by_label("Rationale")
    rationale.fill("")
    rationale.press("j")
    expect(rationale).to_have_value("j")
    expect(page).not_to_have_url(re.compile(r"item="))
    page.locator("h1").click()  # out of the field: J moves on
    page.keyboard.press("j")
    expect(page).to_have_url(re.compile(rf"item={items[1].public_id}"))
    page.keyboard.press("ArrowLeft")
    expect(page).to_have_url(re.compile(rf"item={items[0].public_id}"))
    snapshot(page, "presenter-0-run-mode")

    run.get_by_role("link", name="Presenter view (large screen)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada First")
    expect(page.get_by_text("case 1 of 3")).to_be_visible()
    expect(page.get_by_role("timer", name="Time on this case")).to_have_text(re.compile(r"^0:[0-5]\d$"))
    expect(page.get_by_text("of 10 min allotted")).to_be_visible()
    expect(page.get_by_role("heading", name="Question for the board")).to_be_visible()
    expect(page.locator(".biomarkers")).to_contain_text("HER2 positive")
    expect(page.locator(".findings")).to_contain_text("ECOG")
    expect(page.get_by_role("heading", name="Proposed plan")).to_be_visible()
    expect(page.get_by_text("Surgery: Lumpectomy")).to_be_visible()
    snapshot(page, "presenter-1-first-case")

    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bea Second")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Cleo Third")
    expect(page.get_by_role("link", name="Next case →")).to_have_count(0)
    page.keyboard.press("k")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bea Second")
    page.get_by_role("link", name="← Previous case").click()  # the buttons do the same
    expect(page.get_by_role("heading", level=1)).to_contain_text("Ada First")

    # the first case's time was kept while the others were shown; past its 10 minutes it says so
    page.evaluate(f"sessionStorage.setItem('tumorboard-timer-{items[0].public_id}', Date.now() - 11 * 60 * 1000)")
    page.reload()
    timer = page.locator("[data-timer]")
    expect(timer).to_have_attribute("data-state", "over")
    expect(timer.get_by_text("Over time")).to_be_visible()
    expect(page.get_by_role("timer")).to_have_text(re.compile(r"^11:[0-5]\d \(\+1:[0-5]\d\)$"))
    snapshot(page, "presenter-2-over-time")
    timer.get_by_role("button", name="Restart the timer").click()
    expect(timer).to_have_attribute("data-state", "running")
    expect(timer.get_by_text("Over time")).to_be_hidden()
