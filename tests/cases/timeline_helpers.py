"""A case's history written row by row at known times (the services that write each row are tested elsewhere; the
timeline only reads them): one event of every kind, and ``extra`` more of each repeated kind."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.codes import CaseStatus, Consensus, Modality, PlanKind, SecondOpinionStatus, TreatmentIntent
from cases.models import (
    Biomarker,
    Case,
    CaseTransition,
    ChangeRecord,
    Comment,
    Document,
    FollowUp,
    Plan,
    PlanComponent,
    ProfileRevision,
    Review,
    SecondOpinion,
    SecondOpinionTransition,
)
from scheduling.models import AgendaItem, AgendaItemStatus, Meeting, MeetingStatus
from specialists.models import Specialty
from tests.factories import UserFactory

PARIS = ZoneInfo("Europe/Paris")  # the factories' board time zone
PDF = b"%PDF-1.4\n% a tiny test document\n%%EOF\n"


def at(day: int, hour: int = 9, minute: int = 0, month: int = 1) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=PARIS)


def _stamp(model, pk, **times):
    model.objects.filter(pk=pk).update(**times)


def _document(case, user, title, day):
    return Document.objects.create(
        case=case,
        kind="pathology",
        title=title,
        date=day,
        file=SimpleUploadedFile("d.pdf", PDF),
        content_type="application/pdf",
        sha256="0" * 64,
        size=len(PDF),
        uploaded_by=user,
    )


def _plan(case, user, kind, version, when, meeting=None):
    board = kind == PlanKind.BOARD
    plan = Plan.objects.create(
        case=case,
        kind=kind,
        version=version,
        intent=TreatmentIntent.CURATIVE,
        consensus=Consensus.UNANIMOUS if board else "",
        meeting=meeting,
        created_by=user,
    )
    PlanComponent.objects.create(plan=plan, position=1, modality=Modality.SURGERY, detail=f"lumpectomy {version}")
    _stamp(Plan, plan.pk, created_at=when)
    return plan


def history(world, case: Case, *, extra: int = 0) -> dict:
    """Every kind of event on ``case`` (which has a board), in a known order; the rows it wrote, by name."""
    member, chair = world.member, world.chair
    pathologist = UserFactory(institution=world.academic, specialty=Specialty.PATHOLOGY)
    Case.objects.filter(pk=case.pk).update(
        diagnosis_date=datetime.date(2026, 1, 10), created_at=at(20, 8), status=CaseStatus.RECOMMENDED
    )
    rows = {"document": _document(case, member, "Core biopsy", datetime.date(2026, 1, 12))}
    Biomarker.objects.create(case=case, name="HER2", result="positive", value=3, date=datetime.date(2026, 1, 15))
    Biomarker.objects.create(case=case, name="ER", result="negative")  # undated: the summary only
    request = SecondOpinion.objects.create(
        case=case,
        requesting_institution=world.academic,
        target_institution=world.academic,
        requested_by=member,
        reason="Borderline indication.",
        questions=["Is chemotherapy indicated?"],
        status=SecondOpinionStatus.ACCEPTED,
    )
    SO = SecondOpinionStatus
    SecondOpinionTransition.objects.create(
        request=request, from_status=SO.REQUESTED, to_status=SO.REQUESTED, action="request", by=member, at=at(20, 10)
    )
    SecondOpinionTransition.objects.create(
        request=request, from_status=SO.REQUESTED, to_status=SO.ACCEPTED, action="accept", by=chair, at=at(21, 8)
    )
    submit = CaseTransition.objects.create(
        case=case, from_status="draft", to_status="submitted", action="submit", by=member
    )
    _stamp(CaseTransition, submit.pk, at=at(21, 9))
    review = Review.objects.create(
        case=case, kind="pathology_reread", author=pathologist, specialty=Specialty.PATHOLOGY, findings="Larger."
    )
    ProfileRevision.objects.create(
        review=review, case=case, field="clinical_t", original="cT2", revised="cT3", reason="Size 5.5 cm on re-read"
    )
    _stamp(Review, review.pk, created_at=at(22))
    comment = Comment.objects.create(case=case, author=member, body="First comment", kind="question")
    _stamp(Comment, comment.pk, created_at=at(23))
    proposed = _plan(case, member, PlanKind.PROPOSED, 1, at(24))
    schedule = CaseTransition.objects.create(
        case=case, from_status="submitted", to_status="scheduled", action="schedule", by=None
    )
    _stamp(CaseTransition, schedule.pk, at=at(25))
    meeting, _ = Meeting.objects.get_or_create(
        board=case.board,
        starts_at=at(28, 8),
        defaults={"ends_at": at(28, 9), "capacity_minutes": 60, "status": MeetingStatus.COMPLETED},
    )
    AgendaItem.objects.create(meeting=meeting, case=case, position=1, minutes=15, status=AgendaItemStatus.PRESENTED)
    board = _plan(case, chair, PlanKind.BOARD, 1, at(28, 8, 20), meeting=meeting)
    ChangeRecord.objects.create(
        case=case,
        board=case.board,
        basis="proposed",
        from_plan=proposed,
        to_plan=board,
        decided_at=at(28, 8),
        changed=True,
        staging_revised=True,
        summary="Staging revised; radiotherapy added.",
    )
    follow_up = FollowUp.objects.create(
        case=case, plan=board, implemented="partial", reason="toxicity", recorded_by=chair
    )
    _stamp(FollowUp, follow_up.pk, created_at=at(1, 9, month=3))
    for i in range(extra):  # later events of the repeated kinds
        _document(case, member, f"Later scan {i}", datetime.date(2026, 3, 2 + i))
        Biomarker.objects.create(
            case=case, name="KI67", result="high", value=20 + i, date=datetime.date(2026, 3, 2 + i)
        )
        c = Comment.objects.create(case=case, author=member, body=f"Comment {i}")
        _stamp(Comment, c.pk, created_at=at(2 + i, 12, month=3))
        _plan(case, member, PlanKind.PROPOSED, 2 + i, at(2 + i, 13, month=3))
        r = Review.objects.create(
            case=case, kind="pathology_reread", author=pathologist, specialty=Specialty.PATHOLOGY, findings=f"R{i}"
        )
        _stamp(Review, r.pk, created_at=at(2 + i, 14, month=3))
    return rows | {"meeting": meeting, "request": request}
