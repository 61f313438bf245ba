"""Specialty reviews of a case, and the profile values a review revises."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cases.codes import Grade, ReviewKind
from cases.locks import case_lock
from cases.models import Case, ProfileRevision, Review, RevisedField
from cases.services.case_profile import case_open_check
from cases.services.packets import packet_request_if_built
from cases.services.review_tasks import review_tasks_complete
from cases.staging import STAGE_FIELDS, stage_value_error
from specialists.access import can_review
from specialists.models import Specialty
from tumorboard.audit import audit_write
from tumorboard.models import AuditAction

F = RevisedField


# Who records each kind of review, and which profile values it may revise.
REVIEW_SPECIALTY = {
    ReviewKind.PATHOLOGY_REREAD: Specialty.PATHOLOGY,
    ReviewKind.IMAGING_REREAD: Specialty.RADIOLOGY,
    ReviewKind.GENETICS: Specialty.GENETICS,
    ReviewKind.PALLIATIVE: Specialty.PALLIATIVE_CARE,
    ReviewKind.NAVIGATION: Specialty.NURSE_NAVIGATION,
}


REVISABLE = {
    ReviewKind.PATHOLOGY_REREAD: frozenset(
        {F.HISTOLOGY, F.GRADE, F.PATHOLOGICAL_T, F.PATHOLOGICAL_N, F.PATHOLOGICAL_M, F.STAGE_GROUP}
    ),
    ReviewKind.IMAGING_REREAD: frozenset({F.CLINICAL_T, F.CLINICAL_N, F.CLINICAL_M, F.STAGE_GROUP}),
}


def _revisions_check(case: Case, kind: str, revisions: list[dict[str, Any]]) -> None:
    allowed = REVISABLE.get(kind, frozenset())
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for i, revision in enumerate(revisions):
        name, value = revision["field"], revision["revised"].strip()
        where = f"revisions[{i}]"
        if name not in allowed:
            label = ReviewKind(kind).label
            can = f"may revise {', '.join(sorted(allowed))}, not {name}" if allowed else "revises no profile value"
            errors[f"{where}.field"] = [f"{label} {can}."]
        elif name in seen:
            errors[f"{where}.field"] = [f"{name} is revised twice in this review."]
        elif not value:
            errors[f"{where}.revised"] = ["Give the revised value."]
        elif value == getattr(case, name):
            errors[f"{where}.revised"] = [f"The case's {name} is already {value}."]
        elif name == F.GRADE and value not in Grade.values:
            errors[f"{where}.revised"] = [f"A grade is one of {', '.join(Grade.values)}."]
        elif len(value) > Case._meta.get_field(name).max_length:
            errors[f"{where}.revised"] = [f"At most {Case._meta.get_field(name).max_length} characters."]
        elif name in STAGE_FIELDS and (message := stage_value_error(name, value)):
            errors[f"{where}.revised"] = [message]
        if not revision["reason"].strip():
            errors[f"{where}.reason"] = ["Say why the value is revised."]
        seen.add(name)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def review_record(
    *, user, case: Case, kind: str, findings: str, recommendation: str = "", revisions: list[dict[str, Any]] = ()
) -> Review:
    """Record a specialty review. A pathology or imaging re-read may revise the profile: the case takes the
    revised value and a ``ProfileRevision`` keeps the original, who (the review's author) and why. The case's open
    review task of the specialty is done."""
    case = case_lock(case)
    if not can_review(user, case):
        raise PermissionDenied("Only members of the case's board record specialty reviews.")
    specialty = REVIEW_SPECIALTY[kind]
    if user.specialty != specialty:
        raise PermissionDenied(f"Only {Specialty(specialty).label.lower()} records a {ReviewKind(kind).label.lower()}.")
    case_open_check(case, "reviews")
    revisions = list(revisions)
    _revisions_check(case, kind, revisions)
    review = Review.objects.create(
        case=case, kind=kind, author=user, specialty=specialty, findings=findings, recommendation=recommendation
    )
    rows = [
        ProfileRevision(
            review=review,
            case=case,
            field=r["field"],
            original=getattr(case, r["field"]),
            revised=r["revised"].strip(),
            reason=r["reason"].strip(),
        )
        for r in revisions
    ]
    ProfileRevision.objects.bulk_create(rows)
    audit_write(user=user, action=AuditAction.CREATE, obj=review)
    review_tasks_complete(case=case, user=user, review=review)
    if rows:
        for row in rows:
            setattr(case, row.field, row.revised)
        case.save(update_fields=[row.field for row in rows] + ["updated_at"])
        fields = sorted(row.field for row in rows)
        audit_write(
            user=user, action=AuditAction.UPDATE, obj=case, detail={"fields": fields, "review": str(review.public_id)}
        )
    packet_request_if_built(case=case, reason="specialty review recorded")
    return review
