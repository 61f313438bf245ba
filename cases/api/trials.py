"""/api/v1/trials/ (the institution's clinical trials), /api/v1/cases/{id}/trials/ (the trials a case may match,
criterion by criterion) and /api/v1/analytics/trials/ (referrals and enrolments per trial). Issue 21 item 2.

The matcher screens; it never decides eligibility: every answer about a case carries ``notice``."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors
from cases.analytics import trial_figures
from cases.codes import BiomarkerName, BiomarkerResult, DiseaseSite, StageLimit, TrialPhase, TrialStatus
from cases.models import Trial
from cases.services.trials import trial_create, trial_delete, trial_update
from cases.trials import NOTICE, OUTCOMES, trial_matches
from tumorboard.api.fields import ModelSerializer, StrictCharField
from tumorboard.api.views import PublicIdMixin
from tumorboard.reads import audited_read


class CodeField(serializers.ChoiceField):
    """A code of a list as the document states it, a JSON string: DRF's ChoiceField would take the number 2 for the
    phase "2" or 0 for stage "0"."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid_choice", input=data)
        return super().to_internal_value(data)


class TrialBiomarkerSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=BiomarkerName.choices, help_text="The case profile's biomarker code.")
    result = serializers.ChoiceField(choices=BiomarkerResult.choices)


class TrialSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    institution = serializers.UUIDField(source="institution.public_id", read_only=True)
    identifier = StrictCharField(
        max_length=32, help_text="An NCT number (NCT + 8 digits, checked when it starts with NCT) or a local id."
    )
    title = StrictCharField(max_length=300)
    phase = CodeField(choices=TrialPhase.choices)
    status = CodeField(choices=TrialStatus.choices, required=False, default=TrialStatus.OPEN)
    disease_sites = serializers.ListField(
        child=serializers.ChoiceField(choices=DiseaseSite.choices),
        required=False,
        default=list,
        max_length=len(DiseaseSite.values),
        help_text="Case primary-site codes; empty: any site.",
    )
    stage_min = CodeField(choices=StageLimit.choices, required=False, allow_blank=True, default="")
    stage_max = CodeField(choices=StageLimit.choices, required=False, allow_blank=True, default="")
    min_prior_lines = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=20)
    max_prior_lines = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=20, help_text="0: treatment-naive."
    )
    required_biomarkers = TrialBiomarkerSerializer(many=True, required=False, default=list, max_length=20)
    excluded_biomarkers = TrialBiomarkerSerializer(many=True, required=False, default=list, max_length=20)
    ecog_max = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=4)
    age_min = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=120)
    age_max = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=0, max_value=120)
    contact = StrictCharField(max_length=200, required=False, allow_blank=True, default="")

    class Meta:
        model = Trial
        fields = [
            "id", "institution", "identifier", "title", "phase", "status", "disease_sites", "stage_min", "stage_max",
            "min_prior_lines", "max_prior_lines", "required_biomarkers", "excluded_biomarkers", "ecog_max", "age_min",
            "age_max", "contact", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["created_at", "updated_at"]
        validators = []  # the service checks the identifier's uniqueness per institution and names the field


def _data(validated: dict) -> dict:
    return {k: [dict(i) for i in v] if k.endswith("_biomarkers") else v for k, v in validated.items()}


@extend_schema_view(
    list=extend_schema(summary="Your institution's clinical trials (and those of the boards you belong to)"),
    create=extend_schema(summary="Add a trial (coordinators of your institution's boards)"),
    partial_update=extend_schema(summary="Change a trial (coordinators of its institution)"),
    update=extend_schema(summary="Replace a trial (coordinators of its institution)"),
    destroy=extend_schema(summary="Delete a trial no plan refers to (409: close it instead)"),
)
class TrialViewSet(PublicIdMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                   viewsets.ReadOnlyModelViewSet):  # fmt: skip
    """Clinical trials: members of the institution's boards read them, its coordinators keep them. Another
    institution's trial answers 404. Trials hold no patient data: reads are not audited, writes are."""

    serializer_class = TrialSerializer
    filterset_class = None

    def get_queryset(self):
        return selectors.trials_visible_to(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        trial = trial_create(user=request.user, data=_data(serializer.validated_data))
        return Response(self.get_serializer(trial).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        trial = self.get_object()
        serializer = self.get_serializer(trial, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        trial = trial_update(user=request.user, trial=trial, data=_data(serializer.validated_data))
        return Response(self.get_serializer(self.get_queryset().get(pk=trial.pk)).data)

    def destroy(self, request, *args, **kwargs):
        trial_delete(user=request.user, trial=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TrialRefSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    identifier = StrictCharField()
    title = StrictCharField()
    phase = serializers.ChoiceField(choices=TrialPhase.choices)
    contact = StrictCharField()


class CriterionSerializer(serializers.Serializer):
    name = StrictCharField(help_text='A stable code: "disease_site", "stage", "prior_lines", "biomarker.HER2", ...')
    label = StrictCharField(help_text="What the trial asks, in words.")
    outcome = serializers.ChoiceField(choices=[(o, o) for o in OUTCOMES], help_text="Missing data is unknown.")
    detail = StrictCharField(help_text="What the case has, in words.")


class TrialMatchSerializer(serializers.Serializer):
    trial = TrialRefSerializer()
    criteria = CriterionSerializer(many=True)
    unknown = serializers.IntegerField(help_text="How many criteria the case's record cannot answer.")


class CaseTrialsSerializer(serializers.Serializer):
    notice = StrictCharField(help_text=f'Always "{NOTICE}"')
    may_match = TrialMatchSerializer(
        many=True, help_text="Open trials with no criterion not met; fewest unknowns first."
    )
    not_matching = TrialMatchSerializer(many=True, help_text="Open trials with at least one criterion not met.")


def case_trials_data(case) -> dict:
    matches = trial_matches(case)
    return {
        "notice": NOTICE,
        "may_match": [m for m in matches if m.may_match],
        "not_matching": [m for m in matches if not m.may_match],
    }


class CaseTrialsView(APIView):
    """The open trials of the institution discussing the case, each criterion met, not met or unknown."""

    @extend_schema(
        operation_id="cases_trials_retrieve",
        summary="The trials the case may match (screening, not eligibility)",
        tags=["cases"],
        parameters=[OpenApiParameter("case_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The case's id")],
        responses=CaseTrialsSerializer,
    )
    def get(self, request, case_id):
        case = selectors.case_get(request.user, case_id)  # 404 for a case the user may not see
        data = case_trials_data(case)
        audited_read([case], user=request.user, view="trial matches")
        return Response(CaseTrialsSerializer(data).data)


class TrialFiguresSerializer(serializers.Serializer):
    trial = TrialRefSerializer()
    status = serializers.ChoiceField(choices=TrialStatus.choices)
    referrals = serializers.IntegerField(help_text="Cases in your scope whose board plan refers to the trial.")
    enrolments = serializers.IntegerField(help_text="Cases in your scope whose follow-through records enrolment.")


class TrialAnalyticsView(APIView):
    """Referrals (board plans with a clinical_trial component naming the trial) and enrolments (follow-through
    recording the patient enrolled in it), per trial you can see, over the cases you can see."""

    @extend_schema(
        summary="Referrals and enrolments per trial", tags=["analytics"], responses=TrialFiguresSerializer(many=True)
    )
    def get(self, request):
        return Response(TrialFiguresSerializer(trial_figures(request.user), many=True).data)
