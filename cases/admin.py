"""Admin for cases: read-only. Every change goes through the services (pages, API, tasks), which check the rules and
write the audit rows; reading patient data here is audited too."""

from django.contrib import admin

from cases.models import (
    Biomarker,
    Case,
    CaseTransition,
    ChangeRecord,
    Comment,
    Document,
    FollowUp,
    Medication,
    Patient,
    Pharmacogenomic,
    Plan,
    PlanComponent,
    ProfileRevision,
    Review,
)
from tumorboard.admin import AuditedReadOnly, ReadOnly


@admin.register(Patient)
class PatientAdmin(AuditedReadOnly, admin.ModelAdmin):
    list_display = ["public_id", "institution", "mrn", "sex"]
    list_filter = ["institution", "sex"]
    search_fields = ["mrn"]


class BiomarkerInline(ReadOnly, admin.TabularInline):
    model = Biomarker


class PharmacogenomicInline(ReadOnly, admin.TabularInline):
    model = Pharmacogenomic


class MedicationInline(ReadOnly, admin.TabularInline):
    model = Medication


class TransitionInline(ReadOnly, admin.TabularInline):
    model = CaseTransition
    fields = readonly_fields = ["from_status", "to_status", "action", "by", "at", "reason"]


@admin.register(Case)
class CaseAdmin(AuditedReadOnly, admin.ModelAdmin):
    list_display = ["public_id", "institution", "board", "primary_site", "status", "urgency", "created_at"]
    list_filter = ["status", "primary_site", "urgency", "board", "institution"]
    search_fields = ["public_id", "patient__mrn"]
    inlines = [BiomarkerInline, PharmacogenomicInline, MedicationInline, TransitionInline]


@admin.register(Document)
class DocumentAdmin(AuditedReadOnly, admin.ModelAdmin):
    list_display = ["public_id", "case", "kind", "date", "size", "sha256"]
    list_filter = ["kind"]


@admin.register(Comment)
class CommentAdmin(AuditedReadOnly, admin.ModelAdmin):
    list_display = ["public_id", "case", "author", "specialty", "kind", "created_at"]
    list_filter = ["kind", "specialty"]


class PlanComponentInline(ReadOnly, admin.TabularInline):
    model = PlanComponent


@admin.register(Plan)
class PlanAdmin(AuditedReadOnly, admin.ModelAdmin):
    list_display = ["public_id", "case", "kind", "version", "intent", "consensus", "quorum_met", "created_at"]
    list_filter = ["kind", "intent", "consensus"]
    inlines = [PlanComponentInline]


class ProfileRevisionInline(ReadOnly, admin.TabularInline):
    model = ProfileRevision
    fields = ["field", "original", "revised", "reason", "at"]


@admin.register(Review)
class ReviewAdmin(AuditedReadOnly, admin.ModelAdmin):
    list_display = ["public_id", "case", "kind", "author", "created_at"]
    list_filter = ["kind"]
    inlines = [ProfileRevisionInline]


@admin.register(ChangeRecord)
class ChangeRecordAdmin(AuditedReadOnly, admin.ModelAdmin):
    list_display = ["public_id", "case", "board", "basis", "changed", "decided_at"]
    list_filter = ["basis", "changed", "board"]


@admin.register(FollowUp)
class FollowUpAdmin(AuditedReadOnly, admin.ModelAdmin):
    list_display = ["public_id", "case", "plan", "implemented", "reason", "created_at"]
    list_filter = ["implemented", "reason"]
