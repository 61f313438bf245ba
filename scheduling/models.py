"""Boards and their meetings. Scheduling behaviour (recurrence, agendas, attendance) builds on these."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from cases.codes import DiseaseSite
from specialists.models import Specialty
from tumorboard.models import BaseModel


class Board(BaseModel):
    """A standing multidisciplinary tumor board of one institution."""

    name = models.CharField(max_length=200)
    institution = models.ForeignKey("specialists.Institution", on_delete=models.PROTECT, related_name="boards")
    disease_sites = models.JSONField(default=list, help_text=f"Codes from: {', '.join(DiseaseSite.values)}")
    required_specialties = models.JSONField(default=list, help_text=f"Codes from: {', '.join(Specialty.values)}")
    recurrence = models.CharField(max_length=500, blank=True, help_text="RFC 5545 RRULE, e.g. FREQ=WEEKLY;BYDAY=TU")
    timezone = models.CharField(max_length=64, default="UTC", help_text="IANA time zone, e.g. Europe/Paris")
    start_time = models.TimeField(default=datetime.time(7, 0))
    duration_minutes = models.PositiveIntegerField(default=60, validators=[MinValueValidator(1)])
    minutes_per_case = models.PositiveIntegerField(default=10, validators=[MinValueValidator(1)])
    submission_cutoff_hours = models.PositiveIntegerField(default=48, validators=[MaxValueValidator(24 * 60)])
    video_url = models.URLField(blank=True)

    class Meta:
        ordering = ["institution_id", "name"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "name"], name="unique_board_name_per_institution"),
            models.CheckConstraint(condition=models.Q(duration_minutes__gt=0), name="board_duration_positive"),
            models.CheckConstraint(condition=models.Q(minutes_per_case__gt=0), name="board_minutes_per_case_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(BaseModel):
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    video_url = models.URLField(blank=True, help_text="Overrides the board's video URL when set.")
    capacity_minutes = models.PositiveIntegerField()
    allocated_minutes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["board", "starts_at"]), models.Index(fields=["status", "starts_at"])]
        constraints = [
            models.UniqueConstraint(fields=["board", "starts_at"], name="unique_meeting_per_board_start"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(allocated_minutes__lte=models.F("capacity_minutes")), name="meeting_not_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def effective_video_url(self) -> str:
        return self.video_url or self.board.video_url
