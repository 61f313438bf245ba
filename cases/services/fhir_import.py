"""Importing a patient's FHIR bundle: the facts ``cases.fhir.clinical.read_bundle`` read become a draft case of the
importer's institution, or update the case the same patient's same primary cancer already has.

One transaction, through the case services (``case_create``, ``case_update``: their rules, checks and audit rows).
A re-import writes a fact only where the case still holds what the previous import brought (or nothing): a fact a
person changed by hand since is kept, and said so. Each import leaves a ``CaseImport`` row (what it wrote, what it
kept) and an audit row of its own.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cases.codes import BiomarkerName, CaseStatus
from cases.fhir.parse import Facts
from cases.locks import case_lock
from cases.models import Case, CaseImport
from cases.services.case_profile import CLOSED_STATUSES, case_create, case_edit_check, case_update
from cases.staging import STAGE_PATHS
from tumorboard.audit import audit_write
from tumorboard.models import AuditAction

# facts that travel together: a measurement and its date are one fact
GROUPS = {"gfr_date": "gfr_ml_min", "lvef_date": "lvef_percent", "bilirubin_date": "bilirubin_mg_dl"}
BIOMARKER_FIELDS = ("name", "result", "value", "detail", "date")
FIELD_OF_PATH = {path: field for field, path in STAGE_PATHS.items()}


@dataclass(frozen=True)
class ImportResult:
    case: Case
    created: bool
    changed: list[str]
    kept: list[str]
    warnings: list[dict[str, str]]


def _json(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _json(item) for key, item in value.items()}
    return value


def _imported_form(facts: Facts) -> dict[str, Any]:
    """The facts as a ``CaseImport`` keeps them: fields, then the biomarkers by name."""
    biomarkers: dict[str, list] = {}
    for item in facts.biomarkers:
        biomarkers.setdefault(item["name"], []).append(_json(item))
    return _json(facts.case) | {"biomarkers": biomarkers}


def _fields(case: Case, names) -> dict[str, Any]:
    return {name: _json(getattr(case, name)) for name in names}


def _biomarkers_of(case: Case) -> dict[str, list]:
    current: dict[str, list] = {}
    for row in case.biomarkers.all():
        current.setdefault(row.name, []).append(_json({f: getattr(row, f) for f in BIOMARKER_FIELDS}))
    return current


def _existing(user, facts: Facts) -> Case | None:
    """The open case of the same patient (MRN, the importer's institution) and the same primary site."""
    return (
        Case.objects.filter(
            institution_id=user.institution_id,
            patient__mrn=facts.patient["mrn"],
            primary_site=facts.case["primary_site"],
        )
        .exclude(status__in=CLOSED_STATUSES)
        .order_by("-created_at", "-id")
        .first()
    )


def _empty(value: Any) -> bool:
    """Nothing recorded: None, blank, an empty list, or a flag left at False (an ECOG of 0 is a value)."""
    return value is None or value is False or value == "" or value == []


def _decide(current: Any, imported: Any, previous: Any) -> str:
    """The fate of an imported fact: "same", "write" (the case holds nothing, or what the last import brought) or
    "keep" (a person changed it since)."""
    if current == imported:
        return "same"
    if _empty(current) or (previous is not None and current == previous):
        return "write"
    return "keep"


def _update_data(case: Case, facts: Facts, last: dict[str, Any]) -> tuple[dict[str, Any], list[str], list[str]]:
    data: dict[str, Any] = {}
    changed, kept = [], []
    for name in (n for n in facts.case if n not in GROUPS):
        members = [name, *(d for d, v in GROUPS.items() if v == name and d in facts.case)]
        current = [_json(getattr(case, m)) for m in members]
        imported = [_json(facts.case[m]) for m in members]
        previous = [last[m] for m in members] if all(m in last for m in members) else None
        decision = _decide(None if all(_empty(c) for c in current) else current, imported, previous)
        if decision == "write":
            data |= {m: facts.case[m] for m in members}
            changed.append(name)
        elif decision == "keep":
            kept.append(name)
    current_markers = _biomarkers_of(case)
    imported_markers = _imported_form(facts)["biomarkers"]
    decisions = {
        name: _decide(current_markers.get(name), items, last.get("biomarkers", {}).get(name))
        for name, items in imported_markers.items()
    }
    if any(d == "write" for d in decisions.values()):
        rows = []
        for row in case.biomarkers.all():
            if decisions.get(row.name) != "write":
                rows.append({f: getattr(row, f) for f in BIOMARKER_FIELDS})
        rows += [item for item in facts.biomarkers if decisions[item["name"]] == "write"]
        data["biomarkers"] = rows
    changed += [f"biomarkers.{n}" for n, d in decisions.items() if d == "write"]
    kept += [f"biomarkers.{n}" for n, d in decisions.items() if d == "keep"]
    return data, changed, kept


def _patient_data(case: Case, facts: Facts) -> dict[str, Any]:
    patient = case.patient
    if patient.birth_date != facts.patient["birth_date"]:
        message = "Does not match the existing patient with this MRN at your institution."
        raise ValidationError({"patient.birth_date": [message]})
    return {f: facts.patient[f] for f in ("name", "sex") if getattr(patient, f) != facts.patient[f]}


@transaction.atomic
def case_import(*, user, facts: Facts, board=None, bundle_sha256: str) -> ImportResult:
    """Create or update the case of the bundle's patient and primary cancer (``board``: already one the user may
    put a case on, or None)."""
    if user.institution_id is None:
        raise PermissionDenied("Only users of an institution import cases.")
    warnings = list(facts.warnings)
    case = _existing(user, facts)
    if case is None:
        data = {**facts.case, "patient": facts.patient, "biomarkers": facts.biomarkers}
        if board is not None:
            data["board"] = board
        case = case_create(user=user, data=data)
        created, kept = True, []
        changed = sorted(facts.case) + [f"biomarkers.{n}" for n in dict.fromkeys(b["name"] for b in facts.biomarkers)]
    else:
        case = case_lock(case)
        case_edit_check(user, case)
        last = case.imports.values_list("facts", flat=True).first() or {}
        data, changed, kept = _update_data(case, facts, last)
        patient = _patient_data(case, facts)
        if patient:
            data["patient"] = patient
            changed += [f"patient.{f}" for f in patient]
        if board is not None and board.pk != case.board_id:
            if case.status == CaseStatus.DRAFT:
                data["board"] = board
                changed.append("board")
            else:
                warnings.append({"path": "board", "message": "The case is past its draft: it stays on its board."})
        if data:
            case_update(user=user, case=case, data=data)
        created = False
        for name in kept:
            label = BiomarkerName(name.split(".", 1)[1]).label if name.startswith("biomarkers.") else name
            message = f"{label}: the case keeps the value entered by hand; the record's differs."
            warnings.append(
                {"path": facts.sources.get(name.replace("biomarkers.", "biomarker:"), ""), "message": message}
            )
    record = CaseImport.objects.create(
        case=case,
        imported_by=user,
        created=created,
        facts=_imported_form(facts),
        changed=changed,
        kept=kept,
        warning_count=len(warnings),
        bundle_sha256=bundle_sha256,
    )
    audit_write(
        user=user,
        action=AuditAction.CREATE,
        obj=record,
        detail={"source": "fhir", "case": str(case.public_id), "created": created, "changed": changed, "kept": kept},
    )
    return ImportResult(case=case, created=created, changed=changed, kept=kept, warnings=warnings)


def case_import_preview(*, user, facts: Facts, board=None) -> ImportResult:
    """What ``case_import`` would do, written nothing: the same code, run in a transaction rolled back (its audit
    rows too). ``result.case`` is the existing case when it would update one; a new case's object is not saved."""
    with transaction.atomic():
        result = case_import(user=user, facts=facts, board=board, bundle_sha256="")
        transaction.set_rollback(True)
    return result


def refusal_at_paths(facts: Facts, error: ValidationError) -> ValidationError:
    """A case service's refusal naming the case's fields ("stage.clinical_t") as one naming the bundle's paths
    ("entry[2].resource.valueCodeableConcept"): the user sent FHIR."""
    if not hasattr(error, "error_dict"):
        return error
    return ValidationError(
        {facts.sources.get(FIELD_OF_PATH.get(key, key), key): errors for key, errors in error.error_dict.items()}
    )


def facts_from_record(case: Case, record: CaseImport) -> list[str]:
    """The facts ``record`` wrote that the case still holds as the record gave them (``clinical_t``,
    ``biomarkers.ER``): a fact changed by hand since is not the record's any more."""
    names = [n for n in record.facts if n != "biomarkers" and n not in GROUPS]
    out = []
    for name in names:
        members = [name, *(d for d, v in GROUPS.items() if v == name and d in record.facts)]
        if all(_json(getattr(case, m)) == record.facts[m] for m in members):
            out.append(name)
    current = _biomarkers_of(case)
    out += [f"biomarkers.{n}" for n, items in record.facts.get("biomarkers", {}).items() if current.get(n) == items]
    return out
