"""GET/POST /api/v1/meetings/{id}/packet/ (the meeting's packet: every case on its agenda in one PDF) and the
audited PDF download. The board's members read it; anyone else is answered 404."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from cases import selectors
from cases.codes import PacketStatus
from cases.models import MeetingPacket
from cases.services import meeting_packets
from tumorboard.api.fields import StrictCharField
from tumorboard.reads import audited_download

MEETING_ID = OpenApiParameter("meeting_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The meeting's id")
NOT_FOUND = OpenApiResponse(description="No such meeting, the user is not a member of its board, or no packet yet.")


class MeetingPacketSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=PacketStatus.choices)
    version = serializers.IntegerField(allow_null=True, help_text="The latest built version (null before the first).")
    requested_at = serializers.DateTimeField()
    built_at = serializers.DateTimeField(allow_null=True)
    error = StrictCharField(allow_blank=True, help_text="Why the last build failed.")
    pdf_url = StrictCharField(allow_null=True, help_text="The latest built PDF (null before the first build).")


def represent(packet: MeetingPacket) -> dict:
    return {
        "status": packet.status,
        "version": packet.version or None,
        "requested_at": packet.requested_at,
        "built_at": packet.built_at,
        "error": packet.error,
        "pdf_url": meeting_packets.meeting_packet_pdf_url(packet) or None,
    }


class MeetingPacketView(APIView):
    """The meeting's packet: the state of its build and where its latest PDF is. POST builds it again now."""

    @extend_schema(parameters=[MEETING_ID], responses={200: MeetingPacketSerializer, 404: NOT_FOUND})
    def get(self, request, meeting_id):
        meeting = selectors.meeting_packet_meeting(request.user, meeting_id)
        packet = selectors.meeting_packet_of(meeting)
        if packet is None:
            raise NotFound()  # none asked for yet (POST builds it)
        packet.meeting = meeting
        return Response(represent(packet))

    @extend_schema(parameters=[MEETING_ID], request=None, responses={202: MeetingPacketSerializer, 404: NOT_FOUND})
    def post(self, request, meeting_id):
        meeting = selectors.meeting_packet_meeting(request.user, meeting_id)
        packet = meeting_packets.meeting_packet_request(meeting=meeting, by=request.user, reason="on demand")
        packet.meeting = meeting
        return Response(represent(packet), status=status.HTTP_202_ACCEPTED)


class MeetingPacketPdfView(APIView):
    """The meeting's packet as PDF (the latest build; ``?version=`` names it, and an older one is gone). Every
    download is audited against each patient it holds."""

    @extend_schema(
        parameters=[
            MEETING_ID,
            OpenApiParameter(
                "version", {"type": "integer", "minimum": 1}, OpenApiParameter.QUERY, description="Default: the latest"
            ),
        ],
        responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_FOUND},
    )
    def get(self, request, meeting_id):
        meeting = selectors.meeting_packet_meeting(request.user, meeting_id)
        packet = selectors.meeting_packet_of(meeting)
        wanted = request.query_params.get("version")
        if packet is None or not packet.pdf or (wanted and wanted != str(packet.version)):
            raise NotFound()
        packet.meeting = meeting
        return audited_download(
            user=request.user,
            obj=packet,
            file=packet.pdf,
            filename=f"meeting-packet-{meeting.starts_at:%Y-%m-%d}-v{packet.version}.pdf",
            content_type="application/pdf",
            holds=packet.cases.all(),
        )
