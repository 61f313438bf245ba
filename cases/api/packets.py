"""GET/POST /api/v1/cases/{id}/packet/ and the audited PDF download."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors
from cases.models import Packet, PacketVersion
from cases.services import packets
from tumorboard.api.fields import StrictCharField
from tumorboard.reads import audited_download, audited_read

CASE_ID = OpenApiParameter("case_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The case's id")
VERSION = OpenApiParameter(
    "version", {"type": "integer", "minimum": 1}, OpenApiParameter.QUERY, description="Default: the latest"
)


class PacketSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=["pending", "building", "ready", "failed"])
    version = serializers.IntegerField(allow_null=True, help_text="The latest built version (null before the first).")
    sha256 = StrictCharField(allow_null=True, help_text="SHA-256 of the canonical JSON.")
    built_at = serializers.DateTimeField(allow_null=True)
    requested_at = serializers.DateTimeField()
    error = StrictCharField(allow_blank=True, help_text="Why the last build failed.")
    json = serializers.JSONField(allow_null=True)
    pdf_url = StrictCharField(allow_null=True)


def version_requested(versions, request):
    """The row of ``?version=N`` among ``versions``, or the latest; None when there is none. A version that is
    not a whole number is a 400 ("²".isdigit() is true, but int("²") raises)."""
    wanted = request.query_params.get("version")
    if not wanted:
        return versions.order_by("-version").first()
    if not (wanted.isascii() and wanted.isdigit()):
        raise serializers.ValidationError({"version": ["A whole number."]})
    return versions.filter(version=int(wanted)).first()


def _represent(packet: Packet) -> dict:
    version = packet.version
    return {
        "status": packet.status,
        "version": version.version if version else None,
        "sha256": version.sha256 if version else None,
        "built_at": version.built_at if version else None,
        "requested_at": packet.requested_at,
        "error": packet.error,
        "json": version.content if version else None,
        "pdf_url": f"/api/v1/cases/{packet.case.public_id}/packet/pdf/?version={version.version}" if version else None,
    }


class CasePacketView(APIView):
    """The case's packet: the latest version and the state of its build. POST assembles it now."""

    @extend_schema(parameters=[CASE_ID], responses=PacketSerializer)
    def get(self, request, case_id):
        case = selectors.case_get(request.user, case_id)
        packet = selectors.packet_of(case)
        if packet is None:
            raise NotFound()  # none built yet (POST assembles it); the same answer as an unseen case
        audited_read([packet], user=request.user)
        return Response(_represent(packet))

    @extend_schema(parameters=[CASE_ID], request=None, responses={202: PacketSerializer})
    def post(self, request, case_id):
        case = selectors.case_get(request.user, case_id)
        packet = packets.packet_request(case=case, by=request.user, reason="on demand")
        packet = Packet.objects.select_related("version").get(pk=packet.pk)
        packet.case = case
        return Response(_represent(packet), status=status.HTTP_202_ACCEPTED)


class CasePacketPdfView(APIView):
    """The packet as PDF (a given version or the latest built one). Every download is audited."""

    @extend_schema(parameters=[CASE_ID, VERSION], responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, case_id):
        case = selectors.case_get(request.user, case_id)
        version = version_requested(PacketVersion.objects.filter(case=case), request)
        if version is None or not version.pdf:
            raise NotFound()
        version.case = case
        return audited_download(
            user=request.user,
            obj=version,
            file=version.pdf,
            filename=f"packet-{case.public_id}-v{version.version}.pdf",
            content_type="application/pdf",
        )
