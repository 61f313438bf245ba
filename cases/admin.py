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
from tumorboard.audit import audit_read


class ReadOnly:
    """The clinical records are changed through the services (the pages and the API), which check the rules and
    write the audit rows; the admin shows them and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedReadOnly(ReadOnly):
    """Reading patient data in the admin is audited like anywhere else: an opened record, and the records a search
    finds (a search by MRN is a search of patients)."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, object_id)
        if obj is not None and response.status_code == 200:
            audit_read(user=request.user, objects=[obj], detail={"view": "admin"})
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and changelist.query:
            audit_read(user=request.user, objects=list(changelist.result_list), detail={"view": "admin search"})
        return response


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
