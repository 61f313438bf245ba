"""The trials pages (issue 21 item 2): the institution's clinical trials with their referrals and enrolments, and the
form its boards' coordinators add and change them with. Every write is ``trial_create`` / ``trial_update`` /
``trial_delete``, as in the API (`/api/v1/trials/`)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases import selectors
from cases.analytics import trial_figures
from cases.codes import BiomarkerName, BiomarkerResult, DiseaseSite, StageLimit, TrialPhase, TrialStatus
from cases.models import Trial
from cases.services.trials import TRIAL_FIELDS, trial_create, trial_delete, trial_update
from cases.trials import NOTICE
from specialists.access import can_manage_trials
from tumorboard import forms
from tumorboard.web import Outcome, attempt

BIOMARKER_ROWS = 3  # rows offered for required and for excluding biomarkers
ROW_NUMBERS = range(1, BIOMARKER_ROWS + 1)
LISTS = {"req": "required_biomarkers", "exc": "excluded_biomarkers"}


class TrialForm(forms.Form):
    identifier = forms.TextField(max_length=32)
    title = forms.TextField(max_length=300)
    phase = forms.ChoiceField(choices=TrialPhase.choices)
    status = forms.ChoiceField(choices=TrialStatus.choices)
    disease_sites = forms.MultipleChoiceField(choices=DiseaseSite.choices)
    stage_min = forms.ChoiceField(choices=[("", "—"), *StageLimit.choices], required=False)
    stage_max = forms.ChoiceField(choices=[("", "—"), *StageLimit.choices], required=False)
    min_prior_lines = forms.IntegerField(min_value=0, max_value=20)
    max_prior_lines = forms.IntegerField(min_value=0, max_value=20)
    ecog_max = forms.IntegerField(min_value=0, max_value=4)
    age_min = forms.IntegerField(min_value=0, max_value=120)
    age_max = forms.IntegerField(min_value=0, max_value=120)
    contact = forms.TextField(max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix in LISTS:
            for n in range(1, BIOMARKER_ROWS + 1):
                self.fields[f"{prefix}_name_{n}"] = forms.ChoiceField(
                    choices=[("", "—"), *BiomarkerName.choices], required=False
                )
                self.fields[f"{prefix}_result_{n}"] = forms.ChoiceField(
                    choices=[("", "—"), *BiomarkerResult.choices], required=False
                )

    def clean(self):
        data = super().clean()
        for prefix in LISTS:
            for n in range(1, BIOMARKER_ROWS + 1):
                name, result = data.get(f"{prefix}_name_{n}"), data.get(f"{prefix}_result_{n}")
                if bool(name) != bool(result):
                    self.add_error(f"{prefix}_{'result' if name else 'name'}_{n}", forms.CHOOSE)
        return data

    def trial_data(self) -> dict[str, Any]:
        data = self.cleaned_or_raise()
        out = {f: data[f] for f in TRIAL_FIELDS if f in data}
        for prefix, field in LISTS.items():
            rows = [(data.get(f"{prefix}_name_{n}"), data.get(f"{prefix}_result_{n}")) for n in ROW_NUMBERS]
            out[field] = [{"name": name, "result": result} for name, result in rows if name and result]
        return out

    @staticmethod
    def saved_values(trial: Trial) -> dict[str, Any]:
        values = {f: getattr(trial, f) for f in TRIAL_FIELDS if not f.endswith("_biomarkers")}
        values = {k: "" if v is None else v for k, v in values.items()}
        for prefix, field in LISTS.items():
            for n, item in enumerate(getattr(trial, field) or [], start=1):
                values[f"{prefix}_name_{n}"], values[f"{prefix}_result_{n}"] = item["name"], item["result"]
        return values


def _errors(outcome: Outcome) -> dict[str, list[str]]:
    """The service's errors by the form's names: ``required_biomarkers[1].name`` is the second filled row's."""
    errors: dict[str, list[str]] = {}
    for name, found in outcome.by_field().items():
        for prefix, field in LISTS.items():
            if name.startswith(f"{field}["):
                index, _, rest = name[len(field) + 1 :].partition("]")
                name = f"{prefix}_{rest.lstrip('.') or 'name'}_{int(index) + 1}"
        errors.setdefault(name.split("[", 1)[0], []).extend(found)
    return errors


def _context(values, errors=None, trial: Trial | None = None) -> dict:
    rows = {
        prefix: [
            {
                "n": n,
                "name_field": f"{prefix}_name_{n}",
                "result_field": f"{prefix}_result_{n}",
                "name": values.get(f"{prefix}_name_{n}", ""),
                "result": values.get(f"{prefix}_result_{n}", ""),
            }
            for n in range(1, BIOMARKER_ROWS + 1)
        ]
        for prefix in LISTS
    }
    sites = values.getlist("disease_sites") if hasattr(values, "getlist") else values.get("disease_sites", [])
    return {
        "trial": trial,
        "v": values,
        "v_sites": sites,
        "errors": errors or {},
        "rows": rows,
        "phases": TrialPhase.choices,
        "statuses": TrialStatus.choices,
        "sites": DiseaseSite.choices,
        "stages": StageLimit.choices,
        "biomarkers": BiomarkerName.choices,
        "results": BiomarkerResult.choices,
        "notice": NOTICE,
    }


@login_required
@require_GET
def trials_page(request):
    user = request.user
    figures = trial_figures(user)
    context = {"figures": figures, "can_add": can_manage_trials(user, user.institution_id), "notice": NOTICE}
    for row in figures:
        row["editable"] = can_manage_trials(user, row["trial"].institution_id)
    return render(request, "cases/pages/trials.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def trial_new_page(request):
    user = request.user
    if not can_manage_trials(user, user.institution_id):
        raise PermissionDenied("Only the coordinators of your institution's boards keep its trials.")
    if request.method == "GET":
        return render(request, "cases/pages/trial_form.html", _context({"status": "open", "phase": "2"}))
    form = TrialForm(request.POST)
    outcome = attempt(lambda: trial_create(user=user, data=form.trial_data()))
    if outcome.ok:
        messages.success(request, f"Trial {outcome.value.identifier} added.")
        return redirect("trials")
    context = _context(request.POST, _errors(outcome))
    return render(request, "cases/pages/trial_form.html", context, status=outcome.status)


@login_required
@require_http_methods(["GET", "POST"])
def trial_edit_page(request, trial_id):
    user = request.user
    trial = selectors.trial_get(user, trial_id)
    if not can_manage_trials(user, trial.institution_id):
        raise PermissionDenied("Only the coordinators of the trial's institution change it.")
    if request.method == "GET":
        return render(request, "cases/pages/trial_form.html", _context(TrialForm.saved_values(trial), trial=trial))
    form = TrialForm(request.POST)
    outcome = attempt(lambda: trial_update(user=user, trial=trial, data=form.trial_data()))
    if outcome.ok:
        messages.success(request, f"Trial {outcome.value.identifier} saved.")
        return redirect("trials")
    context = _context(request.POST, _errors(outcome), trial=trial)
    return render(request, "cases/pages/trial_form.html", context, status=outcome.status)


@login_required
@require_POST
def trial_delete_page(request, trial_id):
    trial = selectors.trial_get(request.user, trial_id)
    outcome = attempt(trial_delete, user=request.user, trial=trial)
    if outcome.ok:
        messages.success(request, f"Trial {trial.identifier} deleted.")
    else:
        messages.error(request, " ".join(e["message"] for e in outcome.errors))
    return redirect("trials")


urlpatterns = [
    path("trials/", trials_page, name="trials"),
    path("trials/new/", trial_new_page, name="trial-new"),
    path("trials/<uuid:trial_id>/", trial_edit_page, name="trial-edit"),
    path("trials/<uuid:trial_id>/delete/", trial_delete_page, name="trial-delete"),
]
