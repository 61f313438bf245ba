"""The case forms of the pages: the clinical profile (``/cases/<id>/profile/``) with its row formsets, and the
new case (``/cases/new/`` and the portal's request form). Each gives the dict ``case_update``/``case_create``
take; the rules are the services' (``cases.case_checks``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.case_checks import future, organ_function_check
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
    Sex,
    StagingSystem,
    TreatmentCourseStatus,
    TreatmentIntent,
    TreatmentKind,
    Urgency,
    VariantInterpretation,
    VariantKind,
    VariantOrigin,
)
from cases.selectors import physicians_eligible
from cases.staging import STAGE_VALIDATORS
from scheduling.selectors import boards_targetable_by
from tumorboard.forms import (
    TOO_MANY,
    ChoiceField,
    DateField,
    FlagField,
    FloatField,
    Form,
    IntegerField,
    PublicIdField,
    RowForm,
    TextField,
    row_formset,
)


class LinesField(forms.CharField):
    """A list, one item per line."""

    def __init__(self, *, item_length: int, max_items: int = 50, **kwargs):
        self.item_length, self.max_items = item_length, max_items
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]

    def validate(self, value):
        if len(value) > self.max_items:
            raise ValidationError(TOO_MANY.format(n=self.max_items), code="max_length")
        for line in value:
            if len(line) > self.item_length:
                message = f"Please shorten each line to {self.item_length} characters or fewer."
                raise ValidationError(message, code="max_length")

    def run_validators(self, value):
        pass


class BiomarkerForm(RowForm):
    row_prefix = "bm_"
    blank_is_missing = True
    name = ChoiceField(choices=BiomarkerName.choices)
    result = ChoiceField(choices=BiomarkerResult.choices)
    value = FloatField(min_value=-1e9, max_value=1e9)
    detail = TextField(max_length=200, required=False)
    date = DateField()


class PharmacogenomicForm(RowForm):
    row_prefix = "pgx_"
    blank_is_missing = True
    gene = ChoiceField(choices=PgxGene.choices)
    phenotype = ChoiceField(choices=PgxPhenotype.choices)
    diplotype = TextField(max_length=64, required=False)


class MedicationForm(RowForm):
    row_prefix = "med_"
    blank_is_missing = True
    preset = frozenset({"status"})
    name = TextField(max_length=200)
    status = ChoiceField(choices=MedicationStatus.choices, required=False)

    def clean_status(self):
        return self.cleaned_data["status"] or MedicationStatus.ACTIVE


class PriorAnthracyclineForm(RowForm):
    row_prefix = "anth_"
    blank_is_missing = True
    drug = ChoiceField(choices=PriorAnthracycline.choices)
    cumulative_mg_m2 = FloatField(required=True, min_value=0.1, max_value=5000)


class VariantForm(RowForm):
    """A variant or fusion from a genomic report; its kind and origin come preselected."""

    row_prefix = "var_"
    blank_is_missing = True
    preset = frozenset({"kind", "origin"})
    kind = ChoiceField(choices=VariantKind.choices)
    gene = TextField(max_length=32)
    partner_gene = TextField(max_length=32, required=False)
    hgvs = TextField(max_length=200, required=False)
    description = TextField(max_length=200, required=False)
    origin = ChoiceField(choices=VariantOrigin.choices)
    interpretation = ChoiceField(choices=VariantInterpretation.choices, required=False)
    date = DateField(validators=[future("The report date is in the future.")])


class StagingRecordForm(RowForm):
    """A stage in a system other than AJCC TNM (FIGO, ISS, Ann Arbor, ...)."""

    row_prefix = "stg_"
    blank_is_missing = True
    system = ChoiceField(choices=StagingSystem.choices)
    value = TextField(max_length=64)
    date = DateField(validators=[future("The staging date is in the future.")])


class TreatmentCourseForm(RowForm):
    """A course of treatment history; its status comes preselected."""

    row_prefix = "tx_"
    blank_is_missing = True
    preset = frozenset({"status"})
    kind = ChoiceField(choices=TreatmentKind.choices)
    name = TextField(max_length=200)
    code = TextField(max_length=64, required=False)
    start = DateField()
    end = DateField()
    status = ChoiceField(choices=TreatmentCourseStatus.choices, required=False)
    detail = TextField(max_length=200, required=False)

    def clean_status(self):
        return self.cleaned_data["status"] or TreatmentCourseStatus.UNKNOWN

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            message = "The treatment ends before it starts: please check the two dates."
            self.add_error("end", ValidationError(message, code="invalid"))
        return cleaned


# the case's lists: their row forms and how many items each may have (the API's limits)
CASE_LISTS = {
    "biomarkers": (row_formset(BiomarkerForm, max_rows=120), 50),
    "pharmacogenomics": (row_formset(PharmacogenomicForm, max_rows=120), 10),
    "medications": (row_formset(MedicationForm, max_rows=120), 100),
    "prior_anthracyclines": (row_formset(PriorAnthracyclineForm, max_rows=120), len(PriorAnthracycline.values)),
    "variants": (row_formset(VariantForm, max_rows=220), 200),
    "other_staging": (row_formset(StagingRecordForm, max_rows=40), 20),
    "treatments": (row_formset(TreatmentCourseForm, max_rows=220), 200),
}


def _score_of_ten(value):
    if value is not None and value % 10:
        raise ValidationError("Please give the score in steps of 10 (0, 10, 20 … 100).", code="invalid")


STAGE = {"system": "stage_system", "group": "stage_group"}  # the form's stage.<name> → the case's field
ACP = {"healthcare_proxy": "acp_healthcare_proxy", "advance_directive": "acp_advance_directive", "polst": "acp_polst"}


def _stage_fields(*, system: bool) -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {f"stage.{f}": TextField(
        max_length=8, required=False, validators=[STAGE_VALIDATORS[STAGE.get(f, f)]]
    ) for f in (
        "clinical_t", "clinical_n", "clinical_m", "pathological_t", "pathological_n", "pathological_m", "group"
    )}  # fmt: skip
    if system:
        fields["stage.system"] = TextField(max_length=16, validators=[STAGE_VALIDATORS["stage_system"]])
    return fields


ORGAN_FUNCTION = (("gfr_ml_min", "gfr_date", "GFR", 300), ("lvef_percent", "lvef_date", "LVEF", 100),
                  ("bilirubin_mg_dl", "bilirubin_date", "bilirubin", 50))  # fmt: skip


def _organ_fields() -> dict[str, forms.Field]:
    """Organ function: each value (up to its highest plausible one) and the date it was measured on."""
    fields: dict[str, forms.Field] = {}
    for value, date, label, high in ORGAN_FUNCTION:
        fields[f"organ_function.{value}"] = FloatField(min_value=0, max_value=high, label=label)
        measured = future(f"The {label}'s date is in the future.")
        fields[f"organ_function.{date}"] = DateField(validators=[measured], label=f"{label} measured on")
    return fields


def _case_data(cleaned: dict[str, Any], *, leave_out_blank: bool) -> dict[str, Any]:
    """A case form's cleaned data as the case services take it (``stage.group`` → ``stage_group``, ...)."""
    data: dict[str, Any] = {}
    for name, value in cleaned.items():
        if name.startswith("patient."):
            continue
        head, _, tail = name.partition(".")
        if head == "stage":
            field = STAGE.get(tail, tail)
        elif head == "advance_care_planning":
            field = ACP[tail]
        else:
            field = tail or head
        if leave_out_blank and value in ("", None, []):
            continue
        data[field] = value
    return data


class CaseProfileForm(Form):
    """The clinical profile of a case (every field posted; a blank optional value is null)."""

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.case = case
        f = self.fields
        f["primary_site"] = ChoiceField(choices=DiseaseSite.choices)
        f["histology"] = TextField(max_length=200, required=False)
        f["grade"] = ChoiceField(choices=Grade.choices, required=False)
        f["menopausal_status"] = ChoiceField(choices=MenopausalStatus.choices, required=False)
        for name in ("fertility_goals", "preferences", "psychosocial_notes", "question"):
            f[name] = TextField(required=False)
        f["treatment_intent"] = ChoiceField(choices=TreatmentIntent.choices, required=False)
        f["urgency"] = ChoiceField(choices=Urgency.choices)
        f["financial_navigation"] = ChoiceField(choices=FinancialNavigation.choices)
        f["diagnosis_date"] = DateField(validators=[future("The diagnosis date is in the future.")])
        f["ecog"] = IntegerField(min_value=0, max_value=4)
        for name in ("karnofsky", "lansky"):
            f[name] = IntegerField(min_value=0, max_value=100, validators=[_score_of_ten])
        f["weight_kg"] = FloatField(min_value=0.3, max_value=400)
        f["height_cm"] = FloatField(min_value=20, max_value=250)
        f["bsa_m2"] = FloatField(min_value=0.05, max_value=4)
        f["body_measured_on"] = DateField(validators=[future("The measurement date is in the future.")])
        f["metastasis_count"] = IntegerField(min_value=0, max_value=1000)
        f["prior_anthracycline_mg_m2"] = FloatField(min_value=0, max_value=2000)
        f["treating_physician"] = PublicIdField(physicians_eligible(case.institution_id))
        f.update(_stage_fields(system=True))
        f.update(_organ_fields())
        for name in ("metastatic", "fertility_preservation_discussed", "goals_of_care_discussed"):
            f[name] = FlagField()
        for name in ACP:
            f[f"advance_care_planning.{name}"] = FlagField()
        f["metastatic_sites"] = LinesField(item_length=64)
        f["comorbidities"] = LinesField(item_length=200)
        self.lists = {name: formset(self.data if self.is_bound else None) for name, (formset, _) in CASE_LISTS.items()}

    def posted_rows(self) -> dict[str, list[dict[str, str]]]:
        """Each list's rows that carry something, as posted (to fill the form again)."""
        return {
            name: [{f: (row.data.get(row.add_prefix(f)) or "").strip() for f in row.fields} for row in formset.filled]
            for name, formset in self.lists.items()
        }

    def profile_data(self) -> dict[str, Any]:
        """The profile as ``case_update`` takes it; the form's and its rows' errors raised together (a row's
        as ``biomarkers[1].value``: the second row that carries something)."""
        errors = {} if self.is_valid() else self.error_dict()
        lists: dict[str, list[dict[str, Any]]] = {}
        for name, formset in self.lists.items():
            rows = formset.filled
            for index, row in enumerate(rows):  # named as the API names them: biomarkers[1].value
                for field, row_errors in row.errors.as_data().items():
                    errors[f"{name}[{index}].{field}"] = row_errors
            limit = CASE_LISTS[name][1]
            if len(rows) > limit:
                errors[name] = [ValidationError(TOO_MANY.format(n=limit), code="max_length")]
            lists[name] = [row.cleaned_data for row in rows]
        drugs = [item.get("drug") for item in lists["prior_anthracyclines"]]
        twice = next((d for d in drugs if drugs.count(d) > 1), None)
        if twice and "prior_anthracyclines" not in errors:
            message = f"{twice.capitalize()} is listed twice: give one cumulative dose per drug."
            errors["prior_anthracyclines"] = [ValidationError(message, code="invalid")]
        if errors:
            raise ValidationError(errors)
        data = _case_data(self.cleaned_data, leave_out_blank=False)
        data.update(lists)
        organ_function_check(data, self.case)
        return data


class NewCaseForm(Form):
    """A new case, with the three dimensions a first presentation needs (the rest is on the clinical profile
    page): the ``/cases/new/`` page's form and the portal's request form (``with_board=False``: a community case
    gets its board when its second opinion is routed). Blank optional fields are left out (the case's defaults)."""

    blank_is_missing = True

    def __init__(self, *args, user, with_board: bool, **kwargs):
        super().__init__(*args, **kwargs)
        f = self.fields
        f["patient.mrn"] = TextField(max_length=64, label="Patient MRN")
        f["patient.name"] = TextField(max_length=200, label="Patient name")
        f["patient.birth_date"] = DateField(required=True, validators=[_birth_date], label="Birth date")
        f["patient.sex"] = ChoiceField(choices=Sex.choices, required=False, label="Sex")
        f["primary_site"] = ChoiceField(choices=DiseaseSite.choices, label="Primary site")
        f["histology"] = TextField(max_length=200, required=False, label="Histology")
        f["grade"] = ChoiceField(choices=Grade.choices, required=False, label="Grade")
        f["diagnosis_date"] = DateField(
            validators=[future("The diagnosis date is in the future.")], label="Diagnosed on"
        )
        new_case_stage = ("stage.clinical_t", "stage.clinical_n", "stage.clinical_m", "stage.group")
        f.update({k: v for k, v in _stage_fields(system=False).items() if k in new_case_stage})
        f["metastatic"] = FlagField(label="Metastatic disease")
        f["ecog"] = IntegerField(min_value=0, max_value=4, label="ECOG performance status")
        f.update(_organ_fields())
        f["treatment_intent"] = ChoiceField(choices=TreatmentIntent.choices, required=False, label="Treatment intent")
        f["question"] = TextField(required=False, label="Question for the board")
        f["urgency"] = ChoiceField(choices=Urgency.choices, required=False, label="Urgency")
        f["treating_physician"] = PublicIdField(physicians_eligible(user.institution_id), label="Treating physician")
        if with_board:
            f["board"] = PublicIdField(boards_targetable_by(user), label="Board")

    def case_data(self) -> dict[str, Any]:
        cleaned = self.cleaned_or_raise()
        data = _case_data(cleaned, leave_out_blank=True)
        data["metastatic"] = cleaned["metastatic"]
        data["patient"] = {k[8:]: v for k, v in cleaned.items() if k.startswith("patient.") and v not in ("", None)}
        if any(k.startswith("stage.") and v for k, v in cleaned.items()):
            data["stage_system"] = "AJCC8"
        organ_function_check(data)
        return data


def new_case_choices(user, *, with_board: bool) -> dict[str, Any]:
    """What the new-case fields (``cases/pages/_case_fields.html``) offer the user."""
    return {
        "sites": DiseaseSite.choices,
        "sexes": Sex.choices,
        "grades": Grade.choices,
        "intents": TreatmentIntent.choices,
        "urgencies": Urgency.choices,
        "ecogs": range(5),
        "physicians": physicians_eligible(user.institution_id),
        "boards": boards_targetable_by(user).order_by("name") if with_board else [],
    }


def _birth_date(value):
    if value > timezone.localdate():
        raise ValidationError("The birth date is in the future.", code="invalid")
    if value.year < 1900:
        raise ValidationError("The birth date is before 1900.", code="invalid")
