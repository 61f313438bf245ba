"""The forms of the case pages: each gives the dict (or the arguments) the service takes, and refuses what the
API refuses, worded for a clinician. The rules themselves are the services' (``cases.services``, ``cases.lifecycle``,
``cases.case_checks``); these forms only read and shape what was posted."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from cases.case_checks import future
from cases.codes import (
    CommentKind,
    Consensus,
    DocumentKind,
    Implemented,
    Modality,
    NotImplementedReason,
    PlanKind,
    ReviewKind,
    TreatmentIntent,
    Urgency,
)
from cases.models import Plan, RevisedField, Trial
from cases.trials import trials_institution_id
from scheduling.models import Meeting
from specialists.models import Institution, Specialty
from tumorboard.forms import (
    BLANK,
    CHOOSE,
    NONEXISTENT,
    TOO_MANY,
    ChoiceField,
    DateField,
    FileField,
    FloatField,
    Form,
    IntegerField,
    MultipleChoiceField,
    PublicIdField,
    RowForm,
    TextField,
    UUIDField,
    row_formset,
)

# --- Small forms ------------------------------------------------------------------------------------------


class ReasonForm(Form):
    """A case action's optional reason (the service says when one is needed)."""

    reason = TextField(max_length=4000, required=False)


class CommentForm(Form):
    kind = ChoiceField(choices=CommentKind.choices)
    body = TextField(max_length=20000)
    defaults = {"kind": CommentKind.GENERAL}


class DocumentForm(Form):
    """A document: the file, its kind, title and the date of the report (``document_create`` checks the file)."""

    file = FileField()
    kind = ChoiceField(choices=DocumentKind.choices)
    title = TextField(max_length=200)
    date = DateField(required=True, validators=[future("The document's date is in the future.")])


class DocumentRowForm(RowForm):
    """A document row of the portal's forms: ``doc_file_<n>``, ``doc_kind_<n>``, ``doc_title_<n>``,
    ``doc_date_<n>``; a row with neither a file nor a title is left out (its kind and date come preset)."""

    row_prefix = "doc_"
    preset = frozenset({"kind", "date"})
    file = DocumentForm.base_fields["file"]
    kind = DocumentForm.base_fields["kind"]
    title = DocumentForm.base_fields["title"]
    date = DocumentForm.base_fields["date"]

    def error_dict(self):
        """Errors named ``doc_<n>.<field>``, as the portal's forms show them."""
        self.error_prefix = f"doc_{self.number}"
        return super().error_dict()


DocumentRowFormSet = row_formset(DocumentRowForm, max_rows=100)


class ReviewForm(Form):
    """A specialty review and at most one profile revision (``revision_field``, ``_revised``, ``_reason``)."""

    kind = ChoiceField(choices=ReviewKind.choices)
    findings = TextField(max_length=20000)
    recommendation = TextField(max_length=20000, required=False)
    revision_field = ChoiceField(choices=RevisedField.choices, required=False)
    revision_revised = TextField(max_length=200, required=False)
    revision_reason = TextField(max_length=4000, required=False)
    REVISION = ("field", "revised", "reason")

    def clean(self):
        data = super().clean()
        given = any((self.data.get(f"revision_{f}") or "").strip() for f in self.REVISION)
        if given:
            for name in self.REVISION:
                if f"revision_{name}" in data and not data[f"revision_{name}"]:
                    blank = CHOOSE if name == "field" else BLANK
                    self.add_error(f"revision_{name}", ValidationError(blank, code="blank"))
        return data

    def arguments(self) -> dict[str, Any]:
        data = self.cleaned_or_raise()
        revision = {name: data[f"revision_{name}"] for name in self.REVISION}
        return {
            "kind": data["kind"],
            "findings": data["findings"],
            "recommendation": data["recommendation"],
            "revisions": [revision] if any(revision.values()) else [],
        }


class FollowUpForm(Form):
    plan = PublicIdField(Plan.objects.none())
    implemented = ChoiceField(choices=Implemented.choices)
    reason = ChoiceField(choices=NotImplementedReason.choices, required=False)
    note = TextField(max_length=4000, required=False)
    enrolled_trial = PublicIdField(Trial.objects.none())

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = Plan.objects.filter(case=case, kind=PlanKind.BOARD)
        self.fields["enrolled_trial"].queryset = Trial.objects.filter(plan_components__plan__case=case).distinct()


class AnalyticsQueryForm(Form):
    """The figures' filters (``from`` is a Python keyword: the field is added in ``__init__``)."""

    board = UUIDField()
    to = DateField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from"] = DateField()

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            self.add_error("to", "The end of the period is before its start: please enter a later date.")
        return data

    def params(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_or_raise().items() if v is not None}


class AccreditationQueryForm(Form):
    """The accreditation report's scope: a board (else the institution) and a year (else the current one)."""

    board = UUIDField()
    institution = UUIDField()
    year = IntegerField()

    def params(self) -> dict[str, Any]:
        data = self.cleaned_or_raise()
        return {"board": data["board"], "institution": data["institution"], "year": data["year"]}


class CaseloadForm(Form):
    """The program's annual analytic caseload, as its cancer registry reports it."""

    institution = UUIDField()
    year = IntegerField(required=True)
    analytic_cases = IntegerField(required=True)
    note = TextField(max_length=500, required=False)


# --- The plan form ----------------------------------------------------------------------------------------


class DrugsField(forms.CharField):
    """Drugs, comma separated."""

    def to_python(self, value):
        return [d.strip() for d in (value or "").split(",") if d.strip()]

    def validate(self, value):
        if len(value) > 20:
            raise ValidationError(TOO_MANY.format(n=20), code="max_length")
        for drug in value:
            if len(drug) > 100:
                message = f"{drug[:40]}…: please shorten each drug to 100 characters or fewer."
                raise ValidationError(message, code="max_length")

    def run_validators(self, value):
        pass


class PlanComponentForm(RowForm):
    """A component row: ``modality_<n>``, ``detail_<n>``, ``drugs_<n>``, ``target_auc_<n>``, ..."""

    modality = ChoiceField(choices=Modality.choices)
    detail = TextField(max_length=500, required=False)
    drugs = DrugsField(required=False)
    target_auc = FloatField(min_value=1, max_value=10)
    dose_mg_m2 = FloatField(min_value=0.01, max_value=10000)
    cycles = IntegerField(min_value=1, max_value=100)
    trial = UUIDField()  # one of the open trials offered (PlanForm.plan_data finds it)

    def component(self) -> dict[str, Any]:
        data = self.cleaned_data
        optional = ("target_auc", "dose_mg_m2", "cycles", "trial")
        return {
            "modality": data["modality"],
            "detail": data["detail"],
            "drugs": data["drugs"],
            **{f: data[f] for f in optional if data[f] is not None},
        }


PlanComponentFormSet = row_formset(PlanComponentForm, max_rows=100)


class PlanForm(Form):
    """A plan and its component rows; a meeting is read for a board plan only (a proposed plan has none)."""

    kind = ChoiceField(choices=PlanKind.choices)
    intent = ChoiceField(choices=TreatmentIntent.choices)
    rationale = TextField(max_length=20000, required=False)
    consensus = ChoiceField(choices=Consensus.choices, required=False)
    dissent = TextField(max_length=20000, required=False)
    guideline = TextField(max_length=200, required=False)
    specialties_present = MultipleChoiceField(choices=Specialty.choices)
    meeting = PublicIdField(Meeting.objects.none())

    def __init__(self, data, *, case, **kwargs):
        if data.get("kind") != PlanKind.BOARD and "meeting" in data:
            data = data.copy()
            del data["meeting"]
        super().__init__(data, **kwargs)
        self.case = case
        self.fields["meeting"].queryset = Meeting.objects.filter(board_id=case.board_id)
        self.components = PlanComponentFormSet(self.data)

    def plan_data(self) -> dict[str, Any]:
        """The plan as ``plans.plan_record`` takes it. The form's and its rows' errors are raised together, a
        row's as the service names them (``components[0].drugs``: the first row that carries something)."""
        errors = {} if self.is_valid() else self.error_dict()
        rows = self.components.filled
        for index, row in enumerate(rows):
            for name, row_errors in row.errors.as_data().items():
                errors[f"components[{index}].{name}"] = row_errors
        if len(rows) > 20:
            errors["components"] = [ValidationError(TOO_MANY.format(n=20), code="max_length")]
        wanted = {row.cleaned_data.get("trial") for row in rows if not row.errors} - {None}
        trials = (
            {t.public_id: t for t in Trial.objects.filter(institution_id=trials_institution_id(self.case))}
            if wanted
            else {}
        )
        for index, row in enumerate(rows):
            if not row.errors and row.cleaned_data.get("trial") in wanted - set(trials):
                errors[f"components[{index}].trial"] = [ValidationError(NONEXISTENT, code="does_not_exist")]
        if errors:
            raise ValidationError(errors)
        data = dict(self.cleaned_data)
        data["components"] = [row.component() for row in rows]
        for component in data["components"]:
            if "trial" in component:
                component["trial"] = trials[component["trial"]]
        if data["kind"] != PlanKind.BOARD and not data["specialties_present"]:
            data["specialties_present"] = None  # not given: a proposed plan has none
        return data


# --- Second opinions --------------------------------------------------------------------------------------


class QuestionsField(forms.Field):
    """Questions from repeated fields and/or one per line."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        return [line.strip() for item in value or [] for line in str(item).splitlines() if line.strip()]

    def validate(self, value):
        if not value:
            raise ValidationError("Please ask the board at least one question.", code="min_length")
        if len(value) > 20:
            raise ValidationError(TOO_MANY.format(n=20), code="max_length")
        if any(len(question) > 2000 for question in value):
            raise ValidationError("Please shorten each question to 2000 characters or fewer.", code="max_length")


class SecondOpinionAskForm(Form):
    """What a request asks of whom (the service decides whether that institution may be asked)."""

    target_institution = UUIDField(required=True)
    questions = QuestionsField(required=False)
    reason = TextField(max_length=4000)
    urgency = ChoiceField(choices=Urgency.choices)

    def clean_target_institution(self):
        target = Institution.objects.filter(public_id=self.cleaned_data["target_institution"]).first()
        if target is None:
            message = "That institution is not one you can ask: please choose from the list."
            raise ValidationError(message, code="does_not_exist")
        return target


class SecondOpinionAcceptForm(Form):
    board = UUIDField()
    meeting = UUIDField()


class SecondOpinionReasonForm(Form):
    reason = TextField(max_length=4000, required=False)


class SecondOpinionMessageForm(Form):
    message = TextField(max_length=4000, required=False)


SECOND_OPINION_ACTION_FORMS = {
    "accept": SecondOpinionAcceptForm,
    "decline": SecondOpinionReasonForm,
    "request-info": SecondOpinionMessageForm,
    "provide-info": SecondOpinionMessageForm,
    "cancel": SecondOpinionReasonForm,
}
