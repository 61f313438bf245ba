"""Writing an institution's clinical trials: its boards' coordinators add, change and delete them (issue 21 item 2).

The API and the pages call these; each checks who may, validates the whole trial (the refusal names the field) and
writes its audit row in the same transaction."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from cases.codes import BiomarkerName, BiomarkerResult, DiseaseSite
from cases.models import Trial
from cases.trials import STAGE_ORDER
from specialists.access import can_manage_trials
from tumorboard.audit import audit_write
from tumorboard.errors import Conflict
from tumorboard.models import AuditAction

TRIAL_FIELDS = (
    "identifier", "title", "phase", "status", "disease_sites", "stage_min", "stage_max", "min_prior_lines",
    "max_prior_lines", "required_biomarkers", "excluded_biomarkers", "ecog_max", "age_min", "age_max", "contact",
)  # fmt: skip
# ClinicalTrials.gov's identifier: "NCT" followed by an 8-digit number, e.g. NCT00000419 (ClinicalTrials.gov glossary,
# "ClinicalTrials.gov Identifier (NCT Number)", National Library of Medicine, checked 2026)
NCT = re.compile(r"NCT\d{8}")
LOCAL_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/-]{0,31}")
BIOMARKER_LISTS = ("required_biomarkers", "excluded_biomarkers")


def identifier_clean(value: str) -> str:
    """An NCT number (upper-cased) when it looks like one, else a local study id."""
    value = (value or "").strip()
    if not value:
        raise ValidationError({"identifier": ["Give the study's NCT number or local id."]}, code="required")
    if value.upper().startswith("NCT"):
        if not NCT.fullmatch(value.upper()):
            raise ValidationError(
                {"identifier": ["An NCT number is NCT followed by 8 digits, e.g. NCT01234567."]}, code="invalid_nct"
            )
        return value.upper()
    if not LOCAL_ID.fullmatch(value):
        raise ValidationError(
            {"identifier": ["A local id is letters, digits, spaces and . _ / - (at most 32 characters)."]},
            code="invalid",
        )
    return value


def _trial_check(trial: Trial) -> None:
    errors: dict[str, list[str]] = {}
    if not trial.title.strip():
        errors["title"] = ["Give the study's title."]
    for i, site in enumerate(trial.disease_sites or []):
        if site not in DiseaseSite.values:
            errors[f"disease_sites[{i}]"] = [f"Not a disease site; allowed: {', '.join(DiseaseSite.values)}."]
    if len(set(trial.disease_sites or [])) != len(trial.disease_sites or []):
        errors["disease_sites"] = ["A site is listed twice."]
    if trial.stage_min and trial.stage_max and STAGE_ORDER[trial.stage_min] > STAGE_ORDER[trial.stage_max]:
        errors["stage_max"] = ["The highest stage is below the lowest."]
    for low, high, words in (
        ("min_prior_lines", "max_prior_lines", "prior lines"),
        ("age_min", "age_max", "age"),
    ):
        lowest, highest = getattr(trial, low), getattr(trial, high)
        if lowest is not None and highest is not None and highest < lowest:
            errors[high] = [f"The maximum {words} is below the minimum."]
    seen: dict[tuple[str, str], str] = {}
    for field in BIOMARKER_LISTS:
        for i, item in enumerate(getattr(trial, field) or []):
            path = f"{field}[{i}]"
            if not isinstance(item, dict):
                errors[path] = ['Give {"name", "result"}.']
                continue
            if item.get("name") not in BiomarkerName.values:
                errors[f"{path}.name"] = [f"Not a biomarker code; allowed: {', '.join(BiomarkerName.values)}."]
            if item.get("result") not in BiomarkerResult.values:
                errors[f"{path}.result"] = [f"Not a result; allowed: {', '.join(BiomarkerResult.values)}."]
            key = (item.get("name"), item.get("result"))
            if key in seen:
                errors[path] = [f"Already listed in {seen[key]}."]
            seen[key] = field
    if errors:
        raise ValidationError(errors)


def _save(trial: Trial) -> None:
    _trial_check(trial)
    if Trial.objects.filter(institution_id=trial.institution_id, identifier=trial.identifier).exclude(pk=trial.pk):
        raise ValidationError({"identifier": ["Your institution already lists a trial with this identifier."]})
    try:
        with transaction.atomic():
            trial.save()
    except IntegrityError as exc:  # the same identifier written at the same moment
        raise ValidationError({"identifier": ["Your institution already lists a trial with this identifier."]}) from exc


@transaction.atomic
def trial_create(*, user, data: dict[str, Any]) -> Trial:
    """A new trial of the user's institution (its boards' coordinators)."""
    institution_id = user.institution_id
    if not can_manage_trials(user, institution_id):
        raise PermissionDenied("Only the coordinators of your institution's boards keep its trials.")
    trial = Trial(institution_id=institution_id, **{f: data[f] for f in TRIAL_FIELDS if f in data})
    trial.identifier = identifier_clean(trial.identifier)
    _save(trial)
    audit_write(user=user, action=AuditAction.CREATE, obj=trial, detail={"identifier": trial.identifier})
    return trial


@transaction.atomic
def trial_update(*, user, trial: Trial, data: dict[str, Any]) -> Trial:
    """Change a trial's fields (``data`` holds those given)."""
    trial = Trial.objects.select_for_update().get(pk=trial.pk)
    if not can_manage_trials(user, trial.institution_id):
        raise PermissionDenied("Only the coordinators of the trial's institution change it.")
    if "identifier" in data:
        data = {**data, "identifier": identifier_clean(data["identifier"])}
    changed = sorted(f for f in TRIAL_FIELDS if f in data and getattr(trial, f) != data[f])
    for field in changed:
        setattr(trial, field, data[field])
    _save(trial)
    audit_write(user=user, action=AuditAction.UPDATE, obj=trial, detail={"fields": changed})
    return trial


@transaction.atomic
def trial_delete(*, user, trial: Trial) -> None:
    """Delete a trial no plan refers to; one a plan or an enrolment names is closed instead (409)."""
    trial = Trial.objects.select_for_update().get(pk=trial.pk)
    if not can_manage_trials(user, trial.institution_id):
        raise PermissionDenied("Only the coordinators of the trial's institution delete it.")
    if trial.plan_components.exists() or trial.enrolments.exists():
        raise Conflict("Board plans refer to this trial: set its status to closed instead.", code="trial_referenced")
    audit_write(user=user, action=AuditAction.DELETE, obj=trial, detail={"identifier": trial.identifier})
    trial.delete()
