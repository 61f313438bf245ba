from django.utils import timezone
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers

from cases.codes import DiseaseSite
from scheduling.api.agenda import QuorumSerializer
from scheduling.models import Board, Meeting
from scheduling.quorum import meeting_quorum
from specialists.models import BoardRole, Specialty
from tumorboard.api.fields import ModelSerializer, StrictCharField


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$", "example": "07:30"}
)
class LocalTimeField(serializers.TimeField):
    """A wall-clock time in the board's timezone, without a UTC offset: not an RFC 3339 ``time``."""


class BoardSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    institution = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    disease_sites = serializers.ListField(
        child=serializers.ChoiceField(choices=DiseaseSite.choices), max_length=len(DiseaseSite), required=False
    )
    required_specialties = serializers.ListField(
        child=serializers.ChoiceField(choices=Specialty.choices), max_length=len(Specialty), required=False
    )
    duration_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False)
    minutes_per_case = serializers.IntegerField(min_value=1, max_value=24 * 60, required=False)
    submission_cutoff_hours = serializers.IntegerField(min_value=0, max_value=24 * 60, required=False)
    recurrence = StrictCharField(max_length=500, required=False, allow_blank=True)
    timezone = StrictCharField(max_length=64, required=False)
    start_time = LocalTimeField(required=False, help_text="Local time in the board's timezone, HH:MM[:SS].")
    cme_hours = serializers.DecimalField(
        max_digits=4,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        required=False,
        help_text="Continuing-education credit hours each meeting carries, in quarter hours; null: none offered.",
    )
    cme_accrediting_body = StrictCharField(max_length=200, required=False, allow_blank=True)
    cme_activity_id = StrictCharField(max_length=100, required=False, allow_blank=True)

    class Meta:
        model = Board
        fields = [
            "id", "name", "institution", "disease_sites", "required_specialties", "recurrence", "timezone",
            "start_time", "duration_minutes", "minutes_per_case", "submission_cutoff_hours", "video_url",
            "cme_hours", "cme_accrediting_body", "cme_activity_id",
        ]  # fmt: skip
        # uniqueness per institution is checked by the service, with the institution it knows
        validators: list = []

    def validate_disease_sites(self, value):
        return sorted(set(value), key=DiseaseSite.values.index)

    def validate_required_specialties(self, value):
        return sorted(set(value), key=Specialty.values.index)


class BoardMemberSerializer(serializers.Serializer):
    """A member of a board: who, their specialty and their role on this board."""

    user = serializers.UUIDField(source="user.public_id", read_only=True)
    name = StrictCharField(source="user.name", read_only=True)
    specialty = serializers.CharField(source="user.specialty", read_only=True)
    role = serializers.ChoiceField(choices=BoardRole.choices)


class MeetingSerializer(ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    board = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    board_name = StrictCharField(source="board.name", read_only=True)
    video_url = serializers.URLField(source="effective_video_url", read_only=True, allow_blank=True)
    quorum = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id", "board", "board_name", "starts_at", "ends_at", "status", "video_url", "capacity_minutes",
            "allocated_minutes", "one_off", "quorum",
        ]  # fmt: skip

    @extend_schema_field(QuorumSerializer)
    def get_quorum(self, meeting: Meeting) -> dict:
        return meeting_quorum(meeting, meeting.attendances.all()).as_dict()


class MeetingCreateSerializer(serializers.Serializer):
    board = serializers.UUIDField()
    starts_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField(required=False, min_value=1, max_value=24 * 60)

    def validate_starts_at(self, value):
        if value <= timezone.now():
            raise serializers.ValidationError("A meeting is scheduled in the future.")
        return value


class GenerateMeetingsSerializer(serializers.Serializer):
    until = serializers.DateField(help_text="Generate meetings up to this date (inclusive), at most two years ahead.")

    def validate_until(self, value):
        if value < timezone.localdate():
            raise serializers.ValidationError("This date has passed: meetings are generated from today on.")
        return value


class GenerateMeetingsResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    meetings = serializers.IntegerField(help_text="Scheduled meetings of the board from now up to `until`.")


class ReasonSerializer(serializers.Serializer):
    reason = StrictCharField(required=False, allow_blank=True, max_length=4000, default="")


class MeetingActionSerializer(serializers.Serializer):
    """What a meeting action reads: the view reads every action's body with this, the service decides what each
    needs (so that a 403 stays a 403 and a repeat stays a no-op)."""

    reason = StrictCharField(required=False, allow_blank=True, max_length=4000, default="")
    confirm = serializers.BooleanField(required=False, default=False)


@extend_schema_field({"type": "boolean", "enum": [True]})
class TrueField(serializers.BooleanField):
    """A confirmation: only ``true`` is accepted (the service answers 400 otherwise)."""


@extend_schema_field({"type": "boolean", "enum": [False]})
class FalseField(serializers.BooleanField):
    """No confirmation given (documented as ``false``; the service decides whether one is needed)."""


class MeetingStartPlainSerializer(serializers.Serializer):
    """A start as planned: on the meeting's day with its quorum (otherwise 409 ``start_needs_confirmation``)."""

    confirm = FalseField(required=False, default=False, help_text="Not confirmed: the start must be safe as it is.")
    reason = StrictCharField(required=False, allow_blank=True, max_length=4000, default="")


class MeetingStartConfirmedSerializer(serializers.Serializer):
    """A confirmed start: before the meeting's day or with its quorum missing, with the reason kept."""

    confirm = TrueField(help_text="Start anyway although the meeting's day has not come or its quorum is missing.")
    reason = StrictCharField(max_length=4000, help_text="Why the meeting starts anyway; kept with the transition.")


MEETING_START_BODY = PolymorphicProxySerializer(
    component_name="MeetingStart",
    serializers=[MeetingStartPlainSerializer, MeetingStartConfirmedSerializer],
    resource_type_field_name=None,
)


class MeetingCancelSerializer(serializers.Serializer):
    confirm = TrueField(help_text="Must be true: the invitees are told and the agenda rolls over.")
    reason = StrictCharField(max_length=4000, help_text="Why the meeting is cancelled (told to the invitees).")
