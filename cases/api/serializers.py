"""Case representations: the nested clinical profile of SPEC §6, read and written in one shape."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.functional import cached_property
from drf_spectacular.extensions import OpenApiSerializerFieldExtension
from drf_spectacular.plumbing import build_basic_type
from drf_spectacular.types import OpenApiTypes
from rest_framework import serializers

from cases.case_checks import ORGAN_DATES, case_references_check, future, organ_function_check
from cases.codes import PERFORMANCE_SCORES, CommentKind, DocumentKind, FinancialNavigation, PriorAnthracycline
from cases.models import (
    Biomarker,
    Case,
    CaseTransition,
    Comment,
    Document,
    GenomicVariant,
    Medication,
    Patient,
    Pharmacogenomic,
    StagingRecord,
    TreatmentCourse,
)
from cases.selectors import physicians_eligible
from cases.staging import STAGE_MESSAGES, STAGE_VALIDATORS
from scheduling.selectors import boards_targetable_by
from specialists.models import Specialty, User
from tumorboard.api.fields import ModelSerializer, StrictCharField

# Workflow fields that only actions and services change.
READ_ONLY_WORKFLOW = {
    "status": "The status changes only through the case actions: submit, request-info, defer, withdraw, close.",
    "meeting": "The meeting is set by agenda allocation, not by editing the case.",
    "institution": "A case belongs to the institution of the user who created it.",
}


class PatientSerializer(ModelSerializer):
    class Meta:
        model = Patient
        fields = ["mrn", "name", "birth_date", "sex"]
        extra_kwargs = {"mrn": {"validators": []}}

    def validate_birth_date(self, value: datetime.date) -> datetime.date:
        if value > timezone.localdate():
            raise serializers.ValidationError("The birth date is in the future.")
        if value.year < 1900:
            raise serializers.ValidationError("The birth date is before 1900.")
        return value

    def validate_mrn(self, value: str) -> str:
        value = value.strip()
        if not value:
            raise serializers.ValidationError("This field may not be blank.")
        return value


def stage_field(field: str, **kwargs) -> StrictCharField:
    """A stage field: blank, or one of its AJCC 8th edition values (the message names them)."""
    return StrictCharField(
        max_length=8,
        required=False,
        allow_blank=True,
        validators=[STAGE_VALIDATORS[field]],
        help_text=STAGE_MESSAGES[field],
        **kwargs,
    )


class StageSerializer(serializers.Serializer):
    """AJCC 8th edition categories and groups only (``cases.staging``: the pattern of each field is its code list)."""

    system = StrictCharField(
        source="stage_system",
        max_length=16,
        required=False,
        default="AJCC8",
        validators=[STAGE_VALIDATORS["stage_system"]],
    )
    clinical_t = stage_field("clinical_t")
    clinical_n = stage_field("clinical_n")
    clinical_m = stage_field("clinical_m")
    pathological_t = stage_field("pathological_t")
    pathological_n = stage_field("pathological_n")
    pathological_m = stage_field("pathological_m")
    group = stage_field("stage_group", source="stage_group")


class OrganFunctionSerializer(serializers.Serializer):
    """Each value with the date it was measured (the checklist flags values too old to plan from)."""

    gfr_ml_min = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=300)
    gfr_date = serializers.DateField(required=False, allow_null=True, help_text="When the GFR was measured.")
    lvef_percent = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=100)
    lvef_date = serializers.DateField(required=False, allow_null=True, help_text="When the LVEF was measured.")
    bilirubin_mg_dl = serializers.FloatField(required=False, allow_null=True, min_value=0, max_value=50)
    bilirubin_date = serializers.DateField(
        required=False, allow_null=True, help_text="When the bilirubin was measured."
    )

    DATED = ORGAN_DATES

    def validate(self, attrs):
        today = timezone.localdate()
        future = {
            field: [f"The {label}'s date is in the future."]
            for field, (_, label) in self.DATED.items()
            if attrs.get(field) and attrs[field] > today
        }
        if future:
            raise serializers.ValidationError(future)
        return attrs


class PriorAnthracyclineSerializer(serializers.Serializer):
    drug = serializers.ChoiceField(choices=PriorAnthracycline.choices)
    cumulative_mg_m2 = serializers.FloatField(
        min_value=0.1, max_value=5000, help_text="Cumulative dose already received, in mg/m² of this drug."
    )


class PriorAnthracyclinesField(serializers.ListField):
    """Prior anthracycline exposure per drug, one entry per drug."""

    child = PriorAnthracyclineSerializer()

    def to_internal_value(self, data):
        items = super().to_internal_value(data)
        seen = set()
        for item in items:
            if item["drug"] in seen:
                raise serializers.ValidationError(
                    f"{item['drug'].capitalize()} is listed twice: give one cumulative dose per drug."
                )
            seen.add(item["drug"])
        return [{"drug": i["drug"], "cumulative_mg_m2": i["cumulative_mg_m2"]} for i in items]


class AdvanceCarePlanningSerializer(serializers.Serializer):
    healthcare_proxy = serializers.BooleanField(
        source="acp_healthcare_proxy", required=False, help_text="A health-care proxy is named."
    )
    advance_directive = serializers.BooleanField(
        source="acp_advance_directive", required=False, help_text="An advance directive is completed."
    )
    polst = serializers.BooleanField(
        source="acp_polst", required=False, help_text="A POLST/MOLST (portable medical orders) is completed."
    )


class WholeItemSerializer(ModelSerializer):
    """An item of a case's list (biomarkers, pharmacogenomics, medications). A list is always replaced whole, so
    its items are complete even in a PATCH of the case, where DRF would skip their missing required fields."""

    def validate(self, attrs):
        missing = {
            name: [field.error_messages["required"]]
            for name, field in self.fields.items()
            if field.required and not field.read_only and field.source not in attrs
        }
        if missing:
            raise serializers.ValidationError(missing, code="required")
        return attrs


class BiomarkerSerializer(WholeItemSerializer):
    value = serializers.FloatField(required=False, allow_null=True, min_value=-1e9, max_value=1e9)

    class Meta:
        model = Biomarker
        fields = ["name", "result", "value", "detail", "date"]


class PharmacogenomicSerializer(WholeItemSerializer):
    class Meta:
        model = Pharmacogenomic
        fields = ["gene", "phenotype", "diplotype"]
        validators: list = []


class MedicationSerializer(WholeItemSerializer):
    class Meta:
        model = Medication
        fields = ["name", "status"]


class GenomicVariantSerializer(WholeItemSerializer):
    class Meta:
        model = GenomicVariant
        fields = ["kind", "gene", "partner_gene", "hgvs", "description", "origin", "interpretation", "date"]
        extra_kwargs = {"date": {"validators": [future("The report date is in the future.")]}}


class StagingRecordSerializer(WholeItemSerializer):
    class Meta:
        model = StagingRecord
        fields = ["system", "value", "date"]
        extra_kwargs = {"date": {"validators": [future("The staging date is in the future.")]}}


class TreatmentCourseSerializer(WholeItemSerializer):
    class Meta:
        model = TreatmentCourse
        fields = ["kind", "name", "code", "start", "end", "status", "detail"]
        validators: list = []

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("start") and attrs.get("end") and attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": ["The treatment ends before it starts."]})
        return attrs


class PerformanceScoreField(serializers.ChoiceField):
    """A Karnofsky or Lansky score: 0 to 100 in steps of 10."""

    def __init__(self, **kwargs):
        super().__init__(
            choices=PERFORMANCE_SCORES,
            required=False,
            allow_null=True,
            error_messages={"invalid_choice": "Give the score in steps of 10 (0, 10, ... 100)."},
            **kwargs,
        )


class UserRefSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    name = StrictCharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "name", "specialty"]


class TreatingPhysicianField(serializers.SlugRelatedField):
    """A physician of the case's institution (the writer's, for a new case); any other id reads as nonexistent."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="public_id", **kwargs)

    def get_queryset(self):
        case = self.parent.instance if self.parent is not None else None
        institution_id = case.institution_id if case is not None else self.context["request"].user.institution_id
        return physicians_eligible(institution_id)

    @cached_property
    def _reference(self) -> UserRefSerializer:
        """One serializer for every row: building one per case cost more than the rest of the row."""
        return UserRefSerializer()

    def to_representation(self, value):
        return self._reference.to_representation(value)


class TreatingPhysicianFieldExtension(OpenApiSerializerFieldExtension):
    """Documents what the field does: written as the colleague's id, read back as a UserRef object."""

    target_class = TreatingPhysicianField

    def map_serializer_field(self, auto_schema, direction):
        if direction == "request":
            return build_basic_type(OpenApiTypes.UUID)
        return auto_schema.resolve_serializer(UserRefSerializer, direction).ref


class BoardField(serializers.SlugRelatedField):
    """A board of the writer's own institution; any other id reads as nonexistent."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="public_id", **kwargs)

    def get_queryset(self):
        return boards_targetable_by(self.context["request"].user)


class CaseSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    patient = PatientSerializer()
    institution = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    board = BoardField(required=False, allow_null=True)
    board_name = StrictCharField(source="board.name", read_only=True, default=None, allow_null=True)
    meeting = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)
    stage = StageSerializer(source="*", required=False)
    organ_function = OrganFunctionSerializer(source="*", required=False)
    ecog = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=4)
    karnofsky = PerformanceScoreField()
    lansky = PerformanceScoreField(help_text="Lansky play-performance score, for children under 16.")
    weight_kg = serializers.FloatField(required=False, allow_null=True, min_value=0.3, max_value=400)
    height_cm = serializers.FloatField(required=False, allow_null=True, min_value=20, max_value=250)
    bsa_m2 = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0.05,
        max_value=4,
        help_text="Body surface area as measured; body_surface_area falls back to Mosteller's formula.",
    )
    body_surface_area = serializers.FloatField(read_only=True, allow_null=True)
    metastatic_sites = serializers.ListField(child=StrictCharField(max_length=64), required=False, max_length=50)
    metastasis_count = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=1000)
    comorbidities = serializers.ListField(child=StrictCharField(max_length=200), required=False, max_length=50)
    prior_anthracycline_mg_m2 = serializers.FloatField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=2000,
        help_text="Prior cumulative anthracycline exposure already in doxorubicin-equivalents (mg/m²), added to "
        "prior_anthracyclines.",
    )
    prior_anthracyclines = PriorAnthracyclinesField(required=False, max_length=len(PriorAnthracycline.values))
    financial_navigation = serializers.ChoiceField(choices=FinancialNavigation.choices, required=False)
    advance_care_planning = AdvanceCarePlanningSerializer(source="*", required=False)
    treating_physician = TreatingPhysicianField(required=False, allow_null=True)
    created_by = UserRefSerializer(read_only=True)
    biomarkers = BiomarkerSerializer(many=True, required=False, max_length=50)
    pharmacogenomics = PharmacogenomicSerializer(many=True, required=False, max_length=10)
    medications = MedicationSerializer(many=True, required=False, max_length=100)
    variants = GenomicVariantSerializer(many=True, required=False, max_length=200)
    other_staging = StagingRecordSerializer(many=True, required=False, max_length=20)
    treatments = TreatmentCourseSerializer(many=True, required=False, max_length=200)

    class Meta:
        model = Case
        fields = [
            "id", "patient", "institution", "board", "board_name", "meeting", "status", "primary_site",
            "histology", "grade", "stage", "other_staging", "metastatic", "metastatic_sites", "metastasis_count",
            "ecog", "karnofsky", "lansky", "weight_kg", "height_cm", "bsa_m2", "body_measured_on",
            "body_surface_area", "organ_function", "treatment_intent", "preferences", "question", "urgency",
            "diagnosis_date",
            "treating_physician", "biomarkers", "variants", "pharmacogenomics", "medications", "treatments",
            "comorbidities",
            "menopausal_status", "fertility_goals", "fertility_preservation_discussed", "goals_of_care_discussed",
            "prior_anthracycline_mg_m2", "prior_anthracyclines", "financial_navigation", "advance_care_planning",
            "psychosocial_notes", "created_by", "created_at", "updated_at", "submitted_at",
        ]  # fmt: skip
        read_only_fields = ["status", "created_at", "updated_at", "submitted_at"]
        extra_kwargs = {
            "diagnosis_date": {"validators": [future("The diagnosis date is in the future.")]},
            "body_measured_on": {"validators": [future("The measurement date is in the future.")]},
        }

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {field: [message] for field, message in READ_ONLY_WORKFLOW.items() if field in data}
            if errors:
                raise serializers.ValidationError(errors, code="read_only")
        return super().to_internal_value(data)

    def validate(self, attrs):
        # the service's rules (case_create/case_update check them again), first, as they always answered first
        case_references_check(user=self.context["request"].user, data=attrs, case=self.instance)
        organ_function_check(attrs, self.instance)
        return attrs


class CaseActionSerializer(serializers.Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=4000, default="")


class CaseTransitionSerializer(ModelSerializer):
    by = StrictCharField(source="by.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = CaseTransition
        fields = ["from_status", "to_status", "action", "by", "at", "reason"]


class DocumentSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    file = serializers.FileField(write_only=True)
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    uploaded_by = UserRefSerializer(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "title",
            "date",
            "sha256",
            "size",
            "content_type",
            "uploaded_by",
            "created_at",
            "url",
            "file",
        ]
        read_only_fields = ["sha256", "size", "content_type", "created_at"]

    def get_url(self, document: Document) -> str:
        return f"/api/v1/cases/{document.case.public_id}/documents/{document.public_id}/file/"

    def validate_date(self, value):
        if value > timezone.localdate():
            raise serializers.ValidationError("The document's date is in the future.")
        return value


class CommentSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    author = UserRefSerializer(read_only=True)
    specialty = serializers.ChoiceField(choices=Specialty.choices, allow_blank=True, read_only=True)
    kind = serializers.ChoiceField(choices=CommentKind.choices, default=CommentKind.GENERAL)
    body = StrictCharField(max_length=20000)

    class Meta:
        model = Comment
        fields = ["id", "author", "specialty", "kind", "body", "created_at"]
        read_only_fields = ["created_at"]
