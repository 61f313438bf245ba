"""The shared kernel's models: the abstract base every domain model uses, the audit log, notifications."""

import uuid

from django.conf import settings
from django.db import models


class BaseModel(models.Model):
    """Integer primary key inside, a UUID ``public_id`` outside, and creation/update timestamps."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditAction(models.TextChoices):
    LIST = "list", "List"
    READ = "read", "Read"
    CREATE = "create", "Create"
    UPDATE = "update", "Update"
    DELETE = "delete", "Delete"
    TRANSITION = "transition", "Transition"
    DOWNLOAD = "download", "Download"
    SEARCH = "search", "Search"
    SIGN_IN = "sign_in", "Sign-in"
    LOCKOUT = "lockout", "Sign-in locked"
    TOKEN_REVOKE = "token_revoke", "Token revoked"


class AuditEvent(models.Model):
    """One access to patient data or one write. Append-only: on PostgreSQL a trigger refuses UPDATE/DELETE.

    On PostgreSQL the table is partitioned by month of ``at`` (tumorboard/database.py), its primary key (id, at);
    ``id`` stays unique (one sequence) and the ORM's key."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    # No foreign-key constraints in the database (issue 20): each would check every row a read inserts and lock its
    # user and patient rows (7 ms for a page of fifty under load). The ORM still protects them (PROTECT), and a row
    # outlives what it names in an archive anyway; the patient's column is indexed with ``at`` below.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        db_constraint=False,
    )
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64, blank=True)
    patient = models.ForeignKey(
        "cases.Patient",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        db_constraint=False,
        db_index=False,
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]), models.Index(fields=["patient", "at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.user_id} {self.action} {self.object_type} {self.object_id}"


class AuditArchive(models.Model):
    """One month of the audit log moved out of the database (``manage.py audit_archive``): the partition's rows in a
    compressed file, how many, the file's SHA-256, and who archived it when. The trail is kept, not lost."""

    month = models.DateField(unique=True, help_text="The first day of the month archived.")
    rows = models.PositiveBigIntegerField()
    path = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    archived_at = models.DateTimeField(auto_now_add=True)
    archived_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.rows} rows, {self.path}"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Notification(BaseModel):
    """An e-mail to one user, kept as a row so a sweep can send what a lost task message left unsent.

    Subject and body carry links and ids only, never patient data.
    """

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=64)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    status = models.CharField(max_length=16, choices=NotificationStatus.choices, default=NotificationStatus.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.status})"
