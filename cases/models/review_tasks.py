"""Review tasks: a specialty's pre-meeting review of a case on a meeting's agenda, due by the meeting's cut-off."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.codes import REVIEW_TASK_ACTIVE, ReviewTaskStatus
from cases.models.case import Case, Comment
from cases.models.plans import Review
from specialists.models import Specialty
from tumorboard.models import BaseModel

ACTIVE = Q(status__in=sorted(REVIEW_TASK_ACTIVE))


class ReviewTask(BaseModel):
    """One specialty's review of a case for one agenda item (cases/services/review_tasks.py writes them). Assigned
    to the board's one member of the specialty, else open to all of them (claimable). Done by the matching review or
    pre-review comment; moved with the case to another meeting; cancelled when it leaves the agenda."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="review_tasks")
    agenda_item = models.ForeignKey("scheduling.AgendaItem", on_delete=models.PROTECT, related_name="review_tasks")
    specialty = models.CharField(max_length=32, choices=Specialty.choices)
    due_at = models.DateTimeField(help_text="The meeting's submission cut-off (its start when placed after it).")
    status = models.CharField(max_length=16, choices=ReviewTaskStatus.choices, default=ReviewTaskStatus.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="review_tasks"
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    review = models.ForeignKey(Review, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    comment = models.ForeignKey(Comment, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks")
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"]),
            models.Index(fields=["specialty", "status", "due_at"]),
            models.Index(fields=["status", "due_at"], condition=Q(escalated_at__isnull=True), name="task_escalation"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "specialty"], name="one_review_task_per_item_specialty"),
            models.UniqueConstraint(
                fields=["case", "specialty"], condition=ACTIVE, name="one_active_review_task_per_case_specialty"
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewTaskStatus.CLAIMED) | Q(assignee__isnull=False), name="claimed_task_assigned"
            ),
        ]

    def __str__(self) -> str:
        return f"Review task {self.public_id}"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id

    @property
    def local_due(self) -> str:
        """The due time in the board's time zone, as the meeting's start is shown: ``2026-11-22 07:00 CET``."""
        zone = ZoneInfo(self.agenda_item.meeting.board.timezone)
        return self.due_at.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")

    @property
    def is_overdue(self) -> bool:
        return self.status in REVIEW_TASK_ACTIVE and self.due_at < timezone.now()
