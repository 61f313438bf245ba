"""Admin for cases. Status changes go through the services (actions), never through a form field."""

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


@admin.register(Patient)
class PatientAdmin(admin.ModelAdmin):
    list_display = ["public_id", "institution", "mrn", "sex"]
    list_filter = ["institution", "sex"]
    search_fields = ["mrn"]


class BiomarkerInline(admin.TabularInline):
    model = Biomarker
    extra = 0


class PharmacogenomicInline(admin.TabularInline):
    model = Pharmacogenomic
    extra = 0


class MedicationInline(admin.TabularInline):
    model = Medication
    extra = 0


class TransitionInline(admin.TabularInline):
    model = CaseTransition
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "action", "by", "at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["public_id", "institution", "board", "primary_site", "status", "urgency", "created_at"]
    list_filter = ["status", "primary_site", "urgency", "board", "institution"]
    search_fields = ["public_id", "patient__mrn"]
    readonly_fields = ["status", "meeting", "submitted_at", "created_by"]
    raw_id_fields = ["patient", "treating_physician"]
    inlines = [BiomarkerInline, PharmacogenomicInline, MedicationInline, TransitionInline]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["public_id", "case", "kind", "date", "size", "sha256"]
    list_filter = ["kind"]
    readonly_fields = ["sha256", "size", "content_type", "uploaded_by"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["public_id", "case", "author", "specialty", "kind", "created_at"]
    list_filter = ["kind", "specialty"]


class ReadOnly:
    """Plans, reviews, change records and follow-ups are append-only records: shown, never changed here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlanComponentInline(ReadOnly, admin.TabularInline):
    model = PlanComponent


@admin.register(Plan)
class PlanAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["public_id", "case", "kind", "version", "intent", "consensus", "quorum_met", "created_at"]
    list_filter = ["kind", "intent", "consensus"]
    inlines = [PlanComponentInline]


class ProfileRevisionInline(ReadOnly, admin.TabularInline):
    model = ProfileRevision
    fields = ["field", "original", "revised", "reason", "at"]


@admin.register(Review)
class ReviewAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["public_id", "case", "kind", "author", "created_at"]
    list_filter = ["kind"]
    inlines = [ProfileRevisionInline]


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["public_id", "case", "board", "basis", "changed", "decided_at"]
    list_filter = ["basis", "changed", "board"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["public_id", "case", "plan", "implemented", "reason", "created_at"]
    list_filter = ["implemented", "reason"]
