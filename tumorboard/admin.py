"""The kernel's admin: the audit log and notifications, and the bases the apps' admins of patient data build on."""

from django.contrib import admin

from tumorboard.models import AuditArchive, AuditEvent, Notification
from tumorboard.reads import audited_read


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
    """Reading patient data in the admin is audited like anywhere else, through tumorboard.reads: an opened record,
    and the records a search finds (a search by MRN is a search of patients)."""

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, object_id)
        if obj is not None and response.status_code == 200:
            audited_read([obj], user=request.user, view="admin")
        return response

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None and changelist.query:
            audited_read(changelist.result_list, user=request.user, view="admin search")
        return response


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the audit log is append-only."""

    list_display = ["at", "user", "action", "object_type", "object_id", "patient", "ip", "request_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "request_id", "user__username"]
    list_select_related = ["user", "patient"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditArchive)
class AuditArchiveAdmin(ReadOnly, admin.ModelAdmin):
    """The audit log's archived months (manage.py audit_archive): what was moved out, where, and its hash."""

    list_display = ["month", "rows", "path", "sha256", "archived_at", "archived_by"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "status", "sent_at"]
    list_filter = ["status", "kind"]
    readonly_fields = ["recipient", "kind", "subject", "body", "status", "sent_at", "error"]
