"""What the board does with a case (SPEC §5.4): specialty reviews and the profile revisions they make,
immutable plan versions, the change records measured between them, and follow-through."""

from django.conf import settings
from django.db import models

from cases.codes import (
    ChangeBasis,
    ChangeCategory,
    Consensus,
    Implemented,
    Modality,
    NotImplementedReason,
    PlanKind,
    ReviewKind,
    TreatmentIntent,
)
from cases.models.case import Case
from cases.models.trials import Trial
from specialists.models import Specialty
from tumorboard.models import BaseModel


class Review(BaseModel):
    """A structured specialty review of a case. Immutable; a re-read may revise the profile (``revisions``)."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=24, choices=ReviewKind.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews")
    specialty = models.CharField(max_length=32, choices=Specialty.choices)
    findings = models.TextField()
    recommendation = models.TextField(blank=True)

    class Meta:
        ordering = ["case_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} review {self.public_id}"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id


class RevisedField(models.TextChoices):
    HISTOLOGY = "histology", "Histology"
    GRADE = "grade", "Grade"
    CLINICAL_T = "clinical_t", "Clinical T"
    CLINICAL_N = "clinical_n", "Clinical N"
    CLINICAL_M = "clinical_m", "Clinical M"
    PATHOLOGICAL_T = "pathological_t", "Pathological T"
    PATHOLOGICAL_N = "pathological_n", "Pathological N"
    PATHOLOGICAL_M = "pathological_m", "Pathological M"
    STAGE_GROUP = "stage_group", "Stage group"


PATHOLOGY_FIELDS = frozenset({RevisedField.HISTOLOGY, RevisedField.GRADE})
STAGING_FIELDS = frozenset(RevisedField.values) - PATHOLOGY_FIELDS


class ProfileRevision(models.Model):
    """One value of the case's profile a review revised: the original is kept, with who (the review's
    author) and why. The case holds the revised value from then on."""

    review = models.ForeignKey(Review, on_delete=models.PROTECT, related_name="revisions")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="profile_revisions")
    field = models.CharField(max_length=16, choices=RevisedField.choices)
    original = models.CharField(max_length=200, blank=True)
    revised = models.CharField(max_length=200)
    reason = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case_id", "at", "id"]
        constraints = [models.UniqueConstraint(fields=["review", "field"], name="one_revision_per_field_per_review")]
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.field} revised"


class Plan(BaseModel):
    """An immutable version of a treatment plan: the presenter's (proposed) or the board's recommendation.

    A new version supersedes the previous one of the same kind; nothing is edited or deleted.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField(max_length=16, choices=PlanKind.choices)
    version = models.PositiveIntegerField()
    intent = models.CharField(max_length=16, choices=TreatmentIntent.choices)
    rationale = models.TextField(blank=True)
    consensus = models.CharField(max_length=16, choices=Consensus.choices, blank=True)
    dissent = models.TextField(blank=True)
    guideline = models.CharField(
        max_length=200,
        blank=True,
        help_text='Board plans: the national guideline the board discussed, with its version ("NCCN Breast v5.2024").',
    )
    specialties_present = models.JSONField(default=list, blank=True)
    meeting = models.ForeignKey(
        "scheduling.Meeting", null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    quorum_met = models.BooleanField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case_id", "kind", "version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind", "version"], name="unique_plan_version"),
            models.CheckConstraint(
                condition=~models.Q(kind="board") | ~models.Q(consensus=""), name="board_plan_has_consensus"
            ),
        ]
        indexes = [models.Index(fields=["case", "kind", "-version"])]

    def __str__(self) -> str:
        return f"{self.kind} plan v{self.version} of {self.case}"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id


class PlanComponent(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="components")
    position = models.PositiveSmallIntegerField()
    modality = models.CharField(max_length=32, choices=Modality.choices)
    detail = models.CharField(max_length=500, blank=True)
    drugs = models.JSONField(default=list, blank=True, help_text="Drug or regimen names, for systemic therapy.")
    target_auc = models.FloatField(null=True, blank=True, help_text="Carboplatin target AUC (mg/mL·min).")
    dose_mg_m2 = models.FloatField(
        null=True,
        blank=True,
        help_text="Dose per cycle (mg/m²) of the component's drug; in a regimen with an anthracycline or "
        "mitoxantrone, that drug's dose (the cumulative-dose check reads it).",
    )
    cycles = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Number of cycles planned.")
    trial = models.ForeignKey(
        Trial,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_components",
        help_text="A clinical_trial component: the institution's trial the patient is referred to.",
    )

    class Meta:
        ordering = ["plan_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="unique_component_position"),
            models.CheckConstraint(
                condition=models.Q(trial__isnull=True) | models.Q(modality="clinical_trial"),
                name="component_trial_only_for_clinical_trial",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.modality}: {self.detail}"

    @property
    def text(self) -> str:
        """The component as the pages write it: "Systemic therapy: adjuvant (carboplatin, paclitaxel; AUC 5)"."""
        extras = [", ".join(self.drugs or []), self.dosing]
        extras_text = "; ".join(e for e in extras if e)
        text = self.get_modality_display() + (f": {self.detail}" if self.detail else "")
        if self.trial_id and PlanComponent.trial.is_cached(self):  # read with its trial: no query per component
            text += f" [trial {self.trial.identifier}]"
        return f"{text} ({extras_text})" if extras_text else text

    @property
    def dosing(self) -> str:
        """What is recorded of the dose, as people write it: "AUC 5", "60 mg/m² x 4 cycles", "6 cycles"."""
        dose = f"{self.dose_mg_m2:g} mg/m²" if self.dose_mg_m2 is not None else ""
        cycles = f"{self.cycles} cycle{'s' if self.cycles != 1 else ''}" if self.cycles else ""
        course = " x ".join(part for part in (dose, cycles) if part)
        auc = f"AUC {self.target_auc:g}" if self.target_auc else ""
        return ", ".join(part for part in (auc, course) if part)


class ChangeRecord(BaseModel):
    """How a board plan differs from what it is compared with: the latest proposed plan at the time, or
    the previous board plan (one record per basis). Written once by the change-detection task.

    Each category of SPEC §5.4 is a column, so analytics count them with database aggregates.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="changes")
    board = models.ForeignKey("scheduling.Board", on_delete=models.PROTECT, related_name="plan_changes")
    basis = models.CharField(max_length=16, choices=ChangeBasis.choices)
    from_plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="changes")
    decided_at = models.DateTimeField(help_text="When the board decided: its meeting's start, else the plan's time.")
    changed = models.BooleanField()
    intent_changed = models.BooleanField(default=False)
    modality_added = models.BooleanField(default=False)
    modality_removed = models.BooleanField(default=False)
    regimen_changed = models.BooleanField(default=False)
    trial_referral = models.BooleanField(default=False)
    diagnostics_requested = models.BooleanField(default=False)
    pathology_revised = models.BooleanField(default=False)
    staging_revised = models.BooleanField(default=False)
    summary = models.TextField()

    class Meta:
        ordering = ["case_id", "-decided_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["to_plan", "basis"], name="one_change_record_per_basis"),
            models.CheckConstraint(
                condition=models.Q(basis="none", from_plan__isnull=True)
                | (~models.Q(basis="none") & models.Q(from_plan__isnull=False)),
                name="change_record_basis_matches_from_plan",
            ),
        ]
        indexes = [models.Index(fields=["board", "decided_at"]), models.Index(fields=["basis", "decided_at"])]

    def __str__(self) -> str:
        return f"Change record {self.public_id}"

    @property
    def categories(self) -> list[str]:
        return [c for c in ChangeCategory.values if getattr(self, c)]

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id


class FollowUp(BaseModel):
    """Whether a board recommendation was carried out, recorded after the fact; a later row supersedes."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="follow_ups")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="follow_ups")
    implemented = models.CharField(max_length=8, choices=Implemented.choices)
    reason = models.CharField(max_length=24, choices=NotImplementedReason.choices, blank=True)
    note = models.TextField(blank=True)
    enrolled_trial = models.ForeignKey(
        Trial,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="enrolments",
        help_text="The patient enrolled in this trial, one the plan referred them to (the trial's enrolment record).",
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["case_id", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(implemented="yes", reason="")
                | (~models.Q(implemented="yes") & ~models.Q(reason="")),
                name="follow_up_reason_iff_not_implemented",
            ),
        ]
        indexes = [models.Index(fields=["case", "-created_at"])]

    def __str__(self) -> str:
        return f"Follow-up {self.public_id}"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id


class FollowUpReminder(models.Model):
    """The board's navigators were told that this board plan has no follow-up yet: sent once per plan."""

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="follow_up_reminder")
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Follow-up reminder for plan {self.plan_id}"
