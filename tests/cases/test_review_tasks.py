"""Review tasks (issue 21): created with a case's placement for each specialty it needs, assigned or open to the
specialty, completed by the matching review, moved with the case, cancelled when it leaves the agenda; the caller's
tasks in the API (isolated, audited, a fixed number of queries); overdue ones escalated once; a digest without patient
data."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import tasks as cases_tasks
from cases.codes import CommentKind, FinancialNavigation, ReviewKind
from cases.lifecycle.agenda import agenda_add, agenda_defer_case, agenda_move, agenda_remove
from cases.models import Biomarker, Case, ReviewTask
from cases.quorum import specialties_to_review
from cases.services.comments import comment_create
from cases.services.review_tasks import review_tasks_digest
from cases.services.reviews import review_record
from scheduling.models import AgendaItem, Meeting
from specialists.models import BoardRole, Specialty
from tests.factories import CaseFactory, MeetingFactory, MembershipFactory, UserFactory
from tumorboard.models import AuditAction, AuditEvent, Notification

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/tasks/"
S = Specialty


def member(world, username: str, specialty: str, board=None):
    user = UserFactory(username=username, institution=world.academic, specialty=specialty)
    MembershipFactory(user=user, board=board or world.board, role=BoardRole.MEMBER)
    return user


def place(world, case=None, meeting=None) -> AgendaItem:
    case = case or world.case
    Case.objects.filter(pk=case.pk).update(status="submitted")
    meeting = meeting or Meeting.objects.get(board=world.board)
    return agenda_add(user=world.coordinator, meeting=meeting, case=Case.objects.get(pk=case.pk))


def tasks(case) -> dict[str, ReviewTask]:
    return {t.specialty: t for t in ReviewTask.objects.filter(case=case).exclude(status="cancelled")}


@pytest.fixture
def team(world):
    """Besides the world's board (medical oncologist `member`, surgical oncologist `chair`, the coordinator a nurse
    navigator): two radiation oncologists and a geneticist."""
    return {
        "rad1": member(world, "rad1", S.RADIATION_ONCOLOGY),
        "rad2": member(world, "rad2", S.RADIATION_ONCOLOGY),
        "gen": member(world, "gen", S.GENETICS),
    }


@pytest.fixture
def needy_case(world):
    """world.case with a BRCA1 germline finding (genetics), ECOG 3 (palliative care) and a financial-navigation
    referral (nurse navigation)."""
    Biomarker.objects.create(case=world.case, name="BRCA1", result="positive")
    Case.objects.filter(pk=world.case.pk).update(ecog=3, financial_navigation=FinancialNavigation.REFERRED)
    return world.case


def test_placement_creates_a_task_per_needed_specialty_and_the_review_completes_it(world, team, needy_case):
    item = place(world)
    meeting = item.meeting
    got = tasks(needy_case)
    needed = {S.MEDICAL_ONCOLOGY, S.SURGICAL_ONCOLOGY, S.RADIATION_ONCOLOGY, S.GENETICS, S.PALLIATIVE_CARE}
    assert set(got) == needed | {S.NURSE_NAVIGATION}
    # the one member of a specialty is assigned; two radiation oncologists, or no palliative member: open to all
    assignees = {s: t.assignee_id for s, t in got.items()}
    assert assignees == {
        S.MEDICAL_ONCOLOGY: world.member.pk,
        S.SURGICAL_ONCOLOGY: world.chair.pk,
        S.RADIATION_ONCOLOGY: None,
        S.GENETICS: team["gen"].pk,
        S.PALLIATIVE_CARE: None,
        S.NURSE_NAVIGATION: world.coordinator.pk,
    }
    cutoff = meeting.starts_at - datetime.timedelta(hours=world.board.submission_cutoff_hours)
    assert {t.due_at for t in got.values()} == {cutoff} and {t.status for t in got.values()} == {"open"}
    created = AuditEvent.objects.filter(object_type="cases.reviewtask", action=AuditAction.CREATE)
    assert created.count() == 6 and set(created.values_list("patient_id", flat=True)) == {needy_case.patient_id}

    # the geneticist's review and the oncologist's pre-review comment complete their tasks; a general comment does not
    review = review_record(user=team["gen"], case=needy_case, kind=ReviewKind.GENETICS, findings="BRCA1 pathogenic.")
    comment_create(user=world.chair, case=needy_case, body="Fine.", kind=CommentKind.GENERAL)
    comment = comment_create(user=world.member, case=needy_case, body="Agree.", kind=CommentKind.PRE_REVIEW)
    got = tasks(needy_case)
    assert (got[S.GENETICS].status, got[S.GENETICS].review_id, got[S.GENETICS].completed_by_id) == (
        "done",
        review.pk,
        team["gen"].pk,
    )
    assert (got[S.MEDICAL_ONCOLOGY].status, got[S.MEDICAL_ONCOLOGY].comment_id) == ("done", comment.pk)
    assert got[S.SURGICAL_ONCOLOGY].status == "open" and got[S.GENETICS].completed_at is not None

    # moved to another meeting: the open tasks follow with the new cut-off, the done ones stay
    later = MeetingFactory(board=world.board, starts_at=meeting.starts_at + datetime.timedelta(days=7))
    moved = agenda_move(user=world.coordinator, item=item, meeting=later)
    got = tasks(needy_case)
    later_cutoff = later.starts_at - datetime.timedelta(hours=world.board.submission_cutoff_hours)
    assert {s for s, t in got.items() if t.due_at == later_cutoff and t.agenda_item_id == moved.pk} == needed - {
        S.MEDICAL_ONCOLOGY,
        S.GENETICS,
    } | {S.NURSE_NAVIGATION}

    # removed: the open tasks are cancelled (audited transitions); placed again, only what is not reviewed comes back
    agenda_remove(user=world.coordinator, item=moved, reason="Needs imaging first.")
    assert set(tasks(needy_case)) == {S.MEDICAL_ONCOLOGY, S.GENETICS}
    cancels = AuditEvent.objects.filter(object_type="cases.reviewtask", action=AuditAction.TRANSITION)
    assert cancels.count() == 4 + 2  # the two completions, the four cancellations
    place(world, meeting=later)
    again = ReviewTask.objects.filter(case=needy_case, status="open")
    assert set(again.values_list("specialty", flat=True)) == needed - {S.MEDICAL_ONCOLOGY, S.GENETICS} | {
        S.NURSE_NAVIGATION
    }


def test_a_roll_over_carries_the_open_and_claimed_tasks_to_the_next_meeting(world, team, api):
    item = place(world)
    radiation = ReviewTask.objects.get(case=world.case, specialty=S.RADIATION_ONCOLOGY)
    assert api(team["rad2"]).post(f"{URL}{radiation.public_id}/claim/").status_code == 200
    later = MeetingFactory(board=world.board, starts_at=item.meeting.starts_at + datetime.timedelta(days=7))
    agenda_defer_case(case=Case.objects.get(pk=world.case.pk), by=world.chair, reason="Await MRI.")
    new_item = AgendaItem.objects.get(case=world.case, status="scheduled")
    assert new_item.meeting_id == later.pk
    got = tasks(world.case)
    assert {t.agenda_item_id for t in got.values()} == {new_item.pk} and len(got) == 3
    assert (got[S.RADIATION_ONCOLOGY].status, got[S.RADIATION_ONCOLOGY].assignee_id) == ("claimed", team["rad2"].pk)


@pytest.mark.parametrize(
    ("birth", "discussed", "financial", "navigation"),
    [
        (datetime.date(1990, 1, 1), False, "not_recorded", True),  # reproductive age, fertility not discussed
        (datetime.date(1990, 1, 1), True, "not_recorded", False),
        (datetime.date(1950, 1, 1), False, "declined", False),
        (datetime.date(1950, 1, 1), False, "referred", True),  # referred for financial navigation
    ],
)
def test_nurse_navigation_reviews_financial_and_fertility_needs(world, birth, discussed, financial, navigation):
    case = world.case
    case.patient.birth_date = birth
    case.fertility_preservation_discussed, case.financial_navigation = discussed, financial
    needed = specialties_to_review(case, datetime.date(2026, 12, 7))
    assert (S.NURSE_NAVIGATION in needed) is navigation
    assert needed >= set(world.board.required_specialties)


# --- The API ---------------------------------------------------------------------------------------------------


def test_the_callers_tasks_claims_isolation_and_filters(world, team, api):
    place(world)
    foreign = CaseFactory(institution=world.academic, board=world.other_board, created_by=world.other_member)
    other_meeting = Meeting.objects.get(board=world.other_board)
    Case.objects.filter(pk=foreign.pk).update(status="submitted")
    agenda_add(user=world.admin, meeting=other_meeting, case=Case.objects.get(pk=foreign.pk))
    outsider_task = ReviewTask.objects.filter(case=foreign).first()

    body = api(world.member).get(URL).json()
    assert [(r["specialty"], r["status"]) for r in body["results"]] == [("medical_oncology", "open")]
    row = body["results"][0]
    assert row["case"] == str(world.case.public_id) and row["case_url"] == f"/cases/{world.case.public_id}/"
    assert row["meeting"] == str(Meeting.objects.get(board=world.board).public_id) and row["overdue"] is False
    assert AuditEvent.objects.filter(user=world.member, action="list", object_type="cases.reviewtask").count() == 1

    radiation = ReviewTask.objects.get(case=world.case, specialty=S.RADIATION_ONCOLOGY)
    claim = f"{URL}{radiation.public_id}/claim/"
    assert api(team["rad1"]).get(URL).json()["count"] == 1  # open to both radiation oncologists
    assert api(None).get(URL).status_code == 401
    assert api(world.member).post(claim).status_code == 404  # not their specialty: not theirs to see
    assert api(world.other_member).get(f"{URL}{radiation.public_id}/").status_code == 404  # another board
    assert api(world.member).get(f"{URL}{outsider_task.public_id}/").status_code == 404
    assert api(world.referrer).get(URL).json()["count"] == 0  # another institution
    first = api(team["rad1"]).post(claim)
    assert first.status_code == 200 and first.json()["status"] == "claimed"
    assert first.json()["assignee"]["id"] == str(team["rad1"].public_id)
    assert api(team["rad1"]).post(claim).status_code == 200  # a repeat: no-op
    taken = api(team["rad2"]).post(claim)
    assert taken.status_code == 409 and taken.json()["errors"][0]["code"] == "task_taken"
    assert api(team["rad2"]).get(URL).json()["count"] == 0  # claimed by the other one: no longer open to them

    client = api(world.member)
    assert client.get(f"{URL}?status=done").json()["count"] == 0
    assert client.get(f"{URL}?overdue=true").json()["count"] == 0
    ReviewTask.objects.filter(case=world.case).update(due_at=timezone.now() - datetime.timedelta(hours=1))
    assert client.get(f"{URL}?overdue=true").json()["results"][0]["overdue"] is True
    bad = client.get(f"{URL}?overdue=maybe")
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "overdue"
    assert client.get(f"{URL}?status=finished").status_code == 400


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx)


def test_the_list_costs_the_same_queries_at_one_and_at_many_tasks(world, api):
    place(world)
    client = api(world.member)
    one = _queries(client, f"{URL}?page_size=1")
    for _ in range(5):
        case = CaseFactory(institution=world.academic, board=world.board, created_by=world.member)
        place(world, case=case)
    assert client.get(URL).json()["count"] == 6
    assert _queries(client, f"{URL}?page_size=6") == one == 4  # token with memberships, count, page, audit


# --- Escalation and digest --------------------------------------------------------------------------------------


def _patient_data(case) -> list[str]:
    return [case.patient.name, case.patient.mrn, case.question, case.histology]


def test_overdue_tasks_escalate_once_to_the_coordinators_and_the_digest_has_links_only(
    world, team, django_capture_on_commit_callbacks
):
    item = place(world)
    now = timezone.now()
    ReviewTask.objects.filter(case=world.case, specialty=S.RADIATION_ONCOLOGY).update(
        due_at=now - datetime.timedelta(hours=2)
    )
    beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"cases.tasks.review_tasks_escalate", "cases.tasks.review_tasks_digest"} <= beat
    with django_capture_on_commit_callbacks(execute=True):
        assert cases_tasks.review_tasks_escalate() == 1  # the beat's task
        assert cases_tasks.review_tasks_escalate() == 0  # once
    escalations = [m for m in mail.outbox if "overdue" in m.subject]
    assert [m.to for m in escalations] == [[world.coordinator.email]]
    body = escalations[0].body
    assert escalations[0].subject == "1 pre-meeting review(s) overdue for Breast"
    assert f"/cases/{world.case.public_id}/" in body and f"/meetings/{item.meeting.public_id}/" in body
    assert "Radiation oncology" in body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert review_tasks_digest(now=now) == 4  # member, chair (assigned); rad1, rad2 (open to them)
    digests = {m.to[0]: m for m in mail.outbox}
    assert set(digests) == {u.email for u in (world.member, world.chair, team["rad1"], team["rad2"])}
    assert digests[team["rad1"].email].subject == "Your pre-meeting reviews: 1 open"
    assert "1 past their due date" in digests[team["rad1"].email].body
    assert "/tasks/" in digests[world.member.email].body
    assert Notification.objects.filter(kind="review_tasks_digest").count() == 4
    for message in [*escalations, *digests.values()]:
        for phi in _patient_data(world.case):
            assert phi not in message.subject + message.body
