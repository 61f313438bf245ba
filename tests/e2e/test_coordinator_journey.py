"""The coordinator's journey in a real browser: dashboard → calendar → meeting → agenda builder → run mode →
board plan recorded, with a screenshot at each step (tests/e2e/screenshots/journey-coordinator-*.png)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.codes import CaseStatus
from cases.models import FollowUp, Plan, PlanComponent
from scheduling.models import AgendaItem, AgendaItemStatus, Attendance, Meeting, MeetingStatus
from specialists.models import BoardRole, Specialty
from tests.e2e.helpers import expect_focused, sign_in, snapshot
from tests.factories import CaseFactory, MembershipFactory, PatientFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_builds_the_agenda_and_runs_the_meeting(world, page):
    # the board requires medical, surgical and radiation oncology: member, chair and a radiation oncologist
    radonc = UserFactory(
        username="radonc",
        first_name="Rita",
        last_name="Rad",
        institution=world.academic,
        specialty=Specialty.RADIATION_ONCOLOGY,
    )
    MembershipFactory(user=radonc, board=world.board, role=BoardRole.MEMBER)
    meeting = Meeting.objects.get(board=world.board)
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(hours=2)  # check-in opens 12 h before
    Meeting.objects.filter(pk=meeting.pk).update(starts_at=starts, ends_at=starts + datetime.timedelta(hours=1))
    meeting.refresh_from_db()
    cases = []
    for name, site_stage in (("Ada First", "IIA"), ("Bea Second", "IIIB")):
        patient = PatientFactory(institution=world.academic, name=name)
        cases.append(
            CaseFactory(
                institution=world.academic,
                patient=patient,
                board=world.board,
                created_by=world.member,
                status=CaseStatus.SUBMITTED,
                submitted_at=timezone.now(),
                stage_group=site_stage,
            )
        )
    proposed = Plan.objects.create(
        case=cases[1], kind="proposed", version=1, intent="curative", created_by=world.member
    )
    PlanComponent.objects.create(plan=proposed, position=1, modality="surgery", detail="Mastectomy")

    # 1. sign in: the coordinator lands on the dashboard
    sign_in(page, "coord")
    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Upcoming meetings")).to_be_visible()
    expect(page.get_by_text("Ada First")).to_be_visible()
    snapshot(page, "coordinator-1-dashboard")

    # 2. the calendar (the meeting's month)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Board calendar")
    if timezone.localdate().month != meeting.starts_at.month:
        page.get_by_role("link", name="Next month →").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{meeting.starts_at:%B %Y}")
    expect(page.get_by_label("Private iCalendar feed URL")).to_have_value(re.compile(r"\.ics$"))
    snapshot(page, "coordinator-2-calendar")

    # 3. the meeting
    page.get_by_role("link", name=f"{meeting.starts_at:%a} {meeting.starts_at.day} {meeting.starts_at:%b}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Breast tumor board")
    meter = page.get_by_role("meter", name="Agenda time allocated")
    expect(meter).to_have_attribute("aria-valuenow", "0")
    page.get_by_role("button", name="Send invitations").click()
    expect(page.get_by_role("row", name="Rita Rad")).to_contain_text("Invited")
    assert Attendance.objects.filter(meeting=meeting).count() == 4  # every member of the board
    snapshot(page, "coordinator-3-meeting")

    # 4. two submitted cases onto the agenda: the capacity bar fills
    page.get_by_label("Case to add").select_option(str(cases[0].public_id))
    page.get_by_role("button", name="Add to agenda").click()
    expect(meter).to_have_attribute("aria-valuenow", "10")
    page.get_by_label("Case to add").select_option(str(cases[1].public_id))
    page.get_by_role("button", name="Add to agenda").click()
    expect(meter).to_have_attribute("aria-valuenow", "20")
    agenda = page.locator("#agenda ol.agenda > li")
    expect(agenda).to_have_count(2)
    snapshot(page, "coordinator-4-agenda")

    # 5. reorder, by keyboard: the second case first, and the focus follows the moved case
    page.get_by_role("button", name="Move item 1 down").press("Enter")
    expect(agenda.first).to_contain_text("Bea Second")
    expect_focused(page.get_by_role("button", name="Move item 2 up"))
    order = list(
        AgendaItem.objects.filter(meeting=meeting, status=AgendaItemStatus.SCHEDULED)
        .order_by("position")
        .values_list("case_id", flat=True)
    )
    assert order == [cases[1].pk, cases[0].pk]
    snapshot(page, "coordinator-5-reordered")

    # 6. start the meeting: ahead of its day with nobody's acceptance, it asks for a confirmation and a reason
    page.get_by_role("button", name="Start meeting").click()
    expect(page.get_by_text("Starting now needs a confirmation")).to_be_visible()
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.SCHEDULED
    page.get_by_label("Reason for starting now").fill("The members check in at the meeting.")
    page.get_by_label("I confirm starting the meeting now").check()
    snapshot(page, "coordinator-6-confirm-start")
    page.get_by_role("button", name="Start anyway").click()
    expect(page.get_by_role("heading", name="Run the meeting: case by case")).to_be_visible()
    assert Meeting.objects.get(pk=meeting.pk).status == MeetingStatus.IN_PROGRESS
    assert meeting.transitions.get().reason.startswith("The members check in at the meeting.")
    snapshot(page, "coordinator-6-started")

    # 7. check attendees in (one remote)
    for user, how in ((world.member, "in person"), (world.chair, "in person"), (radonc, "remotely")):
        button = page.get_by_role("button", name=f"Check in {user.name} {how}")
        button.press("Enter")  # by keyboard: the focus stays on the button through the swap
        expect(page.get_by_role("row", name=user.name)).to_contain_text("Present")
        expect_focused(button)
    assert Attendance.objects.filter(meeting=meeting, present=True).count() == 3
    assert Attendance.objects.get(meeting=meeting, user=radonc).remote
    # the quorum and the run-mode form (specialties present) follow the check-ins without a reload
    expect(page.locator("#meeting-quorum")).to_contain_text("Met")
    snapshot(page, "coordinator-7-checked-in")

    # 8. case by case: the first case is current; next and back
    current = page.locator('#run ol.agenda > li[aria-current="true"]')
    expect(current).to_contain_text("Bea Second")
    page.get_by_role("link", name="Next case →").click()
    expect(current).to_contain_text("Ada First")
    page.get_by_role("link", name="← Previous case").click()
    expect(current).to_contain_text("Bea Second")
    expect(page.get_by_text("Surgery: Mastectomy")).to_be_visible()  # the proposed plan
    snapshot(page, "coordinator-8-current-case")

    # 9. the board's recommendation for it, with consensus and the specialties present
    form = page.locator("form.plan-form")
    form.get_by_label("Treatment intent").select_option("curative")
    form.get_by_label("Modality 1").select_option("surgery")
    form.get_by_label("Detail 1").fill("Breast-conserving surgery")
    form.get_by_label("Modality 2").select_option("radiation_therapy")
    form.get_by_label("Detail 2").fill("Whole-breast irradiation")
    form.get_by_label("Consensus").select_option("majority")
    form.get_by_label("Dissent").fill("One member preferred mastectomy.")
    specialties = form.get_by_role("group", name="Specialties present")
    for label in ("Medical oncology", "Surgical oncology", "Radiation oncology"):
        expect(specialties.get_by_label(label)).to_be_checked()
    snapshot(page, "coordinator-9-board-plan-form")
    form.get_by_role("button", name="Record board plan").click()
    # back on the meeting page, at the next case
    expect(current).to_contain_text("Ada First")
    plan = Plan.objects.get(case=cases[1], kind="board")
    assert plan.consensus == "majority" and plan.meeting_id == meeting.pk and plan.quorum_met is True
    assert {"medical_oncology", "surgical_oncology", "radiation_oncology"} <= set(plan.specialties_present)
    assert [c.modality for c in plan.components.order_by("position")] == ["surgery", "radiation_therapy"]
    snapshot(page, "coordinator-10-plan-recorded")

    # 10. the first case is presented (recording the plan presented it); for the second, who was there, and mark
    # it presented by hand
    item = AgendaItem.objects.get(meeting=meeting, case=cases[1])
    assert item.status == AgendaItemStatus.PRESENTED
    page.get_by_role("link", name="← Previous case").click()
    expect(page.get_by_text("Board plan recorded at this meeting")).to_be_visible()
    page.get_by_role("link", name="Next case →").click()
    # the radiation oncologist left before this case: presence for it, and what depends on it, without a reload
    page.get_by_role("group", name="Present for this case").get_by_label("Rita Rad (Radiation oncology)").uncheck()
    page.get_by_role("button", name="Record presence").click()
    expect(page.get_by_text("Recorded for this case.")).to_be_visible()
    specialties = page.locator("form.plan-form").get_by_role("group", name="Specialties present")
    expect(specialties.get_by_label("Radiation oncology")).not_to_be_checked()
    expect(specialties.get_by_label("Surgical oncology")).to_be_checked()
    second_item = AgendaItem.objects.get(meeting=meeting, case=cases[0])
    assert set(second_item.present.all()) == {world.member, world.chair}
    page.get_by_role("button", name="Mark presented").click()
    expect(current).to_contain_text("Presented")
    assert AgendaItem.objects.get(meeting=meeting, case=cases[0]).status == AgendaItemStatus.PRESENTED
    snapshot(page, "coordinator-11-presented")

    # 11. the same page on a tablet
    page.set_viewport_size({"width": 820, "height": 1180})
    expect(page.get_by_role("button", name="Complete meeting")).to_be_visible()
    snapshot(page, "coordinator-12-tablet")


def test_a_coordinator_records_follow_through_from_the_worklist(world, page):
    case = CaseFactory(
        institution=world.academic, board=world.board, created_by=world.member, status=CaseStatus.RECOMMENDED
    )
    plan = Plan.objects.create(
        case=case, kind="board", version=1, intent="curative", consensus="unanimous", created_by=world.coordinator
    )
    PlanComponent.objects.create(plan=plan, position=1, modality="surgery", detail="Lumpectomy")
    Plan.objects.filter(pk=plan.pk).update(created_at=timezone.now() - datetime.timedelta(days=40))

    sign_in(page, "coord")
    page.goto(f"/follow-up/?board={world.board.public_id}")  # the reminder e-mail's link
    expect(page.get_by_role("heading", name="Due for follow-through (1)")).to_be_visible()
    item = page.locator(f"#plan-{plan.public_id}")
    item.get_by_label("No", exact=True).check()
    item.get_by_role("button", name="Record follow-through").click()
    expect(item.get_by_role("alert")).to_contain_text("Say why")  # a reason is needed, shown next to it
    expect_focused(item.get_by_label("Reason when not (fully) implemented"))  # and the focus is there
    snapshot(page, "coordinator-follow-up-1-refused")
    item.get_by_label("Reason when not (fully) implemented").select_option("patient_choice")
    item.get_by_label("Note").fill("Declined surgery")
    item.get_by_role("button", name="Record follow-through").click()
    expect_focused(page.get_by_role("status").filter(has_text="Follow-through recorded."))
    follow_up = FollowUp.objects.get(plan=plan)
    assert (follow_up.implemented, follow_up.reason, follow_up.note) == ("no", "patient_choice", "Declined surgery")
    page.reload()
    expect(page.get_by_role("heading", name="Due for follow-through (0)")).to_be_visible()
    expect(page.get_by_role("cell", name="Patient's choice")).to_be_visible()
    snapshot(page, "coordinator-follow-up-2-recorded")


def test_a_coordinator_corrects_a_cases_clinical_profile(world, page):
    case = world.case
    case.medications.create(name="Tamoxifen")
    sign_in(page, "coord")
    page.goto(f"/cases/{case.public_id}/")
    page.get_by_role("link", name="Edit the clinical profile").click()
    expect(page.get_by_role("heading", name=re.compile(r"^Clinical profile"))).to_be_visible()
    page.get_by_label("ECOG performance status").select_option("2")
    page.get_by_role("spinbutton", name="GFR (mL/min)").fill("-3")
    biomarker = page.get_by_role("group", name="Biomarker 1")
    biomarker.get_by_label("Name").select_option("HER2")
    biomarker.get_by_label("Result").select_option("positive")
    biomarker.get_by_label("Detail").fill("IHC 3+")
    page.get_by_role("group", name="Medication 1").get_by_label("Name").fill("")  # stopped and removed
    page.get_by_role("button", name="Save the clinical profile").click()
    gfr = page.get_by_role("spinbutton", name="GFR (mL/min)")
    expect(page.get_by_role("alert").filter(has_text="Nothing was saved.")).to_be_visible()
    expect_focused(gfr)  # the refused field has the focus, and its reason is read with it
    expect(gfr).to_have_accessible_description("Please enter 0 or more.")
    snapshot(page, "coordinator-profile-1-refused")
    gfr.fill("38")
    measured = timezone.localdate() - datetime.timedelta(days=2)
    page.get_by_label("GFR measured on").fill(measured.isoformat())
    page.get_by_label("Financial navigation").select_option("referred")
    page.get_by_label("Health-care proxy named").check()
    page.get_by_role("group", name="Prior anthracycline 1").get_by_label("Drug").select_option("epirubicin")
    page.get_by_role("group", name="Prior anthracycline 1").get_by_label("Cumulative dose").fill("300")
    page.get_by_role("button", name="Save the clinical profile").click()
    expect(page.get_by_role("status")).to_contain_text("The clinical profile was saved.")
    summary = page.locator("#summary")
    expect(summary.get_by_text("38.0 mL/min")).to_be_visible()
    expect(summary.get_by_text("IHC 3+")).to_be_visible()
    snapshot(page, "coordinator-profile-2-saved")
    case.refresh_from_db()
    assert (case.ecog, case.gfr_ml_min, case.gfr_date) == (2, 38.0, measured)
    assert case.prior_anthracyclines == [{"drug": "epirubicin", "cumulative_mg_m2": 300.0}]
    assert (case.financial_navigation, case.acp_healthcare_proxy) == ("referred", True)
    assert list(case.biomarkers.values_list("name", "result")) == [("HER2", "positive")]
    assert not case.medications.exists()
