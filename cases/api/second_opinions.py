"""/api/v1/second-opinions/: requests, their actions (SPEC §4), the remote-guest join, and the report.

Thin views: the selectors scope what is seen (404 otherwise), the services (``cases.services.second_opinions``, the
decisions in ``cases.lifecycle.second_opinions``) decide and write. Reads of requests and reports are audited;
report PDF downloads as downloads.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiTypes, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from cases import selectors
from cases.api.packets import VERSION, version_requested
from cases.codes import PacketStatus, SecondOpinionStatus, Urgency
from cases.filters import SecondOpinionFilter
from cases.lifecycle.second_opinion_slots import second_opinion_join
from cases.lifecycle.second_opinions import second_opinion_transition
from cases.models import SecondOpinion, SecondOpinionTransition
from cases.services.second_opinions import remote_url, second_opinion_request
from specialists.models import Institution
from tumorboard.api.fields import ModelSerializer, StrictCharField, required_text_serializer
from tumorboard.api.views import AuditedReadMixin, PublicIdMixin
from tumorboard.reads import audited_download, audited_read


def _api_path(request: SecondOpinion) -> str:
    return f"/api/v1/second-opinions/{request.public_id}/"


class SecondOpinionTransitionSerializer(ModelSerializer):
    by = StrictCharField(source="by.username", default=None, read_only=True, allow_null=True)

    class Meta:
        model = SecondOpinionTransition
        fields = ["from_status", "to_status", "action", "by", "at", "message"]


class SecondOpinionSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    case = serializers.UUIDField(source="case.public_id", read_only=True)
    requesting_institution = serializers.UUIDField(source="requesting_institution.public_id", read_only=True)
    target_institution = serializers.UUIDField(source="target_institution.public_id", read_only=True)
    board = serializers.UUIDField(source="board.public_id", default=None, read_only=True, allow_null=True)
    meeting = serializers.UUIDField(
        source="meeting.public_id",
        default=None,
        read_only=True,
        allow_null=True,
        help_text="The meeting proposed by routing; once scheduled, the one holding the case's slot.",
    )
    requested_by = StrictCharField(source="requested_by.username", read_only=True)
    requested_at = serializers.DateTimeField(source="created_at", read_only=True)
    overdue = serializers.BooleanField(
        source="is_overdue", read_only=True, help_text="Still open and past its due date."
    )
    remote_url = serializers.SerializerMethodField()
    report_url = serializers.SerializerMethodField()
    transitions = SecondOpinionTransitionSerializer(many=True, read_only=True)

    class Meta:
        model = SecondOpinion
        fields = [
            "id", "case", "requesting_institution", "target_institution", "board", "reason", "questions", "urgency",
            "status", "due_at", "overdue", "meeting", "remote_url", "report_url", "requested_by", "requested_at",
            "routed_at", "routing_note", "report_sent_at", "transitions",
        ]  # fmt: skip

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_remote_url(self, request: SecondOpinion) -> str | None:
        """The requester's link to join the meeting for their case's slot, once scheduled."""
        return remote_url(request) if request.status == SecondOpinionStatus.SCHEDULED else None

    @extend_schema_field(StrictCharField(allow_null=True))
    def get_report_url(self, request: SecondOpinion) -> str | None:
        return f"{_api_path(request)}report/" if getattr(request, "report_ready", False) else None


class SecondOpinionAskSerializer(serializers.Serializer):
    """What a request asks of whom; the pages validate it apart from the case, which they may create."""

    target_institution = serializers.UUIDField()
    questions = serializers.ListField(
        child=StrictCharField(max_length=2000),
        min_length=1,
        max_length=20,
        help_text="What the board should answer.",
    )
    reason = StrictCharField(max_length=4000, help_text="Why a second opinion is sought.")
    urgency = serializers.ChoiceField(choices=Urgency.choices)

    def validate_target_institution(self, value):
        target = Institution.objects.filter(public_id=value).first()
        if target is None:
            raise serializers.ValidationError("No such institution.", code="does_not_exist")
        return target


class SecondOpinionCreateSerializer(SecondOpinionAskSerializer):
    case = serializers.UUIDField()


class AcceptSerializer(serializers.Serializer):
    board = serializers.UUIDField(
        required=False,
        help_text="Give the case to this board of the target institution (required when routing found none).",
    )
    meeting = serializers.UUIDField(
        required=False, help_text="Put the case on this meeting (default: the proposed one)."
    )


class SecondOpinionReasonSerializer(serializers.Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=4000, default="")


class MessageSerializer(serializers.Serializer):
    message = StrictCharField(required=False, allow_blank=True, max_length=4000, default="")


class ProvideInfoSerializer(serializers.Serializer):
    message = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=4000,
        default="",
        help_text="The answer to the board. Required unless a document was added to the case since the board asked "
        "(POST /cases/{id}/documents/ first); an answer with neither is a 400 on message.",
    )


class JoinSerializer(serializers.Serializer):
    meeting = serializers.UUIDField()
    meeting_starts_at = serializers.DateTimeField()
    slot_starts_at = serializers.DateTimeField(help_text="When the case's discussion should start.")
    minutes = serializers.IntegerField()
    video_url = StrictCharField(allow_blank=True)
    checked_in_at = serializers.DateTimeField()


class ReportSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PacketStatus.choices)
    sha256 = StrictCharField(allow_blank=True, help_text="SHA-256 of the canonical JSON.")
    built_at = serializers.DateTimeField(allow_null=True)
    error = StrictCharField(allow_blank=True)
    json = serializers.JSONField(allow_null=True)
    pdf_url = StrictCharField(allow_null=True)


ACTION_PARAMS = {
    "accept": AcceptSerializer,
    "decline": SecondOpinionReasonSerializer,
    "request-info": MessageSerializer,
    "provide-info": ProvideInfoSerializer,
    "cancel": SecondOpinionReasonSerializer,
}


# What the document says the actions that need text take (the view reads ACTION_PARAMS: see required_text_serializer).
ACTION_BODIES = ACTION_PARAMS | {
    "decline": required_text_serializer(
        "SecondOpinionDecline", "reason", "Why the board declines the request (the requester reads it)."
    ),
    "request-info": required_text_serializer(
        "SecondOpinionRequestInfo", "message", "What the board needs from the requester."
    ),
}


def action_arguments(user, name: str, data) -> dict:
    """The keyword arguments of ``second_opinion_transition`` for action ``name`` from the request's ``data``
    (validated; a board or meeting the user cannot see reads as nonexistent)."""
    params = ACTION_PARAMS[name](data=data)
    params.is_valid(raise_exception=True)
    arguments = dict(params.validated_data)
    if name == "accept":
        arguments |= selectors.second_opinion_accept_targets(
            user, board=arguments.get("board"), meeting=arguments.get("meeting")
        )
    arguments["message"] = arguments.pop("reason", "") or arguments.pop("message", "")
    return arguments


def _request_action(name: str):
    """The POST endpoint of one request action: 409 when not allowed from the current status."""

    def view(self, request, id=None):
        so = self.get_object()
        arguments = action_arguments(request.user, name, request.data)
        second_opinion_transition(user=request.user, request=so, action_name=name, **arguments)
        return Response(self.get_serializer(selectors.second_opinion_list(request.user).filter(pk=so.pk).first()).data)

    view.__name__ = name.replace("-", "_")
    view = action(detail=True, methods=["post"], url_path=name, url_name=name)(view)
    return extend_schema(request=ACTION_BODIES[name], responses=SecondOpinionSerializer, summary=f"{name} the request")(
        view
    )


class SecondOpinionViewSet(
    PublicIdMixin,
    AuditedReadMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SecondOpinionSerializer
    filterset_class = SecondOpinionFilter

    def get_queryset(self):
        return selectors.second_opinion_list(self.request.user)

    @extend_schema(request=SecondOpinionCreateSerializer, responses={201: SecondOpinionSerializer})
    def create(self, request, *args, **kwargs):
        params = SecondOpinionCreateSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        case = selectors.cases_visible_to(request.user).filter(public_id=data["case"]).first()
        if case is None:
            raise serializers.ValidationError({"case": ["No such case."]}, code="does_not_exist")
        so = second_opinion_request(
            user=request.user,
            case=case,
            target_institution=data["target_institution"],
            questions=data["questions"],
            reason=data["reason"],
            urgency=data["urgency"],
        )
        so = selectors.second_opinion_list(request.user).get(pk=so.pk)
        return Response(self.get_serializer(so).data, status=status.HTTP_201_CREATED)

    accept = _request_action("accept")
    decline = _request_action("decline")
    request_info = _request_action("request-info")
    provide_info = _request_action("provide-info")
    cancel = _request_action("cancel")

    @extend_schema(request=None, responses=JoinSerializer, summary="Join the meeting remotely for the case's slot")
    @action(detail=True, methods=["post"])
    def join(self, request, id=None):
        slot = second_opinion_join(user=request.user, request=self.get_object())
        return Response(JoinSerializer(slot).data)

    def _report(self, request):
        so = self.get_object()
        report = version_requested(so.reports.select_related("request__case"), request)
        if report is None:
            raise NotFound()
        return so, report

    @extend_schema(parameters=[VERSION], responses=ReportSerializer, summary="The board's report (JSON)")
    @action(detail=True, methods=["get"])
    def report(self, request, id=None):
        so, report = self._report(request)
        audited_read([report], user=request.user)
        ready = report.status == PacketStatus.READY
        return Response(
            {
                "version": report.version,
                "status": report.status,
                "sha256": report.sha256,
                "built_at": report.built_at,
                "error": report.error,
                "json": report.content if ready else None,
                "pdf_url": f"{_api_path(so)}report/pdf/?version={report.version}" if ready else None,
            }
        )

    @extend_schema(
        parameters=[VERSION],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="The board's report letter (PDF)",
    )
    @action(detail=True, methods=["get"], url_path="report/pdf")
    def report_pdf(self, request, id=None):
        so, report = self._report(request)
        if report.status != PacketStatus.READY or not report.pdf:
            raise NotFound()
        return audited_download(
            user=request.user,
            obj=report,
            file=report.pdf,
            filename=f"second-opinion-{so.public_id}-v{report.version}.pdf",
            content_type="application/pdf",
        )
