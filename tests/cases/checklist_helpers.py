"""Builders shared by the checklist tests: a case, its child rows and plans, and its findings by rule id."""

from __future__ import annotations

import datetime

from cases.checklist import Finding, evaluate
from cases.models import Biomarker, Case, Comment, Document, Medication, Pharmacogenomic, Plan, PlanComponent
from tests.factories import CaseFactory, UserFactory

TODAY = datetime.date(2026, 3, 2)
PATIENT_AGE_60 = datetime.date(1965, 4, 12)  # PatientFactory's birth date: 60 on TODAY


def born_years_ago(years: int) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years)


def make_case(**fields) -> Case:
    """A breast case (CaseFactory's defaults) with ``fields`` overriding the profile; patient fields as patient__x."""
    return CaseFactory(**fields)


def update(case: Case, **fields) -> None:
    Case.objects.filter(pk=case.pk).update(**fields)


def systemic(*drugs: str, target_auc: float | None = None, detail: str = "") -> dict:
    return {"modality": "systemic_therapy", "drugs": list(drugs), "target_auc": target_auc, "detail": detail}


def component(modality: str, detail: str = "") -> dict:
    return {"modality": modality, "detail": detail}


def add_plan(case: Case, *components: dict, kind: str = "proposed", version: int = 1, intent: str = "curative") -> Plan:
    plan = Plan.objects.create(
        case=case,
        kind=kind,
        version=version,
        intent=intent,
        consensus="unanimous" if kind == "board" else "",
        created_by=case.created_by,
    )
    for position, fields in enumerate(components, start=1):
        PlanComponent.objects.create(plan=plan, position=position, **fields)
    return plan


def biomarker(case: Case, name: str, result: str, value: float | None = None, detail: str = "", date=None):
    return Biomarker.objects.create(case=case, name=name, result=result, value=value, detail=detail, date=date)


def pgx(case: Case, gene: str, phenotype: str, diplotype: str = ""):
    return Pharmacogenomic.objects.create(case=case, gene=gene, phenotype=phenotype, diplotype=diplotype)


def medication(case: Case, name: str, status: str = "active"):
    return Medication.objects.create(case=case, name=name, status=status)


def document(case: Case, kind: str, date: datetime.date):
    return Document.objects.create(
        case=case,
        kind=kind,
        title=f"{kind} report",
        date=date,
        file="documents/placeholder",
        content_type="application/pdf",
        sha256="0" * 64,
        size=1,
        uploaded_by=case.created_by,
    )


def pre_review(case: Case, specialty: str, kind: str = "pre_review"):
    author = UserFactory(institution=case.institution, specialty=specialty)
    return Comment.objects.create(case=case, author=author, specialty=specialty, kind=kind, body="Reviewed.")


def findings(case: Case, today: datetime.date = TODAY) -> list[Finding]:
    """The checklist of a freshly loaded case (no stale caches)."""
    return evaluate(Case.objects.get(pk=case.pk), today=today)


def by_rule(case: Case, today: datetime.date = TODAY) -> dict[str, list[Finding]]:
    result: dict[str, list[Finding]] = {}
    for finding in findings(case, today):
        result.setdefault(finding.rule, []).append(finding)
    return result


def check(case: Case, rule: str, severity: str | None) -> Finding | None:
    """Assert ``rule`` fired once with ``severity`` (returning the finding), or did not fire (severity None)."""
    found = by_rule(case).get(rule, [])
    if severity is None:
        assert not found, f"{rule} fired: {found}"
        return None
    assert len(found) == 1, f"{rule}: expected one finding, got {found}"
    assert found[0].severity == severity, found[0]
    return found[0]
