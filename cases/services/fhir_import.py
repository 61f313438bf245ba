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
from cases.fhir.genomics import variant_key
from cases.fhir.history import treatment_key
from cases.fhir.parse import Facts
from cases.locks import case_lock
from cases.models import Case, CaseImport
from cases.services.case_profile import CLOSED_STATUSES, case_create, case_edit_check, case_update
from cases.staging import STAGE_PATHS
from tumorboard.audit import audit_write
from tumorboard.models import AuditAction

# facts that travel together: a measurement and its date are one fact (weight, height and BSA share a date: it is a
# fact of its own)
GROUPS = {"gfr_date": "gfr_ml_min", "lvef_date": "lvef_percent", "bilirubin_date": "bilirubin_mg_dl"}
# the case's lists the import writes: each item's fields, and the name an item goes by among the facts ("ER",
# "EGFR", "figo", "systemic: paclitaxel"). A re-import decides per name, as for a field: the items of a name a person
# changed by hand since the last import are kept, the others follow the record.
LISTS = {
    "biomarkers": (("name", "result", "value", "detail", "date"), lambda item: item["name"]),
    "variants": (
        ("kind", "gene", "partner_gene", "hgvs", "description", "origin", "interpretation", "date"),
        variant_key,
    ),
    "other_staging": (("system", "value", "date"), lambda item: item["system"]),
    "treatments": (("kind", "name", "code", "start", "end", "status", "detail"), treatment_key),
    "medications": (("name", "status"), lambda item: item["name"]),
}
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


def _by_name(name: str, items) -> dict[str, list]:
    """A list's items (dicts) grouped by the name each goes by, in JSON form."""
    fields, key = LISTS[name]
    grouped: dict[str, list] = {}
    for item in items:
        grouped.setdefault(key(item), []).append(_json({f: item[f] for f in fields}))
    return grouped


def _imported_form(facts: Facts) -> dict[str, Any]:
    """The facts as a ``CaseImport`` keeps them: fields, then each list's items by name."""
    return _json(facts.case) | {name: _by_name(name, getattr(facts, name)) for name in LISTS}


def _rows(case: Case, name: str) -> list[dict[str, Any]]:
    """The case's items of a list (prefetched or read), as dicts of the list's fields."""
    fields, _ = LISTS[name]
    return [{f: getattr(row, f) for f in fields} for row in getattr(case, name).all()]


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
    for name, (_, key) in LISTS.items():
        current = _by_name(name, _rows(case, name))
        previous = last.get(name, {})
        decisions = {
            item_name: _decide(current.get(item_name), items, previous.get(item_name))
            for item_name, items in _by_name(name, getattr(facts, name)).items()
        }
        if any(d == "write" for d in decisions.values()):
            rows = [row for row in _rows(case, name) if decisions.get(key(row)) != "write"]
            data[name] = rows + [item for item in getattr(facts, name) if decisions[key(item)] == "write"]
        changed += [f"{name}.{n}" for n, d in decisions.items() if d == "write"]
        kept += [f"{name}.{n}" for n, d in decisions.items() if d == "keep"]
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
        lists = {name: getattr(facts, name) for name in LISTS if name == "biomarkers" or getattr(facts, name)}
        data = {**facts.case, "patient": facts.patient, **lists}
        if board is not None:
            data["board"] = board
        case = case_create(user=user, data=data)
        created, kept = True, []
        changed = sorted(facts.case) + [f"{name}.{n}" for name, items in lists.items() for n in _by_name(name, items)]
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
            warnings.append({"path": facts.sources.get(name, ""), "message": message})
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
    names = [n for n in record.facts if n not in LISTS and n not in GROUPS]
    out = []
    for name in names:
        members = [name, *(d for d, v in GROUPS.items() if v == name and d in record.facts)]
        if all(_json(getattr(case, m)) == record.facts[m] for m in members):
            out.append(name)
    for name in LISTS:
        current = _by_name(name, _rows(case, name))
        out += [f"{name}.{n}" for n, items in record.facts.get(name, {}).items() if current.get(n) == items]
    return out
