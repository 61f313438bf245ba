"""The demo loader (SPEC §8): idempotent, the documented logins work, the clinical scenarios the readiness
and safety checklist (SPEC §5.3) is demonstrated on are really in the data, the boards' past discussions
carry plans, reviews, change records and follow-through (SPEC §5.4), and the community hospitals' second
opinions (SPEC §5.5) cover the request's states with a realistic turnaround.

The demo is loaded once for the module (``loaded``), in a transaction rolled back at its end; every test still
runs in its own savepoint (the ``db`` fixture), so a test that changes the data or reloads it changes nothing
the next test sees. The module's load is the first load of an empty database: the tests of a first run read
its output and the on-commit callbacks it left."""

import datetime
import hashlib
import itertools
from collections import defaultdict
from dataclasses import dataclass
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.test import TestCase
from django.utils import timezone
from rest_framework.test import APIClient

from cases.checklist import evaluate
from cases.codes import SECOND_OPINION_OPEN, CaseStatus, ChangeBasis, ChangeCategory, PacketStatus, PlanKind
from cases.lifecycle.case_actions import case_transition
from cases.models import (
    Biomarker,
    Case,
    CaseTransition,
    ChangeRecord,
    FollowUp,
    GenomicVariant,
    Medication,
    Packet,
    Patient,
    Pharmacogenomic,
    Plan,
    PlanComponent,
    ProfileRevision,
    Review,
    ReviewTask,
    SecondOpinion,
    SecondOpinionReport,
    SecondOpinionTransition,
    StagingRecord,
    TreatmentCourse,
    Trial,
)
from cases.selectors import follow_up_due_plans
from cases.services.second_opinions import add_business_days, due_business_days
from cases.trials import trial_matches
from demo.data import demo_cases, demo_requests
from demo.loader import DemoSummary, demo_load
from demo.world import BOARDS, DEMO_PASSWORD, PAST_MEETINGS, YEAR_OF_MEETINGS, demo_case_id
from scheduling.cme import cme_state
from scheduling.models import AgendaItem, AgendaItemStatus, Attendance, Board, CmeAttestation, Meeting, MeetingStatus
from specialists.models import BoardMembership, BoardRole, Institution, InstitutionKind, Specialty, User
from tests.conftest import token_for
from tumorboard.models import AuditEvent, Notification, NotificationStatus

pytestmark = pytest.mark.django_db

SPEC_USERNAMES = [
    "coordinator",
    "medonc",
    "surgonc",
    "radonc",
    "pathologist",
    "radiologist",
    "genetics",
    "palliative",
    "navigator",
    "community",
    "community2",
    "admin",
]
MODELS = [
    Institution,
    User,
    BoardMembership,
    Board,
    Meeting,
    AgendaItem,
    Patient,
    Case,
    Biomarker,
    Pharmacogenomic,
    Medication,
    CaseTransition,
    Plan,
    PlanComponent,
    Review,
    ProfileRevision,
    ChangeRecord,
    FollowUp,
    Notification,
    AuditEvent,
    SecondOpinion,
    SecondOpinionTransition,
    SecondOpinionReport,
    Attendance,
    CmeAttestation,
    Packet,
]
DISCUSSED = [CaseStatus.DISCUSSED, CaseStatus.RECOMMENDED, CaseStatus.CLOSED]
DECIDED = [CaseStatus.RECOMMENDED, CaseStatus.CLOSED]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def _load() -> str:
    """The first load, as ``make run`` does it: the command, into the empty database."""
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def _reload() -> DemoSummary:
    """The loader run again over the loaded demo: it refreshes, never duplicates (the command itself refuses a
    database that holds data)."""
    return demo_load()


@dataclass(frozen=True)
class Loaded:
    output: str  # what load_demo printed
    callbacks: list  # the on-commit callbacks it left (task messages), not run


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker) -> Loaded:
    """The demo, loaded once for the module into the empty test database and rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks() as callbacks:
            output = _load()
        yield Loaded(output, list(callbacks))
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded, db) -> str:
    return loaded.output


def _age(case: Case) -> int:
    return case.patient.age_on(timezone.localdate())


def test_a_second_run_changes_no_counts_and_fails_nothing(demo):
    after_first = _counts()
    second = _reload()
    assert _counts() == after_first
    assert after_first["Case"] >= 38 and after_first["SecondOpinion"] == len(demo_requests())
    assert f"{len(demo_cases())} cases" in demo  # the module's load was the first
    assert f"{len(demo_requests())} second-opinion requests" in demo
    assert (second.cases_created, second.cases_updated) == (0, len(demo_cases()))
    assert (second.second_opinions_created, second.second_opinions_kept) == (0, len(demo_requests()))
    assert second.documents == 0  # a case keeps the documents it has


def test_a_rerun_keeps_valid_password_hashes_and_resets_changed_passwords(demo):
    """A new hash would end the sessions of demo users logged in while the demo is reloaded."""
    changed = User.objects.get(username="medonc")
    changed.set_password("something-else")
    changed.save()
    before = dict(User.objects.values_list("username", "password"))

    _reload()

    after = dict(User.objects.values_list("username", "password"))
    assert {u: h for u, h in after.items() if u != "medonc"} == {u: h for u, h in before.items() if u != "medonc"}
    assert authenticate(username="medonc", password=DEMO_PASSWORD) is not None


def test_the_output_lists_every_demo_login(demo):
    assert f"Demo logins (password: {DEMO_PASSWORD}):" in demo
    for username in SPEC_USERNAMES:
        assert f"\n  {username} " in demo


@pytest.mark.parametrize("username", SPEC_USERNAMES)
def test_every_spec_login_authenticates(demo, username):
    assert authenticate(username=username, password=DEMO_PASSWORD) is not None
    assert authenticate(username=username, password="wrong") is None


def test_people_institutions_and_specialties(demo):
    academic = Institution.objects.get(name="Riverside University Cancer Center")
    assert academic.kind == InstitutionKind.ACADEMIC_CENTER
    assert Institution.objects.filter(kind=InstitutionKind.COMMUNITY_HOSPITAL).count() == 2
    academic_specialties = set(
        User.objects.filter(institution=academic).exclude(specialty="").values_list("specialty", flat=True)
    )
    assert academic_specialties == set(Specialty.values)
    community = User.objects.get(username="community")
    community2 = User.objects.get(username="community2")
    assert community.institution.kind == community2.institution.kind == InstitutionKind.COMMUNITY_HOSPITAL
    assert community.institution != community2.institution
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.institution == academic
    assert not User.objects.filter(username__in=SPEC_USERNAMES[:-1], is_superuser=True).exists()
    assert all(u.email.endswith("@example.org") and u.first_name and u.last_name for u in User.objects.all())


def test_three_boards_each_with_a_coordinator_a_chair_and_weekly_meetings(demo):
    boards = Board.objects.filter(institution__name="Riverside University Cancer Center")
    assert sorted(b.name for b in boards) == ["Breast", "GI", "Thoracic"]
    now = timezone.now()
    for board in boards:
        roles = dict(board.memberships.values_list("user__username", "role"))
        assert roles["coordinator"] == BoardRole.COORDINATOR
        assert list(roles.values()).count(BoardRole.CHAIR) == 1
        assert all(roles[u] in {BoardRole.MEMBER, BoardRole.CHAIR} for u in SPEC_USERNAMES[1:9])
        assert board.recurrence.startswith("FREQ=WEEKLY;BYDAY=") and board.timezone == "America/New_York"
        upcoming = list(board.meetings.filter(starts_at__gt=now))
        assert len(upcoming) == 6
        past = {demo.name: demo.past_meetings for demo in BOARDS}[board.name]
        assert past == (YEAR_OF_MEETINGS if board.name == "Breast" else PAST_MEETINGS)
        assert board.meetings.filter(ends_at__lte=now, status=MeetingStatus.COMPLETED).count() == past
        tz = ZoneInfo(board.timezone)
        local_starts = [m.starts_at.astimezone(tz) for m in board.meetings.all()]
        assert {(s.weekday(), s.time()) for s in local_starts} == {(local_starts[0].weekday(), board.start_time)}
        assert {(b.date() - a.date()).days for a, b in itertools.pairwise(local_starts)} == {7}
        for meeting in board.meetings.all():
            assert meeting.capacity_minutes == board.duration_minutes
            assert meeting.ends_at - meeting.starts_at == datetime.timedelta(minutes=board.duration_minutes)


def test_cases_are_valid_and_consistent(demo):
    cases = Case.objects.select_related("patient", "institution", "board", "meeting", "treating_physician")
    assert cases.count() == len(demo_cases()) >= 38
    statuses = {c.status for c in cases}
    assert {"draft", "submitted", "scheduled", "discussed", "recommended", "closed"} <= statuses
    for case in cases:
        case.full_clean()
        case.patient.full_clean()
        for child in [*case.biomarkers.all(), *case.pharmacogenomics.all(), *case.medications.all()]:
            child.full_clean()
        assert case.patient.institution == case.institution == case.treating_physician.institution
        assert case.question and case.stage_group and case.ecog is not None and case.treatment_intent
        assert case.metastatic == bool(case.metastatic_sites)
        if case.board is not None:
            assert case.primary_site in case.board.disease_sites
        history = list(case.transitions.values_list("action", "to_status"))
        assert history[0] == ("create", "draft") and history[-1][1] == case.status
        if case.status == CaseStatus.SCHEDULED:
            assert case.meeting.board == case.board and case.meeting.status == MeetingStatus.SCHEDULED
            assert case.agenda_items.get(status=AgendaItemStatus.SCHEDULED).meeting == case.meeting
        elif case.status in {CaseStatus.DISCUSSED, CaseStatus.RECOMMENDED, CaseStatus.CLOSED}:
            assert case.meeting.status == MeetingStatus.COMPLETED
        else:
            assert case.meeting is None
    held = Q(agenda_items__status__in=[AgendaItemStatus.SCHEDULED, AgendaItemStatus.PRESENTED])
    for meeting in Meeting.objects.annotate(n=Count("agenda_items", filter=held)):
        assert meeting.allocated_minutes == meeting.n * meeting.board.minutes_per_case <= meeting.capacity_minutes


def test_community_cases_belong_to_their_hospital_and_only_a_routed_request_gives_them_a_board(demo):
    community_cases = Case.objects.filter(institution__kind=InstitutionKind.COMMUNITY_HOSPITAL)
    assert community_cases.count() >= 5
    assert set(community_cases.values_list("institution__name", flat=True)) == {
        "Millbrook Community Hospital",
        "Cedar Hills Regional Hospital",
    }
    routed = set(
        SecondOpinion.objects.exclude(status__in=["declined", "cancelled"])
        .filter(board__isnull=False)
        .values_list("case_id", flat=True)
    )
    assert routed and community_cases.filter(board__isnull=True).count() >= 5  # drafts still to be sent
    for case in community_cases.select_related("created_by", "board"):
        assert (case.board is not None) == (case.pk in routed)
        assert case.created_by.institution_id == case.institution_id
        assert case.created_by.username in {"community", "community2"}


def _one(queryset) -> Case:
    cases = list(queryset.distinct())
    assert cases, "scenario missing from the demo data"
    return cases[0]


def test_checklist_scenarios_are_in_the_data(demo):
    cases = Case.objects.all()
    no_dpyd = ~Q(pharmacogenomics__gene="DPYD")
    has_bm = lambda **kw: Q(id__in=Biomarker.objects.filter(**kw).values("case_id"))  # noqa: E731

    braf = _one(cases.filter(has_bm(name="BRAF", detail__icontains="V600E"), primary_site="melanoma"))
    assert braf.institution.kind == InstitutionKind.COMMUNITY_HOSPITAL and braf.board is None
    brca1 = _one(cases.filter(has_bm(name="BRCA1", result="detected"), primary_site="ovary"))
    assert brca1.institution.kind == InstitutionKind.COMMUNITY_HOSPITAL
    _one(
        cases.filter(
            pharmacogenomics__gene="CYP2D6",
            medications__name__iexact="paroxetine",
            medications__status="active",
            question__icontains="tamoxifen",
            menopausal_status="pre",
        )
    )
    _one(cases.filter(no_dpyd, primary_site="colorectal", question__icontains="FOLFOX"))
    _one(
        cases.filter(pharmacogenomics__gene="DPYD", pharmacogenomics__phenotype="intermediate").filter(
            question__icontains="capecitabine"
        )
    )
    _one(
        cases.filter(pharmacogenomics__gene="UGT1A1", pharmacogenomics__diplotype="*28/*28").filter(
            question__icontains="FOLFIRI"
        )
    )
    _one(cases.filter(no_dpyd, primary_site="pancreas", question__icontains="FOLFIRINOX"))
    _one(cases.filter(ecog=3, treatment_intent="curative"))
    _one(cases.filter(ecog=2))
    _one(cases.filter(prior_anthracycline_mg_m2=420, lvef_percent=48))
    _one(cases.filter(has_bm(name="HER2", result="positive"), lvef_percent__isnull=True))
    _one(cases.filter(question__icontains="carboplatin", gfr_ml_min__isnull=False))
    _one(cases.filter(question__icontains="carboplatin", gfr_ml_min__isnull=True))
    _one(cases.filter(has_bm(name="EGFR", result="detected", detail__icontains="exon 19"), primary_site="lung"))
    _one(cases.filter(has_bm(name="ALK", result="detected"), primary_site="lung"))
    _one(cases.filter(has_bm(name="MSI", result="high"), primary_site="colorectal"))
    _one(cases.filter(metastatic=True, metastasis_count=2))
    nsclc_missing = _one(cases.filter(primary_site="lung", histology__icontains="non-small cell"))
    assert set(nsclc_missing.biomarkers.values_list("name", flat=True)) == {"PD-L1"}

    no_oncotype = cases.filter(
        has_bm(name="ER", result="positive"), has_bm(name="HER2", result="negative"), pathological_n="N0"
    ).exclude(has_bm(name="ONCOTYPE_RS"))
    assert no_oncotype.filter(primary_site="breast", board__isnull=False).exists()
    rs18 = _one(cases.filter(has_bm(name="ONCOTYPE_RS", value=18), pathological_n="N0"))
    assert _age(rs18) == 58
    _one(cases.filter(has_bm(name="ONCOTYPE_RS", value=31)))

    gonadotoxic_no_consult = cases.filter(fertility_preservation_discussed=False, question__icontains="doxorubicin")
    assert 34 in {_age(case) for case in gonadotoxic_no_consult}
    thirteen_weeks_ago = timezone.localdate() - datetime.timedelta(weeks=13)
    _one(cases.filter(metastatic=True, goals_of_care_discussed=False, diagnosis_date=thirteen_weeks_ago))


def test_demo_cases_keep_their_public_ids_across_runs(demo):
    slug = demo_cases()[0].slug
    before = Case.objects.get(public_id=demo_case_id(slug))
    _reload()
    assert Case.objects.get(public_id=demo_case_id(slug)).pk == before.pk


def test_a_rerun_puts_a_case_a_demo_user_moved_back_and_records_why(demo):
    case = Case.objects.get(public_id=demo_case_id("breast-oncotype-rs18"))
    meeting = case.meeting
    case_transition(user=case.treating_physician, case=case, action_name="withdraw", reason="Patient moved away.")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.WITHDRAWN
    counts = _counts()

    _reload()

    case.refresh_from_db()
    assert (case.status, case.meeting) == (CaseStatus.SCHEDULED, meeting)
    last = case.transitions.last()
    assert (last.action, last.from_status, last.to_status) == ("demo_reload", "withdrawn", "scheduled")
    assert case.agenda_items.filter(status=AgendaItemStatus.SCHEDULED).count() == 1
    meeting.refresh_from_db()
    assert meeting.allocated_minutes == 10 * meeting.agenda_items.filter(status=AgendaItemStatus.SCHEDULED).count()
    tasks = ReviewTask.objects.filter(case=case, status="open", agenda_item__status=AgendaItemStatus.SCHEDULED)
    assert tasks.exists()  # the new slot's review tasks (the withdrawal cancelled the old ones)
    grown = {"CaseTransition": counts["CaseTransition"] + 1, "AgendaItem": counts["AgendaItem"] + 1}
    grown["AuditEvent"] = counts["AuditEvent"] + tasks.count()  # the tasks' creation
    assert _counts() == {**counts, **grown}  # the reload row, and a new slot (the released one stays as history)


def test_the_upcoming_agendas_have_their_review_tasks(demo):
    upcoming = AgendaItem.objects.filter(status=AgendaItemStatus.SCHEDULED)
    assert upcoming.exists() and not upcoming.filter(review_tasks__isnull=True).exists()
    assert not ReviewTask.objects.filter(status="open").exclude(agenda_item__status="scheduled").exists()
    genetics = ReviewTask.objects.filter(status="open", specialty="genetics")
    assert genetics.exists() and {t.assignee.username for t in genetics} == {"genetics"}
    body = _client("genetics").get("/api/v1/me/tasks/").json()
    assert body["count"] == genetics.count()


def _client(username: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(User.objects.get(username=username))}")
    return client


def _listed_ids(client: APIClient, **params) -> set[str]:
    response = client.get("/api/v1/cases/", {"page_size": 100, **params})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return {item["id"] for item in body["results"]}


def test_coordinator_sees_the_boards_cases_but_not_a_community_draft(demo):
    breast = Board.objects.get(name="Breast")
    seen = _listed_ids(_client("coordinator"))
    breast_ids = {str(p) for p in Case.objects.filter(board=breast).values_list("public_id", flat=True)}
    assert breast_ids and breast_ids <= seen
    community_case = Case.objects.filter(institution__name="Millbrook Community Hospital", board=None).first()
    assert str(community_case.public_id) not in seen
    assert _listed_ids(_client("coordinator"), board=str(breast.public_id)) == breast_ids


def test_community_user_sees_only_their_hospitals_cases(demo):
    own = {
        str(p)
        for p in Case.objects.filter(institution__name="Millbrook Community Hospital").values_list(
            "public_id", flat=True
        )
    }
    assert own and _listed_ids(_client("community")) == own


# --- The boards' past discussions (SPEC §5.4) ---------------------------------------------------------------


def _latest_board_plan(case: Case) -> Plan:
    return case.plans.filter(kind=PlanKind.BOARD).order_by("-version").first()


def _unit_records() -> list[ChangeRecord]:
    """Per decided case, the change record against the proposed plan of its latest board plan."""
    records = []
    for case in Case.objects.filter(status__in=DECIDED):
        records.append(ChangeRecord.objects.get(to_plan=_latest_board_plan(case), basis=ChangeBasis.PROPOSED))
    return records


def test_every_case_the_board_discussed_has_its_plans_at_a_meeting_it_was_presented_at(demo):
    discussed = Case.objects.filter(status__in=DISCUSSED).select_related("board", "meeting")
    assert discussed.filter(status=CaseStatus.DISCUSSED).exists()
    assert discussed.filter(status=CaseStatus.RECOMMENDED).count() >= 5
    assert discussed.filter(status=CaseStatus.CLOSED).count() >= 5
    for case in discussed:
        proposed = case.plans.filter(kind=PlanKind.PROPOSED).get()
        assert proposed.components.exists() and proposed.created_by.specialty  # a physician presented it
        board_plan = _latest_board_plan(case)
        if case.status == CaseStatus.DISCUSSED:
            assert board_plan is None
            continue
        meeting = board_plan.meeting
        assert meeting == case.meeting and meeting.board == case.board
        assert meeting.status == MeetingStatus.COMPLETED and meeting.ends_at <= timezone.now()
        assert case.agenda_items.get(meeting=meeting).status == AgendaItemStatus.PRESENTED
        assert board_plan.consensus and board_plan.components.exists() and board_plan.quorum_met is not None
        assert board_plan.created_by.memberships.get(board=case.board).role in {BoardRole.CHAIR, BoardRole.COORDINATOR}
        assert proposed.created_at < meeting.starts_at < meeting.ends_at < board_plan.created_at
        records = list(board_plan.changes.all())
        assert [r.basis for r in records] == [ChangeBasis.PROPOSED]
        assert records[0].from_plan == proposed and records[0].decided_at == meeting.starts_at
        assert records[0].board == case.board
        actions = list(case.transitions.values_list("action", "to_status"))
        assert ("recommend", CaseStatus.RECOMMENDED) in actions
        assert case.follow_ups.exists() == (case.status == CaseStatus.CLOSED)


def test_change_rates_differ_by_board_and_lie_within_the_published_range(demo):
    by_board: dict[str, list[bool]] = defaultdict(list)
    for record in _unit_records():
        by_board[record.board.name].append(record.changed)
    rates = {name: sum(changed) / len(changed) for name, changed in by_board.items()}
    assert set(rates) == {"Breast", "Thoracic", "GI"}
    assert all(0.15 <= rate <= 0.5 for rate in rates.values()), rates
    assert len(set(rates.values())) == len(rates), rates
    overall = [changed for changed in by_board.values() for changed in changed]
    assert 0.2 <= sum(overall) / len(overall) <= 0.4

    response = _client("admin").get("/api/v1/analytics/plan-changes/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert {row["name"]: row["change_rate"] for row in body["by_board"]} == {
        name: round(rate, 3) for name, rate in rates.items()
    }
    assert len(body["by_month"]) >= 3  # decided over several months


def test_the_breast_board_has_a_year_of_conferences_for_the_accreditation_report(demo):
    """A year of weekly Breast conferences with check-ins, cases presented with guidelines, and the caseload."""
    breast = Board.objects.get(name="Breast")
    response = _client("coordinator").get(
        "/api/v1/analytics/accreditation/", {"board": breast.public_id, "year": timezone.localdate().year}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    past_this_year = breast.meetings.filter(
        status=MeetingStatus.COMPLETED, starts_at__year=timezone.localdate().year
    ).count()
    assert body["conferences_held"] == past_this_year >= 40
    rates = {row["specialty"]: row["rate"] for row in body["attendance"]}
    assert set(rates) == set(breast.required_specialties) and rates["medical_oncology"] == 1.0
    assert 0.8 <= rates["radiation_oncology"] < 1 and 0.8 <= rates["pathology"] < 1
    assert body["presentations"] >= 8 and 0.5 <= body["prospective_rate"] <= 1
    assert body["guideline_discussed"] >= 4 and body["recommendations_recorded"] >= 8
    assert body["caseload"]["analytic_cases"] == 1240 and 0 < body["caseload"]["share"] < 0.05
    assert body["decisions"]["follow_through"]["recorded"] >= 1


def test_the_changes_show_every_category(demo):
    records = _unit_records()
    shown = {category for record in records for category in record.categories}
    assert len(set(ChangeCategory.values) - shown) <= 1, set(ChangeCategory.values) - shown
    assert {ChangeCategory.PATHOLOGY_REVISED, ChangeCategory.STAGING_REVISED} <= shown
    assert all(record.changed == bool(record.categories) for record in records)


def test_re_reads_revise_the_profile_between_the_proposed_and_the_board_plan(demo):
    revising = Review.objects.filter(revisions__isnull=False).distinct()
    pathology, imaging = revising.get(kind="pathology_reread"), revising.get(kind="imaging_reread")
    assert pathology.author.username == "pathologist" and imaging.author.username == "radiologist"
    assert {r.field for r in pathology.revisions.all()} & {"grade", "histology"}
    assert {r.field for r in imaging.revisions.all()} & {"clinical_t", "clinical_n", "clinical_m"}
    for review, category in ((pathology, "pathology_revised"), (imaging, "staging_revised")):
        case = review.case
        for revision in review.revisions.all():
            assert getattr(case, revision.field) == revision.revised != revision.original
        proposed = case.plans.get(kind=PlanKind.PROPOSED)
        board_plan = _latest_board_plan(case)
        assert proposed.created_at < review.created_at < board_plan.created_at
        assert getattr(board_plan.changes.get(basis=ChangeBasis.PROPOSED), category)
    others = Review.objects.filter(kind__in=["genetics", "palliative", "navigation"], revisions__isnull=True)
    assert set(others.values_list("kind", flat=True)) == {"genetics", "palliative", "navigation"}
    assert set(others.values_list("author__username", flat=True)) == {"genetics", "palliative", "navigator"}


def test_about_half_the_recommendations_have_a_follow_up_and_some_are_due(demo):
    board_plans = Plan.objects.filter(kind=PlanKind.BOARD)
    follow_ups = FollowUp.objects.select_related("case", "plan")
    assert 0.35 <= follow_ups.count() / board_plans.count() <= 0.65
    assert {f.case.status for f in follow_ups} == {CaseStatus.CLOSED}
    assert set(Case.objects.filter(status=CaseStatus.CLOSED).values_list("pk", flat=True)) == {
        f.case_id for f in follow_ups
    }
    answers = {f.implemented for f in follow_ups}
    assert answers == {"yes", "partial", "no"}
    assert [f.implemented for f in follow_ups].count("yes") > follow_ups.count() / 2
    assert all(bool(f.reason) == (f.implemented != "yes") for f in follow_ups)
    assert all(f.plan.created_at < f.created_at <= timezone.now() for f in follow_ups)
    due = list(follow_up_due_plans())
    assert len(due) >= 2
    assert all(plan.case.status == CaseStatus.RECOMMENDED for plan in due)


def test_the_demo_history_sends_no_mail_and_its_enqueued_tasks_change_nothing(
    loaded, db, django_capture_on_commit_callbacks
):
    """The services enqueue routing, change detection, reports, packets and notifications on commit: run what the
    first load left (eagerly, and what they enqueue in turn) as its commit would."""
    assert loaded.callbacks
    requests = list(SecondOpinion.objects.values_list("pk", "status", "routed_at", "report_sent_at"))
    with django_capture_on_commit_callbacks(execute=True):
        for callback in loaded.callbacks:
            callback()
    assert ChangeRecord.objects.count() == Plan.objects.filter(kind=PlanKind.BOARD).count()
    assert not Notification.objects.exclude(status=NotificationStatus.SENT).exists()
    assert mail.outbox == []
    assert list(SecondOpinion.objects.values_list("pk", "status", "routed_at", "report_sent_at")) == requests
    assert SecondOpinionReport.objects.filter(status=PacketStatus.READY).count() == SecondOpinionReport.objects.count()


def test_a_rerun_keeps_the_revised_profile_and_writes_a_missing_plan_history(demo):
    """A re-read's revision survives a reload; a decided case without plans (a database loaded before plans
    existed) is moved back to discussed and gets its history through the services."""
    revised = ProfileRevision.objects.select_related("case").first()
    case = Case.objects.get(public_id=demo_case_id("breast-her2-low-metastatic"))
    assert case.status == CaseStatus.CLOSED
    FollowUp.objects.filter(case=case).delete()
    ChangeRecord.objects.filter(case=case).delete()
    PlanComponent.objects.filter(plan__case=case).delete()
    Plan.objects.filter(case=case).delete()
    counts = _counts()

    _reload()

    assert getattr(Case.objects.get(pk=revised.case_id), revised.field) == revised.revised
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.plans.filter(kind=PlanKind.PROPOSED).count() == case.plans.filter(kind=PlanKind.BOARD).count() == 1
    assert case.follow_ups.count() == 1 and case.changes.get().regimen_changed
    steps = list(case.transitions.values_list("action", "to_status"))
    assert steps[-1] == ("follow-up", "closed")
    reload = steps.index(("demo_reload", "discussed"))
    assert ("recommend", "recommended") in steps[reload:]
    after = _counts()
    assert after["Plan"] == counts["Plan"] + 2 and after["FollowUp"] == counts["FollowUp"] + 1


# --- The community hospitals' second opinions (SPEC §5.5) -----------------------------------------------------


def _requests():
    return SecondOpinion.objects.select_related(
        "case__board", "board", "meeting__board", "requesting_institution", "target_institution", "requested_by"
    ).prefetch_related("transitions")


def _by_status() -> dict[str, list[SecondOpinion]]:
    grouped = defaultdict(list)
    for request in _requests():
        grouped[request.status].append(request)
    return grouped


def _hours(request: SecondOpinion) -> float:
    return (request.report_sent_at - request.created_at).total_seconds() / 3600


def test_second_opinions_cover_the_states_of_a_request_from_both_hospitals(demo):
    requests = list(_requests())
    assert 8 <= len(requests) <= 12
    by_status = _by_status()
    assert {s: len(r) for s, r in by_status.items()} == {
        "report_sent": 6,
        "declined": 1,
        "info_requested": 1,
        "requested": 2,
        "scheduled": 1,
    }
    hospitals = {r.requesting_institution.name for r in requests}
    assert hospitals == {"Millbrook Community Hospital", "Cedar Hills Regional Hospital"}
    assert {r.target_institution.name for r in requests} == {"Riverside University Cancer Center"}
    for request in requests:
        assert request.requesting_institution == request.case.institution == request.requested_by.institution
        assert request.requested_by.username in {"community", "community2"} and request.questions and request.reason
        assert request.routed_at is not None and request.due_at is not None
    now = timezone.now()
    assert min(r.created_at for r in requests) < now - datetime.timedelta(days=60)  # over the past months
    assert max(r.created_at for r in requests) > now - datetime.timedelta(days=7)  # and now
    assert {r.urgency for r in by_status["report_sent"]} == {"routine", "urgent"}


def test_each_request_has_a_consistent_timeline(demo):
    """Backdated as one history: the transitions in order, routing just after the request, the due date from
    the request's time, the report sent when the request became report_sent, nothing in the future."""
    now = timezone.now()
    for request in _requests():
        steps = list(request.transitions.all())
        assert [(t.action, t.at) for t in steps[:2]] == [
            ("request", request.created_at),
            ("route", request.routed_at),
        ]
        assert request.created_at < request.routed_at <= request.created_at + datetime.timedelta(minutes=5)
        assert all(a.at <= b.at for a, b in itertools.pairwise(steps)) and steps[-1].at < now
        assert [t.to_status for t in steps][-1] == request.status
        tz = ZoneInfo(request.board.timezone) if request.board else datetime.UTC  # as routing counts the days
        assert request.due_at == add_business_days(request.created_at, due_business_days(request.urgency), tz)
        assert request.case.created_at < request.created_at
        assert request.case.diagnosis_date < timezone.localdate(request.created_at)
        if request.status == "report_sent":
            assert steps[-1].at == request.report_sent_at < now


def test_reported_requests_went_through_a_past_meeting_with_a_board_plan_and_a_ready_report(demo):
    reported = _by_status()["report_sent"]
    for request in reported:
        case, meeting = request.case, request.meeting
        assert [t.action for t in request.transitions.all()][-4:] == ["accept", "schedule", "review", "report"]
        assert meeting.status == MeetingStatus.COMPLETED and meeting.board == request.board == case.board
        assert case.primary_site in case.board.disease_sites
        assert case.status in DECIDED and case.meeting == meeting
        assert case.agenda_items.get(meeting=meeting).status == AgendaItemStatus.PRESENTED
        accepted = next(t.at for t in request.transitions.all() if t.action == "accept")
        assert accepted < meeting.starts_at < meeting.ends_at < request.report_sent_at
        assert case.submitted_at == accepted
        board_plan = case.plans.get(kind=PlanKind.BOARD)
        assert board_plan.meeting == meeting and board_plan.created_at < request.report_sent_at
        assert case.plans.get(kind=PlanKind.PROPOSED).created_at < request.created_at  # the requester's own plan
        report = request.reports.get()
        assert report.status == PacketStatus.READY and report.plan == board_plan and report.pdf
        assert report.built_at == request.report_sent_at
        assert report.content["request"]["requested_at"] == request.created_at.isoformat()
        assert report.content["recommendation"]["id"] == str(board_plan.public_id)
    changed = [r for r in reported if r.case.changes.get(basis=ChangeBasis.PROPOSED).changed]
    assert 0 < len(changed) < len(reported)  # the boards changed some of the referring physicians' plans
    joined = Attendance.objects.filter(guest_case__in=[r.case for r in reported], present=True, remote=True)
    assert 0 < joined.count() < len(reported)  # most requesters joined their slot remotely
    for attendance in joined.select_related("meeting"):
        assert attendance.meeting.starts_at <= attendance.checked_in_at < attendance.meeting.ends_at


def test_turnaround_is_realistic_routine_within_ten_business_days_but_one_urgent_within_three(demo):
    reported = _by_status()["report_sent"]
    routine = [r for r in reported if r.urgency == "routine"]
    urgent = [r for r in reported if r.urgency == "urgent"]
    late = [r for r in routine if r.report_sent_at > r.due_at]
    assert len(late) == 1 and len(routine) >= 3
    assert "request-info" in [t.action for t in late[0].transitions.all()]  # why it was late
    assert urgent and all(r.report_sent_at <= r.due_at and _hours(r) < 72 for r in urgent)
    assert all(24 < _hours(r) < 24 * 14 for r in routine if r not in late)


def test_declined_info_requested_and_waiting_requests(demo):
    by_status = _by_status()
    (declined,) = by_status["declined"]
    decline = declined.transitions.get(action="decline")
    assert decline.message and decline.by.username == "coordinator"
    assert declined.case.status == CaseStatus.DRAFT and declined.case.board is None
    (waiting_for_hospital,) = by_status["info_requested"]
    ask = list(waiting_for_hospital.transitions.all())[-1]
    assert ask.action == "request-info" and ask.message and waiting_for_hospital.due_at > timezone.now()
    assert waiting_for_hospital.case.board == waiting_for_hospital.board is not None
    now = timezone.now()
    requested = by_status["requested"]
    fresh = [r for r in requested if r.due_at > now]
    assert fresh and all(r.meeting.starts_at > now and r.meeting.starts_at <= r.due_at for r in fresh)
    overdue = [r for r in requested if r.due_at < now]
    assert overdue and "provide-info" in [t.action for t in overdue[0].transitions.all()]
    for request in requested:
        assert request.case.status == CaseStatus.DRAFT and request.case.board == request.board is not None


def test_the_scheduled_request_gives_the_requester_a_link_and_a_guest_seat(demo):
    (request,) = _by_status()["scheduled"]
    meeting, case = request.meeting, request.case
    assert meeting.status == MeetingStatus.SCHEDULED and meeting.starts_at > timezone.now()
    assert case.status == CaseStatus.SCHEDULED and case.meeting == meeting
    assert case.agenda_items.get(status=AgendaItemStatus.SCHEDULED).meeting == meeting
    guest = Attendance.objects.get(guest_case=case)
    assert (guest.meeting, guest.user, guest.remote, guest.present) == (meeting, request.requested_by, True, False)
    body = _client(request.requested_by.username).get(f"/api/v1/second-opinions/{request.public_id}/").json()
    assert body["status"] == "scheduled" and body["remote_url"].endswith(f"/second-opinions/{request.public_id}/join/")


def test_the_turnaround_endpoint_shows_real_figures(demo):
    body = _client("admin").get("/api/v1/analytics/turnaround/").json()
    assert body["requests"] == len(demo_requests()) and body["completed"] == 6
    assert body["median_hours"] is not None and body["p90_hours"] is not None
    assert 24 < body["median_hours"] < body["p90_hours"] < 24 * 30
    assert 0 < body["on_time_rate"] < 1
    assert {row["urgency"] for row in body["by_urgency"]} == {"routine", "urgent"}
    assert body["open"] == sum(1 for r in SecondOpinion.objects.all() if r.status in SECOND_OPINION_OPEN) == 4
    assert body["overdue"] and all(row["hours_overdue"] > 0 for row in body["overdue"])
    overdue = {row["id"] for row in body["overdue"]}
    community = _client("community").get("/api/v1/analytics/turnaround/").json()
    assert community["completed"] > 0 and community["median_hours"] is not None
    assert {row["id"] for row in community["overdue"]} == overdue


def test_the_other_hospital_sees_none_of_the_first_hospitals_requests(demo):
    def ids(username: str) -> set[str]:
        requests = SecondOpinion.objects.filter(requested_by__username=username)
        return {str(p) for p in requests.values_list("public_id", flat=True)}

    millbrook, cedar_hills = ids("community"), ids("community2")
    assert millbrook and cedar_hills
    other = _client("community2")
    listed = other.get("/api/v1/second-opinions/", {"page_size": 100}).json()
    assert {item["id"] for item in listed["results"]} == cedar_hills
    assert all(other.get(f"/api/v1/second-opinions/{pk}/").status_code == 404 for pk in millbrook)
    figures = other.get("/api/v1/analytics/turnaround/").json()
    assert figures["requests"] == len(cedar_hills) and not millbrook & {row["id"] for row in figures["overdue"]}
    own = _client("community").get("/api/v1/second-opinions/", {"page_size": 100}).json()
    assert {item["id"] for item in own["results"]} == millbrook


def test_a_rerun_keeps_the_requests_and_their_history(demo):
    def snapshot():
        return {
            "requests": list(SecondOpinion.objects.order_by("pk").values()),
            "transitions": list(SecondOpinionTransition.objects.order_by("pk").values()),
            "cases": list(
                Case.objects.filter(second_opinions__isnull=False)
                .order_by("pk")
                .values("pk", "status", "board", "meeting", "submitted_at", "created_at")
            ),
        }

    before = snapshot()
    _reload()
    assert snapshot() == before


def test_a_rerun_after_the_scheduled_requests_meeting_began_moves_it_to_the_next_meeting(demo):
    """A later day, simulated: the meeting holding the scheduled request's slot started an hour ago."""
    (request,) = _by_status()["scheduled"]
    begun = request.meeting
    Meeting.objects.filter(pk=begun.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=1), ends_at=timezone.now()
    )

    _reload()

    request.refresh_from_db()
    case = Case.objects.get(pk=request.case_id)
    assert request.status == "scheduled" and request.meeting != begun
    assert request.meeting.starts_at > timezone.now() and request.meeting.status == MeetingStatus.SCHEDULED
    assert case.status == CaseStatus.SCHEDULED and case.meeting == request.meeting
    assert case.agenda_items.get(status=AgendaItemStatus.SCHEDULED).meeting == request.meeting
    guest = Attendance.objects.get(guest_case=case)
    assert guest.meeting == request.meeting and guest.user == request.requested_by
    assert [t.action for t in request.transitions.all()][-2:] == ["unschedule", "schedule"]
    assert not Notification.objects.exclude(status=NotificationStatus.SENT).exists()


def test_the_command_loads_only_into_an_empty_database(demo):
    before = _counts()
    with pytest.raises(CommandError, match="already holds data, so the demo was not loaded"):
        call_command("load_demo", stdout=StringIO())
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "`make demo` (manage.py load_demo --reset) deletes everything" in out.getvalue()
    assert _counts() == before


def test_the_cases_carry_dated_reports_so_the_checklist_reads_as_a_real_boards(demo):
    """A pathology and an imaging report for every case, a genomic report where it has molecular results, each a
    small PDF saying it is synthetic, dated before today; the readiness rules about reports fire only where the
    demo leaves a report out (a liver lesion diagnosed on imaging) or its imaging old, among the cases still to be
    discussed; a discussed case's imaging was current at its meeting."""
    today = timezone.localdate()
    molecular = {"EGFR", "ALK", "ROS1", "KRAS", "BRAF", "BRCA1", "BRCA2", "MSI", "TMB", "ONCOTYPE_RS", "MAMMAPRINT"}
    report_rules = {"readiness.pathology.missing", "readiness.imaging.missing", "readiness.imaging.stale"}
    flagged = {}
    for demo_case in demo_cases():
        case = Case.objects.get(public_id=demo_case_id(demo_case.slug))
        documents = list(case.documents.all())
        expected = {"pathology", "imaging"} - set(demo_case.documents_missing)
        if {b[0] for b in demo_case.biomarkers} & molecular or demo_case.pgx:
            expected.add("genomic")
        assert sorted(d.kind for d in documents) == sorted(expected), demo_case.slug
        for document in documents:
            assert document.date < today
            with document.file.open("rb") as file:
                content = file.read()
            assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
            assert b"SYNTHETIC DEMO DOCUMENT" in content and demo_case.patient[0].encode() in content
            assert (document.size, document.sha256) == (len(content), hashlib.sha256(content).hexdigest())
            assert document.content_type == "application/pdf"
        if case.status in DISCUSSED:  # its imaging was current when the board discussed it
            imaging = max(d.date for d in documents if d.kind == "imaging")
            assert datetime.timedelta(0) <= case.meeting.starts_at.date() - imaging <= datetime.timedelta(days=56)
        elif rules := {f.rule for f in evaluate(case)} & report_rules:
            flagged[demo_case.slug] = rules
    assert flagged == {
        "hcc-information-requested": {"readiness.pathology.missing", "readiness.imaging.stale"},
        "breast-her2-residual-disease": {"readiness.imaging.stale"},
    }


def test_the_demo_shows_variants_other_staging_performance_scores_body_and_treatment_history(demo, client):
    """Issue 19 item 6 in the shipped demo: a somatic EGFR variant and an ALK fusion in lung cases, germline BRCA1,
    BRCA2 and PALB2 variants, FIGO and Gleason grade group staging, a Karnofsky score, body measurements and
    treatment history; the germline PALB2 variant prompts genetics as BRCA does."""

    def case_of(slug: str) -> Case:
        return Case.objects.get(public_id=demo_case_id(slug))

    egfr = case_of("lung-egfr-exon19-adjuvant")
    assert list(egfr.variants.values_list("gene", "hgvs", "origin")) == [("EGFR", "p.Glu746_Ala750del", "somatic")]
    assert egfr.karnofsky == 90 and egfr.body_surface_area == 1.64 and egfr.treatments.count() == 1
    assert case_of("community2-so-lung-egfr-adjuvant").variants.get().hgvs == "p.Leu858Arg"
    assert case_of("lung-alk-positive").variants.get().partner_gene == "ALK"
    ovary = case_of("community-ovary-brca1")
    assert str(ovary.other_staging.get()) == "FIGO stage IIIC"
    assert [t.kind for t in ovary.treatments.all()] == ["surgery", "systemic"]
    assert case_of("community-prostate-intermediate-risk").other_staging.get().system == "gleason_grade_group"
    for child in [*GenomicVariant.objects.all(), *TreatmentCourse.objects.all(), *StagingRecord.objects.all()]:
        child.full_clean()
    palb2 = case_of("breast-oncotype-rs31")
    assert "genetics.germline_variant" in {f.rule for f in evaluate(palb2)}
    brca2 = {f.rule for f in evaluate(case_of("breast-male-brca2"))}
    assert "match.brca.genetics" in brca2 and "genetics.germline_variant" not in brca2  # one prompt for BRCA2
    client.force_login(User.objects.get(username="medonc"))
    page = client.get(f"/cases/{palb2.public_id}/").content.decode()
    assert "PALB2 c.3113G&gt;A — germline, pathogenic" in page and "<dt>Karnofsky</dt><dd>90</dd>" in page
    assert "Right lumpectomy and sentinel lymph node biopsy" in page


def test_the_demo_trials_may_match_some_cases_and_fail_others_on_a_criterion(demo):
    """demo/data/trials.py: four open synthetic trials of the academic center, one suspended."""
    assert Trial.objects.filter(status="open").count() == 4 and Trial.objects.count() == 5

    def screened(slug: str) -> dict[str, list[str]]:
        case = Case.objects.with_profile_lists().select_related("patient", "board").get(public_id=demo_case_id(slug))
        matches = trial_matches(case)
        return {
            "may": [m.trial.identifier for m in matches if m.may_match],
            "failed": [f"{m.trial.identifier}:{c.name}" for m in matches for c in m.not_met],
        }

    her2 = screened("breast-her2-positive-lvef-missing")
    assert "RUCC-BR-201" in her2["may"] and "RUCC-BR-305:biomarker.HER2" in her2["failed"]
    early = screened("breast-oncotype-rs18")
    assert "RUCC-BR-201:biomarker.HER2" in early["failed"] and "RUCC-BR-305:biomarker.ER" in early["failed"]
    assert "RUCC-BR-305" in screened("breast-tnbc-fertility-34")["may"]
    alk = screened("lung-alk-positive")
    assert "RUCC-LU-112" in alk["may"] and "RUCC-LU-140:stage" in alk["failed"]
    assert "RUCC-LU-140" in screened("lung-stage3-carboplatin-gfr")["may"]
    assert "RUCC-LU-140:ecog" in screened("lung-ecog3-curative-chemoradiation")["failed"]
    assert not any("RUCC-GI-050" in found for s in ("lung-alk-positive",) for found in screened(s).values())


def test_the_breast_board_offers_cme_and_its_last_meetings_have_check_ins_and_attestations(demo):
    boards = {b.name: b for b in Board.objects.all()}
    assert boards["Breast"].cme_hours == 1 and boards["Breast"].cme_activity_id == "RSS-BREAST-2026"
    assert boards["Thoracic"].cme_hours is None and boards["GI"].cme_hours is None
    attestations = CmeAttestation.objects.select_related("attendance__meeting")
    assert attestations.count() == 13
    assert {a.attendance.meeting.board_id for a in attestations} == {boards["Breast"].pk}
    assert all(a.attendance.meeting.status == MeetingStatus.COMPLETED for a in attestations)
    assert all(a.created_at > a.attendance.meeting.ends_at and a.hours_claimed <= 1 for a in attestations)
    last = Meeting.objects.filter(board=boards["Breast"], status=MeetingStatus.COMPLETED).latest("starts_at")
    assert cme_state(User.objects.get(username="radonc"), last)["can_attest"] is True  # left for the demo
    client = APIClient()
    client.force_authenticate(User.objects.get(username="coordinator"))
    roster = client.get(f"/api/v1/meetings/{last.public_id}/cme/roster/").json()["meetings"][0]
    checked_in = Attendance.objects.filter(meeting=last, present=True, guest_case__isnull=True).count()
    assert len(roster["members"]) == checked_in >= 5 and sum(m["attested"] for m in roster["members"]) == 3
