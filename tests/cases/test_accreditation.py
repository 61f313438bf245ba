"""The accreditation report (issue 21, SPEC §9): GET /api/v1/analytics/accreditation/, its page, CSV and PDF, and the
program's caseload. Every figure is checked on a small hand-built year of conferences (rows written directly, so
each presentation has its meeting, treatments, staging and plan)."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.accreditation import accreditation_report, report_scope
from cases.models import AnnualCaseload, ChangeRecord, FollowUp, Plan, PlanComponent, StagingRecord, TreatmentCourse
from cases.pages.accreditation import report_html
from scheduling.models import AgendaItem, Attendance
from specialists.models import BoardRole, Specialty
from tests.cases.plan_helpers import BOARD, PROPOSED, discussed
from tests.factories import (
    BoardFactory,
    CaseFactory,
    InstitutionFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)
from tumorboard.models import AuditEvent

pytestmark = pytest.mark.django_db

URL = "/api/v1/analytics/accreditation/"
CASELOADS = "/api/v1/analytics/accreditation/caseloads/"
YEAR = 2025
UTC = datetime.UTC


def on(month: int, day: int, year: int = YEAR) -> datetime.datetime:
    return datetime.datetime(year, month, day, 12, tzinfo=UTC)


def held(board, when, status="completed"):
    return MeetingFactory(board=board, starts_at=when, ends_at=when + datetime.timedelta(hours=1), status=status)


def checked_in(meeting, *users, present=True, **extra):
    for user in users:
        Attendance.objects.create(meeting=meeting, user=user, rsvp="accepted", present=present, **extra)


def presented(meeting, case, *, status="presented"):
    position = AgendaItem.objects.filter(meeting=meeting).count() + 1
    return AgendaItem.objects.create(meeting=meeting, case=case, position=position, minutes=10, status=status)


def board_plan(case, meeting, *, guideline="", modalities=("surgery",), changed=False, follow_up=None):
    """The board's plan for ``case`` at ``meeting``, its change record against a proposed plan and a follow-up."""
    proposed = Plan.objects.filter(case=case, kind="proposed").first() or Plan.objects.create(
        case=case, kind="proposed", version=1, intent="curative", created_by=case.created_by
    )
    version = Plan.objects.filter(case=case, kind="board").count() + 1
    plan = Plan.objects.create(
        case=case,
        kind="board",
        version=version,
        intent="curative",
        consensus="unanimous",
        meeting=meeting,
        guideline=guideline,
        created_by=case.created_by,
    )
    for position, modality in enumerate(modalities, 1):
        PlanComponent.objects.create(plan=plan, position=position, modality=modality)
    ChangeRecord.objects.create(
        case=case,
        board_id=case.board_id,
        basis="proposed",
        from_plan=proposed,
        to_plan=plan,
        decided_at=meeting.starts_at,
        changed=changed,
        modality_added=changed,
        summary="-",
    )
    if follow_up:
        implemented, reason = follow_up
        FollowUp.objects.create(
            case=case, plan=plan, implemented=implemented, reason=reason, recorded_by=case.created_by
        )
    return plan


def unstaged(**fields):
    return dict.fromkeys(("clinical_t", "clinical_n", "clinical_m", "stage_group"), "") | fields


def year_of_conferences(world):
    """Breast (required: medical, surgical, radiation oncology) held two conferences in 2025, cancelled one; the
    coordinator's second board, GI (medical oncology, pathology), held one; Thoracic (not theirs) one.

    Breast presentations: c1 at M1 (untreated, staged, NCCN guideline, followed: yes), c2 at M1 (surgery a month
    before, unstaged, a trial), c3 at M2 (treated only after, staged in FIGO only, no plan), c4 at M2 (an undated
    course, guideline and trial, followed: no), c1 again at M2 (no plan). Rolled-over and other-year items do not
    count, nor a guest's check-in."""
    academic, coordinator = world.academic, world.coordinator
    radonc = UserFactory(username="radonc", institution=academic, specialty=Specialty.RADIATION_ONCOLOGY)
    pathologist = UserFactory(username="patho", institution=academic, specialty=Specialty.PATHOLOGY)
    MembershipFactory(user=radonc, board=world.board)
    gi = BoardFactory(name="GI", institution=academic, required_specialties=["medical_oncology", "pathology"])
    MembershipFactory(user=coordinator, board=gi, role=BoardRole.COORDINATOR)
    MembershipFactory(user=pathologist, board=gi)

    m1, m2 = held(world.board, on(3, 4)), held(world.board, on(6, 10))
    held(world.board, on(9, 9), status="cancelled")
    held(world.board, on(11, 4), status="scheduled")
    last_year = held(world.board, on(12, 30, YEAR - 1))
    g1, t1 = held(gi, on(5, 6)), held(world.other_board, on(5, 6))
    checked_in(m1, world.member, world.chair)
    checked_in(m1, radonc, present=False)
    checked_in(m1, world.referrer, guest_case=world.case)
    checked_in(m2, world.member, world.chair, radonc)
    checked_in(g1, pathologist)
    checked_in(last_year, world.member)

    def case(board, **fields):
        return CaseFactory(institution=academic, board=board, created_by=world.member, status="recommended", **fields)

    c1, c2, c3, c4 = (
        case(world.board),
        case(world.board, **unstaged()),
        case(world.board, **unstaged()),
        case(world.board),
    )
    TreatmentCourse.objects.create(case=c2, kind="surgery", name="Lumpectomy", start=datetime.date(YEAR, 2, 1))
    TreatmentCourse.objects.create(case=c3, kind="systemic", name="AC-T", start=datetime.date(YEAR, 7, 1))
    TreatmentCourse.objects.create(case=c4, kind="radiotherapy", name="Whole breast")
    StagingRecord.objects.create(case=c3, system="figo", value="IB")
    for meeting, item in ((m1, c1), (m1, c2), (m2, c3), (m2, c4), (m2, c1)):
        presented(meeting, item)
    presented(m1, c3, status="rolled_over")
    presented(last_year, c4)
    board_plan(c1, m1, guideline="NCCN Breast v5.2024", changed=True, follow_up=("yes", ""))
    board_plan(c2, m1, modalities=("clinical_trial",))
    board_plan(
        c4, m2, guideline="ESMO 2024", modalities=("clinical_trial", "systemic_therapy"), follow_up=("no", "toxicity")
    )
    g_case = case(gi, primary_site="colorectal")
    presented(g1, g_case)
    board_plan(g_case, g1)
    presented(t1, world.other_case)
    AnnualCaseload.objects.create(institution=academic, year=YEAR, analytic_cases=40, entered_by=coordinator)
    return {"m1": m1, "m2": m2, "gi": gi, "g1": g1, "radonc": radonc}


def get(world, user, **params):
    return world.client(user).get(URL, params)


def test_the_figures_of_a_board_and_of_the_institution(world):
    built = year_of_conferences(world)
    before = AuditEvent.objects.count()
    response = get(world, world.coordinator, board=world.board.public_id, year=YEAR)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["board"] == {"id": str(world.board.public_id), "name": "Breast"}
    assert "Standard 2.5" in body["standard"] and body["year"] == YEAR
    assert (body["conferences_held"], body["conferences_cancelled"]) == (2, 1)
    assert body["attendance"] == [
        {"specialty": "medical_oncology", "conferences_required": 2, "conferences_attended": 2, "rate": 1.0},
        {"specialty": "surgical_oncology", "conferences_required": 2, "conferences_attended": 2, "rate": 1.0},
        {"specialty": "radiation_oncology", "conferences_required": 2, "conferences_attended": 1, "rate": 0.5},
    ]
    figures = {
        "presentations": 5,
        "cases": 4,
        "prospective": 3,
        "retrospective": 1,
        "undetermined": 1,
        "prospective_rate": 0.6,
        "staging_recorded": 4,
        "staging_recorded_rate": 0.8,
        "recommendations_recorded": 3,
        "recommendations_recorded_rate": 0.6,
        "guideline_discussed": 2,
        "guideline_discussed_rate": 0.4,
        "trial_discussed": 2,
        "trial_discussed_rate": 0.4,
        "guideline_or_trial": 3,
        "guideline_or_trial_rate": 0.6,
    }
    assert {key: body[key] for key in figures} == figures
    assert body["caseload"] == {"analytic_cases": 40, "note": "", "cases_presented": 4, "share": 0.1}
    decisions = body["decisions"]
    assert (decisions["cases"], decisions["changed"], decisions["change_rate"]) == (3, 1, 0.333)
    follow = decisions["follow_through"]
    assert (follow["plans"], follow["recorded"], follow["yes"], follow["no"], follow["rate"]) == (3, 2, 1, 1, 0.5)
    assert [c["id"] for c in body["conferences"]] == [str(built["m1"].public_id), str(built["m2"].public_id)]
    first, second = body["conferences"]
    assert first["cases_presented"] == 2 and first["required_missing"] == ["radiation_oncology"]
    assert first["attendance"] == {**dict.fromkeys(Specialty.values, 0), "medical_oncology": 1, "surgical_oncology": 1}
    assert second["cases_presented"] == 3 and second["required_missing"] == []
    assert body["by_board"][0] | {} == {
        "board": str(world.board.public_id),
        "name": "Breast",
        "required_specialties": ["medical_oncology", "surgical_oncology", "radiation_oncology"],
        "conferences_held": 2,
        "conferences_cancelled": 1,
        **figures,
    }
    audit = AuditEvent.objects.order_by("-id")[: AuditEvent.objects.count() - before]
    assert [(e.action, e.object_type, e.object_id, e.patient_id) for e in audit] == [
        ("read", "cases.accreditation_report", str(world.board.public_id), None)
    ]
    assert audit[0].detail == {"view": "api", "year": YEAR, "scope": "board"}

    # the institution: every board the coordinator runs (Breast and GI), not Thoracic
    body = get(world, world.coordinator, year=YEAR).json()
    assert body["board"] is None and body["institution"]["name"] == "Academic Cancer Center"
    assert [row["name"] for row in body["by_board"]] == ["Breast", "GI"]
    assert (body["conferences_held"], body["presentations"], body["cases"], body["prospective"]) == (3, 6, 5, 4)
    assert (
        body["recommendations_recorded"] == 4 and body["guideline_or_trial"] == 3 and body["caseload"]["share"] == 0.125
    )
    assert {
        row["specialty"]: (row["conferences_required"], row["conferences_attended"]) for row in body["attendance"]
    } == {
        "medical_oncology": (3, 2),
        "surgical_oncology": (2, 2),
        "radiation_oncology": (2, 1),
        "pathology": (1, 1),
    }
    assert body["conferences"][1]["board_name"] == "GI" and body["conferences"][1]["required_missing"] == [
        "medical_oncology"
    ]
    assert body["decisions"]["cases"] == 4  # the GI decision too, not Thoracic's

    # another year: nothing, rates null
    empty = get(world, world.coordinator, board=world.board.public_id, year=YEAR - 2).json()
    assert (empty["conferences_held"], empty["presentations"], empty["prospective_rate"]) == (0, 0, None)
    assert empty["caseload"] == {"analytic_cases": None, "note": "", "cases_presented": 0, "share": None}


def test_the_query_count_does_not_grow_with_the_meetings(world):
    year_of_conferences(world)
    client = world.client(world.coordinator)
    client.get(URL, {"year": YEAR})  # the token's first use writes its last-used time

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL, {"year": YEAR}).status_code == 200
        return len(captured)

    few = queries()
    for week in range(12):
        meeting = held(world.board, on(1, 6) + datetime.timedelta(weeks=week))
        checked_in(meeting, world.member, world.chair)
        case = CaseFactory(institution=world.academic, board=world.board, created_by=world.member)
        presented(meeting, case)
        board_plan(case, meeting, guideline="NCCN", follow_up=("yes", ""))
    assert queries() == few == 12  # the token with its memberships, institution, boards, 5 of the report, caseload,
    # 2 of the change statistics (cases.analytics, reused whole), the audit row


def test_who_may_see_the_report_and_bad_parameters(world):
    year_of_conferences(world)
    board = world.board.public_id
    assert world.client(None).get(URL).status_code in (401, 403)
    # a member of the board, not its coordinator: refused (they see the board, so 403, not 404)
    response = get(world, world.member, board=board)
    assert response.status_code == 403
    assert get(world, world.member).status_code == 403
    # the coordinator of Breast sees Thoracic (their institution's) but does not run it
    assert get(world, world.coordinator, board=world.other_board.public_id).status_code == 403
    # another institution's coordinator: Breast does not exist for them; their own report has nothing of ours
    elsewhere = InstitutionFactory(name="Elsewhere")
    stranger = UserFactory(username="stranger", institution=elsewhere)
    MembershipFactory(user=stranger, board=BoardFactory(name="Their board", institution=elsewhere), role="coordinator")
    assert get(world, stranger, board=board).status_code == 404
    assert get(world, world.referrer, board=board).status_code == 404
    assert get(world, world.coordinator, board=uuid.uuid4()).status_code == 404
    assert get(world, stranger, institution=world.academic.public_id).status_code == 404
    theirs = get(world, stranger, year=YEAR).json()
    assert (theirs["institution"]["name"], theirs["conferences_held"], theirs["presentations"]) == ("Elsewhere", 0, 0)
    assert [row["name"] for row in theirs["by_board"]] == ["Their board"]
    # an admin chooses the institution; the board's institution must match it
    assert get(world, world.admin, board=board, year=YEAR).json()["presentations"] == 5
    assert (
        get(world, world.admin, institution=elsewhere.public_id, year=YEAR).json()["by_board"][0]["name"]
        == "Their board"
    )

    this_year = timezone.localdate().year
    for params, field in (
        ({"year": "last"}, "year"),
        ({"year": "1899"}, "year"),
        ({"year": str(this_year + 1)}, "year"),
        ({"year": ""}, "year"),
        ({"year": "9" * 30}, "year"),
        ({"institution": "nope"}, "institution"),
        ({"board": "breast"}, "board"),
        ({"board": board, "institution": elsewhere.public_id}, "institution"),
    ):
        response = get(world, world.admin if "institution" in params else world.coordinator, **params)
        assert response.status_code == 400, (params, response.content)
        assert [error["field"] for error in response.json()["errors"]] == [field], params
    assert get(world, world.coordinator).json()["year"] == this_year


def test_the_caseload_is_entered_by_a_coordinator_and_audited(world):
    client = world.client(world.coordinator)
    created = client.post(CASELOADS, {"year": YEAR, "analytic_cases": 812, "note": "Registry 2025"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json() | {"id": None, "updated_at": None} == {
        "id": None,
        "institution": str(world.academic.public_id),
        "year": YEAR,
        "analytic_cases": 812,
        "note": "Registry 2025",
        "entered_by": str(world.coordinator.public_id),
        "updated_at": None,
    }
    corrected = client.post(CASELOADS, {"year": YEAR, "analytic_cases": 820}, format="json")
    assert corrected.status_code == 200 and corrected.json()["analytic_cases"] == 820
    assert [(row["year"], row["analytic_cases"]) for row in client.get(CASELOADS).json()] == [(YEAR, 820)]
    audit = AuditEvent.objects.filter(object_type="cases.annualcaseload").order_by("id")
    assert [(e.action, e.detail["analytic_cases"], e.detail["previous"]) for e in audit] == [
        ("create", 812, None),
        ("update", 820, 812),
    ]
    assert AnnualCaseload.objects.get().analytic_cases == 820

    for body, field in (
        ({"year": YEAR, "analytic_cases": -1}, "analytic_cases"),
        ({"year": 1800, "analytic_cases": 5}, "year"),
        ({"analytic_cases": 5}, "year"),
        ({"year": YEAR, "analytic_cases": "many"}, "analytic_cases"),
    ):
        response = client.post(CASELOADS, body, format="json")
        assert response.status_code == 400 and [e["field"] for e in response.json()["errors"]] == [field], body
    assert (
        world.client(world.member).post(CASELOADS, {"year": YEAR, "analytic_cases": 1}, format="json").status_code
        == 403
    )
    assert world.client(world.referrer).get(CASELOADS).status_code == 403
    foreign = {"year": YEAR, "analytic_cases": 1, "institution": str(world.community.public_id)}
    assert client.post(CASELOADS, foreign, format="json").status_code == 404
    assert AnnualCaseload.objects.get().analytic_cases == 820


def test_the_page_its_csv_and_pdf_and_the_caseload_form(world, client):
    year_of_conferences(world)
    page_url = f"/analytics/accreditation/?board={world.board.public_id}&year={YEAR}"
    client.force_login(world.member)
    assert client.get(page_url).status_code == 403
    client.force_login(world.coordinator)
    page = client.get(page_url)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-figure="prospective">60% (3 of 5 before the first treatment)' in text
    assert 'data-figure="caseload">10% (4 of 40 analytic cases)' in text
    assert 'aria-label="Conferences attended by each required specialty"' in text
    assert client.get("/analytics/accreditation/?year=19x").status_code == 400
    assert client.get(f"/analytics/accreditation/?board={world.other_board.public_id}").status_code == 403
    assert client.get(f"/analytics/accreditation/?board={uuid.uuid4()}").status_code == 404

    query = f"?board={world.board.public_id}&year={YEAR}"
    csv_response = client.get(f"/analytics/accreditation/report.csv{query}")
    assert csv_response.status_code == 200 and csv_response["Content-Type"].startswith("text/csv")
    assert csv_response["Content-Disposition"] == f'attachment; filename="accreditation-breast-{YEAR}.csv"'
    lines = csv_response.content.decode().splitlines()
    assert lines[0] == f"Accreditation report,Academic Cancer Center,Breast,{YEAR}"
    assert "Conferences held,2,," in lines
    assert "Presented before the first treatment (prospective),3,5,60%" in lines
    assert "Cases presented against the caseload,4,40,10%" in lines
    assert "Radiation oncology,2,1,50%" in lines
    assert "Board plans carried out,1,2,50%" in lines
    assert f"{YEAR}-03-04 12:00,Breast,completed,2,1,1,0,0,0,0,0,0,Radiation oncology" in lines

    pdf = client.get(f"/analytics/accreditation/report.pdf{query}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:5] == b"%PDF-"
    scope = report_scope(world.coordinator, board=world.board.public_id, institution=None, year=YEAR)
    html = report_html(accreditation_report(world.coordinator, scope))
    for phrase in ("Accreditation report 2025: Breast", "<td>Conferences held</td>", "Radiation oncology", "60%"):
        assert phrase in html, phrase
    downloads = AuditEvent.objects.filter(object_type="cases.accreditation_report", action="download")
    assert sorted(e.detail["format"] for e in downloads) == ["csv", "pdf"]

    saved = client.post(
        "/analytics/accreditation/caseload/",
        {"year": YEAR, "analytic_cases": "55", "note": "Registry", "board": world.board.public_id},
    )
    assert saved.status_code == 302 and saved["Location"] == (
        f"/analytics/accreditation/?year={YEAR}&board={world.board.public_id}#caseload"
    )
    assert AnnualCaseload.objects.get(year=YEAR).analytic_cases == 55
    refused = client.post("/analytics/accreditation/caseload/", {"year": YEAR, "analytic_cases": "lots"})
    assert refused.status_code == 400 and "Please enter a whole number." in refused.content.decode()


def test_the_board_plan_records_the_guideline_discussed(world):
    item = discussed(world)
    plans = f"/api/v1/cases/{world.case.public_id}/plans/"
    refused = world.client(world.member).post(plans, {**PROPOSED, "guideline": "NCCN"}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "guideline"
    too_long = world.client(world.coordinator).post(plans, {**BOARD, "guideline": "N" * 201}, format="json")
    assert too_long.status_code == 400 and too_long.json()["errors"][0]["field"] == "guideline"
    recorded = world.client(world.coordinator).post(
        plans, {**BOARD, "guideline": " NCCN Breast v5.2024 "}, format="json"
    )
    assert recorded.status_code == 201, recorded.content
    assert recorded.json()["guideline"] == "NCCN Breast v5.2024"
    assert Plan.objects.get(kind="board").meeting_id == item.meeting_id
