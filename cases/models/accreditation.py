"""What the accreditation report needs beyond the board's own records: the program's annual analytic caseload.

The Commission on Cancer measures a program's case conferences against its annual analytic caseload (the cases
first diagnosed and/or treated at the program in a year, as its cancer registry counts them). The registry is not
part of this service, so a coordinator enters the figure once a year (``cases.services.caseloads``).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from tumorboard.models import BaseModel


class AnnualCaseload(BaseModel):
    """An institution's annual analytic caseload for one calendar year, as its cancer registry reports it."""

    institution = models.ForeignKey("specialists.Institution", on_delete=models.PROTECT, related_name="caseloads")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(1900), MaxValueValidator(9999)])
    analytic_cases = models.PositiveIntegerField(validators=[MaxValueValidator(1_000_000)])
    note = models.CharField(max_length=500, blank=True, help_text="Where the figure comes from (registry report).")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["institution_id", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["institution", "year"], name="one_caseload_per_institution_year"),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.year}: {self.analytic_cases} analytic cases"
