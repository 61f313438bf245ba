"""Continuing-education credit (scheduling/cme.py) over the API: a meeting's credit and the caller's attestation, the
attestation itself, the member's certificate (PDF) and the coordinators' attendance roster (JSON, CSV, PDF).

Thin: the meeting and the board are resolved through the selectors first (another institution's: 404), the rules
are the service's. The certificate and the roster files go out through the audited download (tumorboard.reads).
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling import cme
from scheduling.models import Meeting
from scheduling.selectors import boards_visible_to, meetings_visible_to
from tumorboard.api.fields import StrictCharField
from tumorboard.reads import audited_download

MEETING_ID = OpenApiParameter("meeting_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The meeting's id")
NOT_FOUND = OpenApiResponse(description="No such meeting (or board) that you can see.")
ERRORS = {
    400: OpenApiResponse(description="Bad input: `errors` names the field (`hours`, `from`, `to`, `board`)."),
    403: OpenApiResponse(description="Not allowed: not a member of the board (attest), not its coordinator (roster)."),
    404: NOT_FOUND,
}


def _meeting(user, meeting_id) -> Meeting:
    return get_object_or_404(meetings_visible_to(user).select_related("board__institution"), public_id=meeting_id)


class CreditSerializer(serializers.Serializer):
    hours = serializers.DecimalField(max_digits=4, decimal_places=2, coerce_to_string=False)
    accrediting_body = StrictCharField()
    activity_id = StrictCharField()


class AttestationSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    hours_claimed = serializers.DecimalField(max_digits=4, decimal_places=2, coerce_to_string=False)
    hours_offered = serializers.DecimalField(max_digits=4, decimal_places=2, coerce_to_string=False)
    accrediting_body = StrictCharField()
    activity_id = StrictCharField()
    statement = StrictCharField(help_text="What the member attested.")
    attested_at = serializers.DateTimeField(source="created_at")
    certificate_url = serializers.SerializerMethodField()

    def get_certificate_url(self, attestation) -> str:
        return f"/api/v1/meetings/{attestation.attendance.meeting.public_id}/cme/certificate/"


class CmeStateSerializer(serializers.Serializer):
    credit = CreditSerializer(allow_null=True, help_text="The credit the meeting carries; null when none.")
    attestation = AttestationSerializer(allow_null=True, help_text="Your attestation, once made.")
    can_attest = serializers.BooleanField()
    reason = StrictCharField(allow_blank=True, help_text="Why you cannot attest (now), when you cannot.")
    statement = StrictCharField(help_text="The text you attest.")


class AttestSerializer(serializers.Serializer):
    hours = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        required=False,
        help_text="The hours you claim, in quarter hours, at most those offered (default: all of them).",
    )


class MeetingCmeView(APIView):
    """The meeting's continuing-education credit, your attestation, and whether you may attest now."""

    @extend_schema(parameters=[MEETING_ID], responses={200: CmeStateSerializer, 404: NOT_FOUND})
    def get(self, request, meeting_id):
        meeting = _meeting(request.user, meeting_id)
        return Response(CmeStateSerializer(cme.cme_state(request.user, meeting)).data)


class MeetingCmeAttestView(APIView):
    """Attest attending the meeting and claim its credit: a member who checked in, once, after the meeting is
    completed (409 otherwise: `not_checked_in`, `meeting_not_completed`, `already_attested`, `no_credit`)."""

    @extend_schema(
        parameters=[MEETING_ID],
        request=AttestSerializer,
        responses={201: AttestationSerializer, 409: OpenApiResponse(description="Not now, or already."), **ERRORS},
    )
    def post(self, request, meeting_id):
        meeting = _meeting(request.user, meeting_id)
        params = AttestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        attestation = cme.cme_attest(user=request.user, meeting=meeting, hours=params.validated_data.get("hours"))
        return Response(AttestationSerializer(attestation).data, status=status.HTTP_201_CREATED)


def certificate_download(user, meeting: Meeting):
    """The user's own certificate for ``meeting`` (404 before they attested), audited as a download."""
    attestation = cme.cme_attestation_of(user, meeting)
    if attestation is None:
        raise NotFound("You have not attested attending this meeting.")
    return audited_download(
        user=user,
        obj=attestation,
        file=ContentFile(cme.render_certificate_pdf(attestation)),
        filename=f"cme-certificate-{meeting.starts_at:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )


class MeetingCmeCertificateView(APIView):
    """Your certificate of attendance for the meeting (PDF): your name, the activity, the date, the hours you
    claimed, the accrediting body and the activity id. Only yours; 404 before you attested."""

    @extend_schema(parameters=[MEETING_ID], responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_FOUND})
    def get(self, request, meeting_id):
        return certificate_download(request.user, _meeting(request.user, meeting_id))


class RosterQuerySerializer(serializers.Serializer):
    meeting = serializers.UUIDField(required=False, help_text="One meeting's roster.")
    board = serializers.UUIDField(required=False, help_text="A board's roster over a period (with from and to).")
    to = serializers.DateField(required=False, help_text="The period's last day (the board's time zone), inclusive.")

    def get_fields(self):
        fields = super().get_fields()  # ``from`` is a Python keyword: added here rather than declared
        fields["from"] = serializers.DateField(required=False, help_text="The period's first day, inclusive.")
        return fields

    def validate(self, attrs):
        if not attrs.get("meeting") and not attrs.get("board"):
            raise serializers.ValidationError({"board": ["Give a meeting, or a board with from and to."]})
        return attrs


def roster_from_query(user, query) -> cme.Roster:
    """The roster a query names (``meeting``, or ``board`` with ``from`` and ``to``), through the selectors: a
    meeting or board you cannot see is a 404."""
    params = RosterQuerySerializer(data=query)
    params.is_valid(raise_exception=True)
    data = params.validated_data
    if data.get("meeting"):
        return cme.cme_roster(user, meeting=_meeting(user, data["meeting"]))
    board = get_object_or_404(boards_visible_to(user), public_id=data["board"])
    return cme.cme_roster(user, board=board, start=data.get("from"), end=data.get("to"))


class RosterPersonSerializer(serializers.Serializer):
    name = StrictCharField(source="user.name")
    institution = StrictCharField(source="user.institution.name", default="")
    specialty = StrictCharField(source="user.specialty")
    checked_in_at = serializers.DateTimeField()
    remote = serializers.BooleanField()


class RosterMemberSerializer(RosterPersonSerializer):
    attested = serializers.SerializerMethodField()
    hours_claimed = serializers.SerializerMethodField()

    def get_attested(self, attendance) -> bool:
        return attendance.attestation is not None

    def get_hours_claimed(self, attendance) -> float | None:
        return float(attendance.attestation.hours_claimed) if attendance.attestation else None


class RosterMeetingSerializer(serializers.Serializer):
    meeting = serializers.UUIDField(source="meeting.public_id")
    starts_at = serializers.DateTimeField(source="meeting.starts_at")
    status = StrictCharField(source="meeting.status")
    credit = CreditSerializer(allow_null=True)
    members = RosterMemberSerializer(many=True, help_text="Members who checked in, with their attestation.")
    guests = RosterPersonSerializer(many=True, help_text="Remote guests (second-opinion requesters), apart.")


class RosterSerializer(serializers.Serializer):
    board = serializers.UUIDField(source="board.public_id")
    title = StrictCharField()
    start = serializers.DateField(allow_null=True, help_text="The period's first day (null for one meeting).")
    end = serializers.DateField(allow_null=True)
    meetings = RosterMeetingSerializer(many=True)


ROSTER_PARAMETERS = [RosterQuerySerializer]


class CmeRosterView(APIView):
    """The attendance roster for the accreditor (the board's coordinators): everyone who checked in, members and
    guests apart, with check-in time, specialty and, for members, whether they attested and for how many hours.
    ``/cme/roster/`` answers JSON, ``/cme/roster.csv`` and ``/cme/roster.pdf`` the files (audited downloads)."""

    kind = "json"

    @extend_schema(
        parameters=ROSTER_PARAMETERS,
        responses={200: RosterSerializer, **ERRORS},
        summary="The CME attendance roster of a meeting or of a board's period",
    )
    def get(self, request):
        roster = roster_from_query(request.user, request.query_params)
        return Response(RosterSerializer(roster).data)


def roster_download(user, roster: cme.Roster, kind: str):
    """The roster as a CSV or PDF file, audited as a download of each meeting it covers."""
    content = cme.roster_csv(roster) if kind == "csv" else cme.render_roster_pdf(roster)
    meetings = [row.meeting for row in roster.meetings] or [roster.board]
    return audited_download(
        user=user,
        obj=meetings[0],
        holds=meetings[1:],
        file=ContentFile(content),
        filename=f"{roster.filename}.{kind}",
        content_type="text/csv; charset=utf-8" if kind == "csv" else "application/pdf",
    )


class CmeRosterFileView(APIView):
    kind = "csv"

    def get(self, request):
        return roster_download(request.user, roster_from_query(request.user, request.query_params), self.kind)


class CmeRosterCsvView(CmeRosterFileView):
    """The roster as CSV: a row per person who checked in, members then guests of each meeting (``section``)."""

    kind = "csv"

    @extend_schema(parameters=ROSTER_PARAMETERS, responses={(200, "text/csv"): OpenApiTypes.BINARY, **ERRORS})
    def get(self, request):
        return super().get(request)


class CmeRosterPdfView(CmeRosterFileView):
    """The roster as PDF: per meeting, its members and then its guests."""

    kind = "pdf"

    @extend_schema(parameters=ROSTER_PARAMETERS, responses={(200, "application/pdf"): OpenApiTypes.BINARY, **ERRORS})
    def get(self, request):
        return super().get(request)
