"""GET /api/v1/cases/{case_id}/checklist/: the case's readiness and safety checklist (SPEC §5.3, §6)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors
from cases.checklist import Severity, evaluate
from tumorboard.api.fields import StrictCharField
from tumorboard.reads import audited_read


class ChecklistFindingSerializer(serializers.Serializer):
    rule = StrictCharField(help_text='The rule\'s id, e.g. "pgx.dpyd.missing".')
    severity = serializers.ChoiceField(choices=[(s, s) for s in Severity.CHOICES])
    message = StrictCharField(help_text="A prompt for the board; it never orders treatment.")
    source = StrictCharField(help_text="The guideline, label or trial the rule rests on.")


class CaseChecklistView(APIView):
    """The findings of every checklist rule for one case: critical first, then warning, then info."""

    @extend_schema(
        operation_id="cases_checklist_retrieve",
        summary="The case's readiness and safety checklist",
        tags=["cases"],
        parameters=[OpenApiParameter("case_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The case's id")],
        responses=ChecklistFindingSerializer(many=True),
    )
    def get(self, request, case_id):
        case = selectors.case_get(request.user, case_id)  # 404 for a case the user may not see
        findings = evaluate(case)
        audited_read([case], user=request.user, view="checklist")
        return Response(ChecklistFindingSerializer([f.as_dict() for f in findings], many=True).data)
