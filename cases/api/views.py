"""Thin views over cases: parse, call a selector or a service, serialize, audit reads."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from cases import selectors
from cases.api.case_reads import case_json, cases_json, reads_in_sql_available
from cases.api.serializers import (
    CaseActionSerializer,
    CaseSerializer,
    CaseTransitionSerializer,
    CommentSerializer,
    DocumentSerializer,
)
from cases.filters import CaseFilter
from cases.lifecycle.case_actions import case_transition
from cases.models import Comment, Document
from cases.services.case_profile import case_create, case_update
from cases.services.comments import comment_create
from cases.services.documents import document_create
from tumorboard.api.fields import required_text_serializer
from tumorboard.api.pagination import CappedCountPagination
from tumorboard.api.renderers import JSONRenderer, RawJSON
from tumorboard.api.views import AuditedReadMixin, PublicIdMixin
from tumorboard.reads import audited_download, audited_read

CASE_ID = OpenApiParameter("case_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The case's id")


REQUEST_INFO_BODY = required_text_serializer(
    "CaseRequestInfo", "reason", "What the board needs before it can discuss the case."
)


def _case_action(name: str):
    """The POST endpoint of one case action (SPEC §4): 409 when not allowed from the current status."""

    def view(self, request, id=None):
        case = self.get_object()
        params = CaseActionSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        case_transition(user=request.user, case=case, action_name=name, reason=params.validated_data["reason"])
        return Response(self.get_serializer(selectors.case_after_write(case)).data)

    view.__name__ = name.replace("-", "_")  # before @action: the router maps the method to this name
    view = action(detail=True, methods=["post"], url_path=name, url_name=name)(view)
    body = REQUEST_INFO_BODY if name == "request-info" else CaseActionSerializer
    return extend_schema(request=body, responses=CaseSerializer, summary=f"{name} the case")(view)


@extend_schema_view(partial_update=extend_schema(request=CaseSerializer))
class CaseViewSet(PublicIdMixin, AuditedReadMixin, viewsets.ModelViewSet):
    serializer_class = CaseSerializer
    filterset_class = CaseFilter
    pagination_class = CappedCountPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _reads_in_sql(self) -> bool:
        """Whether a GET answers the representation ``case_reads`` writes in SQL (the serializer's, byte for byte):
        on PostgreSQL in UTC, rendered as JSON, and for a detail only when the request names no filter
        (``get_object`` applies the list's filters to it)."""
        renderer = getattr(self.request, "accepted_renderer", None)  # none while the schema is generated
        if not reads_in_sql_available() or not isinstance(renderer, JSONRenderer):
            return False
        return self.action == "list" or not any(name in self.request.query_params for name in CaseFilter.base_filters)

    def get_queryset(self):
        if self.action == "list" and self._reads_in_sql():
            return selectors.cases_visible_fast(self.request.user).values_list("pk", flat=True)
        return selectors.case_list(self.request.user)

    def audited_listing(self, objects):
        if self.action == "list" and self._reads_in_sql():
            return RawJSON.array(cases_json(self.request.user, objects))
        return super().audited_listing(objects)

    def audited_object(self):
        if self._reads_in_sql():
            return RawJSON(case_json(self.request.user, self.kwargs["id"]))
        return super().audited_object()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = case_create(user=request.user, data=serializer.validated_data)
        data = self.get_serializer(selectors.case_after_write(case)).data
        return Response(data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        case = self.get_object()
        serializer = self.get_serializer(case, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        case_update(user=request.user, case=case, data=serializer.validated_data)
        return Response(self.get_serializer(selectors.case_after_write(case)).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    submit = _case_action("submit")
    request_info = _case_action("request-info")
    defer = _case_action("defer")
    withdraw = _case_action("withdraw")
    close = _case_action("close")

    @extend_schema(responses=CaseTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def history(self, request, id=None):
        case = self.get_object()
        audited_read([case], user=request.user, view="history")
        transitions = case.transitions.select_related("by")
        return Response(CaseTransitionSerializer(transitions, many=True).data)


class CaseChildViewSet(PublicIdMixin, AuditedReadMixin, viewsets.GenericViewSet):
    """Resources under /cases/{case_id}/: the case is resolved through the selector first (404 if unseen)."""

    filterset_class = None

    @property
    def case(self):
        if not hasattr(self, "_case"):
            self._case = selectors.case_get(self.request.user, self.kwargs["case_id"])
        return self._case


@extend_schema_view(
    list=extend_schema(parameters=[CASE_ID]),
    retrieve=extend_schema(parameters=[CASE_ID]),
    create=extend_schema(parameters=[CASE_ID], request={"multipart/form-data": DocumentSerializer}),
)
class DocumentViewSet(CaseChildViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser]  # a file travels only in multipart/form-data

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Document.objects.none()
        return selectors.documents_of(self.case)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        document = document_create(
            user=request.user,
            case=self.case,
            upload=data["file"],
            kind=data["kind"],
            title=data["title"],
            date=data["date"],
        )
        return Response(self.get_serializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[CASE_ID],
        # The file is served with the content type it was accepted with (DOCUMENT_CONTENT_TYPES).
        responses={(200, content_type): OpenApiTypes.BINARY for content_type in settings.DOCUMENT_CONTENT_TYPES},
    )
    @action(detail=True, methods=["get"])
    def file(self, request, case_id=None, id=None):
        document = get_object_or_404(self.get_queryset(), public_id=id)
        return audited_download(
            user=request.user,
            obj=document,
            file=document.file,
            filename=f"document-{document.public_id}",
            content_type=document.content_type,
        )


@extend_schema_view(list=extend_schema(parameters=[CASE_ID]), create=extend_schema(parameters=[CASE_ID]))
class CommentViewSet(CaseChildViewSet, mixins.ListModelMixin, mixins.CreateModelMixin):
    serializer_class = CommentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        return selectors.comments_of(self.case)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        comment = comment_create(user=request.user, case=self.case, **serializer.validated_data)
        return Response(self.get_serializer(comment).data, status=status.HTTP_201_CREATED)
