"""Telemedicine second opinions (SPEC §5.5): a community hospital's request to an academic board, its
transitions (who, when, why: the turnaround clock), and the reports sent back."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.codes import SECOND_OPINION_OPEN, PacketStatus, SecondOpinionStatus, Urgency
from cases.models.case import Case
from tumorboard.models import BaseModel


class SecondOpinion(BaseModel):
    """One request. The case stays owned by the requesting institution; routing sets the target board
    (and the case's board, which is what lets that board's members see the case)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="second_opinions")
    requesting_institution = models.ForeignKey(
        "specialists.Institution", on_delete=models.PROTECT, related_name="second_opinions_requested"
    )
    target_institution = models.ForeignKey(
        "specialists.Institution", on_delete=models.PROTECT, related_name="second_opinions_received"
    )
    board = models.ForeignKey(
        "scheduling.Board", null=True, blank=True, on_delete=models.PROTECT, related_name="second_opinions"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    questions = models.JSONField(default=list)
    urgency = models.CharField(max_length=8, choices=Urgency.choices, default=Urgency.ROUTINE)
    status = models.CharField(max_length=16, choices=SecondOpinionStatus.choices, default=SecondOpinionStatus.REQUESTED)
    due_at = models.DateTimeField(null=True, blank=True)
    meeting = models.ForeignKey(
        "scheduling.Meeting",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Proposed by routing; once scheduled, the meeting holding the case's slot.",
    )
    routed_at = models.DateTimeField(null=True, blank=True)
    routing_note = models.TextField(blank=True)
    report_sent_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["board", "status"]),
            models.Index(fields=["requesting_institution", "status"]),
            models.Index(fields=["target_institution", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status__in=sorted(SECOND_OPINION_OPEN)),
                name="one_open_second_opinion_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"Second opinion {self.public_id}"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id


class SecondOpinionTransition(models.Model):
    """A row per step of a request (status changes and routing): who, when, and the message or reason."""

    request = models.ForeignKey(SecondOpinion, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=SecondOpinionStatus.choices)
    to_status = models.CharField(max_length=16, choices=SecondOpinionStatus.choices)
    action = models.CharField(max_length=32)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status} ({self.action})"


def _report_pdf_path(instance: "SecondOpinionReport", filename: str) -> str:
    return f"reports/{uuid.uuid4().hex}.pdf"


class SecondOpinionReport(BaseModel):
    """The letter for one board plan: built by a task (a row with a status, so a sweep finishes lost work),
    canonical JSON plus a PDF rendered from a template. A later board plan makes a new version."""

    request = models.ForeignKey(SecondOpinion, on_delete=models.CASCADE, related_name="reports")
    plan = models.ForeignKey("cases.Plan", on_delete=models.PROTECT, related_name="+")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=PacketStatus.choices, default=PacketStatus.PENDING)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    content = models.JSONField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    pdf = models.FileField(upload_to=_report_pdf_path, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["request_id", "-version"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.UniqueConstraint(fields=["request", "version"], name="unique_report_version"),
            models.UniqueConstraint(fields=["request", "plan"], name="one_report_per_board_plan"),
        ]

    def __str__(self) -> str:
        return f"Report v{self.version} of {self.request}"

    @property
    def audit_patient_id(self) -> int:
        return self.request.case.patient_id
