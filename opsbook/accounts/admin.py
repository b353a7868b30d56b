from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, Customer, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "display_name", "role", "team", "customer", "is_active"]
    list_filter = ["role", "team", "is_active"]
    readonly_fields = ["invited_at"]
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        (
            "Opsbook",
            {
                "fields": [
                    "display_name",
                    "role",
                    "team",
                    "customer",
                    "phone",
                    "capacity_hours",
                    "invited_at",
                    "language",
                    "time_zone",
                ]
            },
        ),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "lead"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_active"]
    search_fields = ["code", "name"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["hint", "user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "digest", "hint", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        # A token is shown once when it is made, which `opsbook token create` does; an admin
        # form would store a row with no usable secret.
        return False
