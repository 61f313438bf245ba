"""Boards and their meetings. Scheduling behaviour (recurrence, agendas, attendance) builds on these."""

import datetime
import secrets
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from specialists.models import Specialty
from tumorboard.codes import DiseaseSite
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
    # continuing-education credit offered for attending a meeting of the board (none when cme_hours is null)
    cme_hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Credit hours a meeting carries (quarter hours); empty: no credit is offered.",
    )
    cme_accrediting_body = models.CharField(max_length=200, blank=True, help_text="Who accredits the credit.")
    cme_activity_id = models.CharField(max_length=100, blank=True, help_text="The accreditor's activity id.")

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
    one_off = models.BooleanField(default=False, help_text="Created by hand, not from the board's recurrence.")
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE: bumped on every change.")
    quorum_alert_sent_at = models.DateTimeField(null=True, blank=True)
    packets_notified_at = models.DateTimeField(null=True, blank=True)
    cme_hours = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Overrides the board's credit hours for this meeting (0: no credit for it).",
    )

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

    @property
    def cme_hours_offered(self):
        """The credit hours this meeting carries: its own figure, else the board's; None or 0 when none."""
        return self.cme_hours if self.cme_hours is not None else self.board.cme_hours

    @property
    def local_start(self) -> str:
        """The start in the board's time zone, for notes and messages: ``2026-11-24 07:00 CET``."""
        return self.starts_at.astimezone(ZoneInfo(self.board.timezone)).strftime("%Y-%m-%d %H:%M %Z")


class MeetingTransition(models.Model):
    """A row per meeting status change: who, when, why."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=MeetingStatus.choices)
    to_status = models.CharField(max_length=16, choices=MeetingStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class AgendaItemStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    PRESENTED = "presented", "Presented"
    ROLLED_OVER = "rolled_over", "Rolled over"
    REMOVED = "removed", "Removed"


class AgendaItem(BaseModel):
    """A case's slot on a meeting's agenda. Rolled-over and removed items stay as history."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="agenda_items")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveIntegerField()
    minutes = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    status = models.CharField(max_length=16, choices=AgendaItemStatus.choices, default=AgendaItemStatus.SCHEDULED)
    note = models.TextField(blank=True, help_text="Why the case is on this meeting (late submission, roll-over, ...).")
    present = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    rolled_to = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="A rolled-over item: the meeting its case was rolled to (none when no meeting had room).",
    )

    class Meta:
        ordering = ["meeting_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="scheduled"),
                name="one_scheduled_agenda_item_per_case",
            ),
            models.CheckConstraint(condition=models.Q(minutes__gt=0), name="agenda_item_minutes_positive"),
        ]
        indexes = [models.Index(fields=["meeting", "status", "position"])]

    def __str__(self) -> str:
        return f"Agenda item {self.public_id}"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id

    @property
    def status_label(self) -> str:
        """The status as the pages show it; a rolled-over item names the meeting its case went to."""
        if self.status != AgendaItemStatus.ROLLED_OVER:
            return self.get_status_display()
        if self.rolled_to_id is None:
            return "Rolled over (no meeting had room then)"
        return f"Rolled over to the meeting of {self.rolled_to.local_start}"


class Rsvp(models.TextChoices):
    INVITED = "invited", "Invited"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    TENTATIVE = "tentative", "Tentative"


class Attendance(BaseModel):
    """A person invited to a meeting: their answer, and whether they checked in (in person or remote)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendances")
    rsvp = models.CharField(max_length=16, choices=Rsvp.choices, default=Rsvp.INVITED)
    responded_at = models.DateTimeField(null=True, blank=True)
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_sequence = models.PositiveIntegerField(default=0, help_text="The meeting version last e-mailed.")
    present = models.BooleanField(default=False)
    remote = models.BooleanField(default=False)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    guest_case = models.ForeignKey(
        "cases.Case",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="A remote guest (second-opinion requester) attends for this case only.",
    )

    class Meta:
        ordering = ["meeting_id", "user_id"]
        constraints = [
            # a member attends once; a remote guest once per case of theirs on the agenda
            models.UniqueConstraint(
                fields=["meeting", "user"], condition=models.Q(guest_case__isnull=True), name="unique_attendance"
            ),
            models.UniqueConstraint(
                fields=["meeting", "user", "guest_case"],
                condition=models.Q(guest_case__isnull=False),
                name="unique_guest_attendance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.meeting} ({self.rsvp})"


class CmeAttestation(BaseModel):
    """A member's attestation of attending a meeting for continuing-education credit: once per attendance, with
    the credit as offered when attested (the certificate is drawn from this row alone)."""

    attendance = models.OneToOneField(Attendance, on_delete=models.PROTECT, related_name="cme_attestation")
    hours_claimed = models.DecimalField(max_digits=4, decimal_places=2)
    hours_offered = models.DecimalField(max_digits=4, decimal_places=2)
    accrediting_body = models.CharField(max_length=200)
    activity_id = models.CharField(max_length=100)
    statement = models.TextField(help_text="The text the member attested, as shown to them.")

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours_claimed__gt=0, hours_claimed__lte=models.F("hours_offered")),
                name="cme_hours_claimed_within_offered",
            ),
        ]

    def __str__(self) -> str:
        return f"CME attestation {self.public_id}"

    @property
    def claimed_text(self) -> str:
        return hours_text(self.hours_claimed)

    @property
    def offered_text(self) -> str:
        return hours_text(self.hours_offered)


def hours_text(hours) -> str:
    """Credit hours as people write them: 1.5, 1, 0.25 (never 1.50 or 1E+1)."""
    return format(hours.normalize(), "f") if hours is not None else ""


def _feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's private iCalendar feed URL. Rotating the token revokes the old URL."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"

    def rotate(self) -> None:
        self.token = _feed_token()
        self.save(update_fields=["token"])
