"""Institutions, users with their specialty, and board membership."""

import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models

from tumorboard.models import BaseModel


class InstitutionKind(models.TextChoices):
    ACADEMIC_CENTER = "academic_center", "Academic center"
    COMMUNITY_HOSPITAL = "community_hospital", "Community hospital"


class Specialty(models.TextChoices):
    MEDICAL_ONCOLOGY = "medical_oncology", "Medical oncology"
    SURGICAL_ONCOLOGY = "surgical_oncology", "Surgical oncology"
    RADIATION_ONCOLOGY = "radiation_oncology", "Radiation oncology"
    PATHOLOGY = "pathology", "Pathology"
    RADIOLOGY = "radiology", "Radiology"
    GENETICS = "genetics", "Genetics"
    PALLIATIVE_CARE = "palliative_care", "Palliative care"
    NURSE_NAVIGATION = "nurse_navigation", "Nurse navigation"


class BoardRole(models.TextChoices):
    MEMBER = "member", "Member"
    CHAIR = "chair", "Chair"
    COORDINATOR = "coordinator", "Coordinator"


class Institution(BaseModel):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=InstitutionKind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person using the service. Belongs to one institution; specialists carry one specialty."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    specialty = models.CharField(max_length=32, choices=Specialty.choices, blank=True)

    class Meta:
        ordering = ["username"]
        indexes = [models.Index(fields=["institution", "specialty"])]

    @property
    def name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_referrer(self) -> bool:
        """A community-hospital user: submits cases for second opinions."""
        return self.institution_id is not None and self.institution.kind == InstitutionKind.COMMUNITY_HOSPITAL


class BoardMembership(BaseModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    board = models.ForeignKey("scheduling.Board", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=BoardRole.choices, default=BoardRole.MEMBER)

    class Meta:
        ordering = ["board_id", "user_id"]
        constraints = [models.UniqueConstraint(fields=["user", "board"], name="unique_board_membership")]

    def __str__(self) -> str:
        return f"{self.user} — {self.board} ({self.role})"
