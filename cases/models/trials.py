"""An institution's own clinical trials (issue 21 item 2): what its coordinators keep so that the cases its boards
discuss are screened against the studies open on site (cases/trials.py). Registries are not reachable from where the
service runs; the list is the institution's."""

from django.core.validators import MaxValueValidator
from django.db import models

from cases.codes import StageLimit, TrialPhase, TrialStatus
from tumorboard.models import BaseModel


class Trial(BaseModel):
    """One study open (or once open) at the institution, with the criteria the matcher screens.

    ``disease_sites``: case primary-site codes (empty: any site). ``required_biomarkers`` and
    ``excluded_biomarkers``: ``[{"name": "HER2", "result": "positive"}]`` with the case's biomarker codes and results.
    Every limit is optional; a limit not set is not screened."""

    institution = models.ForeignKey("specialists.Institution", on_delete=models.PROTECT, related_name="trials")
    identifier = models.CharField(max_length=32, help_text="NCT number (NCT + 8 digits) or a local study id.")
    title = models.CharField(max_length=300)
    phase = models.CharField(max_length=8, choices=TrialPhase.choices)
    status = models.CharField(max_length=16, choices=TrialStatus.choices, default=TrialStatus.OPEN)
    disease_sites = models.JSONField(default=list, blank=True)
    stage_min = models.CharField(max_length=4, choices=StageLimit.choices, blank=True)
    stage_max = models.CharField(max_length=4, choices=StageLimit.choices, blank=True)
    min_prior_lines = models.PositiveSmallIntegerField(null=True, blank=True)
    max_prior_lines = models.PositiveSmallIntegerField(null=True, blank=True)
    required_biomarkers = models.JSONField(default=list, blank=True)
    excluded_biomarkers = models.JSONField(default=list, blank=True)
    ecog_max = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(4)])
    age_min = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(120)])
    age_max = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(120)])
    contact = models.CharField(max_length=200, blank=True, help_text="The study team: name, phone or e-mail.")

    class Meta:
        ordering = ["identifier", "id"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "identifier"], name="unique_trial_per_institution"),
            models.CheckConstraint(condition=models.Q(ecog_max__lte=4), name="trial_ecog_max_0_4"),
            models.CheckConstraint(
                condition=models.Q(age_min__isnull=True)
                | models.Q(age_max__isnull=True)
                | models.Q(age_max__gte=models.F("age_min")),
                name="trial_age_range",
            ),
            models.CheckConstraint(
                condition=models.Q(min_prior_lines__isnull=True)
                | models.Q(max_prior_lines__isnull=True)
                | models.Q(max_prior_lines__gte=models.F("min_prior_lines")),
                name="trial_prior_lines_range",
            ),
        ]
        indexes = [models.Index(fields=["institution", "status"])]

    def __str__(self) -> str:
        return f"Trial {self.identifier}"
