"""A new case (``/cases/new/``): the care team of any institution, academic or community, creates a draft case
with the patient, the three dimensions (tumor biology, the patient, the intent) and its documents, in one
transaction (a refusal anywhere writes nothing), then lands on the case page.

One implementation with the portal's request form: the same form (``cases.pages.case_forms.NewCaseForm``), the
same fields (``cases/pages/_case_fields.html``), the same document rows (``cases.pages.portal_forms``) and the same
services the API calls (``case_create``, ``document_create``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from cases.codes import DocumentKind
from cases.models import Case, Document
from cases.pages.case_forms import NewCaseForm, new_case_choices
from cases.pages.portal_forms import (
    document_form_rows,
    document_rows,
    documents_create,
    documents_validate,
    files_forget,
    shown_errors,
)
from cases.services.case_profile import case_create
from tumorboard.web import attempt

# the fields of the new-case form (NewCaseForm's, and ``patient`` for a refusal about the patient as a whole)
NEW_CASE_FIELDS = {
    "patient", "patient.mrn", "patient.name", "patient.birth_date", "patient.sex", "primary_site", "histology",
    "grade", "diagnosis_date", "stage.clinical_t", "stage.clinical_n", "stage.clinical_m", "stage.group",
    "metastatic", "ecog", "organ_function.gfr_ml_min", "organ_function.gfr_date", "organ_function.lvef_percent",
    "organ_function.lvef_date", "organ_function.bilirubin_mg_dl", "organ_function.bilirubin_date",
    "treatment_intent", "question", "urgency", "treating_physician", "board",
}  # fmt: skip


def new_case_context(user, *, values=None, errors=None, with_board: bool) -> dict[str, Any]:
    """The context of the new-case fields and document rows, filled again with what was posted."""
    values = values or {}
    return {
        "errors": errors or {},
        "values": values,
        "v": {key.replace(".", "_"): values.get(key) for key in values},
        "document_kinds": DocumentKind.choices,
        "document_rows": document_form_rows(values, errors),
        **new_case_choices(user, with_board=with_board),
    }


def new_case_form(request, *, with_board: bool) -> tuple[NewCaseForm, dict[str, list]]:
    """The posted new case, and its errors (none when valid)."""
    form = NewCaseForm(request.POST, user=request.user, with_board=with_board)
    return form, ({} if form.is_valid() else form.error_dict())


def _create(*, request, created: list[Document]) -> Case:
    """Validate the case and every document row (so all errors show at once), then write them."""
    form, errors = new_case_form(request, with_board=True)
    documents, document_errors = documents_validate(document_rows(request))
    errors.update(document_errors)
    if errors:
        raise ValidationError(errors)
    case = case_create(user=request.user, data=form.case_data())
    documents_create(user=request.user, case=case, valid=documents, created=created)
    return case


@login_required
@require_http_methods(["GET", "POST"])
def case_new_page(request):
    if request.user.institution_id is None:  # ``case_create`` says the same: cases belong to an institution
        raise PermissionDenied("Only users of an institution create cases.")
    if request.method == "GET":
        context = new_case_context(request.user, with_board=True)
        return render(request, "cases/pages/case_new.html", context | {"case_urgency": True})
    created: list[Document] = []
    outcome = attempt(_create, request=request, created=created)
    if not outcome.ok:
        files_forget(created)
        errors = shown_errors(outcome.by_field(), NEW_CASE_FIELDS)
        context = new_case_context(request.user, values=request.POST, errors=errors, with_board=True)
        return render(request, "cases/pages/case_new.html", context | {"case_urgency": True}, status=outcome.status)
    count = len(created)
    documents = f" with {count} document{'s' if count != 1 else ''}" if count else ""
    messages.success(request, f"The case was created as a draft{documents}. Submit it to its board when it is ready.")
    return redirect(reverse("case-page", args=[outcome.value.public_id]))


urlpatterns = [path("cases/new/", case_new_page, name="case-new")]
