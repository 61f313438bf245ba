"""Where a case's facts came from: one row per import from the record (a FHIR bundle), holding what it wrote."""

from django.conf import settings
from django.db import models

from cases.models.case import Case
from tumorboard.models import BaseModel


class CaseImport(BaseModel):
    """One import of a case's facts from the record. ``facts`` holds each fact as the import read it (JSON form:
    the case's field names, ``biomarkers`` by name), so that the next import of the same patient's cancer can tell a
    fact the record brought, which it may update, from one a person changed by hand since, which it keeps."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="imports")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.BooleanField(help_text="Whether this import created the case.")
    facts = models.JSONField(default=dict)
    changed = models.JSONField(default=list, help_text="The facts this import wrote.")
    kept = models.JSONField(default=list, help_text="The facts it left as entered by hand.")
    warning_count = models.PositiveIntegerField(default=0)
    bundle_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Import {self.public_id}"

    @property
    def audit_patient_id(self) -> int:
        return self.case.patient_id
