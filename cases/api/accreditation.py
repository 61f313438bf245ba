"""GET /api/v1/analytics/accreditation/ (SPEC §9): a board's or the institution's case conferences over a year;
GET/POST /api/v1/analytics/accreditation/caseloads/: the program's annual analytic caseload it is measured against.

Thin: parameters are validated here, the figures come from ``cases.accreditation`` (its docstring defines each one),
the caseload is written by ``cases.services.caseloads``. Each report answered is audited as one row of its scope.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import accreditation
from cases.accreditation import FIRST_YEAR, accreditation_report, report_scope, reporting_institution
from cases.api.analytics import FollowThroughSerializer
from cases.models import AnnualCaseload
from cases.services.caseloads import MAX_ANALYTIC_CASES, caseload_record
from scheduling.models import MeetingStatus
from specialists.models import Specialty
from tumorboard.api.fields import StrictCharField
from tumorboard.reads import audited_report

ERRORS = {
    400: OpenApiResponse(description="A parameter is invalid: `errors[].field` names it (`year`, `board`, ...)."),
    403: OpenApiResponse(description="Not a coordinator of the board (or of any board) nor an administrator."),
    404: OpenApiResponse(description="No such board or institution among those you may see."),
}


class YearFieldMixin:
    """``year`` from FIRST_YEAR to the current one (TIME_ZONE), as ``cases.accreditation.year_check`` takes it; the
    bound is set per instance, so the document states this year's."""

    def get_fields(self):
        fields = super().get_fields()
        current = timezone.localdate().year
        fields["year"].max_value = current
        fields["year"].validators.append(MaxValueValidator(current))
        return fields


class AccreditationQuerySerializer(YearFieldMixin, serializers.Serializer):
    board = serializers.UUIDField(required=False, help_text="A board you coordinate; without it, all of them.")
    institution = serializers.UUIDField(
        required=False,
        help_text="Administrators (or coordinators at several institutions): whose boards; by default your own.",
    )
    year = serializers.IntegerField(
        required=False,
        min_value=FIRST_YEAR,
        help_text="The calendar year (TIME_ZONE) of the meetings; by default the current one.",
    )


class NamedSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = StrictCharField()


class SpecialtyAttendanceSerializer(serializers.Serializer):
    specialty = serializers.ChoiceField(choices=Specialty.choices)
    conferences_required = serializers.IntegerField(help_text="Conferences of boards that require this specialty.")
    conferences_attended = serializers.IntegerField(help_text="Of those, conferences a member of it checked in to.")
    rate = serializers.FloatField(allow_null=True, help_text="attended / required, 3 decimals.")


SpecialtyCountsSerializer = type(
    "SpecialtyCountsSerializer",
    (serializers.Serializer,),
    {
        **{
            code: serializers.IntegerField(help_text=f"{label}: members checked in.")
            for code, label in Specialty.choices
        },
        "__doc__": "Per specialty (all 8), the board members who checked in (guests not counted).",
    },
)


class CaseFiguresSerializer(serializers.Serializer):
    presentations = serializers.IntegerField(help_text="Agenda items presented at the conferences.")
    cases = serializers.IntegerField(help_text="Distinct cases among them.")
    prospective = serializers.IntegerField(help_text="Presented before any treatment course started.")
    retrospective = serializers.IntegerField(help_text="A treatment course started before the meeting's date.")
    undetermined = serializers.IntegerField(help_text="None started before, but a course without a start date.")
    prospective_rate = serializers.FloatField(allow_null=True)
    staging_recorded = serializers.IntegerField()
    staging_recorded_rate = serializers.FloatField(allow_null=True)
    recommendations_recorded = serializers.IntegerField(help_text="A board plan recorded at that conference.")
    recommendations_recorded_rate = serializers.FloatField(allow_null=True)
    guideline_discussed = serializers.IntegerField(help_text="That board plan names a guideline.")
    guideline_discussed_rate = serializers.FloatField(allow_null=True)
    trial_discussed = serializers.IntegerField(help_text="That board plan has a clinical_trial component.")
    trial_discussed_rate = serializers.FloatField(allow_null=True)
    guideline_or_trial = serializers.IntegerField()
    guideline_or_trial_rate = serializers.FloatField(allow_null=True)


class BoardFiguresSerializer(CaseFiguresSerializer):
    board = serializers.UUIDField()
    name = StrictCharField()
    required_specialties = serializers.ListField(child=serializers.ChoiceField(choices=Specialty.choices))
    conferences_held = serializers.IntegerField()
    conferences_cancelled = serializers.IntegerField()


class ConferenceSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    board = serializers.UUIDField()
    board_name = StrictCharField()
    starts_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=MeetingStatus.choices)
    cases_presented = serializers.IntegerField()
    attendance = SpecialtyCountsSerializer()
    required_missing = serializers.ListField(
        child=serializers.ChoiceField(choices=Specialty.choices), help_text="Required specialties nobody attended for."
    )


class CaseloadFiguresSerializer(serializers.Serializer):
    analytic_cases = serializers.IntegerField(allow_null=True, help_text="As entered for the year; null if none.")
    note = StrictCharField(allow_blank=True)
    cases_presented = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="cases_presented / analytic_cases, 3 decimals.")


class DecisionsSerializer(serializers.Serializer):
    cases = serializers.IntegerField(help_text="Decisions of the year compared with a proposed plan.")
    changed = serializers.IntegerField()
    change_rate = serializers.FloatField(allow_null=True)
    follow_through = FollowThroughSerializer()


class AccreditationReportSerializer(CaseFiguresSerializer):
    standard = StrictCharField(help_text="The accreditation standard the report is modeled on.")
    year = serializers.IntegerField()
    institution = NamedSerializer()
    board = NamedSerializer(allow_null=True, help_text="Null: every board of the institution you coordinate.")
    conferences_held = serializers.IntegerField(help_text="Meetings in progress or completed.")
    conferences_cancelled = serializers.IntegerField()
    attendance = SpecialtyAttendanceSerializer(many=True)
    caseload = CaseloadFiguresSerializer()
    decisions = DecisionsSerializer()
    by_board = BoardFiguresSerializer(many=True)
    conferences = ConferenceSerializer(many=True)


class AccreditationView(APIView):
    """The accreditation report (SPEC §9): figures and meeting ids, never patient data."""

    @extend_schema(
        operation_id="analytics_accreditation_retrieve",
        summary="Accreditation report: conferences, attendance, cases presented, prospective share",
        description=accreditation.__doc__,
        tags=["analytics"],
        parameters=[AccreditationQuerySerializer],
        responses={200: AccreditationReportSerializer, **ERRORS},
    )
    def get(self, request):
        query = AccreditationQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        params = query.validated_data
        year = params.get("year", timezone.localdate().year)
        scope = report_scope(request.user, board=params.get("board"), institution=params.get("institution"), year=year)
        report = accreditation_report(request.user, scope)
        audited_report(
            user=request.user,
            object_type="cases.accreditation_report",
            object_id=(scope.board or scope.institution).public_id,
            detail={"view": "api", "year": year, "scope": "board" if scope.board else "institution"},
        )
        return Response(AccreditationReportSerializer(report).data)


class CaseloadSerializer(YearFieldMixin, serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    institution = serializers.UUIDField(
        source="institution.public_id",
        required=False,
        help_text="Whose caseload; by default your institution (the one whose boards you coordinate).",
    )
    year = serializers.IntegerField(min_value=FIRST_YEAR, help_text="The calendar year the registry counted.")
    analytic_cases = serializers.IntegerField(min_value=0, max_value=MAX_ANALYTIC_CASES)
    note = StrictCharField(max_length=500, required=False, allow_blank=True, default="")
    entered_by = serializers.UUIDField(source="entered_by.public_id", read_only=True)

    class Meta:
        model = AnnualCaseload
        fields = ["id", "institution", "year", "analytic_cases", "note", "entered_by", "updated_at"]
        read_only_fields = ["updated_at"]


class CaseloadQuerySerializer(serializers.Serializer):
    institution = serializers.UUIDField(required=False, help_text="By default your institution.")


class CaseloadsView(APIView):
    """The program's annual analytic caseload, by year: the accreditation report's denominator."""

    @extend_schema(
        operation_id="analytics_accreditation_caseloads_list",
        summary="Annual analytic caseloads of an institution",
        tags=["analytics"],
        parameters=[CaseloadQuerySerializer],
        responses={200: CaseloadSerializer(many=True), **ERRORS},
    )
    def get(self, request):
        query = CaseloadQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        institution = reporting_institution(request.user, query.validated_data.get("institution"))
        rows = AnnualCaseload.objects.filter(institution=institution).select_related("institution", "entered_by")
        return Response(CaseloadSerializer(rows.order_by("-year"), many=True).data)

    @extend_schema(
        operation_id="analytics_accreditation_caseloads_create",
        summary="Enter (or correct) a year's analytic caseload",
        description="201 when the year had no figure, 200 when it replaces one (the audit log keeps both).",
        tags=["analytics"],
        request=CaseloadSerializer,
        responses={201: CaseloadSerializer, 200: CaseloadSerializer, **ERRORS},
    )
    def post(self, request):
        body = CaseloadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        institution = reporting_institution(request.user, data.get("institution", {}).get("public_id"))
        caseload, created = caseload_record(
            user=request.user,
            institution=institution,
            year=data["year"],
            analytic_cases=data["analytic_cases"],
            note=data.get("note", ""),
        )
        return Response(CaseloadSerializer(caseload).data, status=status.HTTP_201_CREATED if created else 200)
