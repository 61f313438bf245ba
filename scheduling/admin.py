from django.contrib import admin

from scheduling.models import Board, Meeting


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "institution", "timezone", "start_time", "duration_minutes"]
    list_filter = ["institution"]
    search_fields = ["name"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["board", "starts_at", "status", "capacity_minutes", "allocated_minutes"]
    list_filter = ["status", "board"]
    date_hierarchy = "starts_at"
