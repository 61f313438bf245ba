"""Admin for cases. Status changes go through the services (actions), never through a form field."""

from django.contrib import admin

from cases.models import Biomarker, Case, CaseTransition, Comment, Document, Medication, Patient, Pharmacogenomic


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
