"""The demo loader (SPEC §8): idempotent, the documented logins work, the clinical scenarios the readiness
and safety checklist (SPEC §5.3) is demonstrated on are really in the data, and the boards' past discussions
carry plans, reviews, change records and follow-through (SPEC §5.4)."""

import datetime
import itertools
from collections import defaultdict
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.management import call_command
from django.db.models import Count, Q
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.codes import CaseStatus, ChangeBasis, ChangeCategory, PlanKind
from cases.demo import DEMO_PASSWORD, PAST_MEETINGS, demo_case_id, demo_cases
from cases.models import (
    Biomarker,
    Case,
    CaseTransition,
    ChangeRecord,
    FollowUp,
    Medication,
    Patient,
    Pharmacogenomic,
    Plan,
    PlanComponent,
    ProfileRevision,
    Review,
)
from cases.plans import follow_up_due_plans
from cases.services import case_transition
from scheduling.models import AgendaItem, AgendaItemStatus, Board, Meeting, MeetingStatus
from specialists.models import BoardMembership, BoardRole, Institution, InstitutionKind, Specialty, User
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
]
DISCUSSED = [CaseStatus.DISCUSSED, CaseStatus.RECOMMENDED, CaseStatus.CLOSED]
DECIDED = [CaseStatus.RECOMMENDED, CaseStatus.CLOSED]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def _load() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db) -> str:
    return _load()


def _age(case: Case) -> int:
    return case.patient.age_on(timezone.localdate())


def test_a_second_run_changes_no_counts_and_fails_nothing():
    first_output = _load()
    after_first = _counts()
    second_output = _load()
    assert _counts() == after_first
    assert after_first["Case"] >= 38
    assert f"{len(demo_cases())} new" in first_output
    assert f"{len(demo_cases())} refreshed" in second_output


def test_a_rerun_keeps_valid_password_hashes_and_resets_changed_passwords(demo):
    """A new hash would end the sessions of demo users logged in while the demo is reloaded."""
    changed = User.objects.get(username="medonc")
    changed.set_password("something-else")
    changed.save()
    before = dict(User.objects.values_list("username", "password"))

    _load()

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
        assert board.meetings.filter(ends_at__lte=now, status=MeetingStatus.COMPLETED).count() == PAST_MEETINGS
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


def test_community_cases_have_no_board_and_belong_to_their_hospital(demo):
    community_cases = Case.objects.filter(institution__kind=InstitutionKind.COMMUNITY_HOSPITAL)
    assert community_cases.count() >= 5
    assert set(community_cases.values_list("institution__name", flat=True)) == {
        "Millbrook Community Hospital",
        "Cedar Hills Regional Hospital",
    }
    for case in community_cases.select_related("created_by"):
        assert case.board is None
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
    _load()
    assert Case.objects.get(public_id=demo_case_id(slug)).pk == before.pk


def test_a_rerun_puts_a_case_a_demo_user_moved_back_and_records_why(demo):
    case = Case.objects.get(public_id=demo_case_id("breast-oncotype-rs18"))
    meeting = case.meeting
    case_transition(user=case.treating_physician, case=case, action_name="withdraw", reason="Patient moved away.")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.WITHDRAWN
    counts = _counts()

    _load()

    case.refresh_from_db()
    assert (case.status, case.meeting) == (CaseStatus.SCHEDULED, meeting)
    last = case.transitions.last()
    assert (last.action, last.from_status, last.to_status) == ("demo_reload", "withdrawn", "scheduled")
    assert case.agenda_items.filter(status=AgendaItemStatus.SCHEDULED).count() == 1
    meeting.refresh_from_db()
    assert meeting.allocated_minutes == 10 * meeting.agenda_items.filter(status=AgendaItemStatus.SCHEDULED).count()
    grown = {"CaseTransition": counts["CaseTransition"] + 1, "AgendaItem": counts["AgendaItem"] + 1}
    assert _counts() == {**counts, **grown}  # the reload row, and a new slot (the released one stays as history)


def _client(username: str) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
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
    community_case = Case.objects.filter(institution__name="Millbrook Community Hospital").first()
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


def test_the_demo_history_sends_no_mail_and_its_enqueued_tasks_change_nothing(db, django_capture_on_commit_callbacks):
    """The services enqueue change detection and notifications on commit: run them (eagerly) as a commit would."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _load()
    assert callbacks
    assert ChangeRecord.objects.count() == Plan.objects.filter(kind=PlanKind.BOARD).count()
    assert not Notification.objects.exclude(status=NotificationStatus.SENT).exists()
    assert mail.outbox == []


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

    _load()

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
