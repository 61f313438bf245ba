"""A specialist's journey in a real browser: sign in and land on the inbox, accept the meeting, open the case,
read the checklist, build the packet and see its PDF link appear without reloading, comment, record a specialty
review; then the chair records the board's plan on the case page and the page shows proposed vs board side by
side with the change the board made."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from cases.codes import CaseStatus, Modality, PlanKind, TreatmentIntent
from cases.lifecycle.agenda import agenda_add
from cases.lifecycle.recommendation import plan_record
from cases.models import ChangeRecord, Comment, Plan, Review
from scheduling.attendance import meeting_invite
from scheduling.models import Attendance, Meeting
from specialists.models import BoardRole, Specialty
from tests.conftest import meeting_start
from tests.e2e.helpers import sign_in, snapshot
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def journey(world):
    """The board's next meeting with world.case on its agenda, a proposed plan, and a pathologist invited."""
    pathologist = UserFactory(
        username="patho",
        first_name="Paula",
        last_name="Thompson",
        institution=world.academic,
        specialty=Specialty.PATHOLOGY,
    )
    MembershipFactory(user=pathologist, board=world.board, role=BoardRole.MEMBER)
    case = world.case
    case.status = CaseStatus.SUBMITTED
    case.save(update_fields=["status"])
    meeting = Meeting.objects.get(board=world.board)
    agenda_add(user=world.coordinator, meeting=meeting, case=case)
    plan_record(
        user=world.member,
        case=case,
        data={
            "kind": PlanKind.PROPOSED,
            "intent": TreatmentIntent.CURATIVE,
            "rationale": "Early ER+ disease.",
            "components": [
                {"modality": Modality.SURGERY, "detail": "Lumpectomy and sentinel node biopsy"},
                {
                    "modality": Modality.SYSTEMIC_THERAPY,
                    "detail": "Adjuvant",
                    "drugs": ["docetaxel", "cyclophosphamide"],
                },
            ],
        },
    )
    meeting_invite(user=world.coordinator, meeting=meeting)
    return {"pathologist": pathologist, "case": case, "meeting": meeting}


def test_a_specialist_prepares_a_case_and_the_board_records_its_plan(world, journey, page):
    case, meeting, pathologist = journey["case"], journey["meeting"], journey["pathologist"]

    # 1. sign in: a board member lands on the inbox
    sign_in(page, "patho")
    page.wait_for_url("**/inbox/")
    expect(page.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    meeting_section = page.get_by_role("region", name=re.compile(r"Breast"))
    expect(meeting_section.get_by_text("1 to review")).to_be_visible()
    snapshot(page, "specialist-1-inbox")

    # 2. accept the meeting (htmx: the answer is swapped in place)
    page.evaluate("window.__sameDocument = true")
    meeting_section.get_by_role("button", name="Accept").click()
    expect(meeting_section.get_by_text("Accepted", exact=True)).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True
    assert Attendance.objects.get(meeting=meeting, user=pathologist).rsvp == "accepted"
    snapshot(page, "specialist-2-rsvp-accepted")

    # 3. open the case and read the checklist
    meeting_section.get_by_role("link", name=re.compile(case.patient.name)).click()
    page.wait_for_url(f"**/cases/{case.public_id}/")
    expect(page.get_by_role("heading", name="Checklist")).to_be_visible()
    expect(page.get_by_role("heading", name="Tumor biology")).to_be_visible()
    expect(page.locator("#checklist .badge").first).to_be_visible()
    snapshot(page, "specialist-3-case")

    # 4. build the packet: the PDF link appears without a reload
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("button", name="Build packet now").click()
    pdf_link = page.get_by_role("link", name=re.compile("Download packet PDF"))
    expect(pdf_link).to_be_visible(timeout=60_000)
    assert page.evaluate("window.__sameDocument") is True
    assert f"/api/v1/cases/{case.public_id}/packet/pdf/?version=" in pdf_link.get_attribute("href")
    expect(page.get_by_role("button", name="Build packet now")).to_be_visible()
    page.locator("#packet").scroll_into_view_if_needed()
    snapshot(page, "specialist-4-packet-built")

    # 5. comment
    page.get_by_label("Kind of comment").select_option("pre_review")
    page.get_by_label("Comment", exact=True).fill("Pathology concordant; HER2 1+ on re-cut.")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Comment added.")).to_be_visible()
    comments = page.locator("#comments")
    expect(comments.get_by_text("Pathology concordant; HER2 1+ on re-cut.")).to_be_visible()
    expect(page.locator("#timeline").get_by_text("Pathology concordant; HER2 1+ on re-cut.")).to_be_visible()
    assert Comment.objects.filter(case=case, author=pathologist, kind="pre_review").exists()
    snapshot(page, "specialist-5-commented")

    # 6. specialty review
    page.get_by_label("Review", exact=True).select_option("pathology_reread")
    page.get_by_label("Findings").fill("Invasive ductal carcinoma, grade 2 confirmed; margins clear.")
    page.get_by_label("Recommendation").fill("No change to staging.")
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_text("Specialty review recorded.")).to_be_visible()
    expect(page.locator("#reviews").get_by_text("grade 2 confirmed")).to_be_visible()
    assert Review.objects.filter(case=case, author=pathologist, kind="pathology_reread").exists()
    snapshot(page, "specialist-6-reviewed")

    # 7. at the meeting, the chair records the board's plan through the plan form on the case page
    meeting_start(meeting, by=world.coordinator)
    page.context.clear_cookies()
    sign_in(page, "chair")
    page.goto(f"/cases/{case.public_id}/")
    page.get_by_text("Record the board's recommendation").click()
    form = page.get_by_role("form", name="Board recommendation")
    form.get_by_label("Treatment intent").select_option("curative")
    form.get_by_label("Modality 1").select_option("surgery")
    form.get_by_label("Detail 1").fill("Lumpectomy and sentinel node biopsy")
    form.get_by_label("Modality 2").select_option("radiation_therapy")
    form.get_by_label("Detail 2").fill("Whole-breast radiotherapy")
    form.get_by_label("Modality 3").select_option("systemic_therapy")
    form.get_by_label("Drugs 3").fill("letrozole")
    form.get_by_label("Consensus").select_option("majority")
    form.get_by_label("Dissent").fill("Medical oncology would add docetaxel and cyclophosphamide.")
    specialties = form.get_by_role("group", name="Specialties present")
    for name in ("Medical oncology", "Surgical oncology", "Pathology", "Radiology"):
        specialties.get_by_label(name).check()
    snapshot(page, "specialist-7-board-plan-form")
    form.get_by_role("button", name="Record board plan").click()

    # 8. proposed vs board, side by side, with the change
    expect(page.get_by_text("Board recommendation version 1 recorded.")).to_be_visible()
    board = Plan.objects.get(case=case, kind=PlanKind.BOARD)
    assert board.consensus == "majority"
    assert set(board.specialties_present) >= {"medical_oncology", "surgical_oncology", "pathology", "radiology"}
    record = ChangeRecord.objects.get(to_plan=board, basis="proposed")
    assert record.changed
    change = page.get_by_role("region", name="What the board changed")
    expect(change).to_be_visible()
    expect(change.get_by_text(record.summary.split(".")[0], exact=False).first).to_be_visible()
    expect(change.get_by_role("heading", name="Proposed plan v1")).to_be_visible()
    expect(change.get_by_role("heading", name="Board recommendation v1")).to_be_visible()
    expect(change.locator(".changed").first).to_be_visible()
    change.scroll_into_view_if_needed()
    snapshot(page, "specialist-8-side-by-side")
