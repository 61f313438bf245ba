"""Continuing-education credit (scheduling/cme.py) over the API: a meeting's credit and the caller's attestation
(``/meetings/{id}/cme/``), the attestation itself (``.../cme/attest/``), the caller's attestations and their
certificates (``/cme/attestations/``, ``.../{id}/certificate/``), and the coordinators' attendance roster of a meeting
(``/meetings/{id}/cme/roster/``) or of a board's period (``/boards/{id}/cme/roster/``), as JSON, ``.csv`` or ``.pdf``.

Thin: the meeting and the board are resolved through the selectors first (another institution's: 404), the rules
are the service's. The certificate and the roster files go out through the audited download (tumorboard.reads).
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, OpenApiTypes, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from scheduling import cme
from scheduling.models import CmeAttestation, Meeting
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
        return f"/api/v1/cme/attestations/{attestation.public_id}/certificate/"


class MyAttestationSerializer(AttestationSerializer):
    meeting = serializers.UUIDField(source="attendance.meeting.public_id")
    board_name = StrictCharField(source="attendance.meeting.board.name")
    starts_at = serializers.DateTimeField(source="attendance.meeting.starts_at")


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
        coerce_to_string=False,
        required=False,
        help_text="The hours you claim, in quarter hours, at most those offered (default: all of them).",
    )


class NullableHoursField(serializers.DecimalField):
    """Hours or null; DRF reads "" as null for HTML forms, and the document says a number or null."""

    def validate_empty_values(self, data):
        if data == "":
            self.fail("invalid")
        return super().validate_empty_values(data)


class MeetingCreditSerializer(serializers.Serializer):
    hours = NullableHoursField(
        max_digits=4,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="This meeting's credit hours in quarter hours, 0 for none; null: the board's again.",
    )


class MeetingCmeView(APIView):
    """The meeting's continuing-education credit, your attestation, and whether you may attest now. PUT (the
    board's coordinators): this meeting's own credit hours instead of the board's."""

    @extend_schema(parameters=[MEETING_ID], responses={200: CmeStateSerializer, 404: NOT_FOUND})
    def get(self, request, meeting_id):
        meeting = _meeting(request.user, meeting_id)
        return Response(CmeStateSerializer(cme.cme_state(request.user, meeting)).data)

    @extend_schema(
        parameters=[MEETING_ID],
        request=MeetingCreditSerializer,
        responses={200: CmeStateSerializer, 409: OpenApiResponse(description="The meeting is cancelled."), **ERRORS},
    )
    def put(self, request, meeting_id):
        meeting = _meeting(request.user, meeting_id)
        params = MeetingCreditSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        meeting = cme.meeting_credit_set(user=request.user, meeting=meeting, hours=params.validated_data["hours"])
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


def certificate_download(user, attestation):
    """The user's certificate of ``attestation`` (one of theirs), audited as a download."""
    meeting = attestation.attendance.meeting
    return audited_download(
        user=user,
        obj=attestation,
        file=ContentFile(cme.render_certificate_pdf(attestation)),
        filename=f"cme-certificate-{meeting.starts_at:%Y-%m-%d}.pdf",
        content_type="application/pdf",
    )


class MyAttestationsView(ListAPIView):
    """Your CME attestations, latest meeting first, each with its certificate's URL."""

    serializer_class = MyAttestationSerializer
    filterset_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CmeAttestation.objects.none()
        return cme.attestations_of(self.request.user)


ATTESTATION_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The attestation's id")


class AttestationCertificateView(APIView):
    """Your certificate of attendance (PDF): your name, the activity, the date, the hours you claimed, the
    accrediting body and the activity id; no patient data. Only your own attestations' (404 otherwise)."""

    @extend_schema(
        parameters=[ATTESTATION_ID], responses={(200, "application/pdf"): OpenApiTypes.BINARY, 404: NOT_FOUND}
    )
    def get(self, request, id):
        attestation = cme.attestations_of(request.user).filter(public_id=id).first()
        if attestation is None:
            raise NotFound()
        return certificate_download(request.user, attestation)


class RosterPeriodSerializer(serializers.Serializer):
    to = serializers.DateField(required=False, help_text="The period's last day (the board's time zone), inclusive; "
                               "default today.")  # fmt: skip

    def get_fields(self):
        fields = super().get_fields()  # ``from`` is a Python keyword: added here rather than declared
        fields["from"] = serializers.DateField(
            required=False, help_text="The period's first day, inclusive; default a year before `to` (at most 366 "
            "days in all)."
        )  # fmt: skip
        return fields


class RosterPersonSerializer(serializers.Serializer):
    name = StrictCharField(source="user.name")
    institution = StrictCharField(source="user.institution.name", default="")
    specialty = StrictCharField(source="user.specialty")
    checked_in_at = serializers.DateTimeField(allow_null=True)
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
    guests = RosterPersonSerializer(
        many=True, help_text="Remote guests (second-opinion requesters) who joined, apart; they do not attest."
    )


class RosterSerializer(serializers.Serializer):
    board = serializers.UUIDField(source="board.public_id")
    title = StrictCharField()
    start = serializers.DateField(allow_null=True, help_text="The period's first day (null for one meeting).")
    end = serializers.DateField(allow_null=True)
    meetings = RosterMeetingSerializer(many=True)


def roster_download(user, roster: cme.Roster, kind: str):
    """The roster as a CSV or PDF file, audited as a download of each meeting it covers (of the board when none)."""
    content = cme.roster_csv(roster) if kind == "csv" else cme.render_roster_pdf(roster)
    covered = [row.meeting for row in roster.meetings] or [roster.board]
    return audited_download(
        user=user,
        obj=covered[0],
        holds=covered[1:],
        file=ContentFile(content),
        filename=f"{roster.filename}.{kind}",
        content_type="text/csv; charset=utf-8" if kind == "csv" else "application/pdf",
    )


FORMATS = {
    "json": {200: RosterSerializer},
    "csv": {(200, "text/csv"): OpenApiTypes.BINARY},
    "pdf": {(200, "application/pdf"): OpenApiTypes.BINARY},
}
ROSTER_HELP = (
    "The CME attendance roster for the accreditor (the board's coordinators; 403 for its other members): everyone "
    "who checked in, members and guests apart, with check-in time, specialty and, for members, whether they "
    "attested and for how many hours. `roster/` answers JSON, `roster.csv` and `roster.pdf` the files (downloads "
    "audited)."
)


def _answer(request, roster: cme.Roster, kind: str):
    if kind == "json":
        return Response(RosterSerializer(roster).data)
    return roster_download(request.user, roster, kind)


def meeting_roster_view(kind: str):
    class MeetingRosterView(APIView):
        @extend_schema(
            parameters=[MEETING_ID],
            responses={**FORMATS[kind], 403: ERRORS[403], 404: NOT_FOUND},
            summary=f"The meeting's CME attendance roster ({kind.upper()})",
            description=ROSTER_HELP,
        )
        def get(self, request, meeting_id):
            roster = cme.cme_roster(request.user, meeting=_meeting(request.user, meeting_id))
            return _answer(request, roster, kind)

    MeetingRosterView.__name__ = f"MeetingRoster{kind.title()}View"
    return MeetingRosterView


BOARD_ID = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="The board's id")


def board_roster_view(kind: str):
    class BoardRosterView(APIView):
        @extend_schema(
            parameters=[BOARD_ID, RosterPeriodSerializer],
            responses={**FORMATS[kind], **ERRORS},
            summary=f"The CME attendance roster of the board's meetings held in a period ({kind.upper()})",
            description=ROSTER_HELP,
        )
        def get(self, request, id):
            board = get_object_or_404(boards_visible_to(request.user), public_id=id)
            params = RosterPeriodSerializer(data=request.query_params.dict())  # an empty value is invalid, not absent
            params.is_valid(raise_exception=True)
            start, end = cme.period_or_default(
                board, params.validated_data.get("from"), params.validated_data.get("to")
            )
            return _answer(request, cme.cme_roster(request.user, board=board, start=start, end=end), kind)

    BoardRosterView.__name__ = f"BoardRoster{kind.title()}View"
    return BoardRosterView
