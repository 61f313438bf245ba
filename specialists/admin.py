from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from specialists.models import BoardMembership, Institution, User
from tumorboard.sign_in import sign_in_unlock


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


class MembershipInline(admin.TabularInline):
    model = BoardMembership
    extra = 0
    autocomplete_fields = ["board"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "institution", "specialty", "is_staff"]
    list_filter = ["institution", "specialty", "is_staff", "is_superuser"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Tumor board", {"fields": ("institution", "specialty")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("Tumor board", {"fields": ("institution", "specialty")}))
    inlines = [MembershipInline]
    actions = ["unlock_sign_in"]

    @admin.action(description="Unlock sign-in (after too many failed attempts)")
    def unlock_sign_in(self, request, queryset):
        for user in queryset:
            sign_in_unlock(user.username)
        self.message_user(request, f"Sign-in unlocked for {queryset.count()} user(s).")


@admin.register(BoardMembership)
class BoardMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "board", "role"]
    list_filter = ["role", "board"]
    autocomplete_fields = ["user", "board"]
