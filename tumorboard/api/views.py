"""Kernel endpoints (health, audit log) and the bases every resource viewset builds on."""

from __future__ import annotations

from celery import current_app
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from tumorboard.api.fields import ModelSerializer, StrictCharField
from tumorboard.api.filters import AuditEventFilter
from tumorboard.models import AuditEvent
from tumorboard.reads import audited_list, audited_read

UUID_PATTERN = r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"


class PublicIdMixin:
    """Objects are addressed by their UUID ``public_id``; anything else in the URL is a 404."""

    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = UUID_PATTERN


class AuditedListMixin:
    """``list`` through the audited reads (tumorboard.reads): one LIST row per object returned, the page or, for a
    viewset without pagination, all of them."""

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        data = self.audited_listing(list(queryset if page is None else page))
        return Response(data) if page is None else self.get_paginated_response(data)

    def audited_listing(self, objects: list):
        """The representation of ``objects``, their reads audited: the serializer's. A viewset may build it more
        cheaply from what its ``get_queryset`` gave (CaseViewSet: ``tumorboard.reads.audited_rows``)."""
        audited_list(objects, user=self.request.user)
        return self.get_serializer(objects, many=True).data


class AuditedRetrieveMixin:
    """``retrieve`` through the audited reads (tumorboard.reads): one READ row for the object returned."""

    def retrieve(self, request, *args, **kwargs):
        return Response(self.audited_object())

    def audited_object(self):
        """The representation of the object of the URL, its read audited: ``get_object()``'s, the serializer's. A
        viewset may build it more cheaply (CaseViewSet: ``tumorboard.reads.audited_rows``)."""
        instance = audited_read([self.get_object()], user=self.request.user)[0]
        return self.get_serializer(instance).data


class AuditedReadMixin(AuditedListMixin, AuditedRetrieveMixin):
    """List and retrieve, audited: the base of every viewset of patient data (a test holds it)."""


class JSONErrorsMixin:
    """Errors in the one JSON error shape, also from a view that otherwise renders another format (iCalendar).

    DRF renders an error with the renderer negotiated for the view, which for a non-JSON renderer gives an empty
    body labelled with that format.
    """

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if getattr(response, "exception", False):
            response.accepted_renderer = JSONRenderer()
            response.accepted_media_type = JSONRenderer.media_type
        return response


class IsSuperuser(BasePermission):
    """Admins in the sense of SPEC §3: superusers. Staff status alone opens nothing."""

    def has_permission(self, request, view):
        return bool(request.user.is_authenticated and request.user.is_superuser)  # an admin (specialists.access)


class AuditEventSerializer(ModelSerializer):
    user = StrictCharField(source="user.username", default=None, read_only=True, allow_null=True)
    patient = serializers.UUIDField(source="patient.public_id", default=None, read_only=True, allow_null=True)

    class Meta:
        model = AuditEvent
        fields = ["id", "at", "user", "action", "object_type", "object_id", "patient", "ip", "request_id", "detail"]


@extend_schema(tags=["audit"])
class AuditEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The append-only access log, for admins and compliance only."""

    serializer_class = AuditEventSerializer
    permission_classes = [IsSuperuser]
    filterset_class = AuditEventFilter
    queryset = AuditEvent.objects.select_related("user", "patient")


@login_not_required
@require_GET
def healthz(request):
    """Liveness: the process answers."""
    return JsonResponse({"status": "ok"})


@login_not_required
@require_GET
def readyz(request):
    """Readiness: the database answers a query and the broker accepts a connection."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"error: {type(exc).__name__}"
    try:
        with current_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["broker"] = f"error: {type(exc).__name__}"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503)
