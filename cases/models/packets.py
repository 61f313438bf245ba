"""A case's packet: the build state a user waits for, and the immutable built versions."""

import uuid

from django.db import models

from cases.codes import PacketStatus
from cases.models.case import Case
from tumorboard.models import BaseModel


class Packet(BaseModel):
    """The state of a case's packet: what a user waits for, as a row, so a sweep can finish lost work.

    The built content lives in immutable ``PacketVersion`` rows; ``version`` points at the latest.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="packet")
    status = models.CharField(max_length=16, choices=PacketStatus.choices, default=PacketStatus.PENDING)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    version = models.ForeignKey("PacketVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"Packet of {self.case} ({self.status})"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id


def _packet_pdf_path(instance: "PacketVersion", filename: str) -> str:
    return f"packets/{uuid.uuid4().hex}.pdf"


class PacketVersion(BaseModel):
    """One built packet: canonical JSON, its SHA-256 and the PDF rendered from the same template."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="packet_versions")
    version = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.JSONField()
    pdf = models.FileField(upload_to=_packet_pdf_path, blank=True)
    built_at = models.DateTimeField()

    class Meta:
        ordering = ["case_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="unique_packet_version"),
        ]

    def __str__(self) -> str:
        return f"Packet v{self.version} of {self.case}"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id


def _meeting_packet_pdf_path(instance: "MeetingPacket", filename: str) -> str:
    return f"meeting-packets/{uuid.uuid4().hex}.pdf"


class MeetingPacket(BaseModel):
    """The meeting's packet: one PDF of every case on its agenda, in agenda order, after a cover page. The row a
    user waits on (a build of cases/builds.py); each build whose content differs from the last is a new version,
    whose PDF replaces the previous one (a failed build keeps the last good PDF)."""

    meeting = models.OneToOneField("scheduling.Meeting", on_delete=models.CASCADE, related_name="packet")
    status = models.CharField(max_length=16, choices=PacketStatus.choices, default=PacketStatus.PENDING)
    requested_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=0, help_text="0 until the first build.")
    sha256 = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the canonical JSON of the content.")
    pdf = models.FileField(upload_to=_meeting_packet_pdf_path, blank=True)
    built_at = models.DateTimeField(null=True, blank=True)
    cases = models.ManyToManyField(Case, blank=True, related_name="+", help_text="The cases the built PDF holds.")

    class Meta:
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"Packet of {self.meeting} ({self.status})"
