"""The clinical profile form of a case (SPEC §2): tumor biology, the patient, the intent and question, edited by
the care team through ``cases.pages.forms.CaseProfileForm`` and ``case_update``, so the same rules and audit apply.

The form carries the version it was filled in on: a case someone else changed in the meantime is refused
(409) rather than overwritten, and the form comes back with the user's entries and the saved values that
now differ from them.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_http_methods

from cases import selectors
from cases.codes import (
    BiomarkerName,
    BiomarkerResult,
    DiseaseSite,
    FinancialNavigation,
    Grade,
    MedicationStatus,
    MenopausalStatus,
    PgxGene,
    PgxPhenotype,
    PriorAnthracycline,
    StagingSystem,
    TreatmentCourseStatus,
    TreatmentIntent,
    TreatmentKind,
    Urgency,
    VariantInterpretation,
    VariantKind,
    VariantOrigin,
)
from cases.models import Case
from cases.pages.case_forms import CaseProfileForm
from cases.pages.portal_forms import shown_errors
from cases.services import case_profile as services
from tumorboard.errors import Conflict
from tumorboard.forms import item_errors
from tumorboard.reads import audited_read
from tumorboard.web import attempt

# Plain fields, as the form names them (the API's nested ``stage`` and ``organ_function`` as ``stage.<f>``, ...).
TEXT_FIELDS = [
    "primary_site", "histology", "grade", "menopausal_status", "fertility_goals", "preferences",
    "psychosocial_notes", "treatment_intent", "question", "urgency", "financial_navigation",
]  # fmt: skip
NULLABLE_FIELDS = [
    "diagnosis_date", "ecog", "karnofsky", "lansky", "weight_kg", "height_cm", "bsa_m2", "body_measured_on",
    "metastasis_count", "prior_anthracycline_mg_m2", "treating_physician",
]  # fmt: skip
STAGE_FIELDS = ["system", "clinical_t", "clinical_n", "clinical_m", "pathological_t", "pathological_n"]
STAGE_FIELDS += ["pathological_m", "group"]
ORGAN_FIELDS = ["gfr_ml_min", "gfr_date", "lvef_percent", "lvef_date", "bilirubin_mg_dl", "bilirubin_date"]
FLAGS = ["metastatic", "fertility_preservation_discussed", "goals_of_care_discussed"]
# the API's advance_care_planning.<flag> → the case's field
ACP_FLAGS = {"healthcare_proxy": "acp_healthcare_proxy", "advance_directive": "acp_advance_directive",
             "polst": "acp_polst"}  # fmt: skip
LINE_LISTS = ["metastatic_sites", "comorbidities"]  # one item per line
# Repeated rows: the API list, the form's prefix for ``<prefix>_<field>_<n>``, the row's fields.
ROW_LISTS = {
    "biomarkers": ("bm", ["name", "result", "value", "detail", "date"]),
    "pharmacogenomics": ("pgx", ["gene", "phenotype", "diplotype"]),
    "medications": ("med", ["name", "status"]),
    "prior_anthracyclines": ("anth", ["drug", "cumulative_mg_m2"]),
    "variants": ("var", ["kind", "gene", "partner_gene", "hgvs", "description", "origin", "interpretation", "date"]),
    "other_staging": ("stg", ["system", "value", "date"]),
    "treatments": ("tx", ["kind", "name", "code", "start", "end", "status", "detail"]),
}
SPARE_ROWS = 2  # empty rows offered after the recorded ones

FORM_FIELDS = {
    *TEXT_FIELDS, *NULLABLE_FIELDS, *FLAGS, *LINE_LISTS, *ROW_LISTS,
    *(f"stage.{f}" for f in STAGE_FIELDS), *(f"organ_function.{f}" for f in ORGAN_FIELDS),
    *(f"advance_care_planning.{f}" for f in ACP_FLAGS),
}  # fmt: skip
LABELS = {
    "primary_site": "Primary site", "histology": "Histology", "grade": "Grade", "diagnosis_date": "Diagnosis date",
    "stage.system": "Staging system", "stage.clinical_t": "Clinical T", "stage.clinical_n": "Clinical N",
    "stage.clinical_m": "Clinical M", "stage.pathological_t": "Pathological T",
    "stage.pathological_n": "Pathological N", "stage.pathological_m": "Pathological M",
    "stage.group": "Stage group", "metastatic": "Metastatic", "metastatic_sites": "Metastatic sites",
    "metastasis_count": "Number of metastases", "biomarkers": "Biomarkers", "variants": "Genomic variants",
    "other_staging": "Other staging", "ecog": "ECOG performance status", "karnofsky": "Karnofsky performance status",
    "lansky": "Lansky play-performance status", "weight_kg": "Weight", "height_cm": "Height",
    "bsa_m2": "Body surface area", "body_measured_on": "Weight, height and BSA measured on",
    "organ_function.gfr_ml_min": "GFR", "organ_function.gfr_date": "GFR measured on",
    "organ_function.lvef_percent": "LVEF", "organ_function.lvef_date": "LVEF measured on",
    "organ_function.bilirubin_mg_dl": "Bilirubin", "organ_function.bilirubin_date": "Bilirubin measured on",
    "comorbidities": "Comorbidities",
    "pharmacogenomics": "Pharmacogenomics", "medications": "Medications", "treatments": "Treatment history",
    "menopausal_status": "Menopausal status",
    "fertility_goals": "Fertility goals", "fertility_preservation_discussed": "Fertility preservation discussed",
    "goals_of_care_discussed": "Goals of care discussed",
    "prior_anthracycline_mg_m2": "Prior anthracycline (doxorubicin-equivalent)",
    "prior_anthracyclines": "Prior anthracyclines by drug", "financial_navigation": "Financial navigation",
    "advance_care_planning.healthcare_proxy": "Health-care proxy named",
    "advance_care_planning.advance_directive": "Advance directive completed",
    "advance_care_planning.polst": "POLST/MOLST completed", "preferences": "Preferences and values",
    "psychosocial_notes": "Psychosocial notes", "treatment_intent": "Treatment intent",
    "question": "Question for the board", "urgency": "Urgency", "treating_physician": "Treating physician",
}  # fmt: skip


def _text(value) -> str:
    return "" if value is None else value.isoformat() if isinstance(value, datetime.date) else str(value)


def _values_of(case: Case) -> dict[str, Any]:
    """The saved profile in the form's shape (every value a string, a list of lines, or rows)."""
    values: dict[str, Any] = {f: _text(getattr(case, f)) for f in TEXT_FIELDS + NULLABLE_FIELDS}
    values["treating_physician"] = _text(case.treating_physician.public_id) if case.treating_physician else ""
    stage = {"system": "stage_system", "group": "stage_group"}
    values |= {f"stage.{f}": getattr(case, stage.get(f, f)) for f in STAGE_FIELDS}
    values |= {f"organ_function.{f}": _text(getattr(case, f)) for f in ORGAN_FIELDS}
    values |= {f: getattr(case, f) for f in FLAGS}
    values |= {f"advance_care_planning.{f}": getattr(case, field) for f, field in ACP_FLAGS.items()}
    values |= {f: "\n".join(getattr(case, f) or []) for f in LINE_LISTS}
    for name, (_, fields) in ROW_LISTS.items():  # the lists ``case_get`` prefetched, or a JSON list of objects
        items = getattr(case, name)
        items = items.all() if hasattr(items, "all") else items
        values[name] = [
            {f: _text(item[f] if isinstance(item, dict) else getattr(item, f)) for f in fields} for item in items
        ]
    return values


def _values_posted(form: CaseProfileForm) -> dict[str, Any]:
    """The posted form in the same shape, empty rows left out."""
    post = form.data
    values: dict[str, Any] = {f: post.get(f, "").strip() for f in [*TEXT_FIELDS, *NULLABLE_FIELDS]}
    values |= {f"stage.{f}": post.get(f"stage.{f}", "").strip() for f in STAGE_FIELDS}
    values |= {f"organ_function.{f}": post.get(f"organ_function.{f}", "").strip() for f in ORGAN_FIELDS}
    values |= {f: post.get(f) == "true" for f in FLAGS}
    values |= {f"advance_care_planning.{f}": post.get(f"advance_care_planning.{f}") == "true" for f in ACP_FLAGS}
    values |= {f: "\n".join(line.strip() for line in post.get(f, "").splitlines() if line.strip()) for f in LINE_LISTS}
    return values | form.posted_rows()


def _rows(values: dict[str, Any], errors: dict[str, list[str]]) -> dict[str, list[dict[str, Any]]]:
    """Each list's rows for the form, numbered, with their own errors (``biomarkers[1].value`` belongs to the
    second row kept), and spare empty rows after them."""
    out = {}
    for name, (prefix, _) in ROW_LISTS.items():
        by_item, _ = item_errors(errors, name)
        rows = []
        for index, row in enumerate(values[name]):
            own = {f"{prefix}_{field}": messages_ for field, messages_ in by_item.get(index, {}).items()}
            rows.append({"n": str(index + 1), "values": row, "errors": own})
        rows += [{"n": str(len(rows) + i), "values": {}, "errors": {}} for i in range(1, SPARE_ROWS + 1)]
        out[name] = rows
    return out


def _differences(saved: dict[str, Any], posted: dict[str, Any]) -> list[dict[str, str]]:
    """The fields whose saved value now differs from what the user entered, with the saved value to show."""

    def shown(field, value) -> str:
        if field in FLAGS or field.startswith("advance_care_planning."):
            return "yes" if value else "no"
        if field in ROW_LISTS:
            return "; ".join(" ".join(v for v in row.values() if v) for row in value) or "none"
        return ", ".join(value.splitlines()) if field in LINE_LISTS else value or "blank"

    return [{"label": label, "saved": shown(f, saved[f])} for f, label in LABELS.items() if posted[f] != saved[f]]


def _context(case: Case, values, *, errors=None, version: str = "", differences=None) -> dict[str, Any]:
    errors = errors or {}
    return {
        "case": case,
        "patient": case.patient,
        "v": {key.replace(".", "_"): value for key, value in values.items() if key not in ROW_LISTS},
        "rows": _rows(values, errors),
        "errors": shown_errors(_not_of_rows(errors), FORM_FIELDS),
        "version": version or case.updated_at.isoformat(),
        "differences": differences or [],
        "sites": DiseaseSite.choices,
        "grades": Grade.choices,
        "intents": TreatmentIntent.choices,
        "urgencies": Urgency.choices,
        "menopausal": MenopausalStatus.choices,
        "biomarker_names": BiomarkerName.choices,
        "biomarker_results": BiomarkerResult.choices,
        "genes": PgxGene.choices,
        "phenotypes": PgxPhenotype.choices,
        "medication_statuses": MedicationStatus.choices,
        "anthracyclines": PriorAnthracycline.choices,
        "financial_navigations": FinancialNavigation.choices,
        "ecogs": [(str(n), str(n)) for n in range(5)],
        "scores": [(str(n), str(n)) for n in range(100, -1, -10)],
        "variant_kinds": VariantKind.choices,
        "variant_origins": VariantOrigin.choices,
        "interpretations": VariantInterpretation.choices,
        "staging_systems": StagingSystem.choices,
        "treatment_kinds": TreatmentKind.choices,
        "treatment_statuses": TreatmentCourseStatus.choices,
        "physicians": [(str(user.public_id), user.name) for user in selectors.physicians_eligible(case.institution_id)],
    }


def _not_of_rows(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The errors that are not a row's (``biomarkers[1].value`` is)."""
    rest = errors
    for name in ROW_LISTS:
        _, rest = item_errors(rest, name)
    return rest


def _save(*, request, case: Case, form: CaseProfileForm) -> Case:
    data = form.profile_data()
    try:
        since = parse_datetime(request.POST.get("version", ""))
    except ValueError:  # well formed, but no date
        since = None
    if since is None:
        raise ValidationError({"version": ["The form is incomplete: open it again from the case page."]})
    return services.case_update(user=request.user, case=case, data=data, unchanged_since=since)


@login_required
@require_http_methods(["GET", "POST"])
def case_profile_page(request, case_id):
    """The clinical profile form: the case's care team (its submitter, treating physician, board coordinators)."""
    case = selectors.case_get(request.user, case_id)
    try:
        services.case_edit_check(request.user, case)  # 403 outside the care team
    except Conflict as closed:
        messages.error(request, closed.message)
        return redirect(f"/cases/{case.public_id}/")
    if request.method == "GET":
        audited_read([case], user=request.user, view="case profile form")
        return render(request, "cases/pages/case_profile.html", _context(case, _values_of(case)))
    form = CaseProfileForm(request.POST, case=case)
    values = _values_posted(form)
    outcome = attempt(_save, request=request, case=case, form=form)
    if outcome.ok:
        messages.success(request, "The clinical profile was saved.")
        return redirect(f"/cases/{case.public_id}/#summary")
    context = {"errors": outcome.by_field(), "version": request.POST.get("version", "")}
    if any(e["code"] == "stale" for e in outcome.errors):  # the saved values that differ, and the version they are
        current = selectors.case_get(request.user, case_id)
        context |= {"version": current.updated_at.isoformat(), "differences": _differences(_values_of(current), values)}
    return render(request, "cases/pages/case_profile.html", _context(case, values, **context), status=outcome.status)


urlpatterns = [path("cases/<uuid:case_id>/profile/", case_profile_page, name="case-profile")]
