"""A case's creation and profile: who edits it and when, the patient by MRN, the biomarker, pharmacogenomic and
medication lists; and the open-case check the other writes of a case share."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from cases.case_checks import case_references_check
from cases.codes import CaseStatus
from cases.locks import case_lock
from cases.models import (
    Biomarker,
    Case,
    CaseTransition,
    GenomicVariant,
    Medication,
    Patient,
    Pharmacogenomic,
    StagingRecord,
    TreatmentCourse,
)
from cases.services.packets import packet_request_if_built
from cases.services.second_opinions import second_opinion_open_for
from cases.staging import stage_check
from specialists.access import is_care_team
from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction

S = CaseStatus


# Profile fields a service copies from validated data onto the case.
CASE_PROFILE_FIELDS = (
    "primary_site", "histology", "grade", "stage_system", "clinical_t", "clinical_n", "clinical_m",
    "pathological_t", "pathological_n", "pathological_m", "stage_group", "metastatic", "metastatic_sites",
    "metastasis_count", "diagnosis_date", "ecog", "karnofsky", "lansky", "weight_kg", "height_cm", "bsa_m2",
    "body_measured_on", "gfr_ml_min", "lvef_percent", "bilirubin_mg_dl",
    "comorbidities", "menopausal_status", "fertility_goals", "fertility_preservation_discussed",
    "goals_of_care_discussed", "prior_anthracycline_mg_m2", "preferences", "psychosocial_notes",
    "gfr_date", "lvef_date", "bilirubin_date", "prior_anthracyclines", "financial_navigation",
    "acp_healthcare_proxy", "acp_advance_directive", "acp_polst",
    "treatment_intent", "question", "urgency", "treating_physician", "board",
)  # fmt: skip


CHILD_LISTS = {
    "biomarkers": Biomarker,
    "pharmacogenomics": Pharmacogenomic,
    "medications": Medication,
    "variants": GenomicVariant,
    "other_staging": StagingRecord,
    "treatments": TreatmentCourse,
}


CLOSED_STATUSES = {S.CLOSED, S.WITHDRAWN}


def _patient_resolve(*, institution, data: dict[str, Any]) -> Patient:
    """The institution's patient with this MRN, created if new; a conflicting identity is a 400."""
    patient = Patient.objects.select_for_update().filter(institution=institution, mrn=data["mrn"]).first()
    if patient is None:
        return Patient.objects.create(institution=institution, **data)
    mismatched = [f for f in ("name", "birth_date", "sex") if f in data and getattr(patient, f) != data[f]]
    if "birth_date" in mismatched:
        raise ValidationError(
            {"patient.birth_date": ["Does not match the existing patient with this MRN at your institution."]}
        )
    for field in mismatched:
        setattr(patient, field, data[field])
    if mismatched:
        patient.save(update_fields=[*mismatched, "updated_at"])
    return patient


def _children_replace(case: Case, data: dict[str, Any]) -> None:
    for name, model in CHILD_LISTS.items():
        if name in data:
            getattr(case, name).all().delete()
            model.objects.bulk_create(model(case=case, **item) for item in data[name])


def _duplicates_check(data: dict[str, Any]) -> None:
    genes = [item["gene"] for item in data.get("pharmacogenomics", [])]
    duplicated = {g for g in genes if genes.count(g) > 1}
    if duplicated:
        raise ValidationError(
            {"pharmacogenomics": [f"One result per gene; repeated: {', '.join(sorted(duplicated))}."]}
        )


@transaction.atomic
def case_create(*, user, data: dict[str, Any]) -> Case:
    """Create a draft case of the user's institution (its board and physician checked by ``case_references_check``)."""
    if user.institution_id is None:
        raise PermissionDenied("Only users of an institution create cases.")
    case_references_check(user=user, data=data)
    stage_check(data)
    _duplicates_check(data)
    patient = _patient_resolve(institution=user.institution, data=data["patient"])
    fields = {f: data[f] for f in CASE_PROFILE_FIELDS if f in data}
    case = Case.objects.create(patient=patient, institution=user.institution, created_by=user, **fields)
    _children_replace(case, data)
    CaseTransition.objects.create(case=case, from_status=S.DRAFT, to_status=S.DRAFT, action="create", by=user)
    audit_write(user=user, action=AuditAction.CREATE, obj=case)
    return case


def case_edit_check(user, case: Case) -> None:
    """Who may change a case's profile, and when: its care team, while the case is open."""
    if not is_care_team(user, case):
        raise PermissionDenied("Only the case's care team or its board's coordinators edit it.")
    if case.status in CLOSED_STATUSES:
        raise Conflict(f"A {case.get_status_display().lower()} case can no longer be edited.", code="case_closed")


def case_editable(user, case: Case) -> bool:
    return is_care_team(user, case) and case.status not in CLOSED_STATUSES


@transaction.atomic
def case_update(*, user, case: Case, data: dict[str, Any], unchanged_since: datetime.datetime | None = None) -> Case:
    """Change the profile. Only the care team; never the status; the board only while a draft. With
    ``unchanged_since`` (the version a form was filled in on), a case changed since is refused, not overwritten."""
    case = case_lock(case)
    case_edit_check(user, case)
    if unchanged_since is not None and case.updated_at != unchanged_since:
        raise Conflict("Someone else changed this case after you opened the form: nothing was saved.", code="stale")
    case_references_check(user=user, data=data, case=case)
    stage_check(data)
    if "board" in data and data["board"] != case.board:
        if case.status != S.DRAFT:
            raise ValidationError({"board": ["The board can only be changed while the case is a draft."]})
        if second_opinion_open_for(case):
            raise ValidationError({"board": ["The case's second-opinion request decides its board."]})
    _duplicates_check(data)
    if "patient" in data:
        patient_data = data["patient"]
        if "mrn" in patient_data and patient_data["mrn"] != case.patient.mrn:
            raise ValidationError({"patient.mrn": ["The MRN of a case's patient cannot be changed."]})
        patient = case.patient
        for field, value in patient_data.items():
            setattr(patient, field, value)
        patient.save()
    changed = sorted(f for f in CASE_PROFILE_FIELDS if f in data)
    for field in changed:
        setattr(case, field, data[field])
    case.save()
    _children_replace(case, data)
    packet_request_if_built(case=case, reason="case data changed")
    audit_write(
        user=user,
        action=AuditAction.UPDATE,
        obj=case,
        detail={"fields": changed + sorted(k for k in ("patient", *CHILD_LISTS) if k in data)},
    )
    return case


def case_open_check(case: Case, what: str) -> None:
    if case.status in CLOSED_STATUSES:
        raise Conflict(f"A {case.get_status_display().lower()} case takes no more {what}.", code="case_closed")
