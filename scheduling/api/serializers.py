from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scheduling.models import Board, Meeting


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$", "example": "07:00:00"})
class LocalTimeField(serializers.TimeField):
    """A wall-clock time in the board's own timezone: no UTC offset, so not an RFC 3339 ``time``."""


class BoardSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    institution = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    disease_sites = serializers.ListField(child=serializers.CharField(), read_only=True)
    required_specialties = serializers.ListField(child=serializers.CharField(), read_only=True)
    start_time = LocalTimeField(help_text="Local time in the board's timezone.")

    class Meta:
        model = Board
        fields = [
            "id", "name", "institution", "disease_sites", "required_specialties", "recurrence", "timezone",
            "start_time", "duration_minutes", "minutes_per_case", "submission_cutoff_hours", "video_url",
        ]  # fmt: skip


class MeetingSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    board = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    board_name = serializers.CharField(source="board.name", read_only=True)
    video_url = serializers.URLField(source="effective_video_url", read_only=True, allow_blank=True)

    class Meta:
        model = Meeting
        fields = [
            "id", "board", "board_name", "starts_at", "ends_at", "status", "video_url", "capacity_minutes",
            "allocated_minutes",
        ]  # fmt: skip
