"""The program's annual analytic caseload, entered by a coordinator for the accreditation report."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cases.accreditation import year_check
from cases.models import AnnualCaseload
from specialists.access import coordinated_institution_ids, is_admin
from specialists.models import Institution
from tumorboard.audit import audit_write
from tumorboard.models import AuditAction

MAX_ANALYTIC_CASES = 1_000_000


@transaction.atomic
def caseload_record(
    *, user, institution: Institution, year: int, analytic_cases: int, note: str = ""
) -> tuple[AnnualCaseload, bool]:
    """Set the institution's analytic caseload of ``year`` (a later entry replaces the figure; the audit log keeps
    each one). Coordinators of a board of the institution and admins. Returns the row and whether it was new."""
    if not (is_admin(user) or institution.pk in coordinated_institution_ids(user)):
        raise PermissionDenied("Only the institution's board coordinators and administrators enter its caseload.")
    year_check(year)
    if not 0 <= analytic_cases <= MAX_ANALYTIC_CASES:
        raise ValidationError({"analytic_cases": [f"Give a whole number from 0 to {MAX_ANALYTIC_CASES:,}."]})
    previous = AnnualCaseload.objects.select_for_update().filter(institution=institution, year=year).first()
    caseload, created = AnnualCaseload.objects.update_or_create(
        institution=institution,
        year=year,
        defaults={"analytic_cases": analytic_cases, "note": note.strip(), "entered_by": user},
    )
    audit_write(
        user=user,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=caseload,
        detail={
            "year": year,
            "analytic_cases": analytic_cases,
            "previous": previous.analytic_cases if previous else None,
        },
    )
    return caseload, created
