"""/cases/{id}/reviews/, /plans/, /changes/ and /follow-up/ (SPEC §5.4, §6): append-only resources.

Nothing here is edited or deleted: PUT, PATCH and DELETE answer 405. The services (cases.lifecycle.recommendation,
cases.services.reviews and cases.services.follow_ups) decide who may write and move the case along.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from cases import selectors
from cases.api.serializers import UserRefSerializer
from cases.api.views import CASE_ID, CaseChildViewSet
from cases.codes import (
    ChangeBasis,
    ChangeCategory,
    Consensus,
    Implemented,
    Modality,
    NotImplementedReason,
    PlanKind,
    ReviewKind,
    TreatmentIntent,
)
from cases.lifecycle.recommendation import plan_record
from cases.models import ChangeRecord, FollowUp, Plan, PlanComponent, ProfileRevision, Review, RevisedField, Trial
from cases.services.follow_ups import follow_up_record
from cases.services.reviews import review_record
from cases.trials import trials_institution_id
from scheduling.models import Meeting
from specialists.models import Specialty
from tumorboard.api.fields import ModelSerializer, StrictCharField

# --- Serializers ------------------------------------------------------------------------------------------


class ProfileRevisionSerializer(ModelSerializer):
    field = serializers.ChoiceField(choices=RevisedField.choices)
    revised = StrictCharField(max_length=200)
    reason = StrictCharField(max_length=4000)

    class Meta:
        model = ProfileRevision
        fields = ["field", "original", "revised", "reason", "at"]
        read_only_fields = ["original", "at"]


class ReviewSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    kind = serializers.ChoiceField(choices=ReviewKind.choices)
    author = UserRefSerializer(read_only=True)
    specialty = serializers.ChoiceField(choices=Specialty.choices, read_only=True)
    findings = StrictCharField(max_length=20000)
    recommendation = StrictCharField(max_length=20000, required=False, allow_blank=True, default="")
    revisions = ProfileRevisionSerializer(
        many=True,
        required=False,
        default=list,
        max_length=len(RevisedField.values),
        help_text="Profile values this re-read revises; the case takes the revised value, the original is kept.",
    )

    class Meta:
        model = Review
        fields = ["id", "kind", "author", "specialty", "findings", "recommendation", "revisions", "created_at"]
        read_only_fields = ["created_at"]


class TrialOfCaseField(serializers.SlugRelatedField):
    """A trial of the institution whose board discusses the case; any other id reads as nonexistent."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="public_id", **kwargs)

    def get_queryset(self):
        return Trial.objects.filter(institution_id=trials_institution_id(self.context["case"]))


class EnrolledTrialField(serializers.SlugRelatedField):
    """A trial a board plan of this case refers the patient to; any other id reads as nonexistent."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="public_id", **kwargs)

    def get_queryset(self):
        return Trial.objects.filter(plan_components__plan__case=self.context["case"]).distinct()


class PlanComponentSerializer(ModelSerializer):
    modality = serializers.ChoiceField(choices=Modality.choices)
    detail = StrictCharField(max_length=500, required=False, allow_blank=True, default="")
    drugs = serializers.ListField(child=StrictCharField(max_length=100), required=False, default=list, max_length=20)
    target_auc = serializers.FloatField(required=False, allow_null=True, min_value=1, max_value=10)
    dose_mg_m2 = serializers.FloatField(required=False, allow_null=True, min_value=0.01, max_value=10000)
    cycles = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=100)
    trial = TrialOfCaseField(
        required=False,
        allow_null=True,
        default=None,
        help_text="A clinical_trial component: the id of the institution's trial (GET /api/v1/trials/).",
    )

    class Meta:
        model = PlanComponent
        fields = ["modality", "detail", "drugs", "target_auc", "dose_mg_m2", "cycles", "trial"]


class MeetingOfCaseField(serializers.SlugRelatedField):
    """A meeting of the case's own board; any other id reads as nonexistent."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="public_id", **kwargs)

    default_error_messages = {"blank": "Give the meeting's id, or leave the field out."}

    def get_queryset(self):
        return Meeting.objects.filter(board_id=self.context["case"].board_id)

    def run_validation(self, data=serializers.empty):
        if data == "":  # DRF's related fields read "" as null (for HTML forms); the document says an id
            self.fail("blank")
        return super().run_validation(data)


class PlanSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    kind = serializers.ChoiceField(choices=PlanKind.choices)
    intent = serializers.ChoiceField(choices=TreatmentIntent.choices)
    components = PlanComponentSerializer(many=True, allow_empty=False, max_length=20)
    rationale = StrictCharField(max_length=20000, required=False, allow_blank=True, default="")
    consensus = serializers.ChoiceField(choices=Consensus.choices, required=False, allow_blank=True, default="")
    dissent = StrictCharField(max_length=20000, required=False, allow_blank=True, default="")
    guideline = StrictCharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text='Board plans: the national guideline the board discussed, with its version ("NCCN Breast v5.2024").',
    )
    specialties_present = serializers.ListField(
        child=serializers.ChoiceField(choices=Specialty.choices),
        required=False,
        allow_null=True,
        default=None,
        max_length=len(Specialty.values),
        help_text="Board plans: the specialties present for this case; by default, those recorded at the meeting.",
    )
    meeting = MeetingOfCaseField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Board plans: the meeting that discussed the case; by default, the latest one that did.",
    )
    quorum_met = serializers.BooleanField(read_only=True, allow_null=True)
    current = serializers.BooleanField(read_only=True, help_text="False once a later version of its kind exists.")
    created_by = UserRefSerializer(read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id", "kind", "version", "current", "intent", "components", "rationale", "consensus", "dissent",
            "guideline", "specialties_present", "meeting", "quorum_met", "created_by", "created_at",
        ]  # fmt: skip
        read_only_fields = ["version", "created_at"]


class ChangeRecordSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    basis = serializers.ChoiceField(choices=ChangeBasis.choices)
    from_plan = serializers.SlugRelatedField(slug_field="public_id", read_only=True, allow_null=True)
    to_plan = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    categories = serializers.ListField(child=serializers.ChoiceField(choices=ChangeCategory.choices))
    detected_at = serializers.DateTimeField(source="created_at")

    class Meta:
        model = ChangeRecord
        fields = [
            "id", "basis", "from_plan", "to_plan", "changed", "categories", "summary", "decided_at", "detected_at",
        ]  # fmt: skip
        read_only_fields = fields


class BoardPlanOfCaseField(serializers.SlugRelatedField):
    """A board plan of this case; any other id reads as nonexistent."""

    def __init__(self, **kwargs):
        super().__init__(slug_field="public_id", **kwargs)

    def get_queryset(self):
        return Plan.objects.filter(case=self.context["case"], kind=PlanKind.BOARD)


class FollowUpSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    plan = BoardPlanOfCaseField(
        required=False, allow_null=True, default=None, help_text="The board plan followed up; by default the latest."
    )
    plan_version = serializers.IntegerField(source="plan.version", read_only=True)
    implemented = serializers.ChoiceField(choices=Implemented.choices)
    reason = serializers.ChoiceField(
        choices=NotImplementedReason.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required when the recommendation was not (fully) implemented.",
    )
    note = StrictCharField(max_length=4000, required=False, allow_blank=True, default="")
    enrolled_trial = EnrolledTrialField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The patient enrolled in this trial, one the plan refers them to: the trial's enrolment record.",
    )
    recorded_by = UserRefSerializer(read_only=True)
    recorded_at = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = FollowUp
        fields = [
            "id", "plan", "plan_version", "implemented", "reason", "note", "enrolled_trial", "recorded_by",
            "recorded_at",
        ]  # fmt: skip


# --- Views ------------------------------------------------------------------------------------------------


class AppendOnlyViewSet(CaseChildViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    """List, read and add; the service named by ``record`` writes (it checks who may)."""

    record = None  # (user=, case=, data=) -> the new object

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and "case_id" in self.kwargs:
            context["case"] = self.case
        return context

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = type(self).record(user=request.user, case=self.case, data=serializer.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data, status=status.HTTP_201_CREATED)


def _review_record(*, user, case, data):
    return review_record(user=user, case=case, **data)


CHILD_SCHEMA = {"list": extend_schema(parameters=[CASE_ID]), "retrieve": extend_schema(parameters=[CASE_ID])}


@extend_schema_view(**CHILD_SCHEMA, create=extend_schema(parameters=[CASE_ID], summary="Record a specialty review"))
class ReviewViewSet(AppendOnlyViewSet):
    serializer_class = ReviewSerializer
    record = _review_record

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Review.objects.none()
        return selectors.reviews_of(self.case)


@extend_schema_view(
    **CHILD_SCHEMA,
    create=extend_schema(
        parameters=[CASE_ID],
        summary="Record a new plan version",
        description="`proposed`: the care team or a board member. `board`: the board's chair or coordinators only; "
        "needs `consensus`; the case becomes recommended and the change against the proposed plan is measured.",
    ),
)
class PlanViewSet(AppendOnlyViewSet):
    serializer_class = PlanSerializer
    record = plan_record

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Plan.objects.none()
        return selectors.plans_of(self.case)


@extend_schema_view(**CHILD_SCHEMA)
class ChangeViewSet(CaseChildViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = ChangeRecordSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ChangeRecord.objects.none()
        return selectors.changes_of(self.case)


@extend_schema_view(
    **CHILD_SCHEMA,
    create=extend_schema(
        parameters=[CASE_ID],
        summary="Record follow-through",
        description="The case's care team or its board's nurse navigators; a recommended case is then closed.",
    ),
)
class FollowUpViewSet(AppendOnlyViewSet):
    serializer_class = FollowUpSerializer
    record = follow_up_record

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FollowUp.objects.none()
        return selectors.follow_ups_of(self.case)
