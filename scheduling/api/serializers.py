from rest_framework import serializers

from scheduling.models import Board, Meeting


class BoardSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    institution = serializers.SlugRelatedField(slug_field="public_id", read_only=True)
    disease_sites = serializers.ListField(child=serializers.CharField(), read_only=True)
    required_specialties = serializers.ListField(child=serializers.CharField(), read_only=True)

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
    video_url = serializers.URLField(source="effective_video_url", read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id", "board", "board_name", "starts_at", "ends_at", "status", "video_url", "capacity_minutes",
            "allocated_minutes",
        ]  # fmt: skip
