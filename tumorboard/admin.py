from django.contrib import admin

from tumorboard.models import AuditEvent, Notification


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


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "status", "sent_at"]
    list_filter = ["status", "kind"]
    readonly_fields = ["recipient", "kind", "subject", "body", "status", "sent_at", "error"]
